import { Duration } from 'cdk8s';
import { AppSecretAccess } from '../../constructs/model/app-secret-access';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { VaultAgentInjector, VaultAgentInjectorProps } from '../../constructs/terraform/vault-agent-injector';
import { WebhookFailurePolicy } from '../../constructs/terraform/dapr-control-plane';
import { KubernetesApiCa } from '../../constructs/terraform/kubernetes-api-ca';
import { VaultAppAccess, VaultAppAccessProps } from '../../constructs/terraform/vault-app-access';
import { ORDERS_ACCESS, PAYMENTS_ACCESS, errorsOf, findResource, helmValues, providerStack, resources, synthJson } from './helpers';

/** A PEM-shaped certificate (the construct checks the shape; Vault parses it). */
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIUEXAMPLE=\n-----END CERTIFICATE-----\n';

function access(overrides: Partial<VaultAppAccessProps> = {}) {
  const stack = providerStack();
  const va = new VaultAppAccess(stack, 'vault-access', {
    profile: EnvironmentProfile.PROD,
    apps: [ORDERS_ACCESS, PAYMENTS_ACCESS],
    kubernetesHost: 'https://10.0.0.1:443',
    kubernetesCa: KubernetesApiCa.fromPem(CA_PEM),
    tokenReviewerNamespace: 'vault-injector',
    authMountPath: 'kubernetes-prod',
    policyPrefix: 'dapr-prod',
    ...overrides,
  });
  return { stack, va };
}

describe('VaultAppAccess', () => {
  const { stack } = access({ preventDestroy: true });
  const json = synthJson(stack);

  test('each app reads exactly the secret paths of its components, nothing else (exact HCL)', () => {
    const orders = findResource(json, 'vault_policy', (p) => p.name === 'dapr-prod-shop-orders');
    expect(orders.policy).toBe(
      `# Dapr app 'orders' (namespace 'shop'): read exactly the secrets of its components.\n` +
        `path "secret/data/dapr/orders-kafka" {\n  capabilities = ["read"]\n}\n` +
        `\n` +
        `path "secret/data/dapr/orders-redis" {\n  capabilities = ["read"]\n}\n`,
    );
    const payments = findResource(json, 'vault_policy', (p) => p.name === 'dapr-prod-shop-payments');
    expect(payments.policy).toBe(
      `# Dapr app 'payments' (namespace 'shop'): read exactly the secrets of its components.\n` +
        `path "secret/data/dapr/payments-postgres" {\n  capabilities = ["read"]\n}\n`,
    );
    expect(Object.keys(resources(json, 'vault_policy'))).toHaveLength(2);
  });

  test('the policy is sorted and de-duplicated, so the same access gives the same text', () => {
    const shuffled: AppSecretAccess = { ...ORDERS_ACCESS, secretPaths: ['secret/data/dapr/orders-redis', 'secret/data/dapr/orders-kafka', 'secret/data/dapr/orders-redis'] };
    expect(VaultAppAccess.policyDocument(shuffled)).toBe(VaultAppAccess.policyDocument(ORDERS_ACCESS));
  });

  test("each role is bound to exactly the app's ServiceAccount and namespace, with its policy and a short periodic token", () => {
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', (r) => r.role_name === 'shop-payments');
    expect(role).toEqual({
      backend: expect.stringMatching(/^\$\{vault_auth_backend\.vault-access_kubernetes-auth_[0-9A-F]+\.path\}$/),
      role_name: 'shop-payments',
      bound_service_account_names: ['payments-sa'],
      bound_service_account_namespaces: ['shop'],
      token_policies: [expect.stringMatching(/^\$\{vault_policy\.vault-access_policy-shop-payments_[0-9A-F]+\.name\}$/)],
      token_ttl: 3600,
      token_period: 3600,
      token_max_ttl: 30 * 24 * 3600,
      token_type: 'service',
      audience: 'vault',
    });
    // token_no_default_policy unset: the agent reads auth/token/lookup-self
    expect(Object.keys(resources(json, 'vault_kubernetes_auth_backend_role'))).toHaveLength(2);
  });

  test("Kubernetes auth with the API server's CA and a dedicated token reviewer; no app ServiceAccount is bound to auth-delegator", () => {
    expect(findResource(json, 'vault_auth_backend')).toMatchObject({ type: 'kubernetes', path: 'kubernetes-prod' });
    const sa = Object.keys(resources(json, 'kubernetes_service_account_v1'))[0];
    const secret = Object.keys(resources(json, 'kubernetes_secret_v1'))[0];
    expect(findResource(json, 'vault_kubernetes_auth_backend_config')).toEqual({
      backend: expect.stringMatching(/^\$\{vault_auth_backend\.vault-access_kubernetes-auth_[0-9A-F]+\.path\}$/),
      kubernetes_host: 'https://10.0.0.1:443',
      kubernetes_ca_cert: CA_PEM,
      token_reviewer_jwt: `\${kubernetes_secret_v1.${secret}.data.token}`,
      disable_local_ca_jwt: true,
    });
    const labels = { 'app.kubernetes.io/managed-by': 'dapr-platform' };
    expect(findResource(json, 'kubernetes_service_account_v1')).toEqual({
      metadata: { name: 'vault-token-reviewer', namespace: 'vault-injector', labels },
      automount_service_account_token: false,
    });
    expect(findResource(json, 'kubernetes_secret_v1')).toEqual({
      metadata: { name: 'vault-token-reviewer-token', namespace: 'vault-injector', labels, annotations: { 'kubernetes.io/service-account.name': 'vault-token-reviewer' } },
      type: 'kubernetes.io/service-account-token',
      wait_for_service_account_token: true,
      depends_on: [`kubernetes_service_account_v1.${sa}`],
    });
    // The only ClusterRoleBinding: the reviewer, nothing else.
    expect(Object.values(resources(json, 'kubernetes_cluster_role_binding_v1'))).toEqual([
      {
        metadata: { name: 'vault-token-reviewer-kubernetes-prod', labels },
        role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subject: [{ kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace: 'vault-injector' }],
      },
    ]);
  });

  test('the CA can come from the cluster itself: the kube-root-ca.crt ConfigMap, key ca.crt', () => {
    const j = synthJson(access({ kubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap() }).stack);
    const [id, cm] = Object.entries<any>(j.data.kubernetes_config_map_v1)[0];
    expect(cm).toEqual({ metadata: { name: 'kube-root-ca.crt', namespace: 'kube-system' } });
    expect(findResource(j, 'vault_kubernetes_auth_backend_config').kubernetes_ca_cert).toBe(`\${data.kubernetes_config_map_v1.${id}.data["ca.crt"]}`);
  });

  test('a KV v2 mount for app secrets, protected from destroy', () => {
    expect(findResource(json, 'vault_mount')).toMatchObject({ path: 'secret', type: 'kv', options: { version: '2' }, lifecycle: { prevent_destroy: true } });
  });
});

