import { Duration } from 'cdk8s';
import { AlertingRule, AlertSeverity, RuleGroup } from './alerting-rule';

/**
 * The alerts a Dapr operator needs, as PromQL over the metrics of `dapr-metrics.ts`, derived from
 * the model: the control plane's replica counts, whether actors are used, and the service
 * invocation edges of the graph.
 */

/** The alert names, for tests and runbooks. */
export const DAPR_ALERT_NAMES = [
  'DaprSentryIssuerCertificateExpiration',
  'DaprSentryCertificateSignFailures',
  'DaprSidecarInjectionFailures',
  'DaprControlPlaneReplicasMismatch',
  'DaprPlacementNoLeader',
  'DaprComponentInitFailures',
  'DaprSidecarCertificateRequestFailures',
  'DaprServiceInvocationErrorRateHigh',
  'DaprServiceInvocationLatencyHigh',
] as const;

/** A control-plane Deployment or StatefulSet and the replicas the platform sets. */
export interface ControlPlaneTarget {
  /** The Deployment's or StatefulSet's name, e.g. `dapr-sentry`. */
  readonly name: string;
  /** True for a StatefulSet. */
  readonly statefulSet: boolean;
  /** Replicas the platform sets. */
  readonly replicas: number;
}

/** One service invocation edge: the caller's sidecar reports it. */
export interface InvocationEdgeTarget {
  /** The caller's namespace (where its sidecar's series are scraped). */
  readonly namespace: string;
  /** The caller's app-id. */
  readonly caller: string;
  /** The callee's app-id. */
  readonly callee: string;
  /** The callee speaks gRPC: its status is a gRPC code, not an HTTP status. */
  readonly grpc: boolean;
}

/** Everything the alerts are derived from. */
export interface DaprAlertSettings {
  readonly appsNamespace: string;
  readonly controlPlaneNamespace: string;
  readonly controlPlane: ControlPlaneTarget[];
  /** Some workload hosts actors or workflows, so placement must have a leader. */
  readonly actorsUsed: boolean;
  readonly edges: InvocationEdgeTarget[];
  readonly issuerExpiryWarning: Duration;
  readonly issuerExpiryCritical: Duration;
  /** Fraction of calls on an edge that may fail, e.g. 0.05. */
  readonly invocationErrorRatio: number;
  readonly invocationLatencyP99: Duration;
  /** The runbook document; each alert links to `<url>#<alert name in lower case>`. */
  readonly runbookBaseUrl: string;
}

/** gRPC codes counted as the callee's failure (as the gRPC mixins do): Unknown, DeadlineExceeded, ResourceExhausted, Internal, Unavailable, DataLoss. */
const GRPC_SERVER_ERRORS = '2|4|8|13|14|15';
/** Window of the rate and increase functions. */
const RATE_WINDOW = '5m';
const FAILURE_WINDOW = '10m';

/**
 * Failures counted in the last FAILURE_WINDOW: the increase of the counter, or, for a counter that
 * appeared within the window (Dapr's opencensus counters only appear at their first record, so a
 * process that fails once shows a new series at 1, which increase() cannot see), its value.
 */
const failures = (by: string, series: string): string =>
  `sum by (${by}) (increase(${series}[${FAILURE_WINDOW}])) > 0 or sum by (${by}) (${series} unless ${series} offset ${FAILURE_WINDOW}) > 0`;

const selector = (matchers: [string, string, string][]): string => `{${matchers.map(([k, op, v]) => `${k}${op}"${v}"`).join(', ')}}`;
const eq = (k: string, v: string): [string, string, string] => [k, '=', v];

