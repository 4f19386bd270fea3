import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { DaprMonitoring } from '../constructs/k8s/dapr-monitoring';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { AppProtocol } from '../constructs/k8s/workload-types';
import { HttpVerb } from '../constructs/k8s/mtls-configuration';
import { PodMonitor, SelectorOperator } from '../constructs/k8s/pod-monitor';
import { PrometheusRule } from '../constructs/k8s/prometheus-rule';
import { AlertSeverity } from '../constructs/model/alerting-rule';
import { DAPR_ALERT_NAMES } from '../constructs/model/dapr-alerts';
import { DaprVersion } from '../constructs/model/dapr-version';
import { prometheusDuration } from '../constructs/model/prometheus-duration';
import { SecretRef } from '../constructs/model/secret-ref';
import { synthesize } from '../stacks/main';
import { daprChart, errorsOf, find, synth } from './helpers';
import { seed } from './seed';

const TOKEN = SecretRef.fromKubernetesSecret('dapr-api-token', 'token');
const rulesOf = (manifests: any[]) => find(manifests, 'PrometheusRule', 'dapr').spec.groups as any[];
const alerts = (manifests: any[]) => rulesOf(manifests).flatMap((g) => g.rules);
const named = (manifests: any[], alert: string) => alerts(manifests).filter((r) => r.alert === alert);

