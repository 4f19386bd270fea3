import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { RedisStateStore } from '../constructs/k8s/redis-state-store';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { WorkloadRole } from '../constructs/k8s/workload-types';
import { ImportedComponent } from '../constructs/k8s/imported-component';
import { ImportedVaultSecretStore } from '../constructs/k8s/imported-vault-secret-store';
import { HttpVerb, MtlsConfiguration } from '../constructs/k8s/mtls-configuration';
import { ResourceSize } from '../constructs/k8s/resource-size';
import { DaprApp } from '../constructs/model/dapr-app';
import { DaprVersion } from '../constructs/model/dapr-version';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { daprChart, errorsOf, find, synth } from './helpers';
import { seed } from './seed';

describe('the seed scenario', () => {
  const s = seed();
  const manifests = synth(s.chart);

  test('inventory denies by default and allows exactly checkout on POST /reserve', () => {
    expect(find(manifests, 'Configuration', 'inventory').spec.accessControl).toEqual({
      defaultAction: 'deny',
      trustDomain: 'cluster.local',
      policies: [
        {
          appId: 'checkout',
          namespace: 'apps',
          trustDomain: 'cluster.local',
          defaultAction: 'deny',
          operations: [{ name: '/reserve', httpVerb: ['POST'], action: 'allow' }],
        },
      ],
    });
  });

  test('a callee nobody calls still denies by default', () => {
    expect(find(manifests, 'Configuration', 'billing').spec.accessControl).toEqual({ defaultAction: 'deny', trustDomain: 'cluster.local' });
  });

  test('component scopes are exactly their users (and the secret store those whose components read it)', () => {
    expect(find(manifests, 'Component', 'saga-state').scopes).toEqual(['checkout']);
    expect(find(manifests, 'Component', 'events').scopes).toEqual(['billing', 'notifications', 'shipping']);
    expect(find(manifests, 'Component', 'vault').scopes).toEqual(['billing', 'checkout', 'notifications', 'shipping']);
  });

  test('topic grants: each app reaches exactly its topics', () => {
    const md = find(manifests, 'Component', 'events').spec.metadata;
    expect(md).toContainEqual({
      name: 'publishingScopes',
      value: 'billing=shipment-created-dlq;notifications=shipment-created-dlq;shipping=shipment-created',
    });
    expect(md).toContainEqual({ name: 'subscriptionScopes', value: 'billing=shipment-created;notifications=shipment-created;shipping=' });
  });

  test('one Subscription per subscriber, scoped to it, with the dead-letter topic', () => {
    expect(find(manifests, 'Subscription', 'notifications-shipment-created')).toEqual({
      apiVersion: 'dapr.io/v2alpha1',
      kind: 'Subscription',
      metadata: { name: 'notifications-shipment-created', namespace: 'apps' },
      scopes: ['notifications'],
      spec: { pubsubname: 'events', topic: 'shipment-created', routes: { default: '/events/shipment-created' }, deadLetterTopic: 'shipment-created-dlq' },
    });
    expect(find(manifests, 'Subscription', 'billing-shipment-created').scopes).toEqual(['billing']);
  });

  test('sidecar annotations are on the pod template, with GOMEMLIMIT at 90% of the memory limit', () => {
    const d = find(manifests, 'Deployment', 'checkout');
    expect(d.metadata.annotations).toBeUndefined();
    const a = d.spec.template.metadata.annotations;
    expect(a).toMatchObject({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': 'checkout',
      'dapr.io/app-port': '8080',
      'dapr.io/app-protocol': 'http',
      'dapr.io/config': 'checkout',
      'dapr.io/log-as-json': 'true',
      'dapr.io/log-level': 'info',
      'dapr.io/enable-metrics': 'true',
      'dapr.io/metrics-port': '9090',
      'dapr.io/sidecar-cpu-request': '100m',
      'dapr.io/sidecar-cpu-limit': '300m',
      'dapr.io/sidecar-memory-request': '256Mi',
      'dapr.io/sidecar-memory-limit': '512Mi',
      'dapr.io/env': 'GOMEMLIMIT=460MiB',
      'dapr.io/api-token-secret': 'checkout-dapr-api-token',
      'dapr.io/graceful-shutdown-seconds': '55',
      'dapr.io/enable-app-health-check': 'true',
      'vault.hashicorp.com/role': 'checkout',
    });
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    // The default sidecar size: 1000Mi limit -> 900MiB.
    expect(find(manifests, 'Deployment', 'inventory').spec.template.metadata.annotations['dapr.io/env']).toBe('GOMEMLIMIT=900MiB');
  });

  test('the app container is hardened and runs as its own ServiceAccount', () => {
    const spec = find(manifests, 'Deployment', 'inventory').spec.template.spec;
    expect(spec.serviceAccountName).toBe('inventory');
    const c = spec.containers[0];
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080 });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(find(manifests, 'ServiceAccount', 'inventory').automountServiceAccountToken).toBe(false);
    expect(find(manifests, 'PodDisruptionBudget', 'inventory').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } });
    expect(spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1 });
  });

  test('NetworkPolicy peers follow the invocation edges', () => {
    const inv = find(manifests, 'NetworkPolicy', 'inventory').spec;
    expect(inv.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }], ports: [{ protocol: 'TCP', port: 50002 }] }]);
    // checkout hosts actors: its replicas reach each other's sidecar on 50002, both ways.
    const co = find(manifests, 'NetworkPolicy', 'checkout').spec;
    expect(co.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }], ports: [{ protocol: 'TCP', port: 50002 }] }]);
    expect(co.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } }],
      ports: [{ protocol: 'TCP', port: 50002 }],
    });
    // Every egress rule names its destinations: DNS, each control-plane service's pods on the port
    // its pod listens on (no 443: nothing in dapr-system listens there), the callees, the in-cluster
    // collector's namespace, and the external Vault and Redis by their declared CIDRs.
    const cp = (app: string, port: number) => ({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dapr-system' } }, podSelector: { matchLabels: { app } } }],
      ports: [{ protocol: 'TCP', port }],
    });
    expect(co.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      cp('dapr-operator', 6500),
      cp('dapr-placement-server', 50005),
      cp('dapr-scheduler-server', 50006),
      cp('dapr-sentry', 50001),
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } }],
        ports: [{ protocol: 'TCP', port: 50002 }],
      },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ protocol: 'TCP', port: 4317 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.16/28' } }], ports: [{ protocol: 'TCP', port: 8200 }] },
      { to: [{ ipBlock: { cidr: '10.0.8.0/28' } }], ports: [{ protocol: 'TCP', port: 6380 }] },
    ]);
    const sh = find(manifests, 'NetworkPolicy', 'shipping').spec;
    expect(sh.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } }], ports: [{ protocol: 'TCP', port: 9093 }] });
  });

  test('the secrets each app may read are exposed for its Vault policy', () => {
    expect(s.checkout.secretAccess).toEqual({
      appId: 'checkout',
      namespace: 'apps',
      serviceAccountName: 'checkout',
      vaultRole: 'checkout',
      secretPaths: ['secret/data/dapr/redis'],
    });
    expect(s.shipping.secretAccess.secretPaths).toEqual(['secret/data/dapr/kafka']);
    expect(s.inventory.secretAccess.secretPaths).toEqual([]);
  });

  test('every dapr.io/* annotation emitted exists in the pinned version annotations.txt (generated into imports/)', () => {
    const keys = DaprVersion.LATEST.annotationKeys;
    const emitted = manifests
      .filter((m) => m.kind === 'Deployment')
      .flatMap((d) => Object.keys(d.spec.template.metadata.annotations))
      .filter((k) => k.startsWith('dapr.io/'));
    expect(emitted.length).toBeGreaterThan(50);
    for (const k of emitted) expect(keys).toContain(k);
  });
});

