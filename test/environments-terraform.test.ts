/*
 * The reference platform's environments, as their Terraform stacks render: what each environment
 * declares for the cluster-level security settings (exact values).
 */
import { parse } from 'yaml';
import { synthesize } from '../stacks/main';

const outputs = synthesize({ distDir: 'unused', cdktfOutDir: 'unused', write: false });
const byEnv = Object.fromEntries(outputs.map((o) => [o.env.name, o.terraform]));
const one = (tf: any, type: string, block = 'resource'): [string, any] => {
  const entries = Object.entries<any>(tf[block]?.[type] ?? {});
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0];
};

describe.each(['dev', 'staging', 'prod'])('%s', (env) => {
  const tf = byEnv[env];

  test("Vault's Kubernetes auth verifies the API server with the cluster's own CA (kube-root-ca.crt), read by reference", () => {
    const [cmId, cm] = one(tf, 'kubernetes_config_map_v1', 'data');
    expect(cm.metadata).toEqual({ name: 'kube-root-ca.crt', namespace: 'kube-system' });
    const [, config] = one(tf, 'vault_kubernetes_auth_backend_config');
    expect(config.kubernetes_ca_cert).toBe(`\${data.kubernetes_config_map_v1.${cmId}.data["ca.crt"]}`);
    expect(config.kubernetes_host).toBe(`https://api.${env}.k8s.logistics.example.com:6443`);
    expect(config.disable_local_ca_jwt).toBe(true);
  });

  test('Sentry: a dedicated root per environment when Vault PKI signs it, and no PKI role on any mount', () => {
    const roots = Object.values<any>(tf.resource.vault_pki_secret_backend_root_cert ?? {});
    if (env === 'dev') expect(roots).toEqual([]); // Sentry self-signs in dev
    else expect(roots.map((r) => [r.common_name, r.backend.startsWith('${vault_mount.sentry-trust-bundle_root-mount_')])).toEqual([[`Dapr root CA (logistics-${env}.local)`, true]]);
    expect(tf.data?.vault_pki_secret_backend_issuer).toBeUndefined();
    expect(tf.resource.vault_pki_secret_backend_role).toBeUndefined();
  });

  test('Helm keeps 2 revisions of the Dapr release; the Vault injector fails closed in staging and prod', () => {
    const releases = Object.values<any>(tf.resource.helm_release);
    expect(releases.find((r) => r.name === 'dapr').max_history).toBe(2);
    const vault = parse(releases.find((r) => r.name === 'vault').values[0]);
    expect(vault.injector.webhook.failurePolicy).toBe(env === 'dev' ? 'Ignore' : 'Fail');
  });

  test("Vault roles: audience 'vault', 30-day token_max_ttl; only the token reviewer is bound to system:auth-delegator", () => {
    for (const role of Object.values<any>(tf.resource.vault_kubernetes_auth_backend_role)) {
      expect([role.audience, role.token_max_ttl, role.token_period]).toEqual(['vault', 30 * 24 * 3600, 3600]);
    }
    const bindings = Object.values<any>(tf.resource.kubernetes_cluster_role_binding_v1);
    expect(bindings.map((b) => [b.role_ref.name, b.subject])).toEqual([
      ['system:auth-delegator', [{ kind: 'ServiceAccount', name: 'vault-token-reviewer', namespace: 'vault-injector' }]],
    ]);
  });

  test('Argo CD: the Application is in its own AppProject (our repository, order-management, no cluster-scoped kinds)', () => {
    const manifests = Object.values<any>(tf.resource.kubernetes_manifest).map((m) => m.manifest);
    const project = manifests.find((m) => m.kind === 'AppProject');
    expect(manifests.find((m) => m.kind === 'Application').spec.project).toBe(`dapr-platform-${env}`);
    expect(project.spec).toEqual({
      description: `dapr-platform: dist/${env} of https://git.example.com/logistics/dapr-platform.git into namespace order-management; managed by dapr-platform`,
      sourceRepos: ['https://git.example.com/logistics/dapr-platform.git'],
      destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'order-management' }],
      clusterResourceWhitelist: [],
    });
  });
});
