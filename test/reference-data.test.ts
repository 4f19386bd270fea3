import * as fs from 'fs';
import * as path from 'path';
import { DaprVersion } from '../constructs/model/dapr-version';
import { CRD_INDEX, CRD_SCHEMAS } from '../imports/dapr-crd-schemas';
import { BINDINGS_DAPR_VERSION, REFERENCE_DATA, REFERENCE_VERSIONS } from '../imports/dapr-reference-data';
import { describeWithShared, REFERENCE_DIR, requireReference } from './shared-reference';

/** The generator (plain JavaScript, shared with `npm run import`). */
const generator = require('../scripts/reference-data.js') as {
  referenceVersions(referenceDir: string): string[];
  generatedModules(referenceDir: string, bindingVersion: string): Record<string, string>;
};

const IMPORTS = path.join(__dirname, '..', 'imports');
const COMMIT = /^dapr\/dapr@v(\d+\.\d+\.\d+) = [0-9a-f]{40}$/;

/** Every schema node's keywords, walked like the generator walks them (property names are not keywords). */
function keywords(schema: any, out = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return out;
  for (const [k, v] of Object.entries(schema)) {
    out.add(k);
    if (k === 'properties') for (const p of Object.values(v as object)) keywords(p, out);
    else if (k === 'items' || k === 'additionalProperties' || k === 'not') keywords(v, out);
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') for (const s of v as object[]) keywords(s, out);
  }
  return out;
}

