/*
 * Every metric name the alerts use is one the pinned Dapr version exports. No daprd, sentry,
 * placement or injector was scraped for this (no runtime harness exists yet): the names come from the
 * Dapr source of the pinned version, fetched through the Go module proxy (`go mod download`), and this
 * test reads that source again for every entry of the catalogue. kube-state-metrics' names are not
 * Dapr's and are not checked against a source (its module is not served by the proxy here).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkAgainstCatalogue } from '../constructs/k8s/dapr-monitoring';
import { AlertSeverity, RuleGroup } from '../constructs/model/alerting-rule';
import { DaprMetricCatalogue, MetricExporter, MetricSpec } from '../constructs/model/dapr-metrics';
import { seriesSelectors } from '../constructs/model/promql-selectors';
import { ENVIRONMENTS } from '../stacks/environments';
import { synthesize } from '../stacks/main';

const VERSION = '1.18.3';
const catalogue = DaprMetricCatalogue.forVersion(VERSION)!;

/** The source of github.com/dapr/dapr at the version, from the Go module cache (downloaded through the proxy when missing). */
function daprSource(version: string): string {
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', `github.com/dapr/dapr@v${version}`], {
      cwd: os.tmpdir(),
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw new Error(
      `The Dapr ${version} source is needed to check the metric catalogue, and 'go mod download github.com/dapr/dapr@v${version}' failed: ${(e as Error).message}. ` +
        `Install Go (1.26) with access to the module proxy.`,
    );
  }
  const dir = JSON.parse(out).Dir as string | undefined;
  if (!dir || !fs.existsSync(dir)) throw new Error(`go mod download gave no source directory for github.com/dapr/dapr@v${version}: ${out}`);
  return dir;
}

/** Non-test Go files under a directory. */
function goFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...goFiles(p));
    else if (e.name.endsWith('.go') && !e.name.endsWith('_test.go')) out.push(p);
  }
  return out;
}

/** Every series name the alerts of every environment read. */
function alertMetrics(): string[] {
  const outputs = synthesize({ distDir: 'unused', cdktfOutDir: 'unused', write: false });
  const names = new Set<string>();
  for (const o of outputs) {
    for (const rule of o.manifests.filter((m) => m.kind === 'PrometheusRule')) {
      for (const g of rule.spec.groups) for (const r of g.rules) for (const s of seriesSelectors(r.expr, ['dapr_', 'kube_'])) names.add(s.metric);
    }
  }
  return [...names].sort();
}

