/*
 * What the real webhooks and controllers need from a workload's pod template (issue 12, defects
 * 1-5): the Vault Agent's token source and where it writes daprd's token, the per-app Dapr API
 * token and its delivery to daprd and the app, and 50002 between replicas of actor hosts.
 */
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { EnvValue } from '../constructs/k8s/env-value';
import { ImportedVaultSecretStore } from '../constructs/k8s/imported-vault-secret-store';
import { HttpVerb } from '../constructs/k8s/mtls-configuration';
import { RedisStateStore } from '../constructs/k8s/redis-state-store';
import { VAULT_AGENT_TOKEN_PATH } from '../constructs/k8s/vault-agent-wiring';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { WorkloadRole } from '../constructs/k8s/workload-types';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { daprChart, errorsOf, find, synth } from './helpers';

const LABELS = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/part-of': 'dapr-platform' };

/** An actor host reading its state store's password from Vault, in a prod chart. */
function ordersScenario(props: Partial<ConstructorParameters<typeof DaprWorkload>[2]> = {}, profile = EnvironmentProfile.PROD) {
  const chart = daprChart({ profile });
  const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
  const state = new RedisStateStore(chart, 'state', { name: 'state', redisHost: 'redis.example.com:6380', redisPassword: vault.secret('redis', 'password'), actorStateStore: true });
  const orders = new DaprWorkload(chart, 'orders', {
    appId: 'orders',
    image: 'registry.example.com/orders:3.2.0',
    appPort: 8080,
    role: WorkloadRole.ACTOR_HOST,
    replicas: 3,
    ...props,
  });
  orders.uses(state);
  return { chart, vault, state, orders };
}

describe('defects 1 and 2: the Vault Agent logs in with a projected token and writes daprd token into a volume only daprd mounts', () => {
  const { chart } = ordersScenario();
  const manifests = synth(chart);
  const template = find(manifests, 'Deployment', 'orders').spec.template;
  const annotations: Record<string, string> = template.metadata.annotations;

  test('the Vault annotations are exactly these', () => {
    const vaultKeys = Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('vault.hashicorp.com/')));
    expect(vaultKeys).toEqual({
      'vault.hashicorp.com/agent-init-first': 'true',
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/agent-inject-containers': 'daprd',
      'vault.hashicorp.com/agent-inject-token': 'true',
      'vault.hashicorp.com/agent-pre-populate': 'true',
      'vault.hashicorp.com/agent-service-account-token-volume-name': 'vault-token-source',
      'vault.hashicorp.com/auth-path': 'auth/kubernetes',
      'vault.hashicorp.com/role': 'orders',
      'vault.hashicorp.com/secret-volume-path': '/vault/secrets',
    });
  });

  test('defect 1: the pod declares the projected token volume the annotation names, and no container of ours mounts it', () => {
    expect(template.spec.volumes).toEqual([
      { name: 'vault-token-source', projected: { sources: [{ serviceAccountToken: { audience: 'vault', path: 'token', expirationSeconds: 3600 } }] } },
    ]);
    expect(annotations['vault.hashicorp.com/agent-service-account-token-volume-name']).toBe(template.spec.volumes[0].name);
    for (const c of template.spec.containers) expect(c.volumeMounts).toBeUndefined();
    expect(template.spec.automountServiceAccountToken).toBe(false);
    expect(find(manifests, 'ServiceAccount', 'orders').automountServiceAccountToken).toBe(false);
  });

  test('defect 2: no per-secret volume path, no copied app mounts, no dapr.io/volume-mounts; the token file is where the component reads it', () => {
    expect(Object.keys(annotations).filter((k) => k.startsWith('vault.hashicorp.com/secret-volume-path-'))).toEqual([]);
    expect(annotations['vault.hashicorp.com/agent-copy-volume-mounts']).toBeUndefined();
    expect(annotations['dapr.io/volume-mounts']).toBeUndefined();
    const tokenPath = find(manifests, 'Component', 'vault').spec.metadata.find((m: any) => m.name === 'vaultTokenMountPath').value;
    // vault-k8s writes the agent-inject-token sink to path.Join(secret-volume-path, "token").
    expect(tokenPath).toBe(`${annotations['vault.hashicorp.com/secret-volume-path']}/token`);
    expect(tokenPath).toBe(VAULT_AGENT_TOKEN_PATH);
  });

  test('an imported Vault store declares the same token path by default, and a custom one moves the secret volume', () => {
    const chart2 = daprChart();
    const imported = new ImportedVaultSecretStore(chart2, 'v', { name: 'vault', namespace: 'apps', scopes: ['returns'], vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr' });
    expect(imported.agentTokenPath).toBe(VAULT_AGENT_TOKEN_PATH);
    const custom = daprChart();
    const store = new VaultSecretStore(custom, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFileAt('/var/run/vault/token') });
    const w = new DaprWorkload(custom, 'w', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080 });
    w.readsSecret(store.secret('returns', 'key'));
    expect(errorsOf(custom)).toEqual([]);
    expect(w.podAnnotations['vault.hashicorp.com/secret-volume-path']).toBe('/var/run/vault');
  });

  test('a token path the agent cannot write (not ending in /token) is refused, once per store', () => {
    const bad = daprChart();
    const store = new VaultSecretStore(bad, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFileAt('/vault/dapr/vault-token') });
    new DaprWorkload(bad, 'w', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080 }).readsSecret(store.secret('returns', 'key'));
    expect(errorsOf(bad)).toEqual([expect.stringMatching(/Vault secret store 'vault': token file path '\/vault\/dapr\/vault-token' is not one the Vault Agent writes.*'\/vault\/secrets\/token'/)]);
    const imported = daprChart();
    new ImportedVaultSecretStore(imported, 'v', { name: 'vault', namespace: 'apps', scopes: [], vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', tokenMountPath: 'token' });
    expect(errorsOf(imported)).toEqual([expect.stringMatching(/imported Vault secret store 'vault': token file path 'token' is not one the Vault Agent writes/)]);
  });

  test('a workload without Vault gets no Vault annotations and no volumes', () => {
    const plain = daprChart();
    new DaprWorkload(plain, 'w', { appId: 'inventory', image: 'registry.example.com/inventory:1.0.0', appPort: 8080 });
    const t = find(synth(plain), 'Deployment', 'inventory').spec.template;
    expect(Object.keys(t.metadata.annotations).filter((k) => k.startsWith('vault.'))).toEqual([]);
    expect(t.spec.volumes).toBeUndefined();
  });
});

