/**
 * The checks of `npm run verify`: the production guide's validation section (`dapr status`,
 * `dapr mtls`, `dapr mtls expiry`, `dapr components`, the sidecars) as pure functions of what we
 * committed ({@link VerifyExpectations}) and what the cluster holds ({@link ClusterSnapshot}), so
 * the logic is unit-tested on recorded JSON and the CLI (stacks/verify.ts) only reads the cluster.
 *
 * Each check has a {@link CheckNeeds}: `API` checks read objects the API server stores (they pass
 * on the local API server harness); `RUNNING_PODS` checks need a kubelet that runs the pods
 * (readiness, daprd logs) and can only pass on a real cluster.
 */
import { X509Certificate } from 'crypto';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** Outcome of one check. */
export enum VerifyStatus {
  PASS = 'PASS',
  FAIL = 'FAIL',
  /** A check that needs running pods, not evaluated because the run was `--api-only`. */
  REAL_CLUSTER_ONLY = 'REAL-CLUSTER-ONLY',
}

/** What a check needs from the cluster. */
export enum CheckNeeds {
  /** Objects as the API server stores them. */
  API = 'api',
  /** Pods running under a kubelet: readiness, container logs. */
  RUNNING_PODS = 'running-pods',
}

export interface VerifyResult {
  /** Stable check id, e.g. `control-plane.replicas`. */
  readonly check: string;
  readonly needs: CheckNeeds;
  readonly status: VerifyStatus;
  /** `Kind namespace/name` of the object checked. */
  readonly object: string;
  readonly message: string;
  /** What to do when it fails. */
  readonly fix?: string;
}

/** A control-plane workload and the replicas our Helm values give it. */
export interface ControlPlaneWorkload {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
  readonly replicas: number;
}

/** A Component we committed (dist/<env>/components.yaml). */
export interface ExpectedComponent {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  /** App ids in `scopes`; empty: every app of the namespace. */
  readonly scopes: readonly string[];
}

/** A workload we committed (dist/<env>/apps/<app>.yaml). */
export interface ExpectedWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly appId: string;
  readonly replicas: number;
}

/** What the environment's committed output says the cluster should run. */
export interface VerifyExpectations {
  readonly env: string;
  readonly controlPlaneNamespace: string;
  readonly controlPlane: readonly ControlPlaneWorkload[];
  /** The mTLS settings of the `daprsystem` Configuration, from our Helm values. */
  readonly mtls: { readonly enabled: boolean; readonly controlPlaneTrustDomain?: string; readonly workloadCertTtl?: string; readonly allowedClockSkew?: string };
  /** Fail when the root or the issuer expires in fewer days. */
  readonly expiryThresholdDays: number;
  readonly components: readonly ExpectedComponent[];
  readonly workloads: readonly ExpectedWorkload[];
}

/** What the cluster holds: read by kubectl (cluster-snapshot.ts), or recorded JSON in tests. */
export interface ClusterSnapshot {
  /** Control-plane Deployments and StatefulSets (`kind/name` → object, absent when not found). */
  readonly controlPlane: Readonly<Record<string, Json>>;
  /** The `daprsystem` Configuration, absent when not found. */
  readonly daprsystem?: Json;
  /** ConfigMap `dapr-trust-bundle` (the trust anchors Sentry distributes). */
  readonly trustBundleConfigMap?: Json;
  /** Secret `dapr-trust-bundle` (Sentry's issuer); absent when missing or not readable. */
  readonly trustBundleSecret?: Json;
  /** Why the Secret could not be read (RBAC, absent). */
  readonly trustBundleSecretError?: string;
  /** Components of the apps' namespaces (`namespace/name` → object). */
  readonly components: Readonly<Record<string, Json>>;
  /** The Deployments of our workloads (`namespace/name` → object, absent when not found). */
  readonly workloads: Readonly<Record<string, Json>>;
  /** Pods of each workload (`namespace/name` of the Deployment → pods its selector matches). */
  readonly pods: Readonly<Record<string, readonly Json[]>>;
  /** daprd's log of each pod (`namespace/pod` → text), where readable (running pods only). */
  readonly daprdLogs: Readonly<Record<string, string>>;
}

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Report the checks needing running pods as REAL-CLUSTER-ONLY instead of evaluating them. */
  readonly apiOnly: boolean;
  /** The time expiry is computed against. */
  readonly now: Date;
}

/**
 * The line daprd 1.18.3 logs when a component fails to initialize: `log.Errorf("Failed to init
 * component %s: %s", ...)` in pkg/runtime/processor/components.go (the dapr v1.18.3 module source).
 */
