/*
 * The reference platform's environments, as their Terraform stacks render: what each environment
 * declares for the cluster-level security settings (exact values).
 */
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
});
