import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { SecretRef } from '../model/secret-ref';

/**
 * The value of an environment variable of a workload's app container: a literal, or a key of a
 * Kubernetes Secret (`valueFrom.secretKeyRef`), so that a secret is never written into a manifest.
 */
export class EnvValue {
  /** A literal value (not secret). */
  public static fromValue(value: string): EnvValue {
    return new EnvValue(value, undefined);
  }

  /**
   * A key of a Kubernetes Secret in the workload's namespace (`SecretRef.fromKubernetesSecret`).
   * Secrets of a Dapr secret store (Vault) cannot become environment variables: the app reads
   * them through the Dapr secrets API (`DaprWorkload.readsSecret`).
   */
  public static fromSecret(secret: SecretRef): EnvValue {
    return new EnvValue(undefined, secret);
  }

  private constructor(
    /** The literal value; undefined for a secret. */
    public readonly value: string | undefined,
    /** The Secret key; undefined for a literal. */
    public readonly secret: SecretRef | undefined,
  ) {}

  /** The container `env` entry. */
  public toEnvVar(name: string): k8s.EnvVar {
    if (this.secret) return { name, valueFrom: { secretKeyRef: { name: this.secret.secretName, key: this.secret.key } } };
    return { name, value: this.value };
  }

  /** What is wrong with this value for variable `name`, or undefined. */
  public problem(name: string): string | undefined {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      return `environment variable name '${name}' is not valid: use letters, digits, '_', '-' and '.', not starting with a digit, e.g. 'LOG_FORMAT'.`;
    }
    if (this.secret && this.secret.store !== undefined) {
      return (
        `environment variable '${name}' reads '${this.secret}' from Dapr secret store '${this.secret.storeName}', which Kubernetes cannot resolve: ` +
        `read it through the Dapr secrets API (readsSecret) or use a Kubernetes Secret (SecretRef.fromKubernetesSecret).`
      );
    }
    return undefined;
  }
}
