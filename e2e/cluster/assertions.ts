/**
 * The checks the cluster harness makes on what the API server stored: pure functions over pod and
 * object JSON, so that jest tests each one on a stored pod without a cluster
 * (test/e2e-cluster-assertions.test.ts). Every failure names the environment, the object and the field.
 */
import * as path from 'path';
import { parseQuantity } from '../../constructs/model/quantity';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export enum CheckStatus {
  PASS = 'pass',
  FAIL = 'FAIL',
  /** The check needs a program the run did not have (said loudly, never counted as a pass). */
  NOT_RUN = 'NOT RUN',
}

export interface Check {
  readonly id: string;
  readonly env: string;
  /** e.g. `Pod order-management/orders-7d9f-abcde (Deployment orders)` */
  readonly object: string;
  /** e.g. `spec.containers[daprd].env[DAPR_API_TOKEN]` */
  readonly field: string;
  readonly status: CheckStatus;
  readonly message: string;
}

/** Secrets or ConfigMaps that exist: `namespace/name` -> their keys. */
export type ObjectKeys = ReadonlyMap<string, ReadonlySet<string>>;

export interface PodCheckInput {
  readonly env: string;
  /** The pod as the API server stored it (after every mutating webhook). */
  readonly pod: Json;
  /** The owning workload, for messages (`Deployment orders`). */
  readonly owner: string;
  /** Names of the containers of our pod template (not injected). */
  readonly appContainers: readonly string[];
  readonly secrets: ObjectKeys;
  readonly configMaps: ObjectKeys;
  /** `vaultTokenMountPath` of the HashiCorp Vault secret store Component scoped to this app, if any. */
  readonly vaultTokenMountPath?: string;
  /** Whether the Vault Agent injector ran in this cluster (checks that need it are NOT RUN otherwise). */
  readonly vaultInjectorRan: boolean;
}

export const DAPRD = 'daprd';
export const VAULT_AGENT_CONTAINERS = ['vault-agent-init', 'vault-agent'];
const VAULT_NOT_RUN = 'needs the Vault Agent injector (set VAULT_AGENT_INJECTOR_BIN; vault-k8s is not served by the Go module proxy)';

function podName(i: PodCheckInput): string {
  return `Pod ${i.pod.metadata.namespace}/${i.pod.metadata.name} (${i.owner})`;
}

function allContainers(pod: Json): Json[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
}

function findContainer(pod: Json, name: string): Json | undefined {
  return allContainers(pod).find((c) => c.name === name);
}

function annotations(pod: Json): Record<string, string> {
  return pod.metadata.annotations ?? {};
}

function envVar(c: Json, name: string): Json | undefined {
  return (c.env ?? []).find((e: Json) => e.name === name);
}

