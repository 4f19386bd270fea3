import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { GenericComponent } from '../constructs/k8s/generic-component';
import { HttpEndpoint, HttpHeader, TlsRenegotiation } from '../constructs/k8s/http-endpoint';
import { PostgresComponentVersion, PostgresQueryExecMode, PostgresStateStore } from '../constructs/k8s/postgres-state-store';
import { Resiliency, RetryBackoff } from '../constructs/k8s/resiliency';
import { DaprVersion } from '../constructs/model/dapr-version';
import { CRD_INDEX, CRD_SCHEMAS } from '../imports/dapr-crd-schemas';
import { REFERENCE_DATA } from '../imports/dapr-reference-data';
import { daprChart, synth } from './helpers';
import { seed } from './seed';
import { describeWithShared, requireReference } from './shared-reference';

/**
 * Conformance of everything our constructs render with the Dapr release it pins: the CRD schemas
 * and the component metadata specs. Every check runs against the data generated into imports/
 * (always), and again against the raw upstream files in ../shared (when present).
 */

/** CRD schemas by `<apiVersion>/<kind>`. */
type Schemas = Map<string, object>;
/** One component's metadata spec: its field names (with flags) and the required ones. */
interface Spec {
  readonly fields: Map<string, { readonly sensitive: boolean; readonly allowedValues?: string[] }>;
  readonly required: string[];
}
/** Component metadata specs by `<type>/<version>`, e.g. `state.redis/v1`. */
type Specs = Map<string, Spec>;

/** Everything our constructs render, in one chart: the seed plus a Resiliency, PostgreSQL stores (typed v1 and v2, generic v2) and an HTTPEndpoint. */
function renderAll(version: DaprVersion): any[] {
  const s = seed(daprChart({ daprVersion: version }));
  const r = new Resiliency(s.chart, 'resiliency', { name: 'order-paths', scopes: [s.checkout, s.notifications] });
  const timeout = r.addTimeout('general', Duration.seconds(5));
  const retry = r.addRetry('transient', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 5, maxInterval: Duration.seconds(15), httpStatusCodes: '429,500-599' });
  const breaker = r.addCircuitBreaker('callee', { trip: 'consecutiveFailures >= 5', timeout: Duration.seconds(30), interval: Duration.seconds(10) });
  r.targetApp(s.inventory, { timeout, retry, circuitBreaker: breaker });
  r.targetComponent(s.kafka, { outbound: { retry }, inbound: { retry, circuitBreaker: breaker } });
  const pg = { connectionString: s.vault.secret('ledger', 'dsn'), endpoint: 'ledger-db.example.com:5432', metadataTableName: 'dapr_metadata', timeout: Duration.seconds(20), maxConns: 4 };
  s.billing.uses(new PostgresStateStore(s.chart, 'pg-v1', { name: 'ledger-v1', componentVersion: PostgresComponentVersion.V1, tableName: 'ledger', ...pg }));
  s.billing.uses(new PostgresStateStore(s.chart, 'pg-v2', { name: 'ledger-v2', tablePrefix: 'ledger_', cleanupInterval: Duration.minutes(10), queryExecMode: PostgresQueryExecMode.SIMPLE_PROTOCOL, ...pg }));
  s.billing.uses(
    new GenericComponent(s.chart, 'pg-generic', {
      name: 'ledger-generic',
      componentType: 'state.postgresql',
      componentVersion: 'v2',
      metadata: [
        { name: 'connectionString', secretRef: s.vault.secret('ledger', 'dsn') },
        { name: 'tablePrefix', value: 'generic_' },
        { name: 'keyPrefix', value: 'name' },
      ],
      endpoints: [{ host: 'ledger-db.example.com', port: 5432 }],
    }),
  );
  const payments = new HttpEndpoint(s.chart, 'payments', {
    name: 'payments-api',
    baseUrl: 'https://api.payments.example.com/v2',
    headers: [HttpHeader.fromValue('Accept', 'application/json'), HttpHeader.fromSecret('Authorization', s.vault.secret('payments', 'bearer'))],
    clientTls: { rootCa: s.vault.secret('payments', 'ca'), certificate: s.vault.secret('payments', 'cert'), privateKey: s.vault.secret('payments', 'key'), renegotiation: TlsRenegotiation.NEVER },
    cidrs: ['203.0.113.0/24'],
  });
  s.checkout.invokesEndpoint(payments);
  return synth(s.chart).filter((m) => String(m.apiVersion).startsWith('dapr.io/'));
}

