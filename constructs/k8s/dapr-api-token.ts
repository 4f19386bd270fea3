import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { SecretRef } from '../model/secret-ref';

/** Props of {@link DaprApiToken}. */
export interface DaprApiTokenProps {
  /** The app whose daprd API the token guards. */
  readonly appId: string;
  /** The app's namespace. */
  readonly namespace: string;
  /**
   * Labels of the ServiceAccount and the Secret.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * One app's Dapr API token, from a source the platform controls and without a secret value in git
 * or Terraform state: a ServiceAccount `<app-id>-dapr-api-token` with no role bindings and no
 * token automount, and a Secret of the same name of type `kubernetes.io/service-account-token`,
 * which the kube-controller-manager's token controller fills (`data.token`, the key daprd reads).
 *
 * It is deliberately not the app's own ServiceAccount: Vault roles are bound to that one, and an
 * API token that leaks from the app's environment must not log in to Vault. The ServiceAccount is
 * rendered before the Secret (the token controller deletes a token Secret whose ServiceAccount
 * does not exist).
 */
export class DaprApiToken extends Construct {
  /** The name of the ServiceAccount and the Secret: `<app-id>-dapr-api-token`. */
  public static nameFor(appId: string): string {
    return `${appId}-dapr-api-token`;
  }

  /** The Secret and key (`token`) to give daprd (`dapr.io/api-token-secret`) and the app (`DAPR_API_TOKEN`). */
  public readonly secret: SecretRef;
  /** The ServiceAccount the token belongs to. */
  public readonly serviceAccountName: string;

  public constructor(scope: Construct, id: string, props: DaprApiTokenProps) {
    super(scope, id);
    const name = DaprApiToken.nameFor(props.appId);
    this.serviceAccountName = name;
    this.secret = renderServiceAccountToken(this, name, props);
  }
}

/**
 * A ServiceAccount `name` (no bindings, no automount) and, after it, a Secret of the same name of
 * type `kubernetes.io/service-account-token` that the token controller fills (key `token`).
 */
export function renderServiceAccountToken(scope: Construct, name: string, props: DaprApiTokenProps): SecretRef {
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, namespace: props.namespace, labels: props.labels },
    automountServiceAccountToken: false,
  });
  new k8s.KubeSecret(scope, 'Secret', {
    metadata: { name, namespace: props.namespace, labels: props.labels, annotations: { 'kubernetes.io/service-account.name': name } },
    type: 'kubernetes.io/service-account-token',
  });
  return SecretRef.fromKubernetesSecret(name, 'token');
}