function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${flag}=`));
  return eq?.slice(flag.length + 1);
}

class Checks {
  public readonly out: Check[] = [];
  public constructor(private readonly i: PodCheckInput) {}
  public add(id: string, field: string, ok: boolean, message: string): void {
    this.out.push({ id, env: this.i.env, object: podName(this.i), field, status: ok ? CheckStatus.PASS : CheckStatus.FAIL, message });
  }
  public notRun(id: string, field: string, message: string): void {
    this.out.push({ id, env: this.i.env, object: podName(this.i), field, status: CheckStatus.NOT_RUN, message });
  }
}

/** daprd was injected into a pod that asks for it. */
export function checkDaprdInjected(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  if (annotations(i.pod)['dapr.io/enabled'] !== 'true') return c.out;
  const d = findContainer(i.pod, DAPRD);
  c.add('daprd-injected', 'spec.containers[daprd]', d !== undefined,
    d ? 'daprd injected by the Dapr sidecar injector' : 'dapr.io/enabled is "true" but the stored pod has no daprd container');
  return c.out;
}

/** daprd's requests/limits equal the dapr.io/sidecar-* annotations. */
export function checkDaprdResources(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  if (!d) return c.out;
  const a = annotations(i.pod);
  const pairs: Array<[string, 'requests' | 'limits', 'cpu' | 'memory']> = [
    ['dapr.io/sidecar-cpu-request', 'requests', 'cpu'], ['dapr.io/sidecar-cpu-limit', 'limits', 'cpu'],
    ['dapr.io/sidecar-memory-request', 'requests', 'memory'], ['dapr.io/sidecar-memory-limit', 'limits', 'memory'],
  ];
  for (const [key, kind, res] of pairs) {
    if (a[key] === undefined) continue;
    const got = d.resources?.[kind]?.[res];
    const ok = got !== undefined && parseQuantity(String(got)) === parseQuantity(a[key]);
    c.add('daprd-resources', `spec.containers[daprd].resources.${kind}.${res}`, ok,
      ok ? `${got} = ${key}` : `is ${got ?? 'unset'}, the annotation ${key} asks for ${a[key]}`);
  }
  return c.out;
}

/** Every NAME=value of dapr.io/env (GOMEMLIMIT among them) is in daprd's env. */
export function checkDaprdEnv(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  const spec = annotations(i.pod)['dapr.io/env'];
  if (!d || spec === undefined) return c.out;
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...rest] = pair.split('=');
    const want = rest.join('=');
    const got = envVar(d, name)?.value;
    c.add('daprd-env', `spec.containers[daprd].env[${name}]`, got === want,
      got === want ? `${name}=${got} from dapr.io/env` : `is ${got === undefined ? 'missing' : `"${got}"`}, dapr.io/env asks for ${name}=${want}`);
  }
  return c.out;
}

/** daprd runs with --config <dapr.io/config>. */
export function checkDaprdConfig(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  const want = annotations(i.pod)['dapr.io/config'];
  if (!d || want === undefined) return c.out;
  const got = argValue(d.args ?? [], '--config');
  c.add('daprd-config', 'spec.containers[daprd].args[--config]', got === want,
    got === want ? `--config ${got}` : `is ${got ?? 'missing'}, dapr.io/config is ${want}`);
  return c.out;
}

function secretRefOf(e: Json | undefined): { name: string; key: string } | undefined {
  const r = e?.valueFrom?.secretKeyRef;
  return r ? { name: r.name, key: r.key } : undefined;
}

function secretHasKey(i: PodCheckInput, name: string, key: string): boolean {
  return i.secrets.get(`${i.pod.metadata.namespace}/${name}`)?.has(key) ?? false;
}

/** A token daprd reads from a Secret the pod annotation names, and the app container gets too. */
interface TokenWiring {
  readonly annotation: string;
  readonly env: string;
  readonly daprdId: string;
  readonly appId: string;
  /** What goes wrong when the app container lacks it. */
  readonly appMissing: string;
}

const API_TOKEN: TokenWiring = {
  annotation: 'dapr.io/api-token-secret', env: 'DAPR_API_TOKEN', daprdId: 'daprd-api-token', appId: 'app-api-token',
  appMissing: 'the app cannot call its sidecar (daprd answers 401)',
};
/** daprd -> app: daprd sends APP_API_TOKEN in the dapr-api-token header, the app checks it (Dapr 1.18.3 pkg/injector/patcher). */
const APP_TOKEN: TokenWiring = {
  annotation: 'dapr.io/app-token-secret', env: 'APP_API_TOKEN', daprdId: 'daprd-app-token', appId: 'app-app-token',
  appMissing: "the app cannot check the token daprd sends with every call",
};

function checkDaprdToken(i: PodCheckInput, t: TokenWiring): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  const secret = annotations(i.pod)[t.annotation];
  if (!d || secret === undefined) return c.out;
  const ref = secretRefOf(envVar(d, t.env));
  const field = `spec.containers[daprd].env[${t.env}].valueFrom.secretKeyRef`;
  if (!ref || ref.name !== secret) {
    c.add(t.daprdId, field, false, `is ${ref ? `${ref.name}/${ref.key}` : 'missing'}, ${t.annotation} is ${secret}`);
    return c.out;
  }
  const exists = secretHasKey(i, ref.name, ref.key);
  c.add(t.daprdId, field, exists, exists
    ? `Secret ${ref.name} key ${ref.key}`
    : `Secret ${i.pod.metadata.namespace}/${ref.name} with key ${ref.key} does not exist (created by nothing: daprd fails with CreateContainerConfigError)`);
  return c.out;
}

function checkAppToken(i: PodCheckInput, t: TokenWiring): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  const daprdRef = d ? secretRefOf(envVar(d, t.env)) : undefined;
  if (!d || annotations(i.pod)[t.annotation] === undefined) return c.out;
  for (const name of i.appContainers) {
    const app = findContainer(i.pod, name);
    const e = app ? envVar(app, t.env) : undefined;
    const ref = secretRefOf(e);
    const field = `spec.containers[${name}].env[${t.env}]`;
    if (!ref) {
      c.add(t.appId, field, false, e?.value !== undefined
        ? 'is a literal value; it must come from the Secret daprd uses (valueFrom.secretKeyRef)'
        : `is missing: ${t.appMissing}, daprd reads ${daprdRef ? `${daprdRef.name}/${daprdRef.key}` : 'a Secret'}`);
      continue;
    }
    const ok = daprdRef !== undefined && ref.name === daprdRef.name && ref.key === daprdRef.key;
    c.add(t.appId, `${field}.valueFrom.secretKeyRef`, ok,
      ok ? `Secret ${ref.name} key ${ref.key}, the same as daprd` : `is ${ref.name}/${ref.key}, daprd reads ${daprdRef ? `${daprdRef.name}/${daprdRef.key}` : 'none'}`);
  }
  return c.out;
}

/** daprd gets DAPR_API_TOKEN from the Secret dapr.io/api-token-secret names, and that Secret exists with the key. */
export function checkDaprdApiToken(i: PodCheckInput): Check[] {
  return checkDaprdToken(i, API_TOKEN);
}

/** Every app container gets DAPR_API_TOKEN through valueFrom.secretKeyRef from the Secret and key daprd uses. */
export function checkAppApiToken(i: PodCheckInput): Check[] {
  return checkAppToken(i, API_TOKEN);
}

/**
 * A pod with an app channel (dapr.io/app-port) has dapr.io/app-token-secret; daprd gets APP_API_TOKEN
 * from that Secret (the injector puts it there), which exists with the key; and every app container
 * gets APP_API_TOKEN from the same Secret and key, to check daprd's calls.
 */
export function checkAppTokenWiring(i: PodCheckInput): Check[] {
  const a = annotations(i.pod);
  if (findContainer(i.pod, DAPRD) && a['dapr.io/app-port'] !== undefined && a[APP_TOKEN.annotation] === undefined) {
    const c = new Checks(i);
    c.add(APP_TOKEN.daprdId, `metadata.annotations[${APP_TOKEN.annotation}]`, false,
      `is missing although dapr.io/app-port is ${a['dapr.io/app-port']}: daprd calls the app unauthenticated`);
    return c.out;
  }
  return [...checkDaprdToken(i, APP_TOKEN), ...checkAppToken(i, APP_TOKEN)];
}

/**
 * Every `volume:path` of dapr.io/volume-mounts is mounted into daprd (read-only) from a volume of the
 * pod (e.g. the OTel collector CA, issue 16).
 */
export function checkDaprdVolumeMounts(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  const spec = annotations(i.pod)['dapr.io/volume-mounts'];
  if (!d || !spec) return c.out;
  for (const entry of spec.split(',').map((e: string) => e.trim()).filter(Boolean)) {
    const [volume, mountPath] = entry.split(':');
    const field = `spec.containers[daprd].volumeMounts[${volume}]`;
    const m = (d.volumeMounts ?? []).find((x: Json) => x.name === volume && x.mountPath === mountPath);
    const hasVolume = (i.pod.spec.volumes ?? []).some((v: Json) => v.name === volume);
    const ok = m !== undefined && m.readOnly === true && hasVolume;
    c.add('daprd-volume-mount', field, ok, ok
      ? `${volume} at ${mountPath}, read-only`
      : !hasVolume ? `the pod has no volume ${volume}` : !m ? `daprd does not mount ${volume} at ${mountPath} (dapr.io/volume-mounts asks for ${entry})`
        : `${volume} is mounted read-write`);
  }
  return c.out;
}

/** Every Secret and ConfigMap the pod references (env, envFrom, volumes) exists, with the keys it names. */
export function checkReferencedObjects(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const ns = i.pod.metadata.namespace;
  const refs: Array<{ kind: 'Secret' | 'ConfigMap'; name: string; key?: string; field: string; optional: boolean }> = [];
  for (const ct of allContainers(i.pod)) {
    for (const e of ct.env ?? []) {
      const s = e.valueFrom?.secretKeyRef; const m = e.valueFrom?.configMapKeyRef;
      if (s) refs.push({ kind: 'Secret', name: s.name, key: s.key, field: `spec.containers[${ct.name}].env[${e.name}]`, optional: !!s.optional });
      if (m) refs.push({ kind: 'ConfigMap', name: m.name, key: m.key, field: `spec.containers[${ct.name}].env[${e.name}]`, optional: !!m.optional });
    }
    for (const f of ct.envFrom ?? []) {
      if (f.secretRef) refs.push({ kind: 'Secret', name: f.secretRef.name, field: `spec.containers[${ct.name}].envFrom`, optional: !!f.secretRef.optional });
      if (f.configMapRef) refs.push({ kind: 'ConfigMap', name: f.configMapRef.name, field: `spec.containers[${ct.name}].envFrom`, optional: !!f.configMapRef.optional });
    }
  }
  for (const v of i.pod.spec.volumes ?? []) {
    const field = `spec.volumes[${v.name}]`;
    if (v.secret) refs.push({ kind: 'Secret', name: v.secret.secretName, field, optional: !!v.secret.optional });
    if (v.configMap) refs.push({ kind: 'ConfigMap', name: v.configMap.name, field, optional: !!v.configMap.optional });
    for (const s of v.projected?.sources ?? []) {
      if (s.secret) refs.push({ kind: 'Secret', name: s.secret.name, field, optional: !!s.secret.optional });
      if (s.configMap) refs.push({ kind: 'ConfigMap', name: s.configMap.name, field, optional: !!s.configMap.optional });
    }
  }
  for (const r of refs) {
    if (r.optional) continue;
    const keys = (r.kind === 'Secret' ? i.secrets : i.configMaps).get(`${ns}/${r.name}`);
    const ok = keys !== undefined && (r.key === undefined || keys.has(r.key));
    c.add('referenced-object-exists', r.field, ok, ok ? `${r.kind} ${r.name}${r.key ? ` key ${r.key}` : ''} exists`
      : `${r.kind} ${ns}/${r.name}${r.key ? ` with key ${r.key}` : ''} does not exist`);
  }
  return c.out;
}

/** No container mounts two volumes at one path. */
export function checkNoDuplicateMounts(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  for (const ct of allContainers(i.pod)) {
    const seen = new Map<string, string>();
    const dups: string[] = [];
    for (const m of ct.volumeMounts ?? []) {
      if (seen.has(m.mountPath)) dups.push(`${m.mountPath} (${seen.get(m.mountPath)} and ${m.name})`);
      seen.set(m.mountPath, m.name);
    }
    c.add('no-duplicate-mount-paths', `spec.containers[${ct.name}].volumeMounts`, dups.length === 0,
      dups.length === 0 ? `${seen.size} distinct mount paths` : `mounts ${dups.join(', ')} twice`);
  }
  return c.out;
}

function isTokenVolume(v: Json | undefined): boolean {
  return !!v?.projected?.sources?.some((s: Json) => s.serviceAccountToken);
}

/** Our pod template names a projected service-account token volume for the Vault agent (runs without the Vault injector). */
export function checkVaultTokenVolumeAnnotation(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const a = annotations(i.pod);
  if (a['vault.hashicorp.com/agent-inject'] !== 'true') return c.out;
  const name = a['vault.hashicorp.com/agent-service-account-token-volume-name'];
  const field = 'metadata.annotations[vault.hashicorp.com/agent-service-account-token-volume-name]';
  if (name === undefined) {
    const automount = i.pod.spec.automountServiceAccountToken !== false;
    c.add('vault-agent-token-volume', field, automount, automount
      ? 'unset; the agent uses the automounted service-account token'
      : 'is unset and automountServiceAccountToken is false: the pod gives the Vault agent no service-account token (vault-k8s 1.5.0 source: its serviceaccount() then finds no token mount and the injector denies the pod)');
    return c.out;
  }
  const v = (i.pod.spec.volumes ?? []).find((x: Json) => x.name === name);
  c.add('vault-agent-token-volume', field, isTokenVolume(v), isTokenVolume(v)
    ? `names projected volume ${name} with a serviceAccountToken source`
    : `names ${name}, which is ${v ? 'not a projected serviceAccountToken volume' : 'not a volume of the pod'}`);
  return c.out;
}

/** The Vault agent init and sidecar containers are present and each mounts a service-account token volume. */
export function checkVaultAgentInjected(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  if (annotations(i.pod)['vault.hashicorp.com/agent-inject'] !== 'true') return c.out;
  for (const name of VAULT_AGENT_CONTAINERS) {
    const field = `spec.${name === 'vault-agent-init' ? 'initContainers' : 'containers'}[${name}]`;
    if (!i.vaultInjectorRan) { c.notRun('vault-agent-injected', field, VAULT_NOT_RUN); continue; }
    const ct = findContainer(i.pod, name);
    c.add('vault-agent-injected', field, ct !== undefined, ct ? 'injected by the Vault Agent injector' : 'missing: the Vault Agent injector did not inject it');
    if (!ct) continue;
    const tokenMount = (ct.volumeMounts ?? []).find((m: Json) => isTokenVolume((i.pod.spec.volumes ?? []).find((v: Json) => v.name === m.name)));
    c.add('vault-agent-token-mount', `${field}.volumeMounts`, tokenMount !== undefined, tokenMount
      ? `service-account token volume ${tokenMount.name} at ${tokenMount.mountPath}`
      : 'mounts no service-account token volume: the agent cannot log in to Vault');
  }
  return c.out;
}

/** daprd mounts the Vault token directory exactly once, at dirname(vaultTokenMountPath), from the volume the agent writes. */
export function checkDaprdVaultTokenMount(i: PodCheckInput): Check[] {
  const c = new Checks(i);
  const d = findContainer(i.pod, DAPRD);
  if (!d || i.vaultTokenMountPath === undefined) return c.out;
  const dir = path.posix.dirname(i.vaultTokenMountPath);
  const covering = (d.volumeMounts ?? []).filter((m: Json) =>
    m.mountPath === dir || i.vaultTokenMountPath!.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  const field = 'spec.containers[daprd].volumeMounts';
  if (covering.length === 0 && !i.vaultInjectorRan) {
    // The mount may be the Vault Agent injector's own (it mounts its volume into every container present).
    c.notRun('daprd-vault-token-mount', field, `no mount covers ${i.vaultTokenMountPath} before the Vault Agent injector; ${VAULT_NOT_RUN}`);
    return c.out;
  }
  const ok = covering.length === 1 && covering[0].mountPath === dir;
  c.add('daprd-vault-token-mount', field, ok, ok
    ? `one mount at ${dir} (volume ${covering[0].name}) for vaultTokenMountPath ${i.vaultTokenMountPath}`
    : `has ${covering.length} mounts covering ${i.vaultTokenMountPath} (${covering.map((m: Json) => `${m.name} at ${m.mountPath}`).join(', ') || 'none'}); exactly one at ${dir} is needed`);
  if (!ok) return c.out;
  if (!i.vaultInjectorRan) { c.notRun('vault-token-reaches-daprd', field, VAULT_NOT_RUN); return c.out; }
  const agent = findContainer(i.pod, 'vault-agent');
  const agentMount = (agent?.volumeMounts ?? []).find((m: Json) => m.name === covering[0].name);
  c.add('vault-token-reaches-daprd', 'spec.containers[vault-agent].volumeMounts', agentMount !== undefined, agentMount
    ? `vault-agent writes volume ${covering[0].name} (at ${agentMount.mountPath}) that daprd reads`
    : `vault-agent does not mount volume ${covering[0].name}, which daprd reads the token from: the token never reaches daprd`);
  return c.out;
}

export const POD_CHECKS: ReadonlyArray<(i: PodCheckInput) => Check[]> = [
  checkDaprdInjected, checkDaprdResources, checkDaprdEnv, checkDaprdConfig, checkDaprdApiToken, checkAppApiToken, checkAppTokenWiring, checkDaprdVolumeMounts,
  checkReferencedObjects, checkNoDuplicateMounts, checkVaultTokenVolumeAnnotation, checkVaultAgentInjected, checkDaprdVaultTokenMount,
];

export function checkPod(i: PodCheckInput): Check[] {
  return POD_CHECKS.flatMap((f) => f(i));
}

/** The control-plane services whose replicas the chart keeps apart: the StatefulSets get the required term on 1.18. */
const SPREAD_REQUIRED = ['dapr-placement-server', 'dapr-scheduler-server'];
const SPREAD_PREFERRED = ['dapr-operator', 'dapr-sentry', 'dapr-sidecar-injector'];

/**
 * With HA and a `global.ha.podAntiAffinityPolicy` in the release values, the chart's workloads carry
 * that anti-affinity on `global.ha.topologyKey`: required for placement and scheduler (with the
 * required policy), preferred for operator, sentry and injector (the 1.18 templates never require
 * it for them). `ha` is the merged `global.ha` of the release values.
 */
export function checkControlPlaneSpread(env: string, chartObjects: readonly Json[], ha: Json): Check[] {
  if (!ha?.enabled || ha.podAntiAffinityPolicy === undefined) return [];
  const out: Check[] = [];
  const required = ha.podAntiAffinityPolicy === 'requiredDuringSchedulingIgnoredDuringExecution';
  for (const app of [...SPREAD_REQUIRED, ...SPREAD_PREFERRED]) {
    const w = chartObjects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata?.name === app);
    const object = `${w?.kind ?? 'Deployment/StatefulSet'} ${w?.metadata?.namespace ?? '?'}/${app} (chart)`;
    const field = 'spec.template.spec.affinity.podAntiAffinity';
    const add = (ok: boolean, message: string) => out.push({ id: 'control-plane-spread', env, object, field, status: ok ? CheckStatus.PASS : CheckStatus.FAIL, message });
    if (!w) {
      add(false, 'the rendered chart has no such workload');
      continue;
    }
    const anti = w.spec?.template?.spec?.affinity?.podAntiAffinity ?? {};
    const wantRequired = required && SPREAD_REQUIRED.includes(app);
    const terms: Json[] = wantRequired
      ? (anti.requiredDuringSchedulingIgnoredDuringExecution ?? [])
      : (anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: Json) => t.podAffinityTerm);
    const own = terms.find((t) => t?.topologyKey === ha.topologyKey
      && (t.labelSelector?.matchExpressions ?? []).some((e: Json) => e.key === 'app' && e.operator === 'In' && (e.values ?? []).includes(app)));
    const kind = wantRequired ? 'required' : 'preferred';
    add(own !== undefined, own
      ? `${kind} anti-affinity of app=${app} over ${ha.topologyKey}`
      : `has no ${kind} anti-affinity of app=${app} over ${ha.topologyKey} (has ${JSON.stringify(anti)})`);
  }
  return out;
}

/** A workload has its pods: otherwise the reason the API server gave the ReplicaSet controller. */
export function checkWorkloadPods(env: string, workload: string, wanted: number, pods: number, failure: string | undefined): Check {
  const ok = pods >= wanted && wanted > 0;
  return {
    id: 'pods-created', env, object: workload, field: 'status.replicas', status: ok ? CheckStatus.PASS : CheckStatus.FAIL,
    message: ok ? `${pods} pod(s) created through admission` : `${pods} of ${wanted} pod(s) created${failure ? `: ${failure}` : ''}`,
  };
}

/** The API server's warnings on apply (PodSecurity warn level among them) are failures. */
export function checkApplyWarnings(env: string, what: string, stderr: string): Check[] {
  const warnings = stderr.split('\n').filter((l) => /^Warning:/.test(l));
  if (warnings.length === 0) return [{ id: 'no-api-warnings', env, object: what, field: '(apply)', status: CheckStatus.PASS, message: 'no warnings' }];
  return warnings.map((w) => ({ id: 'no-api-warnings', env, object: what, field: '(apply)', status: CheckStatus.FAIL, message: w }));
}

export function formatCheck(c: Check): string {
  return `${c.status.padEnd(7)} ${c.env.padEnd(7)} ${c.id.padEnd(26)} ${c.object} ${c.field}: ${c.message}`;
}
