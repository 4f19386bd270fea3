/**
 * Where a secret lives: a Dapr secret store. `VaultSecretStore` implements it.
 * Components resolve their `secretKeyRef`s through exactly one store (`auth.secretStore`).
 */
export interface ISecretStore {
  /** The Dapr component name of the store (`metadata.name`). */
  readonly componentName: string;
  /** The namespace of the store. */
  readonly namespace: string;
  /**
   * The path of a secret in the backing store as an access policy must grant it
   * (for Vault: `<enginePath>/data/<prefix>/<name>`).
   */
  secretPolicyPath(secretName: string): string;
}

/**
 * A reference to one key of one secret. Every sensitive component field takes this type, so a
 * password can never be written as a plain string into a manifest.
 */
export class SecretRef {
  /**
   * A key of a secret held in a Dapr secret store (Vault). The component gets
   * `auth.secretStore: <store>` and a `secretKeyRef` with this name and key.
   */
  public static fromStore(store: ISecretStore, secretName: string, key: string): SecretRef {
    return new SecretRef(secretName, key, store);
  }

  /**
   * A key of a Kubernetes Secret in the component's namespace (Dapr's built-in `kubernetes` store).
   * Use it for the bootstrap credentials a secret store itself needs.
   */
  public static fromKubernetesSecret(secretName: string, key: string): SecretRef {
    return new SecretRef(secretName, key, undefined);
  }

  private constructor(
    /** The secret's name. */
    public readonly secretName: string,
    /** The key inside the secret. */
    public readonly key: string,
    /** The store that holds it; undefined for a Kubernetes Secret. */
    public readonly store: ISecretStore | undefined,
  ) {}

  /** The name of the Dapr secret store that resolves this reference (`kubernetes` for Kubernetes Secrets). */
  public get storeName(): string {
    return this.store?.componentName ?? 'kubernetes';
  }

  /** Human-readable, for messages: `vault:orders/redis#password`. */
  public toString(): string {
    return `${this.storeName}:${this.secretName}#${this.key}`;
  }
}
