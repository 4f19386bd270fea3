/**
 * The metrics our alerts may use, per pinned Dapr version: the Prometheus name, its type and
 * labels, and where it comes from.
 *
 * Dapr metrics are opencensus views exported through contrib.go.opencensus.io/exporter/prometheus
 * with the namespace `dapr` (pkg/metrics/exporter.go): the Prometheus name is `dapr_` plus the view
 * name with `/` turned into `_`; a distribution becomes a histogram (`_bucket`, `_sum`, `_count`).
 * No running daprd was scraped for this table: every entry was read from the source of the pinned
 * version (`go mod download -json github.com/dapr/dapr@v<version>`), and `test/dapr-metrics.test.ts`
 * checks each entry against that source again: the view name in `source`, every label as a tag key
 * of that package, and the recording call in `recordedIn`.
 */

/** How Prometheus sees a metric. */
export enum MetricType {
  /** A counter (`view.Count()`). */
  COUNTER = 'counter',
  /** A gauge (`view.LastValue()`). */
  GAUGE = 'gauge',
  /** A histogram (a distribution): `<name>_bucket`, `_sum`, `_count`. */
  HISTOGRAM = 'histogram',
}

/** The program that exports a metric. */
export enum MetricExporter {
  /** The daprd sidecar. */
  DAPRD = 'daprd',
  /** dapr-sentry. */
  SENTRY = 'dapr-sentry',
  /** dapr-placement. */
  PLACEMENT = 'dapr-placement',
  /** dapr-sidecar-injector. */
  INJECTOR = 'dapr-sidecar-injector',
  /** kube-state-metrics (not Dapr: read from its documentation, not from a source checked here). */
  KUBE_STATE_METRICS = 'kube-state-metrics',
}

/** One metric of the catalogue. */
export interface MetricSpec {
  /** The Prometheus name (histograms: without `_bucket`). */
  readonly name: string;
  /** Counter, gauge or histogram. */
  readonly type: MetricType;
  /** The metric's own labels (target labels such as namespace and pod come from the scrape). */
  readonly labels: string[];
  /** Who exports it. */
  readonly exporter: MetricExporter;
  /**
   * Where it is defined: a path inside the github.com/dapr/dapr module of the version, or a
   * description of the non-Dapr source.
   */
  readonly source: string;
  /** The opencensus view name as written in `source` (Dapr metrics only). */
  readonly viewName?: string;
  /**
   * Where the version records it (a path inside the module) ...
   * @default - never recorded: the view is registered, but nothing calls its recorder, so the
   * series never appears in a scrape
   */
  readonly recordedIn?: string;
  /** ... and the call that records it there. */
  readonly recordedBy?: string;
}

/** Labels every scraped series carries from service discovery (Prometheus Operator's target labels). */
export const TARGET_LABELS = ['namespace', 'pod', 'container', 'endpoint', 'job', 'instance', 'service'];

const dapr = (
  viewName: string,
  type: MetricType,
  labels: string[],
  exporter: MetricExporter,
  source: string,
  recordedIn?: string,
  recordedBy?: string,
): MetricSpec => ({ name: `dapr_${viewName.replace(/\//g, '_')}`, viewName, type, labels, exporter, source, recordedIn, recordedBy });

const SERVICE_MONITORING = 'pkg/diagnostics/service_monitoring.go';

