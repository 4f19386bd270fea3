import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { RuleGroup } from '../model/alerting-rule';
import { ControlPlaneTarget, daprAlertGroups, InvocationEdgeTarget } from '../model/dapr-alerts';
import { DaprMetricCatalogue, MetricExporter, MetricType, TARGET_LABELS } from '../model/dapr-metrics';
import { groupingLabels, seriesSelectors } from '../model/promql-selectors';
import { DaprChart } from './dapr-chart';
import { DaprWorkload } from './dapr-workload';
import { WorkloadRole } from './workload-types';
import { PodMonitor, SelectorOperator } from './pod-monitor';
import { IRuleGroupSource, PrometheusRule } from './prometheus-rule';

/** Props of {@link DaprMonitoring}. */
export interface DaprMonitoringProps {
  /**
   * The control plane runs in HA mode (`global.ha.enabled`): operator, sentry and injector run
   * `controlPlaneHaReplicaCount` replicas and placement 3; otherwise one each. The scheduler runs 3
   * either way (the 1.18.3 chart fixes it).
   */
  readonly controlPlaneHa: boolean;
  /**
   * Replicas of operator, sentry and sidecar injector under HA (`global.ha.replicaCount`).
   * @default 3
   */
  readonly controlPlaneHaReplicaCount?: number;
  /**
   * The control plane's namespace.
   * @default - the mTLS policy's controlPlaneNamespace (the chart's settings)
   */
  readonly controlPlaneNamespace?: string;
  /**
   * Labels on every monitor and rule, e.g. what the Prometheus' podMonitorSelector and
   * ruleSelector select (`release: kube-prometheus-stack` for that chart).
   * @default - none (kube-prometheus selects all)
   */
  readonly labels?: { [key: string]: string };
  /**
   * The workloads whose invocation edges get error-rate and latency alerts and whose roles decide
   * whether placement is watched.
   * @default - every DaprWorkload of the enclosing chart, as declared when the chart renders
   */
  readonly workloads?: DaprWorkload[];
  /**
   * Warn when Sentry's issuer certificate expires within this.
   * @default Duration.days(90)
   */
  readonly issuerExpiryWarning?: Duration;
  /**
   * Page when Sentry's issuer certificate expires within this.
   * @default Duration.days(30)
   */
  readonly issuerExpiryCritical?: Duration;
  /**
   * Fraction of calls on an invocation edge that may fail or go unanswered (over 5 minutes).
   * @default 0.05
   */
  readonly invocationErrorRatio?: number;
  /**
   * 99th percentile latency an invocation edge may have (over 5 minutes).
   * @default Duration.seconds(1)
   */
  readonly invocationLatencyP99?: Duration;
  /**
   * Scrape interval of the monitors.
   * @default - Prometheus' global scrape interval
   */
  readonly scrapeInterval?: Duration;
  /**
   * The runbook document; each alert links to `<url>#<alert name in lower case>`.
   * @default 'https://git.example.com/logistics/dapr-platform/-/blob/main/docs/runbooks.md'
   */
  readonly runbookBaseUrl?: string;
}

/** The names of what DaprMonitoring renders. */
export const DAPR_MONITORING_NAMES = { sidecars: 'dapr-sidecars', controlPlane: 'dapr-control-plane', rules: 'dapr' } as const;

/** The daprd container port the injector names (injector consts `SidecarMetricsPortName`, Dapr 1.18.3). */
const SIDECAR_METRICS_PORT = 'dapr-metrics';
/** The control-plane container ports the 1.18.3 chart names (`global.prometheus.port`). */
const CONTROL_PLANE_METRICS_PORT = 'metrics';
/** Dapr's metrics exporter serves every path (pkg/metrics/exporter.go: `defaultMetricsPath = "/"`). */
const DAPR_METRICS_PATH = '/';
const DEFAULT_RUNBOOKS = 'https://git.example.com/logistics/dapr-platform/-/blob/main/docs/runbooks.md';