describe('DaprMonitoring', () => {
  test('renders the sidecar and control-plane PodMonitors exactly', () => {
    const s = seed();
    new DaprMonitoring(s.chart, 'Monitoring', { controlPlaneHa: true, labels: { release: 'kube-prometheus-stack' }, scrapeInterval: Duration.seconds(30) });
    const m = synth(s.chart);
    expect(find(m, 'PodMonitor', 'dapr-sidecars')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'dapr-sidecars', namespace: 'apps', labels: { release: 'kube-prometheus-stack' } },
      spec: {
        selector: { matchLabels: { 'dapr.io/metrics-enabled': 'true' } },
        namespaceSelector: { matchNames: ['apps'] },
        podMetricsEndpoints: [{ port: 'dapr-metrics', path: '/', interval: '30s' }],
      },
    });
    expect(find(m, 'PodMonitor', 'dapr-control-plane')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'dapr-control-plane', namespace: 'dapr-system', labels: { release: 'kube-prometheus-stack' } },
      spec: {
        selector: {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['dapr-operator', 'dapr-sentry', 'dapr-sidecar-injector', 'dapr-placement-server', 'dapr-scheduler-server'] },
          ],
        },
        namespaceSelector: { matchNames: ['dapr-system'] },
        podMetricsEndpoints: [{ port: 'metrics', path: '/', interval: '30s' }],
      },
    });
    expect(find(m, 'PrometheusRule', 'dapr').metadata).toEqual({ name: 'dapr', namespace: 'apps', labels: { release: 'kube-prometheus-stack' } });
  });

  test('alerts: groups, names and severities; Sentry expiry at 90 (warning) and 30 days (critical)', () => {
    const s = seed();
    new DaprMonitoring(s.chart, 'Monitoring', { controlPlaneHa: true });
    const m = synth(s.chart);
    expect(rulesOf(m).map((g) => [g.name, g.rules.map((r: any) => `${r.alert}/${r.labels.severity}`)])).toEqual([
      [
        'dapr-control-plane',
        [
          'DaprSentryIssuerCertificateExpiration/warning',
          'DaprSentryIssuerCertificateExpiration/critical',
          'DaprSentryCertificateSignFailures/warning',
          'DaprSidecarInjectionFailures/critical',
          'DaprControlPlaneReplicasMismatch/warning',
          'DaprControlPlaneReplicasMismatch/warning',
          'DaprControlPlaneReplicasMismatch/warning',
          'DaprControlPlaneReplicasMismatch/warning',
          'DaprControlPlaneReplicasMismatch/warning',
          'DaprPlacementNoLeader/critical',
        ],
      ],
      ['dapr-sidecars', ['DaprComponentInitFailures/critical', 'DaprSidecarCertificateRequestFailures/critical']],
      ['dapr-service-invocation', ['DaprServiceInvocationErrorRateHigh/warning', 'DaprServiceInvocationLatencyHigh/warning']],
    ]);
    expect(named(m, 'DaprSentryIssuerCertificateExpiration').map((r) => r.expr)).toEqual([
      'min by (namespace) (dapr_sentry_issuercert_expiry_timestamp{namespace="dapr-system"}) - time() < 90 * 86400',
      'min by (namespace) (dapr_sentry_issuercert_expiry_timestamp{namespace="dapr-system"}) - time() < 30 * 86400',
    ]);
    expect(named(m, 'DaprComponentInitFailures')[0]).toEqual({
      alert: 'DaprComponentInitFailures',
      expr:
        'sum by (namespace, app_id, component, componentName, reason) (increase(dapr_runtime_component_init_fail_total{namespace="apps"}[10m])) > 0 or ' +
        'sum by (namespace, app_id, component, componentName, reason) (dapr_runtime_component_init_fail_total{namespace="apps"} unless dapr_runtime_component_init_fail_total{namespace="apps"} offset 10m) > 0',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A Dapr sidecar failed to initialize a component.',
        description:
          "The sidecar of '{{ $labels.app_id }}' in {{ $labels.namespace }} failed to initialize component '{{ $labels.componentName }}' ({{ $labels.component }}, {{ $labels.reason }}) in the last 10m: often a wrong secret reference or an unreachable backend.",
        runbook_url: 'https://git.example.com/logistics/dapr-platform/-/blob/main/docs/runbooks.md#daprcomponentinitfailures',
      },
    });
  });

  test('one error-rate and one latency alert per invocation edge, including edges declared after the monitoring', () => {
    const s = seed();
    new DaprMonitoring(s.chart, 'Monitoring', { controlPlaneHa: true, invocationErrorRatio: 0.02, invocationLatencyP99: Duration.millis(500) });
    s.shipping.invokes(s.inventory, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
    s.shipping.invokes(s.inventory, [{ path: '/release', verbs: [HttpVerb.POST] }]);
    const m = synth(s.chart);
    expect(named(m, 'DaprServiceInvocationErrorRateHigh').map((r) => r.labels)).toEqual([
      { caller: 'checkout', callee: 'inventory', severity: 'warning' },
      { caller: 'shipping', callee: 'inventory', severity: 'warning' },
    ]);
    const sent = 'sum by (namespace, app_id) (rate(dapr_runtime_service_invocation_req_sent_total{namespace="apps", app_id="shipping", dst_app_id="inventory"}[5m]))';
    const ok = 'sum by (namespace, app_id) (rate(dapr_runtime_service_invocation_res_recv_total{namespace="apps", app_id="shipping", src_app_id="inventory", status!~"5.."}[5m]))';
    expect(named(m, 'DaprServiceInvocationErrorRateHigh')[1].expr).toBe(`(${sent} - (${ok} or ${sent} * 0)) / ${sent} > 0.02`);
    expect(named(m, 'DaprServiceInvocationLatencyHigh')[1].expr).toBe(
      'histogram_quantile(0.99, sum by (namespace, app_id, src_app_id, le) (rate(dapr_runtime_service_invocation_res_recv_latency_ms_bucket{namespace="apps", app_id="shipping", src_app_id="inventory"}[5m]))) > 500',
    );
  });

  test('a gRPC callee counts gRPC server-error codes, not HTTP 5xx', () => {
    const s = seed();
    const tracker = new DaprWorkload(s.chart, 'tracker', { appId: 'tracker', image: 'registry.example.com/tracker:1.0.0', appPort: 50051, appProtocol: AppProtocol.GRPC, apiTokenSecret: TOKEN });
    s.billing.invokes(tracker, [{ path: '/track', verbs: [HttpVerb.POST] }]);
    new DaprMonitoring(s.chart, 'Monitoring', { controlPlaneHa: true });
    const rule = named(render(s.chart), 'DaprServiceInvocationErrorRateHigh').find((r) => r.labels.callee === 'tracker');
    expect(rule.expr).toContain('src_app_id="tracker", status!~"2|4|8|13|14|15"');
  });

  test('no placement alert without actor or workflow hosts; control-plane replicas follow HA', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'a', { appId: 'a', image: 'registry.example.com/a:1.0.0', appPort: 8080, apiTokenSecret: TOKEN });
    new DaprMonitoring(chart, 'Monitoring', { controlPlaneHa: false });
    const m = render(chart);
    expect(named(m, 'DaprPlacementNoLeader')).toEqual([]);
    expect(named(m, 'DaprControlPlaneReplicasMismatch').map((r) => r.expr)).toEqual([
      'kube_deployment_status_replicas_available{namespace="dapr-system", deployment="dapr-operator"} < 1',
      'kube_deployment_status_replicas_available{namespace="dapr-system", deployment="dapr-sentry"} < 1',
      'kube_deployment_status_replicas_available{namespace="dapr-system", deployment="dapr-sidecar-injector"} < 1',
      'kube_statefulset_status_replicas_ready{namespace="dapr-system", statefulset="dapr-placement-server"} < 1',
      'kube_statefulset_status_replicas_ready{namespace="dapr-system", statefulset="dapr-scheduler-server"} < 3',
    ]);
    expect(rulesOf(m).map((g) => g.name)).toEqual(['dapr-control-plane', 'dapr-sidecars']);
  });

  test('bad settings fail at synth, each naming the fix', () => {
    const chart = daprChart();
    new DaprMonitoring(chart, 'Monitoring', {
      controlPlaneHa: true,
      controlPlaneHaReplicaCount: 1,
      issuerExpiryWarning: Duration.days(30),
      issuerExpiryCritical: Duration.days(30),
      invocationErrorRatio: 5,
    });
    expect(errorsOf(chart)).toEqual([
      '[test/Monitoring] issuerExpiryCritical (30 days) is not below issuerExpiryWarning (30 days): the warning must come first.',
      '[test/Monitoring] invocationErrorRatio 5 is outside (0, 1): use e.g. 0.05 for 5%.',
      "[test/Monitoring] controlPlaneHaReplicaCount 1 is not an integer of at least 2: use the control plane's global.ha.replicaCount (3).",
    ]);
  });

  test('a Dapr version without a metric catalogue fails at synth', () => {
    const chart = daprChart({ daprVersion: DaprVersion.V1_16_19 });
    new DaprMonitoring(chart, 'Monitoring', { controlPlaneHa: true });
    expect(errorsOf(chart)).toEqual([
      '[test/Monitoring] no metric catalogue for Dapr 1.16.19: the alerts\' metric names are checked for 1.18.3 only. Read that version\'s source and add its metrics to constructs/model/dapr-metrics.ts.',
    ]);
  });
});

