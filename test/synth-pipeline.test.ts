import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { Node } from 'constructs';
import { main, synthesize } from '../stacks/main';
import { toYaml } from '../constructs/synth/manifest-files';
import { Topology, topologyMarkdown } from '../constructs/synth/topology';

// What `npm run synth` leaves behind and how much work it does, independent of timing.

const ROOT = path.resolve(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-synth-pipeline-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('npm run synth, files', () => {
  test('leaves nothing in the system temp folder (no cdk8s.outdir.* per environment)', () => {
    // A child process as `npm run synth` runs it, with its own temp folder (jest's process.env does
    // not reach os.tmpdir()).
    const tmp = fs.mkdtempSync(path.join(scratch, 'tmp-'));
    const out = fs.mkdtempSync(path.join(scratch, 'out-'));
    const r = spawnSync(process.execPath, ['-r', './scripts/ts-register.js', 'stacks/main.ts', '--dist', path.join(out, 'dist'), '--cdktf-out', path.join(out, 'cdktf.out')], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(out, 'dist')).sort()).toEqual(['dev', 'dev.contract.json', 'prod', 'prod.contract.json', 'staging', 'staging.contract.json']);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('creates output folders whose parents do not exist yet', () => {
    const out = path.join(scratch, 'nested', 'a');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(main(['--env', 'dev', '--dist', path.join(out, 'x', 'dist'), '--cdktf-out', path.join(out, 'y', 'cdktf.out')])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(fs.existsSync(path.join(out, 'x', 'dist', 'dev', 'components.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'y', 'cdktf.out', 'stacks', 'dev', 'cdk.tf.json'))).toBe(true);
  });
});

describe('npm run synth, work', () => {
  test('renders each Terraform stack once: the policy engine checks the object cdktf writes', () => {
    const render = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    const out = fs.mkdtempSync(path.join(scratch, 'render-'));
    try {
      const outputs = synthesize({ distDir: path.join(out, 'dist'), cdktfOutDir: path.join(out, 'cdktf.out'), write: true });
      expect(render).toHaveBeenCalledTimes(outputs.length);
      for (const o of outputs) {
        const written = JSON.parse(fs.readFileSync(path.join(out, 'cdktf.out', 'stacks', o.env.name, 'cdk.tf.json'), 'utf8'));
        expect(written).toEqual(o.terraform);
      }
    } finally {
      render.mockRestore();
    }
  });

  test('runs each validation once: every construct of both planes is validated once per synth', () => {
    const validate = jest.spyOn(Node.prototype, 'validate');
    const out = fs.mkdtempSync(path.join(scratch, 'validate-'));
    try {
      synthesize({ distDir: path.join(out, 'dist'), cdktfOutDir: path.join(out, 'cdktf.out'), write: true });
      // Construct paths per app (each environment has its own cdk8s App; cdktf's App holds every stack).
      const validated = new Map<unknown, string[]>();
      for (const node of validate.mock.contexts as Node[]) validated.set(node.root, [...(validated.get(node.root) ?? []), node.path]);
      const repeated = [...validated.values()].flatMap((paths) => paths.filter((p, i) => paths.indexOf(p) !== i));
      expect(repeated).toEqual([]);
      expect(validated.size).toBe(4);
      expect(validate.mock.contexts.length).toBeGreaterThan(500);
    } finally {
      validate.mockRestore();
    }
  });

  test("no locale-dependent sort: String.prototype.localeCompare is never called (it orders by the machine's locale and loads ICU's collator)", () => {
    const localeCompare = jest.spyOn(String.prototype, 'localeCompare');
    const out = fs.mkdtempSync(path.join(scratch, 'locale-'));
    try {
      const outputs = synthesize({ distDir: path.join(out, 'dist'), cdktfOutDir: path.join(out, 'cdktf.out'), write: true });
      expect(outputs.map((o) => o.env.name)).toEqual(['dev', 'staging', 'prod']);
      expect(localeCompare).not.toHaveBeenCalled();
    } finally {
      localeCompare.mockRestore();
    }
  });

  test("TOPOLOGY.md's table reads every component's scope list once, not once per workload", () => {
    const apps = Array.from({ length: 60 }, (_, i) => `app-${i}`);
    let reads = 0;
    const counted = (list: string[]) =>
      new Proxy(list, {
        get: (target, key, receiver) => {
          if (typeof key === 'string' && /^[0-9]+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver);
        },
      });
    const components = ['events', 'state', 'vault'].map((name, i) => ({ name, type: 'x', scopes: counted(apps.filter((_, j) => j % (i + 1) === 0)) }));
    const topology: Topology = {
      environment: 'test',
      namespace: 'ns',
      workloads: apps.map((appId) => ({ appId, namespace: 'ns', role: 'service', components: [] })),
      invocations: [],
      topics: [],
      components,
    };
    const md = topologyMarkdown(topology);
    const scopeEntries = components.reduce((n, c) => n + c.scopes.length, 0);
    // One pass for the Mermaid edges, one for the table.
    expect(reads).toBe(2 * scopeEntries);
    expect(md).toContain('| app-0 | service | events, state, vault |');
    expect(md).toContain('| app-1 | service | events |');
    expect(md).toContain('| app-2 | service | events, state |');
  });

  test('an app listed twice in a component appears once in the table', () => {
    const topology: Topology = {
      environment: 'test',
      namespace: 'ns',
      workloads: [{ appId: 'a', namespace: 'ns', role: 'service', components: [] }, { appId: 'b', namespace: 'ns', role: 'service', components: [] }],
      invocations: [],
      topics: [],
      components: [
        { name: 'one', type: 'x', scopes: ['a', 'a'] },
        { name: 'two', type: 'x', scopes: ['a'] },
      ],
    };
    const md = topologyMarkdown(topology);
    expect(md).toContain('| a | service | one, two |');
    expect(md).toContain('| b | service | - |');
  });
});

describe('YAML writing', () => {
  // yaml's own class (not exported; the package's entry loads it from its dist/ folder).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Directives } = require(path.join(path.dirname(require.resolve('yaml')), 'doc', 'directives.js'));
  const docs = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { 'dapr.io/app-port': '8080', b: 'true', c: 'null', d: '~', e: '0x1F', f: '1e3' } } },
    { apiVersion: 'v1', kind: 'List', items: [{ a: 'multi\nline', b: "it's", c: 'say "hi"', d: '#not a comment', e: '- dash', f: '', g: null, h: [], i: {} }] },
    { k: '!tag', l: '%directive', m: '---', n: 'a: b', o: ' leading', p: 'trailing ', q: 'x'.repeat(200), r: [1, 2.5, -3, true, false] },
  ];

  test('writes exactly what YAML.stringify writes with the default directives', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml');
    expect(toYaml(docs)).toBe(docs.map((d) => YAML.stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'));
  });

  test('does not walk each document for %TAG directives', () => {
    const directives = jest.spyOn(Directives.prototype, 'toString');
    try {
      toYaml(docs);
      expect(directives).not.toHaveBeenCalled();
    } finally {
      directives.mockRestore();
    }
  });
});