/**
 * Prometheus Operator monitoring for Dapr, derived from the model: a PodMonitor for the injected
 * daprd sidecars of the chart's namespace (container port `dapr-metrics`, label
 * `dapr.io/metrics-enabled: "true"` that the injector sets), a PodMonitor for the control plane
 * (every chart pod's `metrics` port: sentry's and the injector's Services expose none, so a
 * ServiceMonitor cannot reach them), and a PrometheusRule with the alerts of `model/dapr-alerts.ts`.
 * Every metric an alert reads must be in the pinned Dapr version's metric catalogue and recorded
 * by that version; synth fails otherwise.
 */
export class DaprMonitoring extends Construct implements IRuleGroupSource {
  /** The sidecars' PodMonitor. */
  public readonly sidecarMonitor: PodMonitor;
  /** The control plane's PodMonitor. */
  public readonly controlPlaneMonitor: PodMonitor;
  /** The alerting rules. */
  public readonly rules: PrometheusRule;
  /** The apps namespace (the chart's). */
  public readonly namespace: string;
  /** The control plane's namespace. */
  public readonly controlPlaneNamespace: string;
  private readonly props: DaprMonitoringProps;

  public constructor(scope: Construct, id: string, props: DaprMonitoringProps) {
    super(scope, id);
    this.props = props;
    const settings = DaprChart.settingsOf(this);
    this.namespace = Chart.of(this).namespace ?? '';
    this.controlPlaneNamespace = props.controlPlaneNamespace ?? settings.mtls.controlPlaneNamespace;
    const labels = props.labels;
    this.sidecarMonitor = new PodMonitor(this, 'Sidecars', {
      name: DAPR_MONITORING_NAMES.sidecars,
      namespace: this.namespace,
      labels,
      matchLabels: { 'dapr.io/metrics-enabled': 'true' },
      endpoints: [{ port: SIDECAR_METRICS_PORT, path: DAPR_METRICS_PATH, interval: props.scrapeInterval }],
    });
    this.controlPlaneMonitor = new PodMonitor(this, 'ControlPlane', {
      name: DAPR_MONITORING_NAMES.controlPlane,
      namespace: this.controlPlaneNamespace,
      labels,
      matchExpressions: [{ key: 'app', operator: SelectorOperator.IN, values: this.controlPlaneTargets().map((t) => t.name) }],
      endpoints: [{ port: CONTROL_PLANE_METRICS_PORT, path: DAPR_METRICS_PATH, interval: props.scrapeInterval }],
    });
    this.rules = new PrometheusRule(this, 'Rules', { name: DAPR_MONITORING_NAMES.rules, namespace: this.namespace, labels });
    this.rules.addSource(this);
    this.node.addValidation({ validate: () => this.validateMonitoring() });
  }

  /** The alert groups, derived from the graph as declared now. */
  public ruleGroups(): RuleGroup[] {
    const p = this.props;
    return daprAlertGroups({
      appsNamespace: this.namespace,
      controlPlaneNamespace: this.controlPlaneNamespace,
      controlPlane: this.controlPlaneTargets(),
      actorsUsed: this.workloads().some((w) => w.role === WorkloadRole.ACTOR_HOST || w.role === WorkloadRole.WORKFLOW_HOST),
      edges: this.edges(),
      issuerExpiryWarning: p.issuerExpiryWarning ?? Duration.days(90),
      issuerExpiryCritical: p.issuerExpiryCritical ?? Duration.days(30),
      invocationErrorRatio: p.invocationErrorRatio ?? 0.05,
      invocationLatencyP99: p.invocationLatencyP99 ?? Duration.seconds(1),
      runbookBaseUrl: p.runbookBaseUrl ?? DEFAULT_RUNBOOKS,
    });
  }

  /** The control plane's Deployments and StatefulSets with the replicas the chart gives them. */
  private controlPlaneTargets(): ControlPlaneTarget[] {
    const ha = this.props.controlPlaneHa;
    const n = ha ? (this.props.controlPlaneHaReplicaCount ?? 3) : 1;
    return [
      { name: 'dapr-operator', statefulSet: false, replicas: n },
      { name: 'dapr-sentry', statefulSet: false, replicas: n },
      { name: 'dapr-sidecar-injector', statefulSet: false, replicas: n },
      { name: 'dapr-placement-server', statefulSet: true, replicas: ha ? 3 : 1 },
      { name: 'dapr-scheduler-server', statefulSet: true, replicas: 3 },
    ];
  }

