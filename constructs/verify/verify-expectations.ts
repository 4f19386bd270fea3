/**
 * What `npm run verify` expects, read from the environment's committed output: the manifests of
 * dist/<env>/ (Components, Deployments) and the Dapr Helm release in the Terraform JSON
 * (cdktf.out/stacks/<env>/cdk.tf.json: HA, replica count, mTLS values).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { ControlPlaneWorkload, ExpectedComponent, ExpectedWorkload, VerifyExpectations } from './verify-checks';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** The documents of every YAML file under a directory, in path order. */
export function readManifestDir(dir: string): Json[] {
  if (!fs.existsSync(dir)) throw new Error(`${dir} is missing: run 'npm run synth' (or check out the committed dist/)`);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter((o: Json) => o?.kind));
}

function deepMerge(a: Json, b: Json): Json {
  if (typeof a !== 'object' || a === null || Array.isArray(a) || typeof b !== 'object' || b === null || Array.isArray(b)) return b;
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? deepMerge(a[k], v) : v;
  return out;
}

/** The merged `values` of the Dapr chart's helm_release in a Terraform JSON document (later documents win). */
export function daprReleaseValues(tf: Json): Json {
  const releases = Object.values<Json>(tf?.resource?.helm_release ?? {}).filter((r) => r.chart === 'dapr');
  if (releases.length !== 1) throw new Error(`expected one helm_release of the dapr chart in the Terraform JSON, found ${releases.length}`);
  const r = releases[0];
  let values: Json = {};
  for (const v of (r.values ?? []) as string[]) values = deepMerge(values, parseYaml(v) ?? {});
  for (const s of (r.set ?? []) as Array<{ name: string; value: string }>) {
    // Only plain dotted keys are needed here (global.ha.enabled and the like).
    const keys = s.name.split('.');
    let o = values;
    for (const k of keys.slice(0, -1)) o = o[k] = typeof o[k] === 'object' && o[k] !== null ? o[k] : {};
    o[keys[keys.length - 1]] = s.value === 'true' ? true : s.value === 'false' ? false : /^\d+$/.test(s.value) ? Number(s.value) : s.value;
  }
  return values;
}

/**
 * The control-plane workloads and their replicas as the Dapr 1.18 chart renders them from our values:
 * operator, Sentry and injector `global.ha.replicaCount` with HA, else their `replicaCount` (1);
 * placement 3 with HA, else 1; the scheduler always 3 when enabled (charts/dapr_<service>/templates of 1.18.3).
 */
export function controlPlaneWorkloads(values: Json): ControlPlaneWorkload[] {
  const g = values.global ?? {};
  const ha = g.ha?.enabled === true;
  const haCount: number = g.ha?.replicaCount ?? 3;
  const own = (sub: string) => (ha ? haCount : (values[sub]?.replicaCount ?? 1));
  const out: ControlPlaneWorkload[] = [
    { kind: 'Deployment', name: 'dapr-operator', replicas: own('dapr_operator') },
    { kind: 'Deployment', name: 'dapr-sentry', replicas: own('dapr_sentry') },
    { kind: 'Deployment', name: 'dapr-sidecar-injector', replicas: own('dapr_sidecar_injector') },
  ];
  if (values.dapr_placement?.scaleZero !== true) out.push({ kind: 'StatefulSet', name: 'dapr-placement-server', replicas: ha || values.dapr_placement?.ha === true ? 3 : 1 });
  if (g.scheduler?.enabled !== false) out.push({ kind: 'StatefulSet', name: 'dapr-scheduler-server', replicas: 3 });
  return out;
}

export interface ExpectationSources {
  readonly env: string;
  readonly controlPlaneNamespace: string;
  /** The documents of dist/<env>/. */
  readonly manifests: readonly Json[];
  /** cdktf.out/stacks/<env>/cdk.tf.json. */
  readonly terraform: Json;
  readonly expiryThresholdDays: number;
}

/** What the cluster should hold, from the committed output. */
export function expectationsOf(src: ExpectationSources): VerifyExpectations {
  const values = daprReleaseValues(src.terraform);
  const mtls = values.global?.mtls ?? {};
  const components: ExpectedComponent[] = src.manifests.filter((d) => d.kind === 'Component' && String(d.apiVersion).startsWith('dapr.io/'))
    .map((d) => ({ name: d.metadata.name, namespace: d.metadata.namespace ?? 'default', type: d.spec.type, scopes: d.scopes ?? [] }));
  const workloads: ExpectedWorkload[] = src.manifests.filter((d) => d.kind === 'Deployment').map((d) => ({
    name: d.metadata.name,
    namespace: d.metadata.namespace ?? 'default',
    appId: d.spec.template.metadata?.annotations?.['dapr.io/app-id'] ?? d.metadata.name,
    replicas: d.spec.replicas ?? 1,
  }));
  return {
    env: src.env,
    controlPlaneNamespace: src.controlPlaneNamespace,
    controlPlane: controlPlaneWorkloads(values),
    mtls: { enabled: mtls.enabled !== false, controlPlaneTrustDomain: mtls.controlPlaneTrustDomain, workloadCertTtl: mtls.workloadCertTTL, allowedClockSkew: mtls.allowedClockSkew },
    expiryThresholdDays: src.expiryThresholdDays,
    components,
    workloads,
  };
}