describe('workload rules', () => {
  const base = { image: 'registry.example.com/x:1.0.0', appPort: 8080, apiTokenSecret: SecretRef.fromKubernetesSecret('t', 'token') };

  test('an app-id longer than 58 characters is refused', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'w', { appId: 'a'.repeat(59), ...base });
    expect(errorsOf(chart).join('\n')).toMatch(/app-id 'a{59}' is not a DNS-1123 label of at most 58 characters/);
  });

  test('an app-id that is not a DNS label is refused', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'w', { appId: 'Order_Service', ...base });
    expect(errorsOf(chart).join('\n')).toMatch(/app-id 'Order_Service' is not a DNS-1123 label.*e\.g\. 'order-service'/);
  });

  test('latest and untagged images are refused', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'a', { appId: 'a', ...base, image: 'registry.example.com/a:latest' });
    new DaprWorkload(chart, 'b', { appId: 'b', ...base, image: 'registry.example.com/b' });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/image 'registry.example.com\/a:latest' uses 'latest'/);
    expect(errors).toMatch(/image 'registry.example.com\/b' is not pinned/);
  });

  test('a digest-pinned image is accepted', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'a', { appId: 'a', ...base, image: `registry.example.com:5000/team/a@sha256:${'a'.repeat(64)}` });
    expect(errorsOf(chart)).toEqual([]);
  });

  test('an actor host without an actor state store is refused', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'w', { appId: 'orders', role: WorkloadRole.ACTOR_HOST, ...base });
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/workload 'orders' is a actor-host but uses no actor state store: it needs exactly one/)]);
  });

  test('two actor state stores: the fix is to keep actorStateStore on one, not to add one (issue 16)', () => {
    const chart = daprChart();
    const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
    const store = (name: string) => new RedisStateStore(chart, name, { name, redisHost: 'redis.example.com:6380', redisPassword: vault.secret('redis', 'password'), actorStateStore: true });
    const w = new DaprWorkload(chart, 'w', { appId: 'orders', role: WorkloadRole.WORKFLOW_HOST, ...base });
    w.uses(store('state-a'));
    w.uses(store('state-b'));
    expect(errorsOf(chart).filter((e) => e.startsWith('[test/w]'))).toEqual([
      "[test/w] workload 'orders' is a workflow-host but uses 2 actor state stores ('state-a', 'state-b'), and daprd loads at most one: " +
        'keep actorStateStore: true on the one that holds actor and workflow state and set it to false on the others (or stop using them from this workload).',
    ]);
  });

  test('no silent concurrency cap: a workflow host gets app-max-concurrency only when given (issue 16)', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const wf = new DaprWorkload(chart, 'wf', { appId: 'wf', role: WorkloadRole.WORKFLOW_HOST, ...base });
    const capped = new DaprWorkload(chart, 'capped', { appId: 'capped', role: WorkloadRole.WORKFLOW_HOST, appMaxConcurrency: 25, ...base });
    const bad = new DaprWorkload(chart, 'bad', { appId: 'bad', appMaxConcurrency: 0, ...base });
    expect(wf.podAnnotations['dapr.io/app-max-concurrency']).toBeUndefined();
    expect(capped.podAnnotations['dapr.io/app-max-concurrency']).toBe('25');
    expect(bad.podAnnotations['dapr.io/app-max-concurrency']).toBe('0');
    expect(errorsOf(chart).filter((e) => e.includes('appMaxConcurrency'))).toEqual([
      "[test/bad] workload 'bad': appMaxConcurrency 0 is not a positive integer: give the most concurrent calls the app handles, or omit it for no cap.",
    ]);
  });

  test('duplicate app-ids in a namespace are refused, naming both', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'one', { appId: 'orders', ...base });
    new DaprWorkload(chart, 'two', { appId: 'orders', ...base });
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/^\[test\/two\] app-id 'orders' is used twice in namespace 'apps' \(also at test\/one\)/)]);
  });

  test('an invocation into another namespace without saying so is refused, naming both ends', () => {
    const chart = daprChart();
    const a = new DaprWorkload(chart, 'a', { appId: 'checkout', ...base });
    const b = new DaprWorkload(chart, 'b', { appId: 'inventory', namespace: 'stock', ...base });
    a.invokes(b, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
    expect(errorsOf(chart).join('\n')).toMatch(/workload 'checkout' \(namespace 'apps'\) invokes 'inventory' in namespace 'stock' without saying so: pass \{ crossNamespace: true \} to invokes\(\)/);

    const ok = daprChart();
    const c = new DaprWorkload(ok, 'a', { appId: 'checkout', ...base });
    const d = new DaprWorkload(ok, 'b', { appId: 'inventory', namespace: 'stock', ...base });
    c.invokes(d, [{ path: '/reserve', verbs: [HttpVerb.POST] }], { crossNamespace: true });
    expect(errorsOf(ok)).toEqual([]);
    expect(find(synth(ok), 'Configuration', 'inventory').spec.accessControl.policies[0]).toMatchObject({ appId: 'checkout', namespace: 'apps' });
  });

  test('an app declared elsewhere in another namespace: refused without { crossNamespace: true }, both directions; allowed with it', () => {
    const chart = daprChart();
    const w = new DaprWorkload(chart, 'w', { appId: 'checkout', ...base });
    w.invokesApp(DaprApp.fromAppId('inventory', 'stock'), [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
    w.allowsInvocationFrom(DaprApp.fromAppId('billing', 'finance'), [{ path: '/paid', verbs: [HttpVerb.POST] }]);
    expect(errorsOf(chart)).toEqual([
      expect.stringMatching(/invokes 'inventory' in namespace 'stock' without saying so: pass \{ crossNamespace: true \} to invokesApp\(\)\.$/),
      expect.stringMatching(/is invoked by 'billing' in namespace 'finance' without saying so: pass \{ crossNamespace: true \} to allowsInvocationFrom\(\)\.$/),
    ]);

    const ok = daprChart();
    const x = new DaprWorkload(ok, 'w', { appId: 'checkout', ...base });
    x.invokesApp(DaprApp.fromAppId('inventory', 'stock'), [{ path: '/reserve', verbs: [HttpVerb.POST] }], { crossNamespace: true });
    x.allowsInvocationFrom(DaprApp.fromAppId('billing', 'finance'), [{ path: '/paid', verbs: [HttpVerb.POST] }], { crossNamespace: true });
    expect(errorsOf(ok)).toEqual([]);
    expect(find(synth(ok), 'Configuration', 'checkout').spec.accessControl.policies[0]).toMatchObject({ appId: 'billing', namespace: 'finance' });
  });

  test('a subscription to a pub/sub the subscriber is not scoped to is refused', () => {
    const chart = daprChart();
    const events = new ImportedComponent(chart, 'events', { name: 'events', namespace: 'apps', componentType: 'pubsub.kafka', scopes: ['billing'], unrestrictedTopics: true });
    const w = new DaprWorkload(chart, 'w', { appId: 'returns', ...base });
    w.subscribe(events, 'shipment-created', { route: '/shipments' });
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/pubsub.kafka component 'events' \(declared elsewhere\) is not scoped to app 'returns', which uses it: add 'returns' to its scopes/)]);
  });

  test('components declared elsewhere that read through an imported Vault store get the app the Vault Agent wiring', () => {
    const chart = daprChart();
    const vault = new ImportedVaultSecretStore(chart, 'vault', {
      name: 'vault',
      namespace: 'apps',
      scopes: ['returns'],
      vaultAddr: 'https://vault.example.com:8200',
      vaultKvPrefix: 'dapr',
      kubernetesAuthPath: 'auth/kubernetes-prod',
    });
    const events = new ImportedComponent(chart, 'events', {
      name: 'events',
      namespace: 'apps',
      componentType: 'pubsub.kafka',
      scopes: ['returns'],
      secretRefs: [vault.secret('kafka', 'username'), vault.secret('kafka', 'password')],
      unrestrictedTopics: true,
    });
    const w = new DaprWorkload(chart, 'w', { appId: 'returns', ...base });
    w.subscribe(events, 'shipment-created', { route: '/shipments' });
    expect(errorsOf(chart)).toEqual([]);
    const a = find(synth(chart), 'Deployment', 'returns').spec.template.metadata.annotations;
    expect(a).toMatchObject({
      'vault.hashicorp.com/role': 'returns',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes-prod',
      'vault.hashicorp.com/agent-inject-containers': 'daprd',
      'vault.hashicorp.com/secret-volume-path': '/vault/secrets',
    });
    expect(w.secretAccess.secretPaths).toEqual(['secret/data/dapr/kafka']);
  });

  test('an app not in the scopes of the imported Vault store its components read through is refused', () => {
    const chart = daprChart();
    const vault = new ImportedVaultSecretStore(chart, 'vault', { name: 'vault', namespace: 'apps', scopes: ['billing'], vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr' });
    const state = new ImportedComponent(chart, 'state', { name: 'state', namespace: 'apps', componentType: 'state.redis', scopes: ['returns'], secretRefs: [vault.secret('redis', 'password')] });
    new DaprWorkload(chart, 'w', { appId: 'returns', ...base }).uses(state);
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/secretstores.hashicorp.vault component 'vault' \(declared elsewhere\) is not scoped to app 'returns', which uses it/)]);
  });

  test('a Configuration reference that does not exist is refused', () => {
    const chart = daprChart();
    const elsewhere = new MtlsConfiguration(chart, 'cfg', { name: 'shared', namespace: 'other' });
    new DaprWorkload(chart, 'w', { appId: 'orders', ...base, configuration: elsewhere });
    expect(errorsOf(chart).join('\n')).toMatch(/dapr.io\/config names Configuration 'shared', which does not exist in namespace 'apps'/);
  });

  test('a sidecar without resource limits is refused in production, allowed in dev', () => {
    const noLimits = ResourceSize.custom({ cpuRequest: Cpu.millis(100), memoryRequest: Size.mebibytes(128) });
    const prod = daprChart();
    new DaprWorkload(prod, 'w', { appId: 'orders', ...base, sidecarResources: noLimits });
    expect(errorsOf(prod)).toEqual([expect.stringMatching(/the Dapr sidecar has no CPU and memory limits in a prod environment/)]);
    const dev = daprChart({ profile: EnvironmentProfile.DEV });
    new DaprWorkload(dev, 'w', { appId: 'orders', ...base, sidecarResources: noLimits });
    expect(errorsOf(dev)).toEqual([]);
    const a = synth(dev)[0];
    expect(a).toBeDefined();
  });

  test('an annotation the pinned version does not have is refused (native sidecar on 1.16)', () => {
    const chart = daprChart({ daprVersion: DaprVersion.V1_16_19 });
    new DaprWorkload(chart, 'w', { appId: 'orders', ...base, nativeSidecar: true });
    expect(errorsOf(chart)).toEqual([expect.stringMatching(/annotation 'dapr.io\/enable-native-sidecar' does not exist in Dapr 1.16.19/)]);
  });

  test('autoscaling renders an HPA on CPU and memory with scale-down stabilization and drops fixed replicas', () => {
    const chart = daprChart();
    new DaprWorkload(chart, 'w', { appId: 'orders', ...base, replicas: 3, maxReplicas: 10 });
    const m = synth(chart);
    expect(find(m, 'Deployment', 'orders').spec.replicas).toBeUndefined();
    expect(find(m, 'HorizontalPodAutoscaler', 'orders').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
  });
});
