import { parseQuantity } from '@dapr-platform/constructs/internal';

/** Totals of CPU (millicores) and memory (MiB) requests and limits. */
export interface ResourceTotals {
  /** CPU requests, millicores. */
  readonly cpuRequestMillis: number;
  /** CPU limits, millicores. */
  readonly cpuLimitMillis: number;
  /** Memory requests, MiB. */
  readonly memoryRequestMiB: number;
  /** Memory limits, MiB. */
  readonly memoryLimitMiB: number;
}

/** What synth made for one environment (printed by {@link PlatformSynthCli}). */
export interface EnvironmentSummary {
  /** The environment's name. */
  readonly environment: string;
  /** Its profile (`dev`, `staging`, `prod`). */
  readonly profile: string;
  /** The pinned Dapr version. */
  readonly daprVersion: string;
  /** Terraform resources by type. */
  readonly terraformResources: { [type: string]: number };
  /** Kubernetes objects by kind. */
  readonly kubernetesObjects: { [kind: string]: number };
  /** Deployments. */
  readonly workloads: number;
  /** Pods at minimum replicas (the HPA minimum when autoscaled). */
  readonly pods: number;
  /** What the app containers request and may use. */
  readonly app: ResourceTotals;
  /** What the daprd sidecars request and may use (from the pod annotations). */
  readonly sidecars: ResourceTotals;
  /** Where the manifests were written (relative to the working directory). */
  readonly manifestDir: string;
  /** How many files `manifestDir` holds. */
  readonly manifestFiles: number;
  /** The stack's Terraform JSON file (relative to the working directory). */
  readonly terraformFile: string;
}

type MutableTotals = { -readonly [K in keyof ResourceTotals]: number };

/** A Kubernetes CPU quantity in millicores (0 when absent). */
export function parseCpu(q: string | undefined): number {
  return q === undefined ? 0 : quantity(q) * 1000;
}

/** A Kubernetes memory quantity in MiB (0 when absent). */
export function parseMemory(q: string | undefined): number {
  return q === undefined ? 0 : quantity(q) / (1024 * 1024);
}

function quantity(q: string): number {
  const v = parseQuantity(q);
  if (v === undefined) throw new Error(`unparseable quantity '${q}'`);
  return v;
}

const zero = (): MutableTotals => ({ cpuRequestMillis: 0, cpuLimitMillis: 0, memoryRequestMiB: 0, memoryLimitMiB: 0 });

/**
 * Counts what the manifests cost at their minimum replica count (HPA minimum when autoscaled):
 * the app containers, and the daprd sidecars the injector adds from the pod annotations.
 */
export function resourceTotals(manifests: any[]): { workloads: number; pods: number; app: ResourceTotals; sidecars: ResourceTotals } {
  const hpaMin = new Map<string, number>();
  for (const m of manifests) {
    if (m.kind === 'HorizontalPodAutoscaler') hpaMin.set(`${m.metadata.namespace}/${m.spec.scaleTargetRef.name}`, m.spec.minReplicas ?? 1);
  }
  const app = zero();
  const sidecars = zero();
  let workloads = 0;
  let pods = 0;
  for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
    workloads++;
    const replicas = d.spec.replicas ?? hpaMin.get(`${d.metadata.namespace}/${d.metadata.name}`) ?? 1;
    pods += replicas;
    for (const c of d.spec.template.spec.containers) {
      app.cpuRequestMillis += replicas * parseCpu(c.resources?.requests?.cpu);
      app.cpuLimitMillis += replicas * parseCpu(c.resources?.limits?.cpu);
      app.memoryRequestMiB += replicas * parseMemory(c.resources?.requests?.memory);
      app.memoryLimitMiB += replicas * parseMemory(c.resources?.limits?.memory);
    }
    const a = d.spec.template.metadata?.annotations ?? {};
    if (a['dapr.io/enabled'] === 'true') {
      sidecars.cpuRequestMillis += replicas * parseCpu(a['dapr.io/sidecar-cpu-request']);
      sidecars.cpuLimitMillis += replicas * parseCpu(a['dapr.io/sidecar-cpu-limit']);
      sidecars.memoryRequestMiB += replicas * parseMemory(a['dapr.io/sidecar-memory-request']);
      sidecars.memoryLimitMiB += replicas * parseMemory(a['dapr.io/sidecar-memory-limit']);
    }
  }
  return { workloads, pods, app, sidecars };
}

/** Resource types of a Terraform JSON document, one entry per resource. */
export function terraformResources(tf: any): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) for (const _ of Object.keys(byName)) out.push(type);
  return out;
}

/** Counts objects by a key. */
export function countBy<T>(items: T[], key: (t: T) => string): { [k: string]: number } {
  const out: { [k: string]: number } = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

const cpu = (m: number) => `${(m / 1000).toFixed(2)} CPU`;
const mem = (m: number) => (m >= 1024 ? `${(m / 1024).toFixed(2)} GiB` : `${Math.round(m)} MiB`);
const list = (r: { [k: string]: number }) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
const total = (r: { [k: string]: number }) => Object.values(r).reduce((a, b) => a + b, 0);

/** The table printed per environment. */
export function formatSummary(s: EnvironmentSummary): string {
  const rows: [string, string][] = [
    ['Terraform resources', `${total(s.terraformResources)} (${list(s.terraformResources)})`],
    ['Kubernetes objects', `${total(s.kubernetesObjects)} (${list(s.kubernetesObjects)})`],
    ['Workloads', `${s.workloads} (${s.pods} pods at minimum replicas)`],
    ['App requests / limits', `${cpu(s.app.cpuRequestMillis)} / ${cpu(s.app.cpuLimitMillis)}, ${mem(s.app.memoryRequestMiB)} / ${mem(s.app.memoryLimitMiB)}`],
    ['Sidecar requests / limits', `${cpu(s.sidecars.cpuRequestMillis)} / ${cpu(s.sidecars.cpuLimitMillis)}, ${mem(s.sidecars.memoryRequestMiB)} / ${mem(s.sidecars.memoryLimitMiB)}`],
    ['Manifests', `${s.manifestDir}/ (${s.manifestFiles} files)`],
    ['Terraform', s.terraformFile],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`${s.environment} (profile ${s.profile}, Dapr ${s.daprVersion})`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
