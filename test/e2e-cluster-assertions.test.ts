/**
 * The checks of `npm run e2e:cluster` (e2e/cluster/assertions.ts) on a pod as the API server stored it,
 * without a cluster: the prod orders pod from a run on the output before the issue 12 fixes (Dapr's
 * real injector applied), a corrected variant on which every check passes, and one failing case per check.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  Check, CheckStatus, checkApplyWarnings, checkAppApiToken, checkAppTokenWiring, checkControlPlaneSpread, checkDaprdVolumeMounts, checkDaprdApiToken, checkDaprdConfig, checkDaprdEnv,
  checkDaprdInjected, checkDaprdResources, checkDaprdVaultTokenMount, checkNoDuplicateMounts, checkPod,
  checkReferencedObjects, checkVaultAgentInjected, checkVaultTokenVolumeAnnotation, checkWorkloadPods, PodCheckInput,
} from '../e2e/cluster/assertions';
import { overrideArgs } from '../e2e/cluster/local-pod';
import { parseProvidedSecrets } from '../e2e/cluster/provided-secrets';
import { toUrlWebhooks } from '../e2e/cluster/webhooks';

/* eslint-disable @typescript-eslint/no-explicit-any */
const STORED: any = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'prod-orders-pod.before-issue-12.json'), 'utf8'));
const clone = (x: any): any => JSON.parse(JSON.stringify(x));
const container = (pod: any, name: string): any => [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c: any) => c.name === name);
const TOKEN_REF = { valueFrom: { secretKeyRef: { name: 'dapr-api-token', key: 'token' } } };
const APP_TOKEN_REF = { valueFrom: { secretKeyRef: { name: 'orders-dapr-app-token', key: 'token' } } };

function input(pod: any, over: Partial<PodCheckInput> = {}): PodCheckInput {
  return {
    env: 'prod', pod, owner: 'Deployment orders', appContainers: ['app'],
    secrets: new Map([['order-management/dapr-api-token', new Set(['token'])], ['order-management/orders-dapr-app-token', new Set(['token'])]]), configMaps: new Map(),
    vaultTokenMountPath: '/vault/dapr/token', vaultInjectorRan: true, ...over,
  };
}

/**
 * The stored pod as it should be: app gets the token, the agents are injected with a projected token
 * volume, and daprd authenticates its calls into the app (dapr.io/app-token-secret: the injector
 * gives daprd APP_API_TOKEN from the Secret, as Dapr 1.18.3 pkg/injector/patcher/sidecar_container.go does).
 */