const rendered = new Map<string, any[]>();
/** The Dapr objects rendered for a version (rendered once per version; callers get a deep copy). */
function daprObjects(version: DaprVersion): any[] {
  if (!rendered.has(version.version)) rendered.set(version.version, renderAll(version));
  return structuredClone(rendered.get(version.version)!);
}

// ---- the two sources ----------------------------------------------------------------------------

function generatedSchemas(version: DaprVersion): Schemas {
  const index = CRD_INDEX[version.version];
  if (!index) throw new Error(`imports/dapr-crd-schemas.ts has no CRDs for Dapr ${version}: run 'npm run import'`);
  return new Map(Object.entries(index.crds).map(([key, ref]) => [key, CRD_SCHEMAS[ref.schema]]));
}

function rawSchemas(version: DaprVersion): Schemas {
  const crdDir = requireReference(version.version, 'crds');
  const schemas: Schemas = new Map();
  for (const f of fs.readdirSync(crdDir)) {
    const crd = YAML.parse(fs.readFileSync(path.join(crdDir, f), 'utf8'));
    for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
  return schemas;
}

function generatedSpecs(version: DaprVersion): Specs {
  const specs: Specs = new Map();
  for (const [key, spec] of Object.entries(REFERENCE_DATA[version.version].components)) {
    const fields = new Map(Object.entries(spec.fields).map(([name, f]) => [name, { sensitive: f.sensitive, allowedValues: f.allowedValues.length ? [...f.allowedValues] : undefined }]));
    specs.set(key, { fields, required: Object.keys(spec.fields).filter((name) => spec.fields[name].required) });
  }
  return specs;
}

function rawSpecs(version: DaprVersion): Specs {
  const mdDir = requireReference(version.version, 'component-metadata');
  const specs: Specs = new Map();
  for (const f of fs.readdirSync(mdDir).filter((x) => x.endsWith('.metadata.yaml'))) {
    const spec = YAML.parse(fs.readFileSync(path.join(mdDir, f), 'utf8'));
    const fields = new Map<string, any>();
    // A field may appear in several auth profiles, each allowing one value (authType): union them.
    const merge = (m: any) => {
      const prev = fields.get(m.name);
      const allowed = [...(prev?.allowedValues ?? []), ...(m.allowedValues ?? [])];
      fields.set(m.name, { ...prev, ...m, sensitive: prev?.sensitive || m.sensitive, allowedValues: allowed.length ? allowed : undefined });
    };
    for (const m of spec.metadata ?? []) fields.set(m.name, m);
    for (const p of spec.authenticationProfiles ?? []) for (const m of p.metadata ?? []) merge(m);
    for (const p of spec.builtinAuthenticationProfiles ?? []) for (const m of p.metadata ?? []) merge(m);
    specs.set(`${spec.type}.${spec.name}/${spec.version}`, { fields, required: (spec.metadata ?? []).filter((m: any) => m.required).map((m: any) => m.name) });
  }
  return specs;
}

// ---- the checks ---------------------------------------------------------------------------------

/**
 * Why each object fails its CRD schema, or fields the schema does not declare (Kubernetes prunes
 * unknown fields silently; ours must all be in the schema). Empty when all conform.
 */
function schemaViolations(objects: any[], schemas: Schemas): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const out: string[] = [];
  for (const m of objects) {
    const schema = schemas.get(`${m.apiVersion}/${m.kind}`);
    if (!schema) {
      out.push(`no CRD schema for ${m.apiVersion} ${m.kind}`);
      continue;
    }
    const validate = ajv.compile(schema);
    if (!validate(m)) out.push(`${m.kind} ${m.metadata.name} fails its CRD schema: ${ajv.errorsText(validate.errors)}`);
    for (const u of unknownFields(m, schema)) out.push(`${m.kind} ${m.metadata.name}: ${u} is not in the CRD schema`);
  }
  return out;
}

