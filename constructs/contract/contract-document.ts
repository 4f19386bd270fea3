/**
 * The platform contract as a JSON document (`dist/<env>.contract.json`): what a platform grants the
 * app teams of one environment. Schema: docs/platform-contract.schema.json, prose:
 * docs/platform-contract.md. Plain data, no construct scope.
 */

/** The `apiVersion` of the contract documents this library writes and reads. */
export const CONTRACT_API_VERSION = 'contract.dapr-platform.io/v1';
/** The `kind` of a contract document. */
export const CONTRACT_KIND = 'PlatformContract';

/** One document of `kind: PlatformContract`. */
export interface ContractDocument {
  readonly apiVersion: string;
  readonly kind: string;
  /** The environment, e.g. `prod`. */
  readonly environment: string;
  /** The environment profile (`dev`, `staging`, `prod`): which production rules apply. */
  readonly profile: string;
  readonly dapr: ContractDapr;
  /** The namespace of the apps and components. */
  readonly namespace: string;
  /** The platform renders a default-deny ingress NetworkPolicy in `namespace`. */
  readonly defaultDenyIngress: boolean;
  /** Hosts outside the cluster and their address ranges (NetworkPolicy `ipBlock`s). */
  readonly externalHosts: ContractExternalHost[];
  /** Every Component, sorted by namespace and name. */
  readonly components: ContractComponent[];
  /** Every secret store Component and the secrets each app may read through it, sorted by name. */
  readonly secretStores: ContractSecretStore[];
  /** The apps the platform declares (Deployments/StatefulSets with a Dapr app-id), sorted. */
  readonly apps: ContractApp[];
  /** The apps the platform declares as living elsewhere (another repository), sorted. */
  readonly externalApps: ContractExternalApp[];
}

/** The Dapr control plane of the environment. */
export interface ContractDapr {
  /** The Dapr release, e.g. `1.18.3`. */
  readonly version: string;
  readonly controlPlaneNamespace: string;
  /** The apps' trust domain (`accessControl.trustDomain`). */
  readonly trustDomain: string;
  /** The control plane's trust domain (`global.mtls.controlPlaneTrustDomain`). */
  readonly controlPlaneTrustDomain: string;
}

export interface ContractExternalHost {
  readonly host: string;
  readonly cidrs: string[];
}

export interface ContractEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface ContractSecretKey {
  /** The secret's name in the store. */
  readonly name: string;
  readonly key: string;
}

/** Topic metadata of a pub/sub, each value as the Component writes it; null where it does not set it. */
export interface ContractTopicScopes {
  /** `t1,t2`. */
  readonly allowedTopics: string | null;
  readonly protectedTopics: string | null;
  /** `app=t1,t2;app2=` (`app=`: no topic). */
  readonly publishingScopes: string | null;
  readonly subscriptionScopes: string | null;
}

/** What one scoped app may do on a pub/sub: topics, or `["*"]` for any topic not in `protectedTopics`. */
export interface ContractTopicGrant {
  readonly appId: string;
  readonly publish: string[];
  readonly subscribe: string[];
}

export interface ContractComponent {
  readonly name: string;
  readonly namespace: string;
  /** `spec.type`, e.g. `pubsub.kafka`. */
  readonly type: string;
  /** `spec.version`, e.g. `v1`. */
  readonly version: string;
  /** Top-level `scopes`, sorted; null when unscoped (every app of the namespace loads it). */
  readonly scopes: string[] | null;
  /** `actorStateStore: "true"`. */
  readonly actorStateStore: boolean;
  /** Where daprd connects (brokers, Redis host, Vault address), for the apps' egress. */
  readonly endpoints: ContractEndpoint[];
  /** `auth.secretStore`, or null (Kubernetes secrets). */
  readonly secretStore: string | null;
  /** The `secretKeyRef`s of its metadata, read through `secretStore`. */
  readonly secrets: ContractSecretKey[];
  /** Pub/sub components only: the topic metadata and each scoped app's grants. */
  readonly topics: ContractTopicScopes | null;
  readonly topicGrants: ContractTopicGrant[] | null;
}

/** Settings of a HashiCorp Vault secret store, as an app's sidecar and Vault Agent need them. */
export interface ContractVaultSettings {
  readonly address: string;
  readonly enginePath: string;
  readonly kvPrefix: string;
  readonly kvUsePrefix: boolean;
  readonly tokenMountPath: string | null;
  /** The Kubernetes auth mount the apps' Vault Agents log in at (from their pods), or null. */
  readonly kubernetesAuthPath: string | null;
}

export interface ContractSecretReader {
  readonly appId: string;
  readonly secrets: ContractSecretKey[];
}

export interface ContractSecretStore {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  /** `secretstores.hashicorp.vault` only. */
  readonly vault: ContractVaultSettings | null;
  /** Per app in the store's scopes: the secrets the components it loads read through the store. */
  readonly readers: ContractSecretReader[];
}

export interface ContractOperation {
  readonly name: string;
  readonly httpVerb: string[];
  readonly action: string;
}

/** One access-control policy of an app's Configuration: a caller and its operations. */
export interface ContractCaller {
  readonly appId: string;
  readonly namespace: string;
  readonly trustDomain: string;
  readonly defaultAction: string;
  readonly operations: ContractOperation[];
}

export interface ContractAccessControl {
  readonly defaultAction: string;
  readonly trustDomain: string;
  readonly callers: ContractCaller[];
}

export interface ContractApp {
  readonly appId: string;
  readonly namespace: string;
  /** `dapr.io/config`, or null. */
  readonly configuration: string | null;
  /** The Configuration's `accessControl`; null when it has none (daprd then allows every caller). */
  readonly accessControl: ContractAccessControl | null;
}

export interface ContractExternalApp {
  readonly appId: string;
  readonly namespace: string;
  /** Who declares it (a team, a repository), for the humans reading the contract. */
  readonly owner: string;
}

/** What the contract states that the rendered documents do not hold. */
export interface ContractFacts {
  /** The environment, e.g. `prod`. */
  readonly environment: string;
  /** `dev`, `staging` or `prod`. */
  readonly profile: string;
  /** The Dapr release the environment runs, e.g. `1.18.3`. */
  readonly daprVersion: string;
  /** The namespace of the apps and components. */
  readonly namespace: string;
  readonly controlPlaneNamespace: string;
  /** The apps' trust domain. */
  readonly trustDomain: string;
  readonly controlPlaneTrustDomain: string;
  readonly externalHosts: readonly ContractExternalHost[];
  /** The apps the platform declares as living elsewhere. */
  readonly externalApps: readonly ContractExternalApp[];
  /**
   * Where the platform's components connect, as their constructs declare it: the contract takes
   * a component's endpoints from here when its documents do not say (e.g. PostgreSQL, whose server
   * is inside a secret connection string).
   * @default - the endpoints the documents say (Kafka brokers, Redis host, Vault address) only
   */
  readonly componentEndpoints?: readonly ContractComponentEndpoints[];
}

/** The endpoints of one of the platform's components, as its construct declares them. */
export interface ContractComponentEndpoints {
  readonly name: string;
  readonly namespace: string;
  readonly endpoints: readonly ContractEndpoint[];
}