export const COMPONENT_INIT_ERROR = /Failed to init component ([^\s:"]+)/;

const DAY_MS = 24 * 3600 * 1000;

interface Builder {
  add(check: string, needs: CheckNeeds, object: string, ok: boolean, message: string, fix: string): void;
}

/** Every check, in the guide's order: control plane, mTLS, trust bundle, components, sidecars. */
export function runChecks(exp: VerifyExpectations, snap: ClusterSnapshot, opts: RunChecksOptions): VerifyResult[] {
  const results: VerifyResult[] = [];
  const b: Builder = {
    add(check, needs, object, ok, message, fix) {
      if (needs === CheckNeeds.RUNNING_PODS && opts.apiOnly) {
        results.push({ check, needs, object, status: VerifyStatus.REAL_CLUSTER_ONLY, message: 'needs running pods (a kubelet): evaluated only on a real cluster' });
        return;
      }
      results.push({ check, needs, object, status: ok ? VerifyStatus.PASS : VerifyStatus.FAIL, message, fix: ok ? undefined : fix });
    },
  };
  checkControlPlane(b, exp, snap);
  checkMtls(b, exp, snap);
  checkTrustBundle(b, exp, snap, opts.now);
  checkComponents(b, exp, snap);
  checkWorkloads(b, exp, snap);
  return results;
}

function checkControlPlane(b: Builder, exp: VerifyExpectations, snap: ClusterSnapshot): void {
  for (const w of exp.controlPlane) {
    const object = `${w.kind} ${exp.controlPlaneNamespace}/${w.name}`;
    const live = snap.controlPlane[`${w.kind}/${w.name}`];
    const set: number | undefined = live?.spec?.replicas;
    b.add('control-plane.replicas', CheckNeeds.API, object, live !== undefined && set === w.replicas,
      live === undefined ? 'not found' : `${set} replicas set (want ${w.replicas})`,
      live === undefined
        ? `the Dapr Helm release is missing or incomplete: run 'cdktf deploy' for ${exp.env} and check 'helm status dapr -n ${exp.controlPlaneNamespace}'`
        : `the release's values differ from the committed stack: re-apply 'cdktf deploy' for ${exp.env} (someone scaled it by hand?)`);
    const ready: number = live?.status?.readyReplicas ?? 0;
    b.add('control-plane.ready', CheckNeeds.RUNNING_PODS, object, live !== undefined && ready >= w.replicas,
      `${ready}/${w.replicas} ready`,
      `kubectl -n ${exp.controlPlaneNamespace} describe ${w.kind.toLowerCase()} ${w.name}; look at its pods' events and logs`);
  }
}

function checkMtls(b: Builder, exp: VerifyExpectations, snap: ClusterSnapshot): void {
  const object = `Configuration ${exp.controlPlaneNamespace}/daprsystem`;
  const m = snap.daprsystem?.spec?.mtls;
  const fix = `the Configuration comes from the Dapr chart's global.mtls values: re-apply 'cdktf deploy' for ${exp.env}`;
  if (!snap.daprsystem) {
    b.add('mtls.enabled', CheckNeeds.API, object, false, 'not found', fix);
    return;
  }
  b.add('mtls.enabled', CheckNeeds.API, object, m?.enabled === true, `spec.mtls.enabled is ${JSON.stringify(m?.enabled)} (want true)`, fix);
  const diffs: string[] = [];
  const cmp = (field: string, want: string | undefined) => {
    if (want !== undefined && m?.[field] !== want) diffs.push(`${field} ${JSON.stringify(m?.[field])} (want ${JSON.stringify(want)})`);
  };
  cmp('controlPlaneTrustDomain', exp.mtls.controlPlaneTrustDomain);
  cmp('workloadCertTTL', exp.mtls.workloadCertTtl);
  cmp('allowedClockSkew', exp.mtls.allowedClockSkew);
  b.add('mtls.settings', CheckNeeds.API, object, diffs.length === 0,
    diffs.length ? diffs.join(', ') : `trust domain ${m?.controlPlaneTrustDomain}, workload certs ${m?.workloadCertTTL}, clock skew ${m?.allowedClockSkew}`, fix);
}

/** The certificates of a PEM bundle. */
export function parsePemBundle(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c));
}