/** Keys daprd reads on every component of a category (not in the component's own spec). */
const RUNTIME_KEYS: Record<string, string[]> = { state: ['actorStateStore', 'keyPrefix'], pubsub: ['publishingScopes', 'subscriptionScopes'], secretstores: [] };
/** metadata.yaml marks both Vault token fields required; the code needs exactly one. */
const EXACTLY_ONE: Record<string, string[]> = { 'secretstores.hashicorp.vault': ['vaultToken', 'vaultTokenMountPath'] };

/**
 * How each Component breaks its metadata spec: a name the spec does not have, a sensitive field
 * given as a plain value, a value outside the allowed ones, a required field missing.
 */
function metadataViolations(components: any[], specs: Specs): string[] {
  const out: string[] = [];
  for (const c of components) {
    const at = `Component ${c.metadata.name} (${c.spec.type}/${c.spec.version})`;
    const spec = specs.get(`${c.spec.type}/${c.spec.version}`);
    if (!spec) {
      out.push(`${at}: no metadata spec`);
      continue;
    }
    const names: string[] = c.spec.metadata.map((m: any) => m.name);
    for (const m of c.spec.metadata) {
      const field = spec.fields.get(m.name);
      if (!field) {
        if (!(RUNTIME_KEYS[c.spec.type.split('.')[0]] ?? []).includes(m.name)) out.push(`${at}: '${m.name}' is not in its spec`);
        continue;
      }
      if (field.sensitive && !(typeof m.secretKeyRef?.name === 'string' && typeof m.secretKeyRef?.key === 'string')) {
        out.push(`${at}: '${m.name}' is sensitive but not a secretKeyRef`);
      }
      if (field.allowedValues && m.value !== undefined && !field.allowedValues.map(String).includes(m.value)) {
        out.push(`${at}: '${m.name}' is '${m.value}', not one of ${field.allowedValues.join(', ')}`);
      }
    }
    const oneOf = EXACTLY_ONE[c.spec.type] ?? [];
    for (const r of spec.required.filter((x) => !oneOf.includes(x))) if (!names.includes(r)) out.push(`${at}: required '${r}' is missing`);
    if (oneOf.length && oneOf.filter((x) => names.includes(x)).length !== 1) out.push(`${at}: needs exactly one of ${oneOf.join(', ')}`);
    if (names.includes('vaultKubernetesMountPath')) out.push(`${at}: 'vaultKubernetesMountPath' is set`);
  }
  return out;
}

/** Paths in `value` that the schema does not declare (ignoring preserve-unknown and free maps). */
function unknownFields(value: any, schema: any, at = ''): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  if (at === '.metadata') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (schema.properties?.[k]) out.push(...unknownFields(v, schema.properties[k], `${at}.${k}`));
    else if (schema.additionalProperties) out.push(...unknownFields(v, schema.additionalProperties, `${at}.${k}`));
    else if (!(at === '' && (k === 'apiVersion' || k === 'kind'))) out.push(`${at}.${k}`);
  }
  return out;
}