describe('VaultAppAccess validation', () => {
  const errs = (o: Partial<VaultAppAccessProps>) => errorsOf(access(o).stack);

  test('the default input is valid', () => {
    expect(errs({})).toEqual([]);
  });

  test('secret paths must be exact paths inside the KV v2 mount', () => {
    const app: AppSecretAccess = { ...ORDERS_ACCESS, secretPaths: ['kv/data/dapr/orders-redis', 'secret/data/dapr/*', 'secret/metadata/dapr/x'] };
    expect(errs({ apps: [app] })).toEqual([
      `app 'orders' (namespace 'shop') secret path 'kv/data/dapr/orders-redis' is not under the KV v2 mount: write it as 'secret/data/<prefix>/<name>'.`,
      `app 'orders' (namespace 'shop') secret path 'secret/data/dapr/*' is not an exact path (no globs, whitespace, quotes, '..' or trailing '/'): grant exactly the secrets the app reads.`,
      `app 'orders' (namespace 'shop') secret path 'secret/metadata/dapr/x' is not under the KV v2 mount: write it as 'secret/data/<prefix>/<name>'.`,
    ]);
  });

  test('an app without secret paths gets no role', () => {
    expect(errs({ apps: [{ ...ORDERS_ACCESS, secretPaths: [] }] })).toEqual([
      `app 'orders' (namespace 'shop') has no secret paths: drop it from the list (an app that reads no secret needs no Vault role).`,
    ]);
  });

  test('roles and apps are unique', () => {
    expect(errs({ apps: [ORDERS_ACCESS, { ...PAYMENTS_ACCESS, vaultRole: 'shop-orders' }, ORDERS_ACCESS] })).toEqual([
      `app 'payments' (namespace 'shop') uses vaultRole 'shop-orders', already used by app 'orders' (namespace 'shop'): each app needs its own role, e.g. 'shop-payments'.`,
      `app 'orders' (namespace 'shop') is listed twice: merge its secret paths into one entry.`,
      `app 'orders' (namespace 'shop') uses vaultRole 'shop-orders', already used by app 'payments' (namespace 'shop'): each app needs its own role, e.g. 'shop-orders'.`,
    ]);
  });

  test('names of the app, namespace, ServiceAccount and role are checked', () => {
    const e = errs({ apps: [{ appId: 'Orders', namespace: 'Shop', serviceAccountName: 'sa_1', vaultRole: 'role with space', secretPaths: ['secret/data/x'] }] });
    expect(e).toHaveLength(4);
    expect(e[0]).toMatch(/^app-id 'Orders' is not a DNS-1123 label/);
    expect(e[1]).toMatch(/^namespace 'Shop' is not a DNS-1123 label/);
    expect(e[2]).toMatch(/^app 'Orders' \(namespace 'Shop'\) serviceAccountName 'sa_1' is not a valid Kubernetes name/);
    expect(e[3]).toMatch(/^app 'Orders' \(namespace 'Shop'\) vaultRole 'role with space' is not a Vault role name/);
  });

  test('tokens must be short-lived; the API server URL must be https; mounts must be valid', () => {
    expect(errs({ apps: [], tokenTtl: Duration.hours(24), kubernetesHost: 'http://10.0.0.1', kvMountPath: 'kv/', policyPrefix: 'Dapr Prod' })).toEqual([
      `kvMountPath 'kv/' is not a Vault mount path: use letters, digits, '-', '_' and inner '/', without leading or trailing '/', e.g. 'pki-dapr-prod'.`,
      `kubernetesHost 'http://10.0.0.1' is not an https URL of the API server: use e.g. 'https://10.0.0.1:443'.`,
      `policyPrefix 'Dapr Prod' is not a valid policy name prefix: use lowercase letters, digits and '-', e.g. 'dapr-prod'.`,
      'tokenTtl 24h is outside 5m..4h: app tokens must be short-lived (the agent renews them); use Duration.hours(1).',
    ]);
  });
});