/** Every alert group, in a stable order. */
export function daprAlertGroups(s: DaprAlertSettings): RuleGroup[] {
  const rule = (r: Omit<AlertingRule, 'runbookUrl'>): AlertingRule => ({ ...r, runbookUrl: `${s.runbookBaseUrl}#${r.alert.toLowerCase()}` });
  const cp = s.controlPlaneNamespace;
  const apps = s.appsNamespace;
  const days = (d: Duration) => d.toSeconds() / 86_400;
  const seconds = (d: Duration) => (Number.isInteger(days(d)) ? `${days(d)} * 86400` : `${d.toSeconds()}`);

  const controlPlane: AlertingRule[] = [];
  for (const [threshold, severity] of [
    [s.issuerExpiryWarning, AlertSeverity.WARNING],
    [s.issuerExpiryCritical, AlertSeverity.CRITICAL],
  ] as [Duration, AlertSeverity][]) {
    controlPlane.push(
      rule({
        alert: 'DaprSentryIssuerCertificateExpiration',
        expr: `min by (namespace) (dapr_sentry_issuercert_expiry_timestamp${selector([eq('namespace', cp)])}) - time() < ${seconds(threshold)}`,
        forDuration: Duration.minutes(10),
        severity,
        summary: `Sentry's issuer certificate expires in less than ${days(threshold)} days.`,
        description:
          `The issuer certificate Sentry in {{ $labels.namespace }} signs workload certificates with expires in {{ $value | humanizeDuration }}. ` +
          `Rotate it under the same root before then: after it expires, sidecars cannot renew their certificates and mTLS calls fail.`,
      }),
    );
  }
  controlPlane.push(
    rule({
      alert: 'DaprSentryCertificateSignFailures',
      expr: failures('namespace, reason', `dapr_sentry_cert_sign_failure_total${selector([eq('namespace', cp)])}`),
      severity: AlertSeverity.WARNING,
      summary: 'Sentry failed to sign workload certificates.',
      description: `Sentry in {{ $labels.namespace }} failed to sign {{ $value | humanize }} certificate requests in the last ${FAILURE_WINDOW} (reason {{ $labels.reason }}): sidecars asking for them cannot start mTLS.`,
    }),
    rule({
      alert: 'DaprSidecarInjectionFailures',
      expr: failures('namespace, app_id, reason', `dapr_injector_sidecar_injection_failed_total${selector([eq('namespace', cp)])}`),
      severity: AlertSeverity.CRITICAL,
      summary: 'The Dapr sidecar injector failed to inject sidecars.',
      description: `The sidecar injector in {{ $labels.namespace }} failed {{ $value | humanize }} times in the last ${FAILURE_WINDOW} to inject the sidecar of app '{{ $labels.app_id }}' (reason {{ $labels.reason }}); with failurePolicy Fail its pods are not created.`,
    }),
  );
  for (const t of s.controlPlane) {
    const [metric, label] = t.statefulSet ? ['kube_statefulset_status_replicas_ready', 'statefulset'] : ['kube_deployment_status_replicas_available', 'deployment'];
    controlPlane.push(
      rule({
        alert: 'DaprControlPlaneReplicasMismatch',
        expr: `${metric}${selector([eq('namespace', cp), eq(label, t.name)])} < ${t.replicas}`,
        forDuration: Duration.minutes(15),
        severity: AlertSeverity.WARNING,
        labels: { workload: t.name },
        summary: `A Dapr control-plane service runs fewer replicas than the platform sets.`,
        description: `${t.statefulSet ? 'StatefulSet' : 'Deployment'} {{ $labels.namespace }}/${t.name} has had {{ $value }} ${t.statefulSet ? 'ready' : 'available'} replicas of ${t.replicas} for 15 minutes (kube-state-metrics).`,
      }),
    );
  }
  if (s.actorsUsed) {
    const leader = `dapr_placement_leader_status${selector([eq('namespace', cp)])}`;
    controlPlane.push(
      rule({
        alert: 'DaprPlacementNoLeader',
        expr: `(max by (namespace) (${leader}) < 1) or absent(${leader})`,
        forDuration: Duration.minutes(5),
        severity: AlertSeverity.CRITICAL,
        summary: 'Dapr placement has no leader, so actors cannot be placed.',
        description: `No placement server in ${cp} has been the leader for 5 minutes (or none reports its status): actor and workflow calls fail until one is elected.`,
      }),
    );
  }

  const sidecars: AlertingRule[] = [
    rule({
      alert: 'DaprComponentInitFailures',
      expr: failures('namespace, app_id, component, componentName, reason', `dapr_runtime_component_init_fail_total${selector([eq('namespace', apps)])}`),
      severity: AlertSeverity.CRITICAL,
      summary: 'A Dapr sidecar failed to initialize a component.',
      description:
        `The sidecar of '{{ $labels.app_id }}' in {{ $labels.namespace }} failed to initialize component '{{ $labels.componentName }}' ({{ $labels.component }}, {{ $labels.reason }}) ` +
        `in the last ${FAILURE_WINDOW}: often a wrong secret reference or an unreachable backend.`,
    }),
    rule({
      alert: 'DaprSidecarCertificateRequestFailures',
      expr: failures('namespace, app_id, reason', `dapr_runtime_mtls_workload_cert_rotated_fail_total${selector([eq('namespace', apps)])}`),
      severity: AlertSeverity.CRITICAL,
      summary: 'A Dapr sidecar failed to get its mTLS certificate from Sentry.',
      description: `The sidecar of '{{ $labels.app_id }}' in {{ $labels.namespace }} failed {{ $value | humanize }} times in the last ${FAILURE_WINDOW} to get a workload certificate (reason {{ $labels.reason }}): without one it cannot start or keep mTLS.`,
    }),
  ];

  const invocation: AlertingRule[] = [];
  const edges = uniqueEdges(s.edges);
  const latencyMs = s.invocationLatencyP99.toMilliseconds();
  for (const e of edges) {
    const ns = eq('namespace', e.namespace);
    const caller = eq('app_id', e.caller);
    const sent = `sum by (namespace, app_id) (rate(dapr_runtime_service_invocation_req_sent_total${selector([ns, caller, eq('dst_app_id', e.callee)])}[${RATE_WINDOW}]))`;
    const ok = `sum by (namespace, app_id) (rate(dapr_runtime_service_invocation_res_recv_total${selector([ns, caller, eq('src_app_id', e.callee), ['status', '!~', e.grpc ? GRPC_SERVER_ERRORS : '5..']])}[${RATE_WINDOW}]))`;
    const labels = { caller: e.caller, callee: e.callee };
    invocation.push(
      rule({
        alert: 'DaprServiceInvocationErrorRateHigh',
        expr: `(${sent} - (${ok} or ${sent} * 0)) / ${sent} > ${s.invocationErrorRatio}`,
        forDuration: Duration.minutes(10),
        severity: AlertSeverity.WARNING,
        labels,
        summary: 'Service invocation on an edge of the service graph fails too often.',
        description:
          `{{ $value | humanizePercentage }} of the calls from '${e.caller}' to '${e.callee}' in ${e.namespace} failed (${e.grpc ? `gRPC codes ${GRPC_SERVER_ERRORS}` : 'HTTP 5xx'}) ` +
          `or got no response over ${RATE_WINDOW}, above ${s.invocationErrorRatio * 100}%.`,
      }),
      rule({
        alert: 'DaprServiceInvocationLatencyHigh',
        expr:
          `histogram_quantile(0.99, sum by (namespace, app_id, src_app_id, le) (rate(dapr_runtime_service_invocation_res_recv_latency_ms_bucket` +
          `${selector([ns, caller, eq('src_app_id', e.callee)])}[${RATE_WINDOW}]))) > ${latencyMs}`,
        forDuration: Duration.minutes(10),
        severity: AlertSeverity.WARNING,
        labels,
        summary: 'Service invocation on an edge of the service graph is slow.',
        description: `The 99th percentile latency of calls from '${e.caller}' to '${e.callee}' in ${e.namespace} is {{ $value | humanize }} ms over ${RATE_WINDOW}, above ${latencyMs} ms.`,
      }),
    );
  }

  const groups: RuleGroup[] = [
    { name: 'dapr-control-plane', rules: controlPlane },
    { name: 'dapr-sidecars', rules: sidecars },
  ];
  if (invocation.length) groups.push({ name: 'dapr-service-invocation', rules: invocation });
  return groups;
}

/** Edges once each (an edge declared twice with other operations is one edge), sorted. */
function uniqueEdges(edges: InvocationEdgeTarget[]): InvocationEdgeTarget[] {
  const byKey = new Map<string, InvocationEdgeTarget>();
  for (const e of edges) byKey.set(`${e.namespace}/${e.caller}/${e.callee}`, e);
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}