describe('generated reference data in imports/ (needs nothing beside the repository)', () => {
  test('three Dapr versions, 1.17.13 included; the bindings are from the newest', () => {
    expect(REFERENCE_VERSIONS).toEqual(['1.16.19', '1.17.13', '1.18.3']);
    expect(Object.keys(REFERENCE_DATA).sort()).toEqual([...REFERENCE_VERSIONS].sort());
    expect(Object.keys(CRD_INDEX).sort()).toEqual([...REFERENCE_VERSIONS].sort());
    expect(BINDINGS_DAPR_VERSION).toBe('1.18.3');
    expect(DaprVersion.LATEST).toEqual(DaprVersion.V1_18_3);
    expect(DaprVersion.V1_17_13.version).toBe('1.17.13');
    expect(DaprVersion.V1_16_19.isAtLeast(DaprVersion.V1_17_13)).toBe(false);
    expect(DaprVersion.V1_18_3.isAtLeast(DaprVersion.V1_17_13)).toBe(true);
  });

  test.each([...REFERENCE_VERSIONS])('Dapr %s: every fact names its upstream commit and the sha256 of the file it was read from', (version) => {
    const data = REFERENCE_DATA[version];
    expect(data.source.dapr).toMatch(COMMIT);
    expect(COMMIT.exec(data.source.dapr)![1]).toBe(version);
    expect(data.source.componentsContrib).toMatch(/^dapr\/components-contrib@v\d+\.\d+\.\d+ = [0-9a-f]{40}$/);
    expect(CRD_INDEX[version].dapr).toBe(data.source.dapr);
    const files = data.source.files.map((f) => f.file);
    expect(files).toEqual(expect.arrayContaining(['annotations.txt', 'chart-values/dapr.values.yaml', 'component-metadata/state.redis.metadata.yaml', 'crds/configuration.yaml']));
    for (const f of data.source.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const ref of Object.values(CRD_INDEX[version].crds)) {
      expect(ref.upstream).toBe(`dapr/dapr@v${version}:charts/dapr/${ref.file}`);
      expect(data.source.files.find((f) => f.file === ref.file)?.sha256).toBe(ref.sha256);
    }
  });

  test.each([...REFERENCE_VERSIONS])('Dapr %s: one schema per served CRD version, without descriptions', (version) => {
    const crds = CRD_INDEX[version].crds;
    const fromKinds = REFERENCE_DATA[version].crds.flatMap((c) => c.versions.map((v) => `${c.group}/${v}/${c.kind}`));
    expect(Object.keys(crds).filter((k) => crds[k].served).sort()).toEqual(fromKinds.sort());
    for (const ref of Object.values(crds)) {
      const schema = CRD_SCHEMAS[ref.schema];
      expect(schema).toEqual(expect.objectContaining({ type: 'object' }));
      expect([ref.schema, keywords(schema).has('description')]).toEqual([ref.schema, false]);
    }
  });

  test('the 1.17.13 data is its own, between 1.16.19 and 1.18.3 where DAPR-NOTES §8 and the 1.17.13 PROVENANCE.md say', () => {
    const v = (x: string) => REFERENCE_DATA[x];
    expect(v('1.17.13').source.dapr).toBe('dapr/dapr@v1.17.13 = c09a7f934d2f3668af9dce12ab0bdcdbd10c2e80');
    expect(v('1.17.13').source.componentsContrib).toBe('dapr/components-contrib@v1.17.8 = c29b207a75759c6f84a578ee9060f526c7d4bf6c');
    // CRDs: five in 1.16/1.17, MCPServer and WorkflowAccessPolicy new in 1.18.
    expect(DaprVersion.V1_17_13.crdKinds.sort()).toEqual(['Component', 'Configuration', 'HTTPEndpoint', 'Resiliency', 'Subscription']);
    expect(DaprVersion.V1_18_3.crdKinds.sort()).toEqual(['Component', 'Configuration', 'HTTPEndpoint', 'MCPServer', 'Resiliency', 'Subscription', 'WorkflowAccessPolicy']);
    // Configuration: three different schemas; workflow.stateRetentionPolicy durations are strings from 1.17.2.
    const configuration = REFERENCE_VERSIONS.map((x) => CRD_INDEX[x].crds['dapr.io/v1alpha1/Configuration'].schema);
    expect(new Set(configuration).size).toBe(3);
    const retention = (x: string) => (CRD_SCHEMAS[CRD_INDEX[x].crds['dapr.io/v1alpha1/Configuration'].schema] as any).properties.spec.properties.workflow?.properties?.stateRetentionPolicy;
    expect(retention('1.16.19')).toBeUndefined();
    expect(retention('1.17.13').properties.completed).toEqual({ type: 'string' });
    // Component, Subscription and Resiliency schemas are the same in all three.
    for (const kind of ['dapr.io/v1alpha1/Component', 'dapr.io/v2alpha1/Subscription', 'dapr.io/v1alpha1/Resiliency']) {
      expect(new Set(REFERENCE_VERSIONS.map((x) => CRD_INDEX[x].crds[kind].schema)).size).toBe(1);
    }
    // Annotations: 60 → 62 → 64 keys.
    expect(REFERENCE_VERSIONS.map((x) => v(x).annotations.length)).toEqual([60, 62, 64]);
    expect(DaprVersion.V1_17_13.hasAnnotation('dapr.io/sidecar-svc-annotations')).toBe(true);
    expect(DaprVersion.V1_16_19.hasAnnotation('dapr.io/sidecar-svc-annotations')).toBe(false);
    // Chart values: the "(1.17)" changes are in, the "(1.18)" ones are not.
    const paths = DaprVersion.V1_17_13.chartValuePaths;
    expect([paths['global.ha.topologyKey'], paths['dapr_scheduler.etcdMaxTxnOps'], paths['global.reminders.skipMigration'], paths['global.ha.podAntiAffinityPolicy']]).toEqual([
      'string',
      'number',
      undefined,
      undefined,
    ]);
    // Component specs: the same three types as the other versions.
    expect(Object.keys(v('1.17.13').components).sort()).toEqual(Object.keys(v('1.18.3').components).sort());
    expect(DaprVersion.V1_17_13.componentSpec('pubsub.kafka', 'v1')?.fields.saslPassword).toEqual(expect.objectContaining({ sensitive: true }));
  });
});

