/**
 * Reads a {@link ClusterSnapshot} from a live cluster with kubectl (reads only: get, logs), through
 * the kubeconfig context the environment names. The snapshot is plain JSON, so a run can be
 * recorded (`--record`) and the checks unit-tested on it.
 */
import { spawnSync } from 'child_process';
import { ClusterSnapshot, daprdStarted, VerifyExpectations } from './verify-checks';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface KubectlTarget {
  /** kubectl binary. */
  readonly kubectl: string;
  /** --kubeconfig; undefined: kubectl's default ($KUBECONFIG, ~/.kube/config). */
  readonly kubeconfig?: string;
  /** --context. */
  readonly context: string;
}

export interface SnapshotOptions {
  /** Read daprd's log of each pod (only running pods have one). */
  readonly readLogs: boolean;
}

class Kubectl {
  public constructor(private readonly t: KubectlTarget) {}

  public run(args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
    const base = [...(this.t.kubeconfig ? ['--kubeconfig', this.t.kubeconfig] : []), '--context', this.t.context];
    const r = spawnSync(this.t.kubectl, [...base, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`cannot run ${this.t.kubectl}: ${r.error.message}`);
    return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').trim() };
  }

  /** The object, or undefined when NotFound; other errors in `error`. */
  public get(kind: string, name: string, namespace: string): { obj?: Json; error?: string } {
    const r = this.run(['get', kind, name, '-n', namespace, '-o', 'json']);
    if (r.ok) return { obj: strip(JSON.parse(r.stdout)) };
    if (/NotFound|not found/.test(r.stderr)) return {};
    return { error: r.stderr };
  }

  public list(kind: string, namespace: string, selector?: string): Json[] {
    const r = this.run(['get', kind, '-n', namespace, ...(selector ? ['-l', selector] : []), '-o', 'json']);
    if (!r.ok) throw new Error(`kubectl get ${kind} -n ${namespace}: ${r.stderr}`);
    return (JSON.parse(r.stdout).items as Json[]).map(strip);
  }
}

/** Drops what no check reads and only makes recordings larger. */
function strip(o: Json): Json {
  if (o?.metadata) delete o.metadata.managedFields;
  return o;
}

/** Reads what the checks need; fails when the cluster cannot be reached at all. */
export function readClusterSnapshot(target: KubectlTarget, exp: VerifyExpectations, opts: SnapshotOptions): ClusterSnapshot {
  const k = new Kubectl(target);
  const reach = k.run(['get', '--raw', '/version']);
  if (!reach.ok) throw new Error(`cannot reach the cluster of context '${target.context}'${target.kubeconfig ? ` in ${target.kubeconfig}` : ''}: ${reach.stderr}`);
  const ns = exp.controlPlaneNamespace;
  const must = (kind: string, name: string, namespace: string): Json | undefined => {
    const r = k.get(kind, name, namespace);
    if (r.error) throw new Error(`kubectl get ${kind} ${name} -n ${namespace}: ${r.error}`);
    return r.obj;
  };
  const controlPlane: Record<string, Json> = {};
  for (const w of exp.controlPlane) {
    const o = must(w.kind.toLowerCase(), w.name, ns);
    if (o) controlPlane[`${w.kind}/${w.name}`] = o;
  }
  // Only the issuer certificate: the Secret also holds the issuer's private key, which verify never reads.
  const issuer = k.run(['get', 'secret', 'dapr-trust-bundle', '-n', ns, '-o', 'jsonpath={.data.issuer\\.crt}']);
  const secret = issuer.ok
    ? { obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dapr-trust-bundle', namespace: ns }, data: { 'issuer.crt': issuer.stdout.trim() } } }
    : { error: issuer.stderr };
  const components: Record<string, Json> = {};
  const workloads: Record<string, Json> = {};
  const pods: Record<string, Json[]> = {};
  const daprdLogs: Record<string, string> = {};
  const namespaces = [...new Set([...exp.components.map((c) => c.namespace), ...exp.workloads.map((w) => w.namespace)])].sort();
  for (const n of namespaces) for (const c of k.list('components.dapr.io', n)) components[`${n}/${c.metadata.name}`] = c;
  for (const w of exp.workloads) {
    const d = must('deployment', w.name, w.namespace);
    if (!d) continue;
    workloads[`${w.namespace}/${w.name}`] = d;
    const selector = Object.entries<string>(d.spec.selector.matchLabels ?? {}).map(([a, b]) => `${a}=${b}`).join(',');
    const ps = k.list('pods', w.namespace, selector).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    pods[`${w.namespace}/${w.name}`] = ps;
    if (opts.readLogs) {
      for (const p of ps.filter(daprdStarted)) {
        const r = k.run(['logs', p.metadata.name, '-n', w.namespace, '-c', 'daprd', '--tail', '2000']);
        if (r.ok) daprdLogs[`${w.namespace}/${p.metadata.name}`] = r.stdout;
      }
    }
  }
  return {
    controlPlane,
    daprsystem: must('configurations.dapr.io', 'daprsystem', ns),
    trustBundleConfigMap: must('configmap', 'dapr-trust-bundle', ns),
    trustBundleSecret: secret.obj,
    trustBundleSecretError: secret.obj ? undefined : (secret.error ?? 'not found'),
    components,
    workloads,
    pods,
    daprdLogs,
  };
}