/** Dapr 1.18.3, read from github.com/dapr/dapr@v1.18.3. */
const DAPR_1_18_3: MetricSpec[] = [
  dapr('sentry/issuercert/expiry_timestamp', MetricType.GAUGE, [], MetricExporter.SENTRY, 'pkg/sentry/monitoring/metrics.go', 'pkg/sentry/server/ca/ca.go', 'monitoring.IssuerCertExpiry('),
  dapr('sentry/cert/sign/failure_total', MetricType.COUNTER, ['reason'], MetricExporter.SENTRY, 'pkg/sentry/monitoring/metrics.go', 'pkg/sentry/server/server.go', 'monitoring.CertSignFailed('),
  dapr('placement/leader_status', MetricType.GAUGE, [], MetricExporter.PLACEMENT, 'pkg/placement/monitoring/metrics.go', 'pkg/placement/internal/server/server.go', 'monitoring.RecordPlacementLeaderStatus('),
  dapr('injector/sidecar_injection/failed_total', MetricType.COUNTER, ['app_id', 'reason'], MetricExporter.INJECTOR, 'pkg/injector/service/metrics.go', 'pkg/injector/service/handler.go', 'RecordFailedSidecarInjectionCount('),
  dapr('runtime/component/init_fail_total', MetricType.COUNTER, ['app_id', 'component', 'reason', 'componentName'], MetricExporter.DAPRD, SERVICE_MONITORING, 'pkg/runtime/processor/state/state.go', 'diag.DefaultMonitoring.ComponentInitFailed('),
  // Registered, never recorded in 1.18.3 (no caller of MTLSInitFailed): alerts must not use it.
  dapr('runtime/mtls/init_fail_total', MetricType.COUNTER, ['app_id', 'reason'], MetricExporter.DAPRD, SERVICE_MONITORING),
  // Recorded by every failed certificate request to Sentry (the first one at start-up and each rotation).
  dapr('runtime/mtls/workload_cert_rotated_fail_total', MetricType.COUNTER, ['app_id', 'reason'], MetricExporter.DAPRD, SERVICE_MONITORING, 'pkg/security/sentry.go', 'diagnostics.DefaultMonitoring.MTLSWorkLoadCertRotationFailed('),
  // Caller side of service invocation: dst_app_id on requests, src_app_id on responses both hold
  // the callee's app-id (ServiceInvocationResponseReceived(appID, ...) with the target's id).
  dapr('runtime/service_invocation/req_sent_total', MetricType.COUNTER, ['app_id', 'dst_app_id', 'type'], MetricExporter.DAPRD, SERVICE_MONITORING, 'pkg/messaging/direct_messaging.go', 'diag.DefaultMonitoring.ServiceInvocationRequestSent('),
  dapr('runtime/service_invocation/res_recv_total', MetricType.COUNTER, ['app_id', 'src_app_id', 'status', 'type'], MetricExporter.DAPRD, SERVICE_MONITORING, 'pkg/messaging/direct_messaging.go', 'diag.DefaultMonitoring.ServiceInvocationResponseReceived('),
  dapr('runtime/service_invocation/res_recv_latency_ms', MetricType.HISTOGRAM, ['app_id', 'src_app_id', 'status'], MetricExporter.DAPRD, SERVICE_MONITORING, 'pkg/messaging/direct_messaging.go', 'diag.DefaultMonitoring.ServiceInvocationResponseReceived('),
];

const KSM = 'kube-state-metrics v2 (docs/metrics/workload/*.md); its module is not served by the Go proxy here, so not checked against source';

/** Not Dapr: the replica counts of the control plane's Deployments and StatefulSets. */
const KUBE_STATE_METRICS: MetricSpec[] = [
  { name: 'kube_deployment_status_replicas_available', type: MetricType.GAUGE, labels: ['namespace', 'deployment'], exporter: MetricExporter.KUBE_STATE_METRICS, source: KSM },
  { name: 'kube_statefulset_status_replicas_ready', type: MetricType.GAUGE, labels: ['namespace', 'statefulset'], exporter: MetricExporter.KUBE_STATE_METRICS, source: KSM },
];

const CATALOGUE: { [version: string]: MetricSpec[] } = {
  '1.18.3': [...DAPR_1_18_3, ...KUBE_STATE_METRICS],
};

/** The metric catalogues, per Dapr version. */
export class DaprMetricCatalogue {
  /** Versions with a catalogue. */
  public static versions(): string[] {
    return Object.keys(CATALOGUE).sort();
  }

  /** The catalogue of a Dapr version (undefined when nobody has read that version's source yet). */
  public static forVersion(version: string): DaprMetricCatalogue | undefined {
    const metrics = CATALOGUE[version];
    return metrics ? new DaprMetricCatalogue(version, metrics) : undefined;
  }

  private constructor(
    /** The Dapr version. */
    public readonly version: string,
    /** Every metric of the catalogue. */
    public readonly metrics: MetricSpec[],
  ) {}

  /**
   * The metric a series name in an expression refers to (`<histogram>_bucket`, `_sum` and
   * `_count` resolve to the histogram).
   */
  public lookup(seriesName: string): MetricSpec | undefined {
    const exact = this.metrics.find((m) => m.name === seriesName && m.type !== MetricType.HISTOGRAM);
    if (exact) return exact;
    const base = seriesName.replace(/_(bucket|sum|count)$/, '');
    return this.metrics.find((m) => m.type === MetricType.HISTOGRAM && m.name === base && base !== seriesName);
  }
}