describe(`the alerts read only metrics Dapr ${VERSION} exports`, () => {
  test('the environments pin the version the catalogue was read for', () => {
    expect([...new Set(ENVIRONMENTS.map((e) => e.daprVersion.version))]).toEqual([VERSION]);
  });

  test('every metric name the alerts use, each in the catalogue with the file it comes from', () => {
    const used = alertMetrics();
    expect(used).toEqual([
      'dapr_injector_sidecar_injection_failed_total',
      'dapr_placement_leader_status',
      'dapr_runtime_component_init_fail_total',
      'dapr_runtime_mtls_workload_cert_rotated_fail_total',
      'dapr_runtime_service_invocation_req_sent_total',
      'dapr_runtime_service_invocation_res_recv_latency_ms_bucket',
      'dapr_runtime_service_invocation_res_recv_total',
      'dapr_sentry_cert_sign_failure_total',
      'dapr_sentry_issuercert_expiry_timestamp',
      'kube_deployment_status_replicas_available',
      'kube_statefulset_status_replicas_ready',
    ]);
    const table = used.map((n) => {
      const spec = catalogue.lookup(n);
      return [n, spec?.exporter, spec?.source, spec?.recordedIn];
    });
    expect(table).toEqual([
      ['dapr_injector_sidecar_injection_failed_total', 'dapr-sidecar-injector', 'pkg/injector/service/metrics.go', 'pkg/injector/service/handler.go'],
      ['dapr_placement_leader_status', 'dapr-placement', 'pkg/placement/monitoring/metrics.go', 'pkg/placement/internal/server/server.go'],
      ['dapr_runtime_component_init_fail_total', 'daprd', 'pkg/diagnostics/service_monitoring.go', 'pkg/runtime/processor/state/state.go'],
      ['dapr_runtime_mtls_workload_cert_rotated_fail_total', 'daprd', 'pkg/diagnostics/service_monitoring.go', 'pkg/security/sentry.go'],
      ['dapr_runtime_service_invocation_req_sent_total', 'daprd', 'pkg/diagnostics/service_monitoring.go', 'pkg/messaging/direct_messaging.go'],
      ['dapr_runtime_service_invocation_res_recv_latency_ms_bucket', 'daprd', 'pkg/diagnostics/service_monitoring.go', 'pkg/messaging/direct_messaging.go'],
      ['dapr_runtime_service_invocation_res_recv_total', 'daprd', 'pkg/diagnostics/service_monitoring.go', 'pkg/messaging/direct_messaging.go'],
      ['dapr_sentry_cert_sign_failure_total', 'dapr-sentry', 'pkg/sentry/monitoring/metrics.go', 'pkg/sentry/server/server.go'],
      ['dapr_sentry_issuercert_expiry_timestamp', 'dapr-sentry', 'pkg/sentry/monitoring/metrics.go', 'pkg/sentry/server/ca/ca.go'],
      ['kube_deployment_status_replicas_available', 'kube-state-metrics', expect.stringContaining('kube-state-metrics'), undefined],
      ['kube_statefulset_status_replicas_ready', 'kube-state-metrics', expect.stringContaining('kube-state-metrics'), undefined],
    ]);
  });

  describe(`the catalogue against the github.com/dapr/dapr@v${VERSION} source`, () => {
    const dir = daprSource(VERSION);
    const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
    const daprMetrics = catalogue.metrics.filter((m) => m.exporter !== MetricExporter.KUBE_STATE_METRICS);

    test('the exporter names metrics dapr_<view name> and serves them on every path', () => {
      expect(read('pkg/metrics/exporter.go')).toMatch(/DefaultMetricNamespace = "dapr"/);
      expect(read('pkg/metrics/exporter.go')).toMatch(/defaultMetricsPath\s+= "\/"/);
      expect(read('pkg/injector/consts/consts.go')).toMatch(/SidecarMetricsPortName\s+= "dapr-metrics"/);
      expect(read('pkg/injector/consts/consts.go')).toMatch(/SidecarMetricsEnabledLabel\s+= "dapr.io\/metrics-enabled"/);
    });

    test.each(daprMetrics.map((m) => [m.name, m] as [string, MetricSpec]))('%s: view name, labels and recording call are in the source', (_name, m) => {
      const source = read(m.source);
      expect(source).toContain(`"${m.viewName}"`);
      expect(m.name).toBe(`dapr_${m.viewName!.replace(/\//g, '_')}`);
      const pkg = goFiles(path.dirname(path.join(dir, m.source)))
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
      for (const l of m.labels) expect(`${m.name}: ${pkg.includes(`"${l}"`)}`).toBe(`${m.name}: true`);
      if (m.recordedIn) expect(read(m.recordedIn)).toContain(m.recordedBy);
    });

    test('dapr_runtime_mtls_init_fail_total is registered but never recorded (so no alert may use it)', () => {
      const callers = goFiles(path.join(dir, 'pkg'))
        .concat(goFiles(path.join(dir, 'cmd')))
        .filter((f) => /\.MTLSInitFailed\(/.test(fs.readFileSync(f, 'utf8')));
      expect(callers).toEqual([]);
      expect(read('pkg/diagnostics/service_monitoring.go')).toContain('"runtime/mtls/init_fail_total"');
      expect(catalogue.lookup('dapr_runtime_mtls_init_fail_total')?.recordedIn).toBeUndefined();
    });
  });

  describe('checkAgainstCatalogue refuses', () => {
    const group = (expr: string): RuleGroup[] => [
      { name: 'g', rules: [{ alert: 'DaprX', expr, severity: AlertSeverity.WARNING, summary: 's', description: 'd', runbookUrl: 'https://x' }] },
    ];
    test('a metric the version does not export', () => {
      expect(checkAgainstCatalogue(group('dapr_runtime_component_loaded_total > 0'), catalogue)).toEqual([
        `alert 'DaprX' reads 'dapr_runtime_component_loaded_total', which Dapr 1.18.3 does not export per constructs/model/dapr-metrics.ts: use a metric of the catalogue.`,
      ]);
    });
    test('a metric the version never records', () => {
      expect(checkAgainstCatalogue(group('increase(dapr_runtime_mtls_init_fail_total[5m]) > 0'), catalogue)).toEqual([
        `alert 'DaprX' reads 'dapr_runtime_mtls_init_fail_total', which Dapr 1.18.3 registers but never records: the alert could never fire.`,
      ]);
    });
    test('a label the metric does not have, in a matcher and in a grouping', () => {
      expect(checkAgainstCatalogue(group('sum by (dst_app_id) (rate(dapr_runtime_service_invocation_res_recv_total{dst_app_id="inventory"}[5m])) > 0'), catalogue)).toEqual([
        `alert 'DaprX' matches 'dapr_runtime_service_invocation_res_recv_total' on label 'dst_app_id', which it does not have (labels: app_id, src_app_id, status, type).`,
        `alert 'DaprX' groups by 'dst_app_id', which none of its series has.`,
      ]);
    });
    test('not a histogram bucket of a counter', () => {
      expect(checkAgainstCatalogue(group('rate(dapr_runtime_service_invocation_res_recv_total_bucket[5m]) > 0'), catalogue)).toHaveLength(1);
    });
    test('nothing in the rules the platform renders', () => {
      const outputs = synthesize({ distDir: 'unused', cdktfOutDir: 'unused', write: false });
      for (const o of outputs) expect(checkAgainstCatalogue(o.platform.monitoring.ruleGroups(), catalogue)).toEqual([]);
    });
  });
});
