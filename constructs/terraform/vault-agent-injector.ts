import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { EnvironmentProfile } from '@dapr-platform/constructs';
import { checkNamespace, isStrict } from '@dapr-platform/constructs/internal';
import { checkMountPath } from './checks';
import { WebhookFailurePolicy } from './dapr-control-plane';

/** Props of {@link VaultAgentInjector}. */
export interface VaultAgentInjectorProps {
  /** How strict the environment is (strict profiles need an https Vault address). */
  readonly profile: EnvironmentProfile;
  /** Address of the external Vault the agents log in to, e.g. `https://vault.example.com:8200`. */
  readonly vaultAddress: string;
  /** Namespace of the injector (created by {@link Namespaces}). */
  readonly namespace: string;
  /**
   * Kubernetes auth mount the agents log in with by default (`injector.authPath` = `auth/<path>`).
   * @default 'kubernetes'
   */
  readonly authMountPath?: string;
  /**
   * Version of the `vault` chart from https://helm.releases.hashicorp.com.
   * @default '0.29.1'
   */
  readonly chartVersion?: string;
  /**
   * Injector replicas (the chart elects a leader for its webhook certificate).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * What the API server does with a pod when the injector webhook cannot be reached
   * (`injector.webhook.failurePolicy`). `FAIL` is required in strict profiles: with `IGNORE`, a
   * Vault-using pod created during an injector outage starts without its agent, so daprd has no
   * Vault token and every secret read fails.
   * @default - WebhookFailurePolicy.FAIL in staging and prod, IGNORE in dev
   */
  readonly failurePolicy?: WebhookFailurePolicy;
  /**
   * Namespaces the webhook never intercepts (`injector.webhook.namespaceSelector`), so that with
   * `FAIL` an injector outage cannot block the injector's own pods or the cluster's system pods.
   * @default - the injector's namespace, kube-system, kube-public and kube-node-lease
   */
  readonly excludedNamespaces?: string[];
  /**
   * Resources the release waits for (e.g. its namespace).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Vault Agent injector (chart `vault`, injector only: `server.enabled: false`, external Vault
 * via `global.externalVaultAddr`, which replaces the deprecated `injector.externalVaultAddr`).
 * Annotated app pods get a Vault Agent that logs in with the pod's ServiceAccount and keeps a token
 * file fresh; daprd's Vault store reads it through `vaultTokenMountPath`.
 */
export class VaultAgentInjector extends Construct {
  /** The Helm release. */
  public readonly release: Release;
  /** The values document of the release. */
  public readonly values: { [key: string]: any };

  public constructor(scope: Construct, id: string, props: VaultAgentInjectorProps) {
    super(scope, id);
    const authPath = props.authMountPath ?? 'kubernetes';
    const chartVersion = props.chartVersion ?? '0.29.1';
    const replicas = props.replicas ?? 1;
    const strict = isStrict(props.profile);
    const failurePolicy = props.failurePolicy ?? (strict ? WebhookFailurePolicy.FAIL : WebhookFailurePolicy.IGNORE);
    const excluded = props.excludedNamespaces ?? [props.namespace, 'kube-system', 'kube-public', 'kube-node-lease'];

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        const scheme = isStrict(props.profile) ? 'https' : 'https?';
        if (!new RegExp(`^${scheme}://[^\\s/]+(:\\d+)?/?$`).test(props.vaultAddress)) {
          errors.push(
            `vaultAddress '${props.vaultAddress}' is not ${isStrict(props.profile) ? 'an https' : 'an http(s)'} URL of the Vault server: use e.g. 'https://vault.example.com:8200'.`,
          );
        }
        const ns = checkNamespace(props.namespace);
        if (ns) errors.push(ns);
        const mp = checkMountPath('authMountPath', authPath);
        if (mp) errors.push(mp);
        if (!/^\d+\.\d+\.\d+$/.test(chartVersion)) {
          errors.push(`chartVersion '${chartVersion}' is not a pinned chart version: use an exact version, e.g. '0.29.1'.`);
        }
        if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
          errors.push(`replicas ${replicas} is outside 1..5: use 2 in strict profiles.`);
        }
        if (strict && failurePolicy !== WebhookFailurePolicy.FAIL) {
          errors.push(
            `failurePolicy '${failurePolicy}' in a ${props.profile} environment would start Vault-using pods without their agent (no Vault token for daprd) while the injector is down: use WebhookFailurePolicy.FAIL.`,
          );
        }
        if (failurePolicy === WebhookFailurePolicy.FAIL && !excluded.includes(props.namespace)) {
          errors.push(
            `excludedNamespaces [${excluded.join(', ')}] does not contain the injector's namespace '${props.namespace}': with failurePolicy Fail the injector could never be recreated after an outage. Add '${props.namespace}'.`,
          );
        }
        for (const n of props.excludedNamespaces ?? []) {
          const e = checkNamespace(n);
          if (e) errors.push(`excludedNamespaces: ${e}`);
        }
        return errors;
      },
    });

    this.values = {
      global: { externalVaultAddr: props.vaultAddress },
      server: { enabled: false },
      csi: { enabled: false },
      injector: {
        enabled: true,
        replicas,
        authPath: `auth/${authPath}`,
        webhook: {
          failurePolicy,
          ...(excluded.length > 0
            ? { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...excluded] }] } }
            : {}),
        },
      },
    };
    this.release = new Release(this, 'release', {
      name: 'vault',
      chart: 'vault',
      repository: 'https://helm.releases.hashicorp.com',
      version: chartVersion,
      namespace: props.namespace,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 300,
      maxHistory: 10,
      values: [stringify(this.values, { lineWidth: 0 })],
      dependsOn: props.dependsOn,
    });
  }
}