/** The rendered objects, each broken one way, with what the checks must say. */
function brokenObjects(version: DaprVersion): { what: string; objects: any[]; schema?: RegExp; metadata?: RegExp }[] {
  const one = (kind: string, type?: string) => {
    const objects = daprObjects(version);
    return { objects, target: objects.find((m) => m.kind === kind && (type === undefined || m.spec.type === type)) };
  };
  const cases: { what: string; objects: any[]; schema?: RegExp; metadata?: RegExp }[] = [];
  const add = (what: string, kind: string, type: string | undefined, edit: (m: any) => void, expected: { schema?: RegExp; metadata?: RegExp }) => {
    const { objects, target } = one(kind, type);
    edit(target);
    cases.push({ what, objects, ...expected });
  };
  add('Component without spec.version', 'Component', 'state.redis', (m) => delete m.spec.version, {
    schema: /Component saga-state fails its CRD schema: .*must have required property 'version'/,
    metadata: /Component saga-state \(state\.redis\/undefined\): no metadata spec/,
  });
  add('Component with a numeric spec.version', 'Component', 'state.redis', (m) => (m.spec.version = 1), {
    schema: /Component saga-state fails its CRD schema: data\/spec\/version must be string/,
    metadata: /Component saga-state \(state\.redis\/1\): no metadata spec/,
  });
  add('Component with a field the CRD lacks', 'Component', 'state.redis', (m) => (m.spec.timeout = '5s'), { schema: /Component saga-state: \.spec\.timeout is not in the CRD schema/ });
  add('Configuration with metrics.enabled a string', 'Configuration', undefined, (m) => (m.spec.metrics.enabled = 'true'), { schema: /Configuration inventory fails its CRD schema: data\/spec\/metrics\/enabled must be boolean/ });
  add('Subscription without pubsubname', 'Subscription', undefined, (m) => delete m.spec.pubsubname, { schema: /Subscription .* fails its CRD schema: .*must have required property 'pubsubname'/ });
  add('Resiliency with an unknown policy kind', 'Resiliency', undefined, (m) => (m.spec.policies.bulkheads = {}), { schema: /Resiliency order-paths: \.spec\.policies\.bulkheads is not in the CRD schema/ });
  add('Component with a metadata name its spec lacks', 'Component', 'state.redis', (m) => m.spec.metadata.push({ name: 'redisHostname', value: 'x' }), { metadata: /'redisHostname' is not in its spec/ });
  add('Component with a sensitive field as a plain value', 'Component', 'state.redis', (m) => Object.assign(m.spec.metadata.find((x: any) => x.name === 'redisPassword'), { secretKeyRef: undefined, value: 'hunter2' }), {
    metadata: /'redisPassword' is sensitive but not a secretKeyRef/,
  });
  add('Component with a value outside allowedValues', 'Component', 'pubsub.kafka', (m) => (m.spec.metadata.find((x: any) => x.name === 'authType').value = 'kerberos'), { metadata: /'authType' is 'kerberos', not one of/ });
  add('Component without a required field', 'Component', 'state.redis', (m) => (m.spec.metadata = m.spec.metadata.filter((x: any) => x.name !== 'redisHost')), { metadata: /required 'redisHost' is missing/ });
  add('HTTPEndpoint without spec.baseUrl', 'HTTPEndpoint', undefined, (m) => delete m.spec.baseUrl, { schema: /HTTPEndpoint payments-api fails its CRD schema: .*must have required property 'baseUrl'/ });
  add('HTTPEndpoint with clientTLS spelled clientTls', 'HTTPEndpoint', undefined, (m) => ((m.spec.clientTls = m.spec.clientTLS), delete m.spec.clientTLS), { schema: /HTTPEndpoint payments-api: \.spec\.clientTls is not in the CRD schema/ });
  add('HTTPEndpoint with a renegotiation the CRD does not allow', 'HTTPEndpoint', undefined, (m) => (m.spec.clientTLS.renegotiation = 'Always'), { schema: /HTTPEndpoint payments-api fails its CRD schema: data\/spec\/clientTLS\/renegotiation must be equal to one of the allowed values/ });
  add('PostgreSQL v1 with the v2 tablePrefix', 'Component', 'state.postgresql', (m) => m.spec.metadata.push({ name: 'tablePrefix', value: 'x' }), {
    metadata: /Component ledger-v1 \(state\.postgresql\/v1\): 'tablePrefix' is not in its spec/,
  });
  add('Component with an unknown apiVersion', 'Component', 'state.redis', (m) => (m.apiVersion = 'dapr.io/v1'), { schema: /no CRD schema for dapr\.io\/v1 Component/ });
  return cases;
}

// ---- the tests ----------------------------------------------------------------------------------