describe('defects 3 and 4: one Dapr API token per app, created by the cluster, given to daprd and to the app', () => {
  test('the ServiceAccount and the token Secret are rendered exactly, the ServiceAccount first', () => {
    const manifests = synth(ordersScenario().chart);
    const sa = find(manifests, 'ServiceAccount', 'orders-dapr-api-token');
    const secret = find(manifests, 'Secret', 'orders-dapr-api-token');
    expect(sa).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'orders-dapr-api-token', namespace: 'apps', labels: LABELS },
      automountServiceAccountToken: false,
    });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-dapr-api-token', namespace: 'apps', labels: LABELS, annotations: { 'kubernetes.io/service-account.name': 'orders-dapr-api-token' } },
      type: 'kubernetes.io/service-account-token',
    });
    expect(manifests.indexOf(sa)).toBeLessThan(manifests.indexOf(secret));
    // Not the app's own ServiceAccount, which Vault's role is bound to.
    expect(find(manifests, 'Deployment', 'orders').spec.template.spec.serviceAccountName).toBe('orders');
  });

  test('daprd reads the Secret through dapr.io/api-token-secret and the app container gets DAPR_API_TOKEN from its key token', () => {
    const { chart } = ordersScenario({ env: { LOG_FORMAT: EnvValue.fromValue('json'), DB_PASSWORD: EnvValue.fromSecret(SecretRef.fromKubernetesSecret('orders-db', 'password')) } });
    const template = find(synth(chart), 'Deployment', 'orders').spec.template;
    expect(template.metadata.annotations['dapr.io/api-token-secret']).toBe('orders-dapr-api-token');
    expect(template.spec.containers[0].env).toEqual([
      { name: 'APP_API_TOKEN', valueFrom: { secretKeyRef: { name: 'orders-dapr-app-token', key: 'token' } } },
      { name: 'DAPR_API_TOKEN', valueFrom: { secretKeyRef: { name: 'orders-dapr-api-token', key: 'token' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db', key: 'password' } } },
      { name: 'LOG_FORMAT', value: 'json' },
    ]);
  });

  test('a team may bring its own Secrets: nothing is generated and both ends read them', () => {
    const { chart, orders } = ordersScenario({
      apiTokenSecret: SecretRef.fromKubernetesSecret('orders-api-token', 'token'),
      appTokenSecret: SecretRef.fromKubernetesSecret('orders-app-token', 'token'),
    });
    const manifests = synth(chart);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(orders.podAnnotations['dapr.io/api-token-secret']).toBe('orders-api-token');
    expect(orders.podAnnotations['dapr.io/app-token-secret']).toBe('orders-app-token');
    expect(find(manifests, 'Deployment', 'orders').spec.template.spec.containers[0].env).toEqual([
      { name: 'APP_API_TOKEN', valueFrom: { secretKeyRef: { name: 'orders-app-token', key: 'token' } } },
      { name: 'DAPR_API_TOKEN', valueFrom: { secretKeyRef: { name: 'orders-api-token', key: 'token' } } },
    ]);
  });

  test('dev may turn the token off; prod refuses it', () => {
    const dev = ordersScenario({ apiToken: false, appToken: false }, EnvironmentProfile.DEV);
    const manifests = synth(dev.chart);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(dev.orders.podAnnotations['dapr.io/api-token-secret']).toBeUndefined();
    expect(dev.orders.podAnnotations['dapr.io/app-token-secret']).toBeUndefined();
    expect(find(manifests, 'Deployment', 'orders').spec.template.spec.containers[0].env).toBeUndefined();
    const prod = ordersScenario({ apiToken: false });
    expect(errorsOf(prod.chart)).toEqual([expect.stringMatching(/workload 'orders': apiToken is false in a prod environment.*drop 'apiToken: false'/)]);
  });

  test('env refuses a Vault secret, a bad name, and a DAPR_API_TOKEN of its own; apiToken false with a Secret is a contradiction', () => {
    const { chart, vault } = ordersScenario();
    new DaprWorkload(chart, 'x', {
      appId: 'billing',
      image: 'registry.example.com/billing:1.0.0',
      appPort: 8080,
      env: {
        'DB PASSWORD': EnvValue.fromValue('x'),
        PASSWORD: EnvValue.fromSecret(vault.secret('billing', 'password')),
        DAPR_API_TOKEN: EnvValue.fromValue('t'),
      },
    });
    new DaprWorkload(chart, 'y', { appId: 'shipping', image: 'registry.example.com/shipping:1.0.0', appPort: 8080, apiToken: false, apiTokenSecret: SecretRef.fromKubernetesSecret('s', 'token') });
    const errors = errorsOf(chart);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/workload 'billing': environment variable name 'DB PASSWORD' is not valid/),
        expect.stringMatching(/workload 'billing': environment variable 'PASSWORD' reads 'vault:billing#password' from Dapr secret store 'vault', which Kubernetes cannot resolve/),
        expect.stringMatching(/workload 'billing': env sets DAPR_API_TOKEN, which the workload sets itself from its API token Secret 'billing-dapr-api-token'/),
        expect.stringMatching(/workload 'shipping': apiToken is false in a prod environment/),
        expect.stringMatching(/workload 'shipping': apiToken is false but apiTokenSecret 'kubernetes:s#token' is given: drop one of them/),
      ]),
    );
    expect(errors).toHaveLength(5);
  });
});

