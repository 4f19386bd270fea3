/**
 * A Dapr application: what a component's `scopes`, an access-control policy or a Subscription
 * names. `DaprWorkload` implements it; `DaprApp.fromAppId` refers to an app declared elsewhere.
 */
export interface IDaprApp {
  /** The Dapr app-id. */
  readonly appId: string;
  /** The namespace the app runs in. */
  readonly namespace: string;
}

/** A reference to a Dapr app that this code does not declare (a hand-written Deployment, another repo). */
export class DaprApp {
  /** Refers to an existing app by its app-id and namespace. */
  public static fromAppId(appId: string, namespace: string): IDaprApp {
    return { appId, namespace };
  }

  private constructor() {}
}