test('VaultAppAccess: an empty token audience and an auth mount given with auth/ are refused', () => {
  expect(errorsOf(access({ tokenAudience: ' ', authMountPath: 'auth/kubernetes-prod' }).stack)).toEqual([
    `authMountPath 'auth/kubernetes-prod' starts with 'auth/': give the mount path without it, e.g. 'kubernetes-prod' (Vault mounts it under auth/).`,
    `tokenAudience ' ' is not an audience: drop it (default 'vault', which the workloads' projected tokens carry).`,
  ]);
});

describe('VaultAppAccess: the API server CA (issue 12, defect 6)', () => {
  const missing =
    "kubernetesCa is not set in a %s environment, and disable_local_ca_jwt is true (Vault runs outside the cluster): Vault would verify the API server with its system trust store only and every login would fail. Set kubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap() (or KubernetesApiCa.fromPem(<the API server's CA>)).";

  test.each([EnvironmentProfile.STAGING, EnvironmentProfile.PROD])('%s refuses disable_local_ca_jwt without a CA, naming the construct path', (profile) => {
    const { stack } = access({ profile, kubernetesCa: undefined });
    expect(() => synthJson(stack)).toThrow(`[test/vault-access] ${missing.replace('%s', profile)}`);
  });

  test('dev allows it (an API server with a publicly trusted certificate)', () => {
    const { stack } = access({ profile: EnvironmentProfile.DEV, kubernetesCa: undefined });
    expect(errorsOf(stack)).toEqual([]);
    expect(findResource(synthJson(stack), 'vault_kubernetes_auth_backend_config').kubernetes_ca_cert).toBeUndefined();
  });

  test('a PEM literal must be certificates, never a key', () => {
    expect(errorsOf(access({ kubernetesCa: KubernetesApiCa.fromPem('not a pem') }).stack)).toEqual([
      `kubernetesCa 'not a pem' is not a PEM certificate: pass the API server's CA certificate(s) ('-----BEGIN CERTIFICATE-----' blocks, never a key), or use KubernetesApiCa.fromClusterRootCaConfigMap().`,
    ]);
    expect(errorsOf(access({ kubernetesCa: KubernetesApiCa.fromPem(`${CA_PEM}-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n`) }).stack)).toHaveLength(1);
    expect(errorsOf(access({ kubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap({ namespace: 'Kube System' }) }).stack)).toEqual([
      expect.stringMatching(/^kubernetesCa: namespace 'Kube System' is not a DNS-1123 label/),
    ]);
  });

  test('token max TTL at least one period and at most 768h; the reviewer names are checked', () => {
    expect(errorsOf(access({ tokenMaxTtl: Duration.minutes(30), tokenReviewerNamespace: 'Vault', tokenReviewerName: 'Reviewer_1' }).stack)).toEqual([
      'tokenMaxTtl 30m is outside 1h (tokenTtl)..768h: a token must live at least one period and at most Vault\'s default 32-day maximum; use Duration.days(30).',
      expect.stringMatching(/^namespace 'Vault' is not a DNS-1123 label/),
      expect.stringMatching(/^tokenReviewerName 'Reviewer_1' is not a valid Kubernetes name/),
    ]);
  });
});

