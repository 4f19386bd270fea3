import { Construct } from 'constructs';
import { SecretRef } from '../model/secret-ref';
import { DaprApiTokenProps, renderServiceAccountToken } from './dapr-api-token';

/** Props of {@link DaprAppToken}: the app, its namespace and the labels, as for the API token. */
export interface DaprAppTokenProps extends DaprApiTokenProps {}

/**
 * The token daprd sends the app (`dapr.io/app-token-secret`): daprd puts it in the
 * `dapr-api-token` header of every call into the app (invocations, events, actor calls), and the
 * app, which gets the same value as `APP_API_TOKEN`, refuses requests without it. Created by the
 * same mechanism as the Dapr API token (see DaprApiToken): a ServiceAccount
 * `<app-id>-dapr-app-token` without bindings and a `kubernetes.io/service-account-token` Secret of
 * the same name that the kube-controller-manager fills. A token of its own, so the app's
 * credential for calling daprd and daprd's for calling the app never coincide.
 */
export class DaprAppToken extends Construct {
  /** The name of the ServiceAccount and the Secret: `<app-id>-dapr-app-token`. */
  public static nameFor(appId: string): string {
    return `${appId}-dapr-app-token`;
  }

  /** The Secret and key (`token`) to give daprd (`dapr.io/app-token-secret`) and the app (`APP_API_TOKEN`). */
  public readonly secret: SecretRef;
  /** The ServiceAccount the token belongs to. */
  public readonly serviceAccountName: string;

  public constructor(scope: Construct, id: string, props: DaprAppTokenProps) {
    super(scope, id);
    this.serviceAccountName = DaprAppToken.nameFor(props.appId);
    this.secret = renderServiceAccountToken(this, this.serviceAccountName, props);
  }
}
