/**
 * `npm run verify`: the check logic on a recording of the real API server harness (dev:
 * e2e/verify/verify-harness.sh --update-fixture; the trust bundle is the one the real Dapr 1.18.3
 * Sentry wrote), and on copies of it broken or brought up the way a real cluster would.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ClusterSnapshot, COMPONENT_INIT_ERROR, exitCode, runChecks, VerifyExpectations, VerifyResult, VerifyStatus } from '../constructs/verify/verify-checks';
import { controlPlaneWorkloads } from '../constructs/verify/verify-expectations';
import { main, VerifyRecording } from '../stacks/verify';

const FIXTURE = path.join(__dirname, 'fixtures', 'verify', 'dev-harness.json');
const recording = (): VerifyRecording => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
const RECORDED_AT = new Date('2026-11-26T12:00:10Z');
const failed = (rs: VerifyResult[]) => rs.filter((r) => r.status === VerifyStatus.FAIL).map((r) => `${r.check} ${r.object}`);
const RUNNING_CHECKS = ['control-plane.ready', 'component.app-daprd-ready', 'component.init-errors', 'workload.sidecar-ready'];

/** The recorded cluster as a kubelet would have it: every pod running with daprd ready, daprd logs read. */
function running(exp: VerifyExpectations, snap: ClusterSnapshot, daprdLog = 'level=info msg="Component loaded: order-state (state.redis/v1)"\n'): ClusterSnapshot {
  const s = JSON.parse(JSON.stringify(snap)) as any;
  for (const w of exp.controlPlane) s.controlPlane[`${w.kind}/${w.name}`].status.readyReplicas = w.replicas;
  for (const pods of Object.values<any[]>(s.pods)) {
    for (const p of pods) {
      p.status = { phase: 'Running', containerStatuses: p.spec.containers.map((c: any) => ({ name: c.name, ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-26T12:00:00Z' } } })) };
      s.daprdLogs[`${p.metadata.namespace}/${p.metadata.name}`] = daprdLog;
    }
  }
  return s;
}

describe('verify checks on the recorded harness (dev)', () => {
  const { expectations: exp, snapshot: snap } = recording();

  test('the expectations name the control plane, the committed Components and workloads', () => {
    expect(exp.controlPlane).toEqual([
      { kind: 'Deployment', name: 'dapr-operator', replicas: 1 },
      { kind: 'Deployment', name: 'dapr-sentry', replicas: 1 },
      { kind: 'Deployment', name: 'dapr-sidecar-injector', replicas: 1 },
      { kind: 'StatefulSet', name: 'dapr-placement-server', replicas: 1 },
      { kind: 'StatefulSet', name: 'dapr-scheduler-server', replicas: 3 },
    ]);
    expect(exp.components.map((c) => c.name).sort()).toEqual(['events', 'order-state', 'vault']);
    expect(exp.workloads.map((w) => w.appId).sort()).toEqual(['billing', 'checkout', 'dead-letters', 'inventory', 'notifications', 'orders', 'shipping']);
  });

  test('--api-only: every check that needs no running pod passes (exit 0), the others are named as real-cluster-only', () => {
    const rs = runChecks(exp, snap, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual([]);
    expect(exitCode(rs)).toBe(0);
    const passed = rs.filter((r) => r.status === VerifyStatus.PASS);
    expect([...new Set(passed.map((r) => r.check))]).toEqual([
      'control-plane.replicas', 'mtls.enabled', 'mtls.settings', 'trust-bundle.root-expiry', 'trust-bundle.issuer-expiry', 'trust-bundle.issuer-chain',
      'component.exists', 'workload.sidecar-annotation', 'workload.sidecar-injected',
    ]);
    expect([...new Set(rs.filter((r) => r.status === VerifyStatus.REAL_CLUSTER_ONLY).map((r) => r.check))].sort()).toEqual([...RUNNING_CHECKS].sort());
  });

  test('without --api-only, the Pending pods fail exactly the checks that need running pods (exit 1)', () => {
    const rs = runChecks(exp, snap, { apiOnly: false, now: RECORDED_AT });
    expect(exitCode(rs)).toBe(1);
    expect([...new Set(rs.filter((r) => r.status === VerifyStatus.FAIL).map((r) => r.check))].sort()).toEqual([...RUNNING_CHECKS].sort());
    expect(rs.find((r) => r.check === 'component.init-errors')!.message).toMatch(/daprd has not started in any of 1 pod\(s\): no log to read/);
  });

  test('brought up as on a real cluster, every check passes', () => {
    const rs = runChecks(exp, running(exp, snap), { apiOnly: false, now: RECORDED_AT });
    expect(failed(rs)).toEqual([]);
    expect(rs).toHaveLength(59);
  });

  test('a component init error in daprd\'s log fails component.init-errors for that component and app only', () => {
    const log = 'time="2026-11-26T12:00:01Z" level=error msg="Failed to init component order-state (state.redis/v1): redis: connection refused" app_id=orders\n';
    expect(COMPONENT_INIT_ERROR.exec(log)![1]).toBe('order-state');
    const s = running(exp, snap, '');
    const orders = s.pods['order-management/orders'][0];
    (s.daprdLogs as any)[`order-management/${orders.metadata.name}`] = log;
    const rs = runChecks(exp, s, { apiOnly: false, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['component.init-errors Component order-management/order-state → app orders']);
    expect(rs.find((r) => r.status === VerifyStatus.FAIL)!.fix).toMatch(/secret reference/);
  });

  test('a deleted Component fails component.exists', () => {
    const s = JSON.parse(JSON.stringify(snap));
    delete s.components['order-management/order-state'];
    const rs = runChecks(exp, s, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['component.exists Component order-management/order-state']);
    expect(rs.find((r) => r.status === VerifyStatus.FAIL)).toMatchObject({ message: 'not found', fix: expect.stringMatching(/argocd app sync dapr-platform-dev/) });
  });

  test('a Deployment without the sidecar annotation fails workload.sidecar-annotation; pods without daprd fail workload.sidecar-injected', () => {
    const s = JSON.parse(JSON.stringify(snap));
    delete s.workloads['order-management/inventory'].spec.template.metadata.annotations['dapr.io/enabled'];
    for (const p of s.pods['order-management/inventory']) p.spec.containers = p.spec.containers.filter((c: any) => c.name !== 'daprd');
    const rs = runChecks(exp, s, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['workload.sidecar-annotation Deployment order-management/inventory', 'workload.sidecar-injected Deployment order-management/inventory']);
  });

  test('a missing Deployment fails workload.exists; a control plane scaled by hand fails control-plane.replicas', () => {
    const s = JSON.parse(JSON.stringify(snap));
    delete s.workloads['order-management/billing'];
    s.controlPlane['Deployment/dapr-sentry'].spec.replicas = 0;
    const rs = runChecks(exp, s, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['control-plane.replicas Deployment dapr-system/dapr-sentry', 'workload.exists Deployment order-management/billing']);
  });

  test('mTLS off or different from our values fails the mTLS checks', () => {
    const s = JSON.parse(JSON.stringify(snap));
    s.daprsystem.spec.mtls.enabled = false;
    s.daprsystem.spec.mtls.workloadCertTTL = '1h';
    const rs = runChecks(exp, s, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['mtls.enabled Configuration dapr-system/daprsystem', 'mtls.settings Configuration dapr-system/daprsystem']);
    expect(rs.find((r) => r.check === 'mtls.settings')!.message).toBe('workloadCertTTL "1h" (want "24h")');
  });

  test('the root and the issuer fail under 30 days left, computed from the certificates Sentry wrote', () => {
    const rs = runChecks(exp, snap, { apiOnly: true, now: new Date('2027-10-28T12:00:00Z') });
    expect(failed(rs)).toEqual(['trust-bundle.root-expiry ConfigMap dapr-system/dapr-trust-bundle', 'trust-bundle.issuer-expiry Secret dapr-system/dapr-trust-bundle']);
    expect(rs.find((r) => r.check === 'trust-bundle.issuer-expiry')!.message).toBe(
      'O=spiffe://logistics-dev.local/ns/dapr-system/dapr-sentry: expires 2027-11-26T11:59:55.000Z (28 days left, threshold 30)');
    expect(failed(runChecks(exp, snap, { apiOnly: true, now: new Date('2027-10-27T11:00:00Z') }))).toEqual([]);
  });

  test('an issuer not signed by the trust anchors fails trust-bundle.issuer-chain; an unreadable Secret fails issuer-expiry', () => {
    const s = JSON.parse(JSON.stringify(snap));
    s.trustBundleConfigMap.data['ca.crt'] = Buffer.from(s.trustBundleSecret.data['issuer.crt'], 'base64').toString('utf8');
    expect(failed(runChecks(exp, s, { apiOnly: true, now: RECORDED_AT }))).toEqual(['trust-bundle.issuer-chain Secret dapr-system/dapr-trust-bundle']);
    const t = JSON.parse(JSON.stringify(snap));
    delete t.trustBundleSecret;
    t.trustBundleSecretError = 'secrets "dapr-trust-bundle" is forbidden';
    const rs = runChecks(exp, t, { apiOnly: true, now: RECORDED_AT });
    expect(failed(rs)).toEqual(['trust-bundle.issuer-expiry Secret dapr-system/dapr-trust-bundle']);
    expect(rs.find((r) => r.status === VerifyStatus.FAIL)!.message).toBe('not readable: secrets "dapr-trust-bundle" is forbidden');
  });
});

describe('verify expectations and command line', () => {
  test('control-plane replicas as the Dapr 1.18 chart renders them from our values', () => {
    expect(controlPlaneWorkloads({ global: { ha: { enabled: true, replicaCount: 3 } } }).map((w) => w.replicas)).toEqual([3, 3, 3, 3, 3]);
    expect(controlPlaneWorkloads({ global: { ha: { enabled: false } }, dapr_operator: { replicaCount: 2 } }).map((w) => w.replicas)).toEqual([2, 1, 1, 1, 3]);
    expect(controlPlaneWorkloads({ global: { scheduler: { enabled: false } }, dapr_placement: { scaleZero: true } }).map((w) => w.name))
      .toEqual(['dapr-operator', 'dapr-sentry', 'dapr-sidecar-injector']);
  });

  test('--smoke is refused with the reason (exit 2); an unknown environment is a usage error', () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(main(['--env', 'dev', '--smoke'])).toBe(2);
      expect(err.mock.calls[0][0]).toMatch(/listens on the pod's loopback only/);
      expect(main(['--env', 'qa'])).toBe(2);
      expect(err.mock.calls[1][0]).toMatch(/unknown environment 'qa': use one of dev, staging, prod/);
    } finally {
      err.mockRestore();
    }
  });
});