function decode(secret: Json, key: string): string | undefined {
  const v = secret?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

function expiryCheck(b: Builder, check: string, object: string, cert: X509Certificate, exp: VerifyExpectations, now: Date, fix: string): void {
  const notAfter = new Date(cert.validTo);
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  b.add(check, CheckNeeds.API, object, days >= exp.expiryThresholdDays,
    `${cert.subject.replace(/\n/g, ', ')}: expires ${notAfter.toISOString()} (${days} days left, threshold ${exp.expiryThresholdDays})`, fix);
}

function checkTrustBundle(b: Builder, exp: VerifyExpectations, snap: ClusterSnapshot, now: Date): void {
  const ns = exp.controlPlaneNamespace;
  const cmObject = `ConfigMap ${ns}/dapr-trust-bundle`;
  const roots = parsePemBundle(snap.trustBundleConfigMap?.data?.['ca.crt'] ?? '');
  const rootFix = 'rotate the root (docs/control-plane.md, "Rotating the issuer", its paragraph on the root): both roots in the bundle first, then the new issuer';
  if (roots.length === 0) {
    b.add('trust-bundle.root-expiry', CheckNeeds.API, cmObject, false,
      snap.trustBundleConfigMap ? 'no certificate in data["ca.crt"]' : 'not found',
      `Sentry writes it at start: check the dapr-sentry pods (kubectl -n ${ns} logs deploy/dapr-sentry)`);
  }
  for (const r of roots) expiryCheck(b, 'trust-bundle.root-expiry', cmObject, r, exp, now, rootFix);

  const secObject = `Secret ${ns}/dapr-trust-bundle`;
  const issuerPem = decode(snap.trustBundleSecret, 'issuer.crt');
  const issuer = issuerPem ? parsePemBundle(issuerPem)[0] : undefined;
  if (!issuer) {
    b.add('trust-bundle.issuer-expiry', CheckNeeds.API, secObject, false,
      snap.trustBundleSecret ? 'no certificate in data["issuer.crt"]' : `not readable: ${snap.trustBundleSecretError ?? 'not found'}`,
      `run verify with a kubeconfig that may get secrets in ${ns}; with a Vault CA, 'cdktf deploy' writes the issuer into the Dapr release`);
    return;
  }
  expiryCheck(b, 'trust-bundle.issuer-expiry', secObject, issuer, exp, now,
    `rotate the issuer: raise issuerRotation for ${exp.env} and 'cdktf deploy' (docs/control-plane.md, "Rotating the issuer")`);
  const signer = roots.find((r) => issuer.checkIssued(r) && issuer.verify(r.publicKey));
  b.add('trust-bundle.issuer-chain', CheckNeeds.API, secObject, signer !== undefined,
    signer ? `issuer signed by the trust anchor ${signer.subject.replace(/\n/g, ', ')}` : `issuer ${issuer.issuer.replace(/\n/g, ', ')} is not signed by any of the ${roots.length} trust anchor(s) in ConfigMap ${ns}/dapr-trust-bundle`,
    'sidecars reject workload certificates of this issuer: put its root into the trust bundle or re-issue it under the current root');
}

function appIdOf(pod: Json): string | undefined {
  return pod?.metadata?.annotations?.['dapr.io/app-id'];
}

function daprdStatus(pod: Json): Json | undefined {
  const statuses = [...(pod?.status?.containerStatuses ?? []), ...(pod?.status?.initContainerStatuses ?? [])];
  return statuses.find((s: Json) => s.name === 'daprd');
}

/** daprd has run in the pod (it has a log): running, terminated or restarted. */
export function daprdStarted(pod: Json): boolean {
  const st = daprdStatus(pod);
  return st !== undefined && (st.state?.running !== undefined || st.state?.terminated !== undefined || (st.restartCount ?? 0) > 0);
}

function hasDaprd(pod: Json): boolean {
  return [...(pod?.spec?.containers ?? []), ...(pod?.spec?.initContainers ?? [])].some((c: Json) => c.name === 'daprd');
}

function podsOfApp(exp: VerifyExpectations, snap: ClusterSnapshot, namespace: string, appId: string): Json[] {
  const w = exp.workloads.find((x) => x.namespace === namespace && x.appId === appId);
  return w ? [...(snap.pods[`${w.namespace}/${w.name}`] ?? [])] : [];
}

function checkComponents(b: Builder, exp: VerifyExpectations, snap: ClusterSnapshot): void {
  for (const c of exp.components) {
    const object = `Component ${c.namespace}/${c.name}`;
    const live = snap.components[`${c.namespace}/${c.name}`];
    b.add('component.exists', CheckNeeds.API, object, live !== undefined && live.spec?.type === c.type,
      live === undefined ? 'not found' : `type ${live.spec?.type} (want ${c.type})`,
      `Argo CD has not synced dist/${exp.env}/components.yaml: 'argocd app sync dapr-platform-${exp.env}' or look at the Application's status`);
    const apps = c.scopes.length ? c.scopes : exp.workloads.filter((w) => w.namespace === c.namespace).map((w) => w.appId);
    for (const appId of apps) {
      const pods = podsOfApp(exp, snap, c.namespace, appId);
      const notReady = pods.filter((p) => daprdStatus(p)?.ready !== true).map((p) => p.metadata.name);
      b.add('component.app-daprd-ready', CheckNeeds.RUNNING_PODS, `${object} → app ${appId}`, pods.length > 0 && notReady.length === 0,
        pods.length === 0 ? 'no pods of the app' : notReady.length ? `daprd not ready in ${notReady.join(', ')}` : `daprd ready in ${pods.length} pod(s)`,
        `kubectl -n ${c.namespace} logs <pod> -c daprd: a component that fails to init (a wrong secret reference) keeps daprd from starting`);
      // kubectl logs of a pod whose daprd never started answers nothing, successfully: only started ones count.
      const started = pods.filter(daprdStarted);
      const errors: string[] = [];
      for (const p of started) {
        for (const line of (snap.daprdLogs[`${p.metadata.namespace}/${p.metadata.name}`] ?? '').split('\n')) {
          const m = COMPONENT_INIT_ERROR.exec(line);
          if (m && (m[1] === c.name || m[1].startsWith(`${c.name} `) || m[1].startsWith(`${c.name}(`))) errors.push(`${p.metadata.name}: ${line.trim().slice(0, 200)}`);
        }
      }
      const unread = started.filter((p) => snap.daprdLogs[`${p.metadata.namespace}/${p.metadata.name}`] === undefined).map((p) => p.metadata.name);
      const logsRead = started.length > 0 && unread.length === 0;
      b.add('component.init-errors', CheckNeeds.RUNNING_PODS, `${object} → app ${appId}`, logsRead && errors.length === 0,
        started.length === 0 ? `daprd has not started in any of ${pods.length} pod(s): no log to read`
          : unread.length ? `daprd's log not readable in ${unread.join(', ')}`
            : errors.length ? errors.join('; ') : `no 'Failed to init component' in daprd's log of ${started.length} pod(s)`,
        `the component's metadata or secret reference is wrong: compare dist/${exp.env}/components.yaml with the secret store's keys`);
    }
  }
}

function checkWorkloads(b: Builder, exp: VerifyExpectations, snap: ClusterSnapshot): void {
  for (const w of exp.workloads) {
    const object = `Deployment ${w.namespace}/${w.name}`;
    const live = snap.workloads[`${w.namespace}/${w.name}`];
    const argo = `Argo CD has not synced dist/${exp.env}/apps/${w.appId}.yaml (or it drifted): sync the Application`;
    if (!live) {
      b.add('workload.exists', CheckNeeds.API, object, false, 'not found', argo);
      continue;
    }
    const ann = live.spec?.template?.metadata?.annotations ?? {};
    b.add('workload.sidecar-annotation', CheckNeeds.API, object, ann['dapr.io/enabled'] === 'true' && ann['dapr.io/app-id'] === w.appId,
      `dapr.io/enabled ${JSON.stringify(ann['dapr.io/enabled'])}, dapr.io/app-id ${JSON.stringify(ann['dapr.io/app-id'])} (want "true", "${w.appId}")`, argo);
    const pods = [...(snap.pods[`${w.namespace}/${w.name}`] ?? [])];
    const without = pods.filter((p) => !hasDaprd(p) || appIdOf(p) !== w.appId).map((p) => p.metadata.name);
    b.add('workload.sidecar-injected', CheckNeeds.API, object, pods.length >= w.replicas && without.length === 0,
      pods.length < w.replicas ? `${pods.length} pod(s), want ${w.replicas}` : without.length ? `no daprd in ${without.join(', ')}` : `daprd in all ${pods.length} pod(s)`,
      pods.length < w.replicas
        ? `kubectl -n ${w.namespace} describe rs -l <selector>: the API server or a webhook refused the pods`
        : `the injector did not mutate them: check the dapr-sidecar-injector webhook and the namespace, then restart the Deployment`);
    const notReady = pods.filter((p) => daprdStatus(p)?.ready !== true).map((p) => p.metadata.name);
    b.add('workload.sidecar-ready', CheckNeeds.RUNNING_PODS, object, pods.length > 0 && notReady.length === 0,
      pods.length === 0 ? 'no pods' : notReady.length ? `daprd not ready in ${notReady.join(', ')}` : `daprd ready in ${pods.length} pod(s)`,
      `kubectl -n ${w.namespace} logs <pod> -c daprd`);
  }
}

/** One line per result, the fix on the next line for a failure. */
export function formatResult(r: VerifyResult): string {
  const head = `${r.status.padEnd(17)} ${r.check.padEnd(28)} ${r.object}: ${r.message}`;
  return r.fix ? `${head}\n${' '.repeat(18)}fix: ${r.fix}` : head;
}

/** CI exit code: 1 when any check failed. */
export function exitCode(results: readonly VerifyResult[]): number {
  return results.some((r) => r.status === VerifyStatus.FAIL) ? 1 : 0;
}
