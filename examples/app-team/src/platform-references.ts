/**
 * What the platform team publishes about prod for app teams: the names, scopes and addresses of
 * the shared components, the mTLS policy, the Dapr version and the apps other teams may call.
 * Everything here is declared (and rendered) in the platform's repository; this repository only
 * refers to it. When the platform adds an app to a component's scopes, it is added here too.
 */
import {
  ComponentEndpoint,
  DaprApp,
  ExternalHost,
  DaprVersion,
  EnvironmentProfile,
  IDaprApp,
  ImportedComponentProps,
  ImportedVaultSecretStoreProps,
  MtlsPolicy,
  SecretRef,
  TopicDirection,
  TopicGrant,
} from '@dapr-platform/constructs';

/** The namespace of the order-management apps. */
export const NAMESPACE = 'order-management';

/** Prod is a strict environment: every production rule applies. */
export const PROFILE = EnvironmentProfile.PROD;

/** The Dapr release prod runs. */
export const DAPR_VERSION = DaprVersion.V1_18_3;

/** Prod's mTLS policy: the trust domain every access-control policy must name. */
export function prodMtls(): MtlsPolicy {
  return new MtlsPolicy({ controlPlaneTrustDomain: 'logistics-prod.local', controlPlaneNamespace: 'dapr-system' });
}

const KAFKA_BROKERS: ComponentEndpoint[] = [0, 1, 2].map((i) => ({ host: `kafka-${i}.prod.logistics.example.com`, port: 9093 }));

/**
 * The secret store `vault`: the shared components read their credentials through it, with the
 * token the Vault Agent writes for each app's own Vault role (the platform grants `returns` its
 * role and exactly the paths of the components it uses).
 */
export const VAULT_STORE: ImportedVaultSecretStoreProps = {
  name: 'vault',
  namespace: NAMESPACE,
  scopes: ['billing', 'dead-letters', 'notifications', 'orders', 'returns', 'shipping'],
  vaultAddr: 'https://vault.prod.logistics.example.com:8200',
  enginePath: 'secret',
  vaultKvPrefix: 'dapr',
  kubernetesAuthPath: 'auth/kubernetes-prod',
};

/** The secrets the shared components read from `vault` (secret name and key). */
export const COMPONENT_SECRETS = {
  events: [
    ['kafka', 'username'],
    ['kafka', 'password'],
  ],
  orderState: [['redis', 'password']],
} as const;

/** Topics of the `events` pub/sub. */
export const TOPICS = { shipmentCreated: 'shipment-created', shipmentCreatedDeadLetters: 'shipment-created-dlq' } as const;

const publish = (appId: string, topic: string): TopicGrant => ({ appId, topic, direction: TopicDirection.PUBLISH });
const subscribe = (appId: string, topic: string): TopicGrant => ({ appId, topic, direction: TopicDirection.SUBSCRIBE });

/**
 * The pub/sub `events` (Kafka): its scopes and topic grants (its `publishingScopes` and
 * `subscriptionScopes`) as the platform declares them, `returns` included.
 */
export const EVENTS_PUBSUB: ImportedComponentProps = {
  name: 'events',
  namespace: NAMESPACE,
  componentType: 'pubsub.kafka',
  scopes: ['billing', 'dead-letters', 'notifications', 'returns', 'shipping'],
  endpoints: KAFKA_BROKERS,
  grantedTopics: [
    publish('billing', TOPICS.shipmentCreatedDeadLetters),
    publish('notifications', TOPICS.shipmentCreatedDeadLetters),
    publish('returns', TOPICS.shipmentCreatedDeadLetters),
    publish('shipping', TOPICS.shipmentCreated),
    subscribe('billing', TOPICS.shipmentCreated),
    subscribe('dead-letters', TOPICS.shipmentCreatedDeadLetters),
    subscribe('notifications', TOPICS.shipmentCreated),
    subscribe('returns', TOPICS.shipmentCreated),
  ],
};

/** The state store `order-state` (Redis, the actor state store): its scopes, `returns` included. */
export const ORDER_STATE: ImportedComponentProps = {
  name: 'order-state',
  namespace: NAMESPACE,
  componentType: 'state.redis',
  scopes: ['orders', 'returns'],
  isActorStateStore: true,
  endpoints: [{ host: 'orders-redis.prod.logistics.example.com', port: 6380 }],
};

/** The inventory service (declared by the platform). */
export const INVENTORY: IDaprApp = DaprApp.fromAppId('inventory', NAMESPACE);

/** Namespaces whose Prometheus scrapes the sidecars. */
export const MONITORING_NAMESPACES = ['monitoring'];

/** The OpenTelemetry collector and prod's sampling rate. */
export const TRACING = {
  endpointAddress: 'otel-collector.observability.svc.cluster.local:4317',
  samplingRate: 0.1,
  isSecure: true,
  collectorCa: SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt'),
};

/** The address ranges of prod's managed services (Vault, Redis, the Kafka brokers): the apps' egress names them. */
export const EXTERNAL_HOSTS: ExternalHost[] = [
  { host: 'vault.prod.logistics.example.com', cidrs: ['10.30.0.16/28'] },
  { host: 'orders-redis.prod.logistics.example.com', cidrs: ['10.30.8.0/28'] },
  ...[0, 1, 2].map((i) => ({ host: `kafka-${i}.prod.logistics.example.com`, cidrs: [`10.30.12.${i * 64}/26`] })),
];
