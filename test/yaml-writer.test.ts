import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { synthesize } from '../stacks/main';
import { jsonToYaml } from '../constructs/synth/yaml-writer';
import { jsonGenerator, YAML_PIECES } from './generated-json';

// The YAML writer must write exactly what yaml writes, document by document.
const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const yaml = (d: unknown) => YAML.stringify(d, OPTIONS);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-yaml-writer-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('jsonToYaml', () => {
  test('every synthesized manifest of every environment, byte for byte', () => {
    const outputs = synthesize({ distDir: path.join(scratch, 'dist'), cdktfOutDir: path.join(scratch, 'cdktf.out'), write: false });
    const expected = outputs.flatMap((o) => o.manifests.map(yaml));
    // The writer handles every manifest itself: yaml writes no document.
    const fallback = jest.spyOn(YAML.Document.prototype, 'toString');
    try {
      expect(outputs.flatMap((o) => o.manifests.map((m) => jsonToYaml(m, OPTIONS)))).toEqual(expected);
      expect(fallback).not.toHaveBeenCalled();
    } finally {
      fallback.mockRestore();
    }
    expect(expected.length).toBeGreaterThan(100);
  });

  const { random, randomString, randomValue } = jsonGenerator(42, YAML_PIECES, (str) => [str(), str(), 0, -1, 1.5, 1e21, 2 ** 53, -0, NaN, Infinity, true, false, null, undefined, '', ' ']);

  test('8,000 generated documents of hard cases, byte for byte (yaml writes what the writer does not handle)', () => {
    for (let i = 0; i < 8_000; i++) {
      const doc = random() < 0.5 ? { key: randomValue(0), [randomString()]: randomValue(0) } : [randomValue(0), { [randomString()]: randomValue(1) }];
      expect(jsonToYaml(doc, OPTIONS)).toBe(yaml(doc));
    }
  });

  test('shapes: nested sequences and maps, empty collections, undefined members, quoting', () => {
    const cases: unknown[] = [
      { a: {}, b: [], c: { d: undefined }, e: [{}, [], [[1, 2], []]], f: [{ g: [{ h: 1 }] }] },
      { '8080': 1, '': 2, 'a b': 'c d', 'x:y': 'p: q', s: "it's", u: '-', v: '- x', w: '?', z: '@x', n: 1e21, t: 'true', m: 'registry.example.com/app:1.2.3' },
      [],
      {},
      [null, 'null', '~', 'Null', 0, '0', '0.5', '.5', '+1', '1_000'],
    ];
    for (const c of cases) expect(jsonToYaml(c, OPTIONS)).toBe(yaml(c));
  });
});