function goodPod(): any {
  const p = clone(STORED);
  container(p, 'app').env.push({ name: 'DAPR_API_TOKEN', ...clone(TOKEN_REF) }, { name: 'APP_API_TOKEN', ...clone(APP_TOKEN_REF) });
  p.metadata.annotations['dapr.io/app-token-secret'] = 'orders-dapr-app-token';
  container(p, 'daprd').env.push({ name: 'APP_API_TOKEN', ...clone(APP_TOKEN_REF) });
  p.metadata.annotations['vault.hashicorp.com/agent-service-account-token-volume-name'] = 'vault-token';
  p.spec.volumes.push({ name: 'vault-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } });
  const agentMounts = [{ name: 'vault-token', mountPath: '/var/run/secrets/vault.hashicorp.com/serviceaccount' }, { name: 'dapr-vault-token', mountPath: '/vault/dapr' }];
  p.spec.initContainers = [{ name: 'vault-agent-init', image: 'hashicorp/vault:1.18.1', volumeMounts: clone(agentMounts) }];
  p.spec.containers.push({ name: 'vault-agent', image: 'hashicorp/vault:1.18.1', volumeMounts: clone(agentMounts) });
  return p;
}

const statuses = (cs: Check[]): string[] => cs.map((c) => `${c.status} ${c.id} ${c.field}`);
const failed = (cs: Check[]): Check[] => cs.filter((c) => c.status === CheckStatus.FAIL);

describe('e2e cluster checks on the stored prod orders pod', () => {
  test('today\'s output fails with defects 1, 3 and 4, naming env, pod and field; Vault checks are NOT RUN without the injector', () => {
    const cs = checkPod(input(STORED, { secrets: new Map(), vaultInjectorRan: false }));
    expect(statuses(failed(cs))).toEqual([
      'FAIL daprd-api-token spec.containers[daprd].env[DAPR_API_TOKEN].valueFrom.secretKeyRef',
      'FAIL app-api-token spec.containers[app].env[DAPR_API_TOKEN]',
      'FAIL daprd-app-token metadata.annotations[dapr.io/app-token-secret]',
      'FAIL referenced-object-exists spec.containers[daprd].env[DAPR_API_TOKEN]',
      'FAIL vault-agent-token-volume metadata.annotations[vault.hashicorp.com/agent-service-account-token-volume-name]',
    ]);
    expect(failed(cs)[0]).toMatchObject({ env: 'prod', object: 'Pod order-management/orders-<replicaset>-<pod> (Deployment orders)' });
    expect(failed(cs)[0].message).toContain('Secret order-management/dapr-api-token with key token does not exist');
    expect(cs.filter((c) => c.status === CheckStatus.NOT_RUN).map((c) => c.id)).toEqual(['vault-agent-injected', 'vault-agent-injected', 'vault-token-reaches-daprd']);
  });

  test('the corrected pod passes every check', () => {
    const cs = checkPod(input(goodPod()));
    expect(failed(cs)).toEqual([]);
    expect(cs.filter((c) => c.status === CheckStatus.NOT_RUN)).toEqual([]);
    expect(new Set(cs.map((c) => c.id))).toEqual(new Set(['daprd-injected', 'daprd-resources', 'daprd-env', 'daprd-config', 'daprd-api-token',
      'app-api-token', 'daprd-app-token', 'app-app-token', 'daprd-volume-mount', 'referenced-object-exists', 'no-duplicate-mount-paths', 'vault-agent-token-volume', 'vault-agent-injected',
      'vault-agent-token-mount', 'daprd-vault-token-mount', 'vault-token-reaches-daprd']));
  });

  test('daprd missing', () => {
    const p = goodPod();
    p.spec.containers = p.spec.containers.filter((c: any) => c.name !== 'daprd');
    expect(statuses(failed(checkDaprdInjected(input(p))))).toEqual(['FAIL daprd-injected spec.containers[daprd]']);
  });

  test('daprd resources differ from the annotations', () => {
    const p = goodPod();
    container(p, 'daprd').resources.limits.memory = '1Gi';
    delete container(p, 'daprd').resources.requests.cpu;
    const f = failed(checkDaprdResources(input(p)));
    expect(statuses(f)).toEqual(['FAIL daprd-resources spec.containers[daprd].resources.requests.cpu', 'FAIL daprd-resources spec.containers[daprd].resources.limits.memory']);
    expect(f[1].message).toBe('is 1Gi, the annotation dapr.io/sidecar-memory-limit asks for 1536Mi');
  });

  test('GOMEMLIMIT missing or different in daprd', () => {
    const p = goodPod();
    container(p, 'daprd').env = container(p, 'daprd').env.filter((e: any) => e.name !== 'GOMEMLIMIT');
    expect(failed(checkDaprdEnv(input(p)))[0].message).toBe('is missing, dapr.io/env asks for GOMEMLIMIT=1382MiB');
    const q = goodPod();
    container(q, 'daprd').env.find((e: any) => e.name === 'GOMEMLIMIT').value = '2GiB';
    expect(statuses(failed(checkDaprdEnv(input(q))))).toEqual(['FAIL daprd-env spec.containers[daprd].env[GOMEMLIMIT]']);
  });

  test('daprd --config differs from dapr.io/config', () => {
    const p = goodPod();
    const args: string[] = container(p, 'daprd').args;
    args[args.indexOf('--config') + 1] = 'other';
    expect(failed(checkDaprdConfig(input(p)))[0].message).toBe('is other, dapr.io/config is orders');
  });

  test('daprd API token: from another Secret, or the Secret lacks the key', () => {
    const p = goodPod();
    container(p, 'daprd').env.find((e: any) => e.name === 'DAPR_API_TOKEN').valueFrom.secretKeyRef.name = 'other';
    expect(failed(checkDaprdApiToken(input(p)))[0].message).toBe('is other/token, dapr.io/api-token-secret is dapr-api-token');
    const q = goodPod();
    expect(statuses(failed(checkDaprdApiToken(input(q, { secrets: new Map([['order-management/dapr-api-token', new Set(['other'])]]) })))))
      .toEqual(['FAIL daprd-api-token spec.containers[daprd].env[DAPR_API_TOKEN].valueFrom.secretKeyRef']);
  });

  test('app DAPR_API_TOKEN: literal value, or another Secret than daprd\'s', () => {
    const p = goodPod();
    container(p, 'app').env.find((e: any) => e.name === 'DAPR_API_TOKEN').valueFrom = undefined;
    container(p, 'app').env.find((e: any) => e.name === 'DAPR_API_TOKEN').value = 'abc';
    expect(failed(checkAppApiToken(input(p)))[0].message).toContain('is a literal value');
    const q = goodPod();
    container(q, 'app').env.find((e: any) => e.name === 'DAPR_API_TOKEN').valueFrom.secretKeyRef.key = 'other';
    expect(failed(checkAppApiToken(input(q)))[0]).toMatchObject({
      field: 'spec.containers[app].env[DAPR_API_TOKEN].valueFrom.secretKeyRef', message: 'is dapr-api-token/other, daprd reads dapr-api-token/token' });
  });

  test('app token (issue 16): missing annotation with an app port, daprd without APP_API_TOKEN, the app without it or from another Secret', () => {
    const p = goodPod();
    delete p.metadata.annotations['dapr.io/app-token-secret'];
    expect(failed(checkAppTokenWiring(input(p)))).toMatchObject([
      { id: 'daprd-app-token', field: 'metadata.annotations[dapr.io/app-token-secret]', message: 'is missing although dapr.io/app-port is 8080: daprd calls the app unauthenticated' },
    ]);
    const q = goodPod();
    container(q, 'daprd').env = container(q, 'daprd').env.filter((e: any) => e.name !== 'APP_API_TOKEN');
    expect(statuses(failed(checkAppTokenWiring(input(q))))).toEqual([
      'FAIL daprd-app-token spec.containers[daprd].env[APP_API_TOKEN].valueFrom.secretKeyRef',
      'FAIL app-app-token spec.containers[app].env[APP_API_TOKEN].valueFrom.secretKeyRef',
    ]);
    const r = goodPod();
    container(r, 'app').env = container(r, 'app').env.filter((e: any) => e.name !== 'APP_API_TOKEN');
    expect(failed(checkAppTokenWiring(input(r)))[0].message).toBe(
      'is missing: the app cannot check the token daprd sends with every call, daprd reads orders-dapr-app-token/token');
    const t = goodPod();
    container(t, 'app').env.find((e: any) => e.name === 'APP_API_TOKEN').valueFrom.secretKeyRef.name = 'dapr-api-token';
    expect(failed(checkAppTokenWiring(input(t)))[0].message).toBe('is dapr-api-token/token, daprd reads orders-dapr-app-token/token');
    expect(failed(checkAppTokenWiring(input(goodPod(), { secrets: new Map() })))[0].message)
      .toBe('Secret order-management/orders-dapr-app-token with key token does not exist (created by nothing: daprd fails with CreateContainerConfigError)');
  });

  test('dapr.io/volume-mounts (issue 16, the collector CA): mounted into daprd read-only from a pod volume', () => {
    const withCa = (): any => {
      const p = goodPod();
      p.metadata.annotations['dapr.io/volume-mounts'] = 'otel-collector-ca:/var/run/secrets/dapr.io/otel-collector-ca';
      p.spec.volumes.push({ name: 'otel-collector-ca', secret: { secretName: 'otel-collector-ca' } });
      container(p, 'daprd').volumeMounts.push({ name: 'otel-collector-ca', mountPath: '/var/run/secrets/dapr.io/otel-collector-ca', readOnly: true });
      return p;
    };
    expect(statuses(checkDaprdVolumeMounts(input(withCa())))).toEqual(['pass daprd-volume-mount spec.containers[daprd].volumeMounts[otel-collector-ca]']);
    const noMount = withCa();
    container(noMount, 'daprd').volumeMounts = container(noMount, 'daprd').volumeMounts.filter((m: any) => m.name !== 'otel-collector-ca');
    expect(failed(checkDaprdVolumeMounts(input(noMount)))[0].message).toBe(
      'daprd does not mount otel-collector-ca at /var/run/secrets/dapr.io/otel-collector-ca (dapr.io/volume-mounts asks for otel-collector-ca:/var/run/secrets/dapr.io/otel-collector-ca)');
    const rw = withCa();
    container(rw, 'daprd').volumeMounts.find((m: any) => m.name === 'otel-collector-ca').readOnly = false;
    expect(failed(checkDaprdVolumeMounts(input(rw)))[0].message).toBe('otel-collector-ca is mounted read-write');
    const noVolume = withCa();
    noVolume.spec.volumes = noVolume.spec.volumes.filter((v: any) => v.name !== 'otel-collector-ca');
    expect(failed(checkDaprdVolumeMounts(input(noVolume)))[0].message).toBe('the pod has no volume otel-collector-ca');
  });

  test('a referenced ConfigMap or Secret volume that does not exist', () => {
    const p = goodPod();
    p.spec.volumes.push({ name: 'cfg', configMap: { name: 'missing-cm' } }, { name: 'opt', secret: { secretName: 'nope', optional: true } });
    expect(failed(checkReferencedObjects(input(p))).map((c) => `${c.field}: ${c.message}`))
      .toEqual(['spec.volumes[cfg]: ConfigMap order-management/missing-cm does not exist']);
  });

  test('a container mounting one path twice (defect 2: /vault/dapr from our volume and the agent\'s)', () => {
    const p = goodPod();
    container(p, 'daprd').volumeMounts.push({ name: 'vault-secrets-custom-0', mountPath: '/vault/dapr' });
    expect(failed(checkNoDuplicateMounts(input(p)))[0]).toMatchObject({
      field: 'spec.containers[daprd].volumeMounts', message: 'mounts /vault/dapr (dapr-vault-token and vault-secrets-custom-0) twice' });
  });

  test('the token-volume annotation names something that is not a projected token volume', () => {
    const p = goodPod();
    p.metadata.annotations['vault.hashicorp.com/agent-service-account-token-volume-name'] = 'dapr-vault-token';
    expect(failed(checkVaultTokenVolumeAnnotation(input(p)))[0].message).toBe('names dapr-vault-token, which is not a projected serviceAccountToken volume');
  });

  test('Vault agent containers missing, or without a token mount', () => {
    const p = goodPod();
    p.spec.initContainers = [];
    container(p, 'vault-agent').volumeMounts = container(p, 'vault-agent').volumeMounts.filter((m: any) => m.name !== 'vault-token');
    expect(statuses(failed(checkVaultAgentInjected(input(p))))).toEqual([
      'FAIL vault-agent-injected spec.initContainers[vault-agent-init]', 'FAIL vault-agent-token-mount spec.containers[vault-agent].volumeMounts']);
  });

  test('daprd\'s Vault token mount: none, two, elsewhere, or a volume the agent does not write', () => {
    const none = goodPod();
    container(none, 'daprd').volumeMounts = container(none, 'daprd').volumeMounts.filter((m: any) => m.mountPath !== '/vault/dapr');
    expect(failed(checkDaprdVaultTokenMount(input(none)))[0].message).toContain('has 0 mounts covering /vault/dapr/token');
    // Without the Vault injector an absent mount may still be the injector's own: said, not passed.
    expect(checkDaprdVaultTokenMount(input(none, { vaultInjectorRan: false })).map((c) => c.status)).toEqual([CheckStatus.NOT_RUN]);
    const two = goodPod();
    container(two, 'daprd').volumeMounts.push({ name: 'vault-secrets', mountPath: '/vault' });
    expect(failed(checkDaprdVaultTokenMount(input(two)))[0].message).toContain('has 2 mounts covering /vault/dapr/token');
    const other = goodPod();
    container(other, 'vault-agent').volumeMounts = container(other, 'vault-agent').volumeMounts.filter((m: any) => m.name !== 'dapr-vault-token');
    expect(statuses(failed(checkDaprdVaultTokenMount(input(other))))).toEqual(['FAIL vault-token-reaches-daprd spec.containers[vault-agent].volumeMounts']);
  });

  test('workload pods and API warnings', () => {
    expect(checkWorkloadPods('prod', 'Deployment order-management/orders', 1, 0, 'pods "orders-x" is forbidden: violates PodSecurity "restricted:latest"'))
      .toMatchObject({ status: CheckStatus.FAIL, message: '0 of 1 pod(s) created: pods "orders-x" is forbidden: violates PodSecurity "restricted:latest"' });
    expect(checkWorkloadPods('prod', 'Deployment order-management/orders', 1, 1, undefined).status).toBe(CheckStatus.PASS);
    expect(checkApplyWarnings('prod', 'dist/prod/', 'Warning: would violate PodSecurity "restricted:latest": runAsNonRoot != true\n').map((c) => c.status)).toEqual([CheckStatus.FAIL]);
    expect(checkApplyWarnings('prod', 'dist/prod/', '').map((c) => c.status)).toEqual([CheckStatus.PASS]);
  });
});

describe('e2e cluster harness helpers', () => {
  test('a chart webhook becomes a URL on the service DNS name; everything else unchanged', () => {
    const mwc = { metadata: { name: 'dapr-sidecar-injector' }, webhooks: [{ name: 'sidecar-injector.dapr.io', failurePolicy: 'Fail', reinvocationPolicy: 'IfNeeded',
      clientConfig: { service: { namespace: 'dapr-system', name: 'dapr-sidecar-injector', path: '/mutate' } } }] };
    expect(toUrlWebhooks(mwc, () => 41234)).toEqual({ metadata: { name: 'dapr-sidecar-injector' }, webhooks: [{ name: 'sidecar-injector.dapr.io',
      failurePolicy: 'Fail', reinvocationPolicy: 'IfNeeded', clientConfig: { url: 'https://dapr-sidecar-injector.dapr-system.svc:41234/mutate' } }] });
  });

  test('flag overrides replace both flag forms or append', () => {
    expect(overrideArgs(['--healthz-port', '8080', '--metrics-port=9090', '--x'], { '--healthz-port': '1', '--metrics-port': '2', '--port': '3' }))
      .toEqual(['--healthz-port', '1', '--metrics-port=2', '--x', '--port=3']);
  });

  test('provided Secrets are read from the README section, per environment; absence is said', () => {
    const md = '# x\n## Secrets the platform provides\n| secret | keys | environments |\n|---|---|---|\n| `order-management/a` | `token` | `prod` |\n| `data/b` | `u`, `p` | |\n## next\n| `x/y` | `k` |\n';
    expect(parseProvidedSecrets(md, 'prod', 'README.md').secrets).toEqual([{ namespace: 'order-management', name: 'a', keys: ['token'] }, { namespace: 'data', name: 'b', keys: ['u', 'p'] }]);
    expect(parseProvidedSecrets(md, 'dev', 'README.md').secrets).toEqual([{ namespace: 'data', name: 'b', keys: ['u', 'p'] }]);
    expect(parseProvidedSecrets('# nothing\n', 'dev', 'README.md')).toMatchObject({ secrets: [], notes: ['README.md documents no provided Secrets (no section "Secrets the platform provides")'] });
  });
});

describe('control-plane spread on the rendered chart (issue 16)', () => {
  const term = (app: string, topologyKey: string) => ({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app] }] }, topologyKey });
  const workload = (kind: string, app: string, anti: any) => ({ kind, metadata: { name: app, namespace: 'dapr-system' }, spec: { template: { spec: { affinity: { podAntiAffinity: anti } } } } });
  /** What the 1.18.3 templates render with the given topology key and the required policy. */
  const rendered = (key: string) => [
    ...['dapr-placement-server', 'dapr-scheduler-server'].map((a) => workload('StatefulSet', a, { requiredDuringSchedulingIgnoredDuringExecution: [term(a, key)] })),
    ...['dapr-operator', 'dapr-sentry', 'dapr-sidecar-injector'].map((a) => workload('Deployment', a, { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term(a, key) }] })),
  ];
  const ha = { enabled: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution' };

  test('passes the five workloads as the chart renders them', () => {
    const cs = checkControlPlaneSpread('prod', rendered('kubernetes.io/hostname'), ha);
    expect(cs.map((c) => `${c.status} ${c.object}`)).toEqual([
      'pass StatefulSet dapr-system/dapr-placement-server (chart)',
      'pass StatefulSet dapr-system/dapr-scheduler-server (chart)',
      'pass Deployment dapr-system/dapr-operator (chart)',
      'pass Deployment dapr-system/dapr-sentry (chart)',
      'pass Deployment dapr-system/dapr-sidecar-injector (chart)',
    ]);
  });

  test('fails a required term on another key, a preferred-only StatefulSet and a missing workload', () => {
    const objs = rendered('topology.kubernetes.io/zone').filter((o) => o.metadata.name !== 'dapr-sentry');
    const f = failed(checkControlPlaneSpread('prod', objs, ha));
    expect(f.map((c) => c.object)).toEqual([
      'StatefulSet dapr-system/dapr-placement-server (chart)', 'StatefulSet dapr-system/dapr-scheduler-server (chart)',
      'Deployment dapr-system/dapr-operator (chart)', 'Deployment/StatefulSet ?/dapr-sentry (chart)', 'Deployment dapr-system/dapr-sidecar-injector (chart)',
    ]);
    expect(f[0].message).toMatch(/^has no required anti-affinity of app=dapr-placement-server over kubernetes.io\/hostname/);
    const preferredOnly = rendered('kubernetes.io/hostname');
    preferredOnly[0].spec.template.spec.affinity.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term('dapr-placement-server', 'kubernetes.io/hostname') }] };
    expect(failed(checkControlPlaneSpread('prod', preferredOnly, ha)).map((c) => c.object)).toEqual(['StatefulSet dapr-system/dapr-placement-server (chart)']);
  });

  test('checks nothing without HA or without a policy in the values (the chart default)', () => {
    expect(checkControlPlaneSpread('dev', [], { enabled: false })).toEqual([]);
    expect(checkControlPlaneSpread('prod', [], { enabled: true })).toEqual([]);
  });
});