describe('VaultAgentInjector', () => {
  function injector(o: Partial<VaultAgentInjectorProps> = {}) {
    const stack = providerStack();
    new VaultAgentInjector(stack, 'injector', {
      profile: EnvironmentProfile.PROD,
      vaultAddress: 'https://vault.example.com:8200',
      namespace: 'vault-injector',
      authMountPath: 'kubernetes-prod',
      replicas: 2,
      ...o,
    });
    return stack;
  }

  test('chart vault from the HashiCorp repository, injector only, pointed at the external Vault', () => {
    const json = synthJson(injector());
    expect(findResource(json, 'helm_release')).toMatchObject({
      name: 'vault',
      chart: 'vault',
      repository: 'https://helm.releases.hashicorp.com',
      version: '0.29.1',
      namespace: 'vault-injector',
      create_namespace: false,
      atomic: true,
    });
    expect(helmValues(json, 'vault')).toEqual({
      global: { externalVaultAddr: 'https://vault.example.com:8200' },
      server: { enabled: false },
      csi: { enabled: false },
      injector: {
        enabled: true,
        replicas: 2,
        authPath: 'auth/kubernetes-prod',
        // Fails closed in prod, never on its own or the system namespaces.
        webhook: {
          failurePolicy: 'Fail',
          namespaceSelector: {
            matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['vault-injector', 'kube-system', 'kube-public', 'kube-node-lease'] }],
          },
        },
      },
    });
  });

  test('dev defaults to Ignore; strict profiles refuse it; Fail needs its own namespace excluded', () => {
    expect(helmValues(synthJson(injector({ profile: EnvironmentProfile.DEV })), 'vault').injector.webhook.failurePolicy).toBe('Ignore');
    expect(errorsOf(injector({ profile: EnvironmentProfile.STAGING, failurePolicy: WebhookFailurePolicy.IGNORE }))).toEqual([
      `failurePolicy 'Ignore' in a staging environment would start Vault-using pods without their agent (no Vault token for daprd) while the injector is down: use WebhookFailurePolicy.FAIL.`,
    ]);
    expect(errorsOf(injector({ excludedNamespaces: ['kube-system'] }))).toEqual([
      `excludedNamespaces [kube-system] does not contain the injector's namespace 'vault-injector': with failurePolicy Fail the injector could never be recreated after an outage. Add 'vault-injector'.`,
    ]);
    expect(errorsOf(injector({ profile: EnvironmentProfile.DEV, failurePolicy: WebhookFailurePolicy.FAIL }))).toEqual([]);
  });

  test('validation: https Vault in strict profiles, pinned chart, bounded replicas', () => {
    expect(errorsOf(injector({ vaultAddress: 'http://vault:8200', chartVersion: 'latest', replicas: 0 }))).toEqual([
      `vaultAddress 'http://vault:8200' is not an https URL of the Vault server: use e.g. 'https://vault.example.com:8200'.`,
      `chartVersion 'latest' is not a pinned chart version: use an exact version, e.g. '0.29.1'.`,
      'replicas 0 is outside 1..5: use 2 in strict profiles.',
    ]);
    expect(errorsOf(injector({ profile: EnvironmentProfile.DEV, vaultAddress: 'http://vault:8200' }))).toEqual([]);
    const e = errorsOf(injector({ namespace: 'Vault', authMountPath: '/k8s' }));
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^namespace 'Vault' is not a DNS-1123 label/);
    expect(e[1]).toMatch(/^authMountPath '\/k8s' is not a Vault mount path/);
  });
});