describe('issue 16: daprd authenticates its calls into the app (dapr.io/app-token-secret)', () => {
  test('a ServiceAccount and token Secret of its own, the annotation, and APP_API_TOKEN for the app', () => {
    const { chart, orders } = ordersScenario();
    const manifests = synth(chart);
    const sa = find(manifests, 'ServiceAccount', 'orders-dapr-app-token');
    const secret = find(manifests, 'Secret', 'orders-dapr-app-token');
    expect(sa).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'orders-dapr-app-token', namespace: 'apps', labels: LABELS }, automountServiceAccountToken: false });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-dapr-app-token', namespace: 'apps', labels: LABELS, annotations: { 'kubernetes.io/service-account.name': 'orders-dapr-app-token' } },
      type: 'kubernetes.io/service-account-token',
    });
    expect(manifests.indexOf(sa)).toBeLessThan(manifests.indexOf(secret));
    expect(orders.podAnnotations['dapr.io/app-token-secret']).toBe('orders-dapr-app-token');
    expect(orders.appTokenSecret?.toString()).toBe('kubernetes:orders-dapr-app-token#token');
    expect(find(manifests, 'Deployment', 'orders').spec.template.spec.containers[0].env[0]).toEqual({
      name: 'APP_API_TOKEN',
      valueFrom: { secretKeyRef: { name: 'orders-dapr-app-token', key: 'token' } },
    });
  });

  test('no app port, no app channel: no app token', () => {
    const { chart, orders } = ordersScenario({ appPort: undefined, role: WorkloadRole.SERVICE }, EnvironmentProfile.DEV);
    const manifests = synth(chart);
    expect(manifests.filter((m) => m.metadata?.name === 'orders-dapr-app-token')).toEqual([]);
    expect(orders.podAnnotations['dapr.io/app-token-secret']).toBeUndefined();
    expect(orders.appTokenSecret).toBeUndefined();
  });

  test('prod refuses appToken false; dev allows it', () => {
    expect(errorsOf(ordersScenario({ appToken: false }, EnvironmentProfile.DEV).chart)).toEqual([]);
    expect(errorsOf(ordersScenario({ appToken: false }).chart)).toEqual([
      "[test/orders] workload 'orders': appToken is false in a prod environment, so the app cannot tell daprd's calls from anything else that reaches port 8080: " +
        "drop 'appToken: false' (the workload then gets its own token Secret and the app APP_API_TOKEN).",
    ]);
  });

  test('refuses a shared Secret with the API token, a Vault or wrong-key Secret, APP_API_TOKEN in env, and a Secret without an app port', () => {
    const shared = SecretRef.fromKubernetesSecret('orders-tokens', 'token');
    expect(errorsOf(ordersScenario({ apiTokenSecret: shared, appTokenSecret: shared }).chart)).toEqual([
      "[test/orders] workload 'orders': the app token and the Dapr API token are both Secret 'orders-tokens', so whoever holds one can call daprd and the app alike: give each its own Secret (or drop appTokenSecret).",
    ]);
    const { chart, vault } = ordersScenario({ appTokenSecret: SecretRef.fromKubernetesSecret('orders-app', 'value'), env: { APP_API_TOKEN: EnvValue.fromValue('x') } });
    new DaprWorkload(chart, 'w', { appId: 'worker', image: 'registry.example.com/worker:1.0.0', appTokenSecret: vault.secret('t', 'token') });
    expect(errorsOf(chart)).toEqual(
      expect.arrayContaining([
        "[test/orders] workload 'orders': appTokenSecret 'kubernetes:orders-app#value' must be a Kubernetes Secret with key 'token' (daprd reads that key): use SecretRef.fromKubernetesSecret('<name>', 'token').",
        "[test/orders] workload 'orders': env sets APP_API_TOKEN, which the workload sets itself from its app token Secret 'orders-app': remove it from env.",
        "[test/w] workload 'worker': appTokenSecret 'vault:t#token' is given but there is no appPort, so daprd never calls the app: drop appTokenSecret or give the appPort.",
      ]),
    );
  });
});