describeWithShared('imports/ against the raw files in ../shared/dapr-reference', () => {
  test('imports/ holds every version ../shared has (a new version there needs `npm run import`)', () => {
    expect(generator.referenceVersions(requireReference())).toEqual([...REFERENCE_VERSIONS]);
  });

  test('the committed dapr-reference-data.ts and dapr-crd-schemas.ts are exactly what the raw files give (`npm run import` is current)', () => {
    const modules = generator.generatedModules(REFERENCE_DIR, BINDINGS_DAPR_VERSION);
    expect(Object.keys(modules).sort()).toEqual(['dapr-crd-schemas.ts', 'dapr-reference-data.ts']);
    for (const [file, text] of Object.entries(modules)) {
      // Not toEqual on the texts: a 200 kB diff helps nobody; say which file is stale.
      expect([file, fs.readFileSync(path.join(IMPORTS, file), 'utf8') === text]).toEqual([file, true]);
    }
  });

  test.each([...REFERENCE_VERSIONS])('Dapr %s: the annotation keys are the lines of annotations.txt', (version) => {
    const lines = fs.readFileSync(requireReference(version, 'annotations.txt'), 'utf8').split('\n').filter(Boolean);
    expect(DaprVersion.of(version).annotationKeys).toEqual([...lines].sort());
  });
});

describeWithShared('adding a component spec to the reference data (README, "How to add a component")', () => {
  /** A scratch copy of ../shared/dapr-reference without state.postgresql v2 (file and PROVENANCE row) in every version. */
  function withoutPostgresV2(): { dir: string; rows: Map<string, string> } {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'dapr-reference-'));
    fs.cpSync(REFERENCE_DIR, dir, { recursive: true });
    const rows = new Map<string, string>();
    for (const v of REFERENCE_VERSIONS) {
      fs.rmSync(path.join(dir, v, 'component-metadata', 'state.postgresql.v2.metadata.yaml'));
      const file = path.join(dir, v, 'PROVENANCE.md');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      rows.set(v, lines.find((l) => l.startsWith('| `component-metadata/state.postgresql.v2.metadata.yaml`'))!);
      fs.writeFileSync(file, lines.filter((l) => l !== rows.get(v)).join('\n'));
    }
    return { dir, rows };
  }
  const specKeys = (modules: Record<string, string>, version: string) =>
    [...modules['dapr-reference-data.ts'].split(`"${version}": {`)[1].split('"chartValues"')[0].matchAll(/^ {6}"([a-z.]+\/v\d+)": \{/gm)].map((m) => m[1]);

  test('a spec file with its PROVENANCE row joins the generated data; without the row the import fails and prints the row to add', () => {
    const { dir, rows } = withoutPostgresV2();
    try {
      expect(specKeys(generator.generatedModules(dir, '1.18.3'), '1.18.3')).toEqual(['pubsub.kafka/v1', 'secretstores.hashicorp.vault/v1', 'state.postgresql/v1', 'state.redis/v1']);
      for (const v of REFERENCE_VERSIONS) {
        fs.copyFileSync(path.join(REFERENCE_DIR, v, 'component-metadata', 'state.postgresql.v2.metadata.yaml'), path.join(dir, v, 'component-metadata', 'state.postgresql.v2.metadata.yaml'));
      }
      expect(() => generator.generatedModules(dir, '1.18.3')).toThrow(
        /PROVENANCE\.md: component-metadata\/state\.postgresql\.v2\.metadata\.yaml has no row in the file table\. Add one: \| `component-metadata\/state\.postgresql\.v2\.metadata\.yaml` \| dapr\/components-contrib@v1\.16\.13 \|/,
      );
      for (const v of REFERENCE_VERSIONS) fs.appendFileSync(path.join(dir, v, 'PROVENANCE.md'), `\n${rows.get(v)}\n`);
      const modules = generator.generatedModules(dir, '1.18.3');
      expect(specKeys(modules, '1.18.3')).toEqual(['pubsub.kafka/v1', 'secretstores.hashicorp.vault/v1', 'state.postgresql/v1', 'state.postgresql/v2', 'state.redis/v1']);
      // With the file and its row back, the data is exactly what is committed.
      expect(modules['dapr-reference-data.ts']).toBe(fs.readFileSync(path.join(IMPORTS, 'dapr-reference-data.ts'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
