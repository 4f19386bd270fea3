/**
 * What one app may read from the secret store, derived from the components it uses. The
 * Terraform plane turns it into that app's Vault role (bound to its ServiceAccount) and policy.
 */
export interface AppSecretAccess {
  /** The app's Dapr app-id. */
  readonly appId: string;
  /** The app's namespace. */
  readonly namespace: string;
  /** The Kubernetes ServiceAccount the app's pods run as. */
  readonly serviceAccountName: string;
  /** The Vault role the app's Vault Agent logs in with. */
  readonly vaultRole: string;
  /** The exact secret paths the app may read (KV v2 data paths, e.g. `secret/data/dapr/orders-redis`), sorted. */
  readonly secretPaths: string[];
}