describe('defect 5: actor and workflow hosts reach their own replicas on 50002', () => {
  const self = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } };
  const port = [{ protocol: 'TCP', port: 50002 }];

  test('an actor host with no callers allows its own pods in and out on 50002', () => {
    const np = find(synth(ordersScenario().chart), 'NetworkPolicy', 'orders').spec;
    expect(np.ingress).toEqual([{ from: [self], ports: port }]);
    expect(np.egress).toContainEqual({ to: [self], ports: port });
  });

  test('a workflow host merges its own pods with its callers and callees', () => {
    const { chart, orders } = ordersScenario({ role: WorkloadRole.WORKFLOW_HOST });
    const checkout = new DaprWorkload(chart, 'checkout', { appId: 'checkout', image: 'registry.example.com/checkout:1.0.0', appPort: 8080 });
    const inventory = new DaprWorkload(chart, 'inventory', { appId: 'inventory', image: 'registry.example.com/inventory:1.0.0', appPort: 8080 });
    checkout.invokes(orders, [{ path: '/orders', verbs: [HttpVerb.POST] }]);
    orders.invokes(inventory, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
    expect(orders.ingressRules()).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }, self], ports: [{ protocol: 'TCP', port: { value: 50002 } }] },
    ]);
    const np = find(synth(chart), 'NetworkPolicy', 'orders').spec;
    expect(np.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory' } } }, self], ports: port });
  });

  test('a service that loads an actor state store opens it too (its daprd may host actors); one that loads none does not', () => {
    const { chart } = ordersScenario({ role: WorkloadRole.SERVICE });
    const np = find(synth(chart), 'NetworkPolicy', 'orders').spec;
    expect(np.ingress).toEqual([{ from: [self], ports: port }]);
    expect(np.egress).toContainEqual({ to: [self], ports: port });
    const plain = daprChart();
    new DaprWorkload(plain, 'w', { appId: 'orders', image: 'registry.example.com/orders:3.2.0', appPort: 8080 });
    const np2 = find(synth(plain), 'NetworkPolicy', 'orders').spec;
    expect(np2.ingress).toEqual([]);
    expect(JSON.stringify(np2.egress)).not.toContain('50002');
  });
});
