import { ITerraformDependable } from 'cdktf';

/** How every dev broker release is installed: atomic, waited for, bounded history. */
export const DEV_RELEASE_SETTINGS = { createNamespace: false, atomic: true, wait: true, timeout: 600, maxHistory: 5 } as const;

/** What the Redis and Kafka parts of {@link DevBrokers} share. */
export interface DevBrokerScope {
  /** Namespace of the brokers. */
  readonly namespace: string;
  /** Labels of the Kubernetes objects. */
  readonly labels: { [key: string]: string };
  /** The KV v2 mount the credentials go to. */
  readonly kvMountPath: string;
  /** Generates a password once (a sensitive Terraform value, stable across applies). */
  readonly generatedPassword: (what: string) => string;
  /** Resources to create first. */
  readonly dependsOn?: ITerraformDependable[];
}