  private workloads(): DaprWorkload[] {
    return this.props.workloads ?? DaprWorkload.all(Chart.of(this));
  }

  /** The invocation edges whose caller is one of the workloads (its sidecar reports them). */
  private edges(): InvocationEdgeTarget[] {
    return this.workloads().flatMap((w) =>
      w.invocations.map((e) => {
        const protocol = e.callee.podAnnotations['dapr.io/app-protocol'];
        return { namespace: e.caller.namespace, caller: e.caller.appId, callee: e.callee.appId, grpc: protocol === 'grpc' || protocol === 'grpcs' };
      }),
    );
  }

  private validateMonitoring(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const version = DaprChart.settingsOf(this).daprVersion.version;
    const warning = p.issuerExpiryWarning ?? Duration.days(90);
    const critical = p.issuerExpiryCritical ?? Duration.days(30);
    if (critical.toSeconds() >= warning.toSeconds()) {
      errors.push(`issuerExpiryCritical (${critical.toSeconds() / 86_400} days) is not below issuerExpiryWarning (${warning.toSeconds() / 86_400} days): the warning must come first.`);
    }
    const ratio = p.invocationErrorRatio ?? 0.05;
    if (!(ratio > 0 && ratio < 1)) errors.push(`invocationErrorRatio ${ratio} is outside (0, 1): use e.g. 0.05 for 5%.`);
    const n = p.controlPlaneHaReplicaCount;
    if (n !== undefined && (!Number.isInteger(n) || n < 2)) errors.push(`controlPlaneHaReplicaCount ${n} is not an integer of at least 2: use the control plane's global.ha.replicaCount (3).`);
    const catalogue = DaprMetricCatalogue.forVersion(version);
    if (!catalogue) {
      errors.push(
        `no metric catalogue for Dapr ${version}: the alerts' metric names are checked for ${DaprMetricCatalogue.versions().join(', ')} only. ` +
          `Read that version's source and add its metrics to constructs/model/dapr-metrics.ts.`,
      );
      return errors;
    }
    errors.push(...checkAgainstCatalogue(this.ruleGroups(), catalogue));
    return errors;
  }
}

/**
 * Every series an alert reads must be in the catalogue, recorded by that version, and matched or
 * grouped only by labels it has (its own, the scrape's target labels, `le` for histograms).
 */
export function checkAgainstCatalogue(groups: RuleGroup[], catalogue: DaprMetricCatalogue): string[] {
  const errors: string[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      const selectors = seriesSelectors(r.expr, ['dapr_', 'kube_']);
      const known = new Set(TARGET_LABELS);
      for (const s of selectors) {
        const spec = catalogue.lookup(s.metric);
        if (!spec) {
          errors.push(`alert '${r.alert}' reads '${s.metric}', which Dapr ${catalogue.version} does not export per constructs/model/dapr-metrics.ts: use a metric of the catalogue.`);
          continue;
        }
        if (spec.exporter !== MetricExporter.KUBE_STATE_METRICS && !spec.recordedIn) {
          errors.push(`alert '${r.alert}' reads '${s.metric}', which Dapr ${catalogue.version} registers but never records: the alert could never fire.`);
        }
        spec.labels.forEach((l) => known.add(l));
        if (spec.type === MetricType.HISTOGRAM) known.add('le');
        for (const l of s.labels) {
          if (!spec.labels.includes(l) && !TARGET_LABELS.includes(l)) errors.push(`alert '${r.alert}' matches '${s.metric}' on label '${l}', which it does not have (labels: ${spec.labels.join(', ') || 'none'}).`);
        }
      }
      for (const l of groupingLabels(r.expr)) {
        if (!known.has(l)) errors.push(`alert '${r.alert}' groups by '${l}', which none of its series has.`);
      }
    }
  }
  return errors;
}
