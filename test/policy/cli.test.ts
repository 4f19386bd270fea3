import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { CliIo, main } from '../../constructs/policy/cli';
import { findObject, goodProdSet } from './fixtures';
import { LoadedDocument } from '../../constructs/policy/engine';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-cli-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes a document set the way the synth lays it out: dist/prod/*.k8s.yaml and cdktf.out/stacks/prod/cdk.tf.json. */
function writeSet(docs: LoadedDocument[]): { dist: string; cdktf: string } {
  const dist = path.join(tmp, 'dist', 'prod');
  const cdktf = path.join(tmp, 'cdktf.out', 'stacks', 'prod');
  fs.mkdirSync(dist, { recursive: true });
  fs.mkdirSync(cdktf, { recursive: true });
  const yamlDocs = docs.filter((d) => d.format === 'kubernetes').map((d) => stringify(d.content));
  fs.writeFileSync(path.join(dist, 'orders.k8s.yaml'), yamlDocs.join('---\n'));
  const tf = docs.find((d) => d.format === 'terraform');
  if (tf) fs.writeFileSync(path.join(cdktf, 'cdk.tf.json'), JSON.stringify(tf.content, null, 2));
  return { dist, cdktf };
}

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = main(argv, io);
  return { code, out, err };
}

describe('policy CLI main()', () => {
  it('exits 0 on the good set and prints the total', () => {
    const { dist, cdktf } = writeSet(goodProdSet());
    const r = run(['check', dist, cdktf, '--profile', 'prod']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Dapr policy check: profile prod, Dapr 1.18.3 (chart version of helm_release.dapr), 24 documents');
    expect(r.out.trimEnd().split('\n').pop()).toBe('0 errors, 0 warnings');
    expect(r.err).toBe('');
  });

  it('warns on stderr when nothing pins the Dapr version (an app team\'s output alone), and only then', () => {
    const { dist, cdktf } = writeSet(goodProdSet());
    const pinned = run([dist, cdktf]);
    expect(pinned.err).toBe('');
    const apps = run([dist]); // the Kubernetes documents without the helm_release
    expect(apps.out).toContain('Dapr 1.18.3 (newest supported version)');
    expect(apps.err).toBe(
      'warning: nothing in the input pins the Dapr version (no --dapr-version, no --contract, no dapr helm_release), ' +
        'so the rules used 1.18.3, the newest supported: pass --contract <platform contract> or --dapr-version <the version the cluster runs>.\n',
    );
    expect(run([dist, '--dapr-version', '1.16.19']).err).toBe('');
  });

  it('exits 1 on errors, prints them grouped by severity and writes the JSON report', () => {
    const docs = goodProdSet();
    delete findObject(docs, 'Component', 'statestore').scopes;
    findObject(docs, 'Subscription', 'orders-created').spec.deadLetterTopic = 'poison';
    const { dist, cdktf } = writeSet(docs);
    const report = path.join(tmp, 'out', 'report.json');
    const r = run([dist, cdktf, '--profile=prod', '--json', report]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Errors \(1\):\n {2}DAPR-COMP-001 {2}Component orders\/statestore {2}\[.*orders\.k8s\.yaml\]/);
    expect(r.out).toContain('Warnings (1):\n  DAPR-SUB-002');
    expect(r.out).toContain('1 errors, 1 warnings');
    const json = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(json.summary).toEqual({ errors: 1, warnings: 1 });
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['DAPR-COMP-001', 'DAPR-SUB-002']);
  });

  it('exits 0 when there are only warnings', () => {
    const docs = goodProdSet();
    findObject(docs, 'Subscription', 'orders-created').spec.deadLetterTopic = 'poison';
    const { dist } = writeSet(docs);
    const r = run([dist]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 errors, 1 warnings');
  });

  it('applies the profile and the requested Dapr version', () => {
    const docs = goodProdSet();
    findObject(docs, 'Deployment', 'order-api').spec.template.metadata.annotations['dapr.io/enable-native-sidecar'] = 'true';
    delete findObject(docs, 'Deployment', 'order-api').spec.template.metadata.annotations['dapr.io/api-token-secret'];
    const { dist } = writeSet(docs);
    expect(run([dist, '--profile', 'dev']).code).toBe(0);
    const prod = run([dist, '--profile', 'prod', '--dapr-version', '1.16.19']);
    expect(prod.code).toBe(1);
    expect(prod.out).toContain('Dapr 1.16.19 (requested)');
    expect(prod.out).toContain('DAPR-WORK-002');
    expect(prod.out).toContain('DAPR-WORK-008');
  });

  it.each([
    [[], 'Give at least one directory'],
    [['check'], 'Give at least one directory'],
    [['dist', '--profile', 'production'], "Unknown profile 'production'"],
    [['dist', '--profile'], '--profile needs a value'],
    [['dist', '--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on usage error %p', (argv, message) => {
    const r = run(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Usage: check <dir-or-files...>');
  });

  it('exits 2 on an unsupported Dapr version, a missing path, unparsable input or no documents', () => {
    const { dist } = writeSet(goodProdSet());
    expect(run([dist, '--dapr-version', '1.15.0'])).toMatchObject({ code: 2, err: expect.stringContaining("Dapr version '1.15.0' is not supported") });
    expect(run([path.join(tmp, 'missing')])).toMatchObject({ code: 2, err: expect.stringContaining('does not exist') });
    fs.writeFileSync(path.join(dist, 'broken.yaml'), 'a: [b\n');
    expect(run([dist])).toMatchObject({ code: 2, err: expect.stringContaining('broken.yaml: invalid YAML') });
    fs.rmSync(path.join(dist, 'broken.yaml'));
    const tfDir = path.join(tmp, 'tf');
    fs.mkdirSync(tfDir);
    fs.writeFileSync(path.join(tfDir, 'cdk.tf.json'), JSON.stringify({ resource: { helm_release: { dapr: { chart: 'dapr', values: ['global: [b'] } } } }));
    expect(run([dist, tfDir])).toMatchObject({ code: 2, err: expect.stringContaining("helm_release.dapr: a 'values' entry is not valid YAML") });
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    expect(run([empty])).toMatchObject({ code: 2, err: expect.stringContaining('No Kubernetes manifests or Terraform JSON found') });
  });

  it('prints usage and exits 0 on --help', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--dapr-version');
  });
});