describe('PodMonitor and PrometheusRule', () => {
  test('a PodMonitor needs endpoints and a selector; In needs values', () => {
    const chart = daprChart();
    new PodMonitor(chart, 'Empty', { name: 'empty', endpoints: [] });
    new PodMonitor(chart, 'NoValues', { name: 'no-values', matchExpressions: [{ key: 'app', operator: SelectorOperator.IN }], endpoints: [{ port: 'metrics' }] });
    expect(errorsOf(chart)).toEqual([
      "[test/Empty] PodMonitor 'empty' has no endpoints: list the container ports to scrape.",
      "[test/Empty] PodMonitor 'empty' selects every pod of its namespaces: give matchLabels or matchExpressions.",
      "[test/NoValues] PodMonitor 'no-values': selector on 'app' with In needs values.",
    ]);
  });

  test('a PrometheusRule follows the mixin conventions', () => {
    const chart = daprChart();
    const rule = { expr: 'up == 0', severity: AlertSeverity.WARNING, summary: 's', description: 'd', runbookUrl: 'https://runbooks.example.com/x' };
    const r = new PrometheusRule(chart, 'Rules', { name: 'r', groups: [{ name: 'g', rules: [{ ...rule, alert: 'targetDown', labels: { severity: 'critical' } }] }] });
    r.addGroup({ name: 'g', rules: [{ ...rule, alert: 'TargetDown', runbookUrl: 'runbooks.md' }] });
    r.addGroup({ name: 'empty', rules: [] });
    expect(errorsOf(chart)).toEqual([
      "[test/Rules] alert 'targetDown' (group 'g'): the name is not CamelCase: use e.g. 'DaprSomethingWrong'.",
      "[test/Rules] alert 'targetDown' (group 'g'): set severity through the severity property, not labels.",
      "[test/Rules] rule group 'g' appears twice: group names must be unique.",
      "[test/Rules] alert 'TargetDown' (group 'g'): runbookUrl 'runbooks.md' is not an http(s) URL.",
      "[test/Rules] rule group 'empty' has no rules: drop it or add one.",
    ]);
  });
});

describe('the reference platform', () => {
  const outputs = synthesize({ distDir: 'unused', cdktfOutDir: 'unused', write: false });
  const runbooks = fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');

  test('every environment renders the monitors and rules, with every alert of the catalogue of alerts', () => {
    for (const o of outputs) {
      expect(o.manifests.filter((m) => m.apiVersion === 'monitoring.coreos.com/v1').map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
        'PodMonitor/order-management/dapr-sidecars',
        'PodMonitor/dapr-system/dapr-control-plane',
        'PrometheusRule/order-management/dapr',
      ]);
      expect([...new Set(alerts(o.manifests).map((r) => r.alert))].sort()).toEqual([...DAPR_ALERT_NAMES].sort());
    }
    const prod = outputs.find((o) => o.env.name === 'prod')!;
    expect(named(prod.manifests, 'DaprServiceInvocationErrorRateHigh').map((r) => `${r.labels.caller}->${r.labels.callee}`)).toEqual([
      'checkout->inventory',
      'orders->checkout',
      'orders->inventory',
    ]);
  });

  test('labels and annotations follow the kube-prometheus mixins; every runbook link has its section', () => {
    for (const r of alerts(outputs[0].manifests)) {
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      const anchor = r.annotations.runbook_url.split('#')[1];
      expect(runbooks.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).toLowerCase())).toContain(anchor);
    }
  });
});

function render(chart: any): any[] {
  return synth(chart);
}

test('durations render as Prometheus reads them', () => {
  expect([Duration.days(90), Duration.hours(36), Duration.minutes(15), Duration.seconds(30), Duration.millis(500)].map(prometheusDuration)).toEqual(['90d', '36h', '15m', '30s', '500ms']);
});