function conformanceTests(version: DaprVersion, schemas: () => Schemas, specs: () => Specs): void {
  test('every Dapr object validates against the openAPIV3Schema of its CRD, and uses only fields the schema declares', () => {
    const objects = daprObjects(version);
    expect(new Set(objects.map((m) => m.kind))).toEqual(new Set(['Component', 'Configuration', 'Subscription', 'Resiliency', 'HTTPEndpoint']));
    expect(schemaViolations(objects, schemas())).toEqual([]);
  });

  test('every Component uses only its spec metadata names, has the required ones, and gives sensitive ones by reference', () => {
    const components = daprObjects(version).filter((m) => m.kind === 'Component');
    expect(components.map((c) => `${c.spec.type}/${c.spec.version}`).sort()).toEqual([
      'pubsub.kafka/v1',
      'secretstores.hashicorp.vault/v1',
      'state.postgresql/v1',
      'state.postgresql/v2',
      'state.postgresql/v2',
      'state.redis/v1',
    ]);
    expect(metadataViolations(components, specs())).toEqual([]);
  });

  test.each(brokenObjects(version))('the checks catch a broken object: $what', ({ objects, schema, metadata }) => {
    const s = schemaViolations(objects, schemas());
    const m = metadataViolations(
      objects.filter((o) => o.kind === 'Component'),
      specs(),
    );
    if (schema) expect(s).toEqual([expect.stringMatching(schema)]);
    else expect(s).toEqual([]);
    if (metadata) expect(m).toEqual([expect.stringMatching(metadata)]);
    else expect(m).toEqual([]);
  });
}

test('conformance runs for every supported version, 1.17.13 included', () => {
  expect(DaprVersion.supported().map((v) => v.version)).toEqual(['1.16.19', '1.17.13', '1.18.3']);
  for (const v of DaprVersion.supported()) expect(generatedSchemas(v).size).toBeGreaterThanOrEqual(6);
});

for (const version of DaprVersion.supported()) {
  describe(`conformance with Dapr ${version} (generated imports/)`, () => {
    conformanceTests(
      version,
      () => generatedSchemas(version),
      () => generatedSpecs(version),
    );
  });

  describeWithShared(`conformance with Dapr ${version} (raw files in ../shared/dapr-reference/${version})`, () => {
    conformanceTests(
      version,
      () => rawSchemas(version),
      () => rawSpecs(version),
    );

    test('the generated schemas are the raw ones without their prose', () => {
      const raw = rawSchemas(version);
      const generated = generatedSchemas(version);
      expect([...generated.keys()].sort()).toEqual([...raw.keys()].sort());
      for (const [key, schema] of raw) expect([key, proseDiff(schema, generated.get(key))]).toEqual([key, []]);
    });
  });
}

/**
 * Where `generated` differs from `raw` other than by a dropped `description` keyword of a schema
 * node (a property that happens to be named `description` must stay).
 */
function proseDiff(raw: any, generated: any, at = '', inProperties = false): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return JSON.stringify(raw) === JSON.stringify(generated) || (Array.isArray(raw) && Array.isArray(generated) && raw.length === generated.length && raw.every((r, i) => proseDiff(r, generated[i], `${at}[${i}]`).length === 0))
      ? []
      : [`${at}: ${JSON.stringify(raw)} became ${JSON.stringify(generated)}`];
  }
  if (generated === null || typeof generated !== 'object') return [`${at}: object became ${JSON.stringify(generated)}`];
  const out: string[] = [];
  for (const k of Object.keys(raw)) {
    if (!inProperties && k === 'description' && typeof raw[k] === 'string') {
      if (k in generated) out.push(`${at}.description was kept`);
      continue;
    }
    if (!(k in generated)) out.push(`${at}.${k} was dropped`);
    else out.push(...proseDiff(raw[k], generated[k], `${at}.${k}`, !inProperties && k === 'properties'));
  }
  for (const k of Object.keys(generated)) if (!(k in raw)) out.push(`${at}.${k} was added`);
  return out;
}
