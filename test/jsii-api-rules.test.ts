// scripts/jsii-api-rules.js (run by `npm run jsii` on the compiled assembly): what Go and the other
// jsii languages trip over is refused, one case per rule, on small assemblies written here.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const script = path.join(__dirname, '..', 'scripts', 'jsii-api-rules.js');
const NOTE = 'Extension point for subclasses: a subclass overrides it.';

type Method = { name: string; protected?: boolean; overrides?: string; docs?: { summary?: string; remarks?: string }; parameters?: { name: string; optional?: boolean; type: object }[] };

function run(types: Record<string, object>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-api-rules-'));
  try {
    const file = path.join(dir, '.jsii');
    fs.writeFileSync(file, JSON.stringify({ name: 'x', types }));
    const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const struct = { 'x.Options': { kind: 'interface', datatype: true } };
const cls = (methods: Method[], properties: object[] = []) => ({ 'x.C': { kind: 'class', methods, properties }, ...struct });

describe('jsii API rules', () => {
  test('a clean assembly passes: one optional option struct, a documented protected member, an undocumented override', () => {
    const r = run(
      cls(
        [
          { name: 'invokes', parameters: [{ name: 'target', type: { primitive: 'string' } }, { name: 'options', optional: true, type: { fqn: 'x.Options' } }] },
          { name: 'render', protected: true, docs: { summary: 'Renders.', remarks: NOTE } },
          { name: 'validate', protected: true, overrides: 'x.Base' },
        ],
        [{ name: 'version', protected: true, docs: { summary: 'The version.', remarks: NOTE }, type: { primitive: 'string' } }],
      ),
    );
    expect(r).toEqual({ status: 0, out: expect.stringMatching(/^jsii API rules: no optional positional primitive/) });
  });

  test('an optional boolean, an optional string, a non-struct optional and two optional structs are refused, each named', () => {
    const r = run({
      ...cls([
        { name: 'invokes', parameters: [{ name: 'crossNamespace', optional: true, type: { primitive: 'boolean' } }] },
        { name: 'tokenFile', parameters: [{ name: 'mountPath', optional: true, type: { primitive: 'string' } }] },
        { name: 'use', parameters: [{ name: 'other', optional: true, type: { fqn: 'x.C' } }] },
        { name: 'target', parameters: [{ name: 'outbound', optional: true, type: { fqn: 'x.Options' } }, { name: 'inbound', optional: true, type: { fqn: 'x.Options' } }] },
      ]),
    });
    expect(r.status).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      'jsii API rules: 4 problem(s):',
      "  x.C.invokes(): optional boolean parameter 'crossNamespace': Go passes it as nil; use an option struct or a second method.",
      "  x.C.tokenFile(): optional string parameter 'mountPath': Go passes it as nil; use an option struct or a second method.",
      "  x.C.use(): optional parameter 'other' is not a struct: use an option struct.",
      '  x.C.target(): 2 optional parameters (outbound, inbound): Go passes each as nil; put them in one option struct.',
    ]);
  });

  test('a protected method or property without the extension-point note is refused', () => {
    const r = run(cls([{ name: 'renderMetadata', protected: true, docs: { summary: 'Renders the metadata.' } }], [{ name: 'settings', protected: true, type: { primitive: 'string' } }]));
    expect(r.status).toBe(1);
    expect(r.out).toContain("x.C.renderMetadata(): protected, and its doc does not say 'Extension point for subclasses' (Go shows it as public).");
    expect(r.out).toContain("x.C.settings: protected, and its doc does not say 'Extension point for subclasses' (Go shows it as public).");
  });
});
