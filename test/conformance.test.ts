import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { Resiliency, RetryBackoff } from '../constructs/k8s/resiliency';
import { DaprVersion } from '../constructs/model/dapr-version';
import { daprChart, requireReference, synth } from './helpers';
import { seed } from './seed';

/** Everything our constructs render, in one chart: the seed plus a Resiliency. */
function renderAll(version: DaprVersion): any[] {
  const s = seed(daprChart({ daprVersion: version }));
  const r = new Resiliency(s.chart, 'resiliency', { name: 'order-paths', scopes: [s.checkout, s.notifications] });
  const timeout = r.addTimeout('general', Duration.seconds(5));
  const retry = r.addRetry('transient', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 5, maxInterval: Duration.seconds(15), httpStatusCodes: '429,500-599' });
  const breaker = r.addCircuitBreaker('callee', { trip: 'consecutiveFailures >= 5', timeout: Duration.seconds(30), interval: Duration.seconds(10) });
  r.targetApp(s.inventory, { timeout, retry, circuitBreaker: breaker });
  r.targetComponent(s.kafka, { retry }, { retry, circuitBreaker: breaker });
  return synth(s.chart);
}

for (const version of DaprVersion.supported()) {
  describe(`conformance with Dapr ${version}`, () => {
    const manifests = renderAll(version);
    const dapr = manifests.filter((m) => String(m.apiVersion).startsWith('dapr.io/'));

    test('every Dapr object validates against the openAPIV3Schema of its CRD', () => {
      const crdDir = requireReference(version.version, 'crds');
      const schemas = new Map<string, object>();
      for (const f of fs.readdirSync(crdDir)) {
        const crd = YAML.parse(fs.readFileSync(path.join(crdDir, f), 'utf8'));
        for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      expect(new Set(dapr.map((m) => m.kind))).toEqual(new Set(['Component', 'Configuration', 'Subscription', 'Resiliency']));
      for (const m of dapr) {
        const schema = schemas.get(`${m.apiVersion}/${m.kind}`);
        if (!schema) throw new Error(`no CRD schema for ${m.apiVersion} ${m.kind}`);
        const validate = ajv.compile(schema);
        const ok = validate(m);
        if (!ok) throw new Error(`${m.kind} ${m.metadata.name} fails its CRD schema: ${ajv.errorsText(validate.errors)}`);
        // Kubernetes prunes unknown fields silently; ours must all be in the schema.
        expect(unknownFields(m, schema)).toEqual([]);
      }
    });

    test('every Component uses only its spec metadata names, has the required ones, and gives sensitive ones by reference', () => {
      const mdDir = requireReference(version.version, 'component-metadata');
      const specs = new Map<string, { fields: Map<string, any>; required: string[] }>();
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
      // Keys daprd reads on every component of a category (not in the component's own spec).
      const runtimeKeys: Record<string, string[]> = { state: ['actorStateStore', 'keyPrefix'], pubsub: ['publishingScopes', 'subscriptionScopes'], secretstores: [] };
      // metadata.yaml marks both Vault token fields required; the code needs exactly one.
      const exactlyOne: Record<string, string[]> = { 'secretstores.hashicorp.vault': ['vaultToken', 'vaultTokenMountPath'] };
      const components = dapr.filter((m) => m.kind === 'Component');
      expect(components.map((c) => c.spec.type).sort()).toEqual(['pubsub.kafka', 'secretstores.hashicorp.vault', 'state.redis']);
      for (const c of components) {
        const spec = specs.get(`${c.spec.type}/${c.spec.version}`);
        if (!spec) throw new Error(`no metadata spec for ${c.spec.type}/${c.spec.version}`);
        const names = c.spec.metadata.map((m: any) => m.name);
        for (const m of c.spec.metadata) {
          const field = spec.fields.get(m.name);
          if (!field) {
            expect(runtimeKeys[c.spec.type.split('.')[0]]).toContain(m.name);
            continue;
          }
          if (field.sensitive) expect({ name: m.name, secretKeyRef: m.secretKeyRef }).toEqual({ name: m.name, secretKeyRef: expect.objectContaining({ name: expect.any(String), key: expect.any(String) }) });
          if (field.allowedValues && m.value !== undefined) expect(field.allowedValues.map(String)).toContain(m.value);
        }
        const oneOf = exactlyOne[c.spec.type] ?? [];
        for (const r of spec.required.filter((x) => !oneOf.includes(x))) expect(names).toContain(r);
        if (oneOf.length) expect(oneOf.filter((x) => names.includes(x))).toHaveLength(1);
        expect(names).not.toContain('vaultKubernetesMountPath');
      }
    });
  });
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
