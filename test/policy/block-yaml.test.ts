import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { readBlockYaml } from '../../constructs/policy/block-yaml';
import { CONTROL_PLANE_WEBHOOK_FAIL } from '../../constructs/policy/rules/control-plane';
import { synthesize } from '../../stacks/main';
import { jsonGenerator, YAML_PIECES } from '../generated-json';
import { findingsOf, terraformJson, TF_FILE } from './fixtures';

// The values reader must return what yaml.parse returns, or nothing (then yaml reads the text).
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-block-yaml-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The reader's answer, checked: undefined, or exactly yaml's value (and yaml must accept the text). */
function readChecked(text: string): unknown {
  const read = readBlockYaml(text);
  if (read !== undefined) expect({ text, value: read }).toEqual({ text, value: YAML.parse(text) });
  return read;
}

describe('readBlockYaml', () => {
  const outputs = synthesize({ distDir: path.join(scratch, 'dist'), cdktfOutDir: path.join(scratch, 'cdktf.out'), write: false });

  test('reads every helm_release values text of every environment itself, as yaml does', () => {
    const texts = outputs.flatMap((o) => Object.values<any>(o.terraform.resource.helm_release).flatMap((r) => r.values ?? []));
    expect(texts.length).toBeGreaterThanOrEqual(7);
    for (const text of texts) expect(readChecked(text)).toBeDefined();
  });

  test('the policy check of a synth parses no values text with yaml', () => {
    // The module's own exports (what the engine calls), not the test's namespace copy of them.
    const parse = jest.spyOn(require('yaml') as typeof YAML, 'parse');
    try {
      const again = synthesize({ distDir: path.join(scratch, 'dist'), cdktfOutDir: path.join(scratch, 'cdktf.out'), write: false });
      expect(again.map((o) => o.env.name)).toEqual(['dev', 'staging', 'prod']);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  test('every synthesized manifest, written by yaml, reads back as yaml reads it', () => {
    let read = 0;
    const manifests = outputs.flatMap((o) => o.manifests);
    for (const m of manifests) if (readChecked(YAML.stringify(m, { lineWidth: 0 })) !== undefined) read++;
    // Only documents with a multi-line string (block scalars) are left to yaml.
    expect(read).toBeGreaterThan(manifests.length * 0.9);
  });

  const CASES: [string, string][] = [
    ['a comment', 'a: 1 # one\n'],
    ['a comment line', '# values\na: 1\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a folded scalar', 'a: >-\n  x\n  y\n'],
    ['a single-quoted scalar', "a: 'x'\n"],
    ['a multi-line plain scalar', 'a: x\n  y\n'],
    ['a multi-line plain item', '- x\n  y\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a flow mapping', 'a: {x: 1}\n'],
    ['a flow sequence', 'a: [1, 2]\n'],
    ['an unclosed flow sequence', 'global: [b\n'],
    ['a space before the colon', 'a : 1\n'],
    ['a merge key', 'b: &x {}\n<<: *x\n'],
    ['a __proto__ key', '__proto__:\n  polluted: true\n'],
    ['a quoted __proto__ key', '"__proto__":\n  polluted: true\n'],
    ['a number key', '1: a\n'],
    ['a boolean key', 'true: a\n'],
    ['a null key', '~: a\n'],
    ['an empty key', ': a\n'],
    ['a hex integer', 'a: 0x10\n'],
    ['an octal integer', 'a: 0o17\n'],
    ['an exponent', 'a: 1e3\n'],
    ['a leading dot', 'a: .5\n'],
    ['a leading zero', 'a: 007\n'],
    ['a plus sign', 'a: +1\n'],
    ['-0', 'a: -0\n'],
    ['a big integer', 'a: 123456789012345678901\n'],
    ['infinity', 'a: .inf\n'],
    ['NaN', 'a: .NaN\n'],
    ['~ as null', 'a: ~\n'],
    ['Null', 'a: Null\n'],
    ['TRUE', 'a: TRUE\n'],
    ['yes (a string in YAML 1.2)', 'a: yes\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['an empty item', '-\n- a\n'],
    ['a YAML escape', 'a: "\\x41"\n'],
    ['a unicode escape', 'a: "\\u0041"\n'],
    ['JSON escapes', 'a: "x\\ny\\t\\"\\\\/"\n'],
    ['a quoted string with a colon', '- "a: b"\n'],
    ['a quoted string with junk after it', 'a: "x" y\n'],
    ['a sequence at its key\'s indentation', 'a:\n- b\n- c\nd: 1\n'],
    ['a mapping in a sequence', '- a: 1\n  b: 2\n- c\n'],
    ['a sequence in a sequence', '- - a\n  - b\n- c\n'],
    ['a deeper second line', 'a: 1\n  b: 2\n'],
    ['an indented first line', '  a: 1\n'],
    ['a dedent to no level', 'a:\n    b: 1\n  c: 2\n'],
    ['an item after a mapping', 'a: 1\n- b\n'],
    ['a document marker', '---\na: 1\n'],
    ['a document end', 'a: 1\n...\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['a CR', 'a: 1\r\nb: 2\r\n'],
    ['a no-break space', 'a: \u00a01\n'],
    ['a blank line', 'a: 1\n\nb: 2\n'],
    ['a trailing space', 'a: 1 \n'],
    ['a nested mapping in a compact value', 'a: b: c\n'],
    ['a plain scalar with indicators inside', 'a: x,y[0]{1}#2"3\'4\n'],
    ['a URL', 'a: https://example.com:8200/v1\n'],
    ['a scalar document', 'just text\n'],
    ['an empty document', ''],
    ['a non-ASCII string', 'a: é😀\n'],
  ];

  test.each(CASES)('%s: the same value as yaml, or left to yaml', (_what, text) => {
    let yamlValue: unknown;
    let yamlError: unknown;
    try {
      yamlValue = YAML.parse(text);
    } catch (e) {
      yamlError = e;
    }
    const read = readBlockYaml(text);
    if (yamlError !== undefined) expect(read).toBeUndefined();
    else if (read !== undefined) expect(read).toEqual(yamlValue);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  test('reads the subset itself: nesting, sequences at the key indentation, quoted keys and values, numbers, null', () => {
    const text = [
      'a:',
      '  b:',
      '    - x',
      '    - k: 1',
      '      l:',
      '      - -2.5',
      '      - null',
      'c:',
      '- true',
      '- false',
      '"q k": ""',
      'd: {}',
      'e: []',
      'f: "2"',
      'g: 24h',
      'h:',
      '',
    ].join('\n');
    expect(readChecked(text)).toEqual({ a: { b: ['x', { k: 1, l: [-2.5, null] }] }, c: [true, false], 'q k': '', d: {}, e: [], f: '2', g: '24h', h: null });
  });

  // Values built from the characters and words YAML treats specially, written by yaml.
  const { randomString, randomValue } = jsonGenerator(7, [...YAML_PIECES, '\u00a0', '<<', '__proto__'], (str) => [str(), str(), 0, -1, 1.5, -0.25, 1e21, 2 ** 53, -0, NaN, Infinity, true, false, null, '', ' ']);

  test('8,000 generated documents: the same value as yaml, or left to yaml', () => {
    let read = 0;
    for (let i = 0; i < 8000; i++) {
      const doc = { [randomString()]: randomValue(0), [randomString()]: randomValue(0) };
      for (const lineWidth of [0, 20]) {
        const text = YAML.stringify(doc, { lineWidth });
        if (readChecked(text) !== undefined) read++;
      }
    }
    expect(Object.prototype).not.toHaveProperty('__proto__', expect.anything());
    // The generator hits the subset often enough for the comparison to mean something.
    expect(read).toBeGreaterThan(2000);
  });
});

describe('helm values the reader leaves to yaml are still checked', () => {
  const tf = (values: string) => {
    const content = terraformJson();
    content.resource.helm_release.dapr.values = [values];
    return [{ file: TF_FILE, index: 0, format: 'terraform' as const, content }];
  };

  test('a value after an anchor and with a comment is still seen (DAPR-CP-003)', () => {
    const findings = findingsOf(CONTROL_PLANE_WEBHOOK_FAIL, tf('dapr_sidecar_injector: &inj\n  webhookFailurePolicy: Ignore # relaxed\n'), EnvironmentProfile.PROD);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("webhookFailurePolicy 'Ignore'")]);
  });

  test('a duplicate key fails as invalid YAML, as yaml says', () => {
    expect(() => findingsOf(CONTROL_PLANE_WEBHOOK_FAIL, tf('dapr_sidecar_injector:\n  webhookFailurePolicy: Fail\n  webhookFailurePolicy: Ignore\n'), EnvironmentProfile.PROD)).toThrow(
      /helm_release\.dapr: a 'values' entry is not valid YAML: Map keys must be unique/,
    );
  });
});
