import { App, Duration } from 'cdk8s';
import { DaprChart } from '../constructs/k8s/dapr-chart';
import { DaprMonitoring } from '../constructs/k8s/dapr-monitoring';
import { DefaultDenyNetworkPolicy } from '../constructs/k8s/default-deny-network-policy';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { AppProtocol, WorkloadRole } from '../constructs/k8s/workload-types';
import { KafkaPubSub, SaslMechanism } from '../constructs/k8s/kafka-pub-sub';
import { KafkaTopicCatalog } from '../constructs/k8s/kafka-topic-catalog';
import { HttpVerb, OtelProtocol } from '../constructs/k8s/mtls-configuration';
import { KeyPrefix, RedisStateStore } from '../constructs/k8s/redis-state-store';
import { Resiliency, RetryBackoff } from '../constructs/k8s/resiliency';
import { ResourceSize } from '../constructs/k8s/resource-size';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { EnvironmentSpec } from './environments';

/**
 * One service of the platform, declared once: it appears in every environment, sized by the
 * environment. App teams add theirs to {@link SERVICES}.
 */
export interface ServiceSpec {
  readonly appId: string;
  /** Image, pinned. */
  readonly image: string;
  readonly appPort: number;
  readonly appProtocol?: AppProtocol;
  readonly role?: WorkloadRole;
  readonly resources?: ResourceSize;
  /** Exposed to the ingress controller. */
  readonly public?: boolean;
}

const REGISTRY = 'registry.logistics.example.com/order-management';

/** The order-management services. */
export const SERVICES: ServiceSpec[] = [
  { appId: 'checkout', image: `${REGISTRY}/checkout:2.4.1`, appPort: 8080, public: true },
  { appId: 'inventory', image: `${REGISTRY}/inventory:1.9.0`, appPort: 8080 },
  { appId: 'orders', image: `${REGISTRY}/orders:3.2.0`, appPort: 8080, role: WorkloadRole.ACTOR_HOST, resources: ResourceSize.APP_MEDIUM },
  { appId: 'shipping', image: `${REGISTRY}/shipping:1.5.2`, appPort: 50051, appProtocol: AppProtocol.GRPC },
  { appId: 'notifications', image: `${REGISTRY}/notifications:1.1.0`, appPort: 8080 },
  { appId: 'billing', image: `${REGISTRY}/billing:4.0.3`, appPort: 8080 },
  { appId: 'dead-letters', image: `${REGISTRY}/dead-letters:1.0.0`, appPort: 8080 },
];

/** Names apps use: API for the services, so they never change between environments. */
export const COMPONENT_NAMES = { secretStore: 'vault', stateStore: 'order-state', pubsub: 'events' } as const;
export const SHIPMENT_CREATED = 'shipment-created';
export const SHIPMENT_CREATED_DLQ = 'shipment-created-dlq';

/** What the reference platform declares in an environment, for tests and the Terraform plane. */
export interface Platform {
  readonly chart: DaprChart;
  readonly vault: VaultSecretStore;
  readonly stateStore: RedisStateStore;
  readonly pubsub: KafkaPubSub;
  /** The pub/sub's topics and their settings (Strimzi KafkaTopics in dev, the topic manifest for managed Kafka). */
  readonly topics: KafkaTopicCatalog;
  readonly resiliency: Resiliency;
  readonly monitoring: DaprMonitoring;
  readonly workloads: { [appId: string]: DaprWorkload };
}

/** Declares the order-management platform's Kubernetes half for one environment. */
export function buildPlatform(app: App, env: EnvironmentSpec): Platform {
  const ns = env.appsNamespace;
  const chart = new DaprChart(app, env.name, { namespace: ns, profile: env.profile, daprVersion: env.daprVersion, mtls: env.mtls, externalHosts: env.externalHosts });
  new DefaultDenyNetworkPolicy(chart, 'DefaultDeny');

  const vault = new VaultSecretStore(chart, 'SecretStore', {
    name: COMPONENT_NAMES.secretStore,
    vaultAddr: env.vault.address,
    enginePath: env.vault.kvMount,
    vaultKvPrefix: env.vault.kvPrefix,
    auth: VaultAuth.tokenFile(),
    kubernetesAuthPath: `auth/${env.vault.kubernetesAuthMount}`,
  });
  const stateStore = new RedisStateStore(chart, 'StateStore', {
    name: COMPONENT_NAMES.stateStore,
    redisHost: env.redis.host,
    enableTls: env.redis.tls,
    redisPassword: vault.secret('redis', 'password'),
    actorStateStore: true,
    keyPrefix: KeyPrefix.APP_ID,
    maxRetries: 3,
    minRetryInterval: Duration.millis(100),
    maxRetryInterval: Duration.seconds(2),
  });
  const pubsub = new KafkaPubSub(chart, 'PubSub', {
    name: COMPONENT_NAMES.pubsub,
    brokers: env.kafka.brokers,
    authType: env.kafka.authType,
    saslUsername: vault.secret('kafka', 'username'),
    saslPassword: vault.secret('kafka', 'password'),
    saslMechanism: SaslMechanism.SHA_512,
    disableTls: env.kafka.tls ? undefined : true,
    consumerGroup: '{appID}',
    maxMessageBytes: 1_048_576,
  });

  const workloads: { [appId: string]: DaprWorkload } = {};
  for (const s of SERVICES) {
    workloads[s.appId] = new DaprWorkload(chart, s.appId, {
      appId: s.appId,
      image: s.image,
      appPort: s.appPort,
      appProtocol: s.appProtocol,
      role: s.role,
      resources: s.resources,
      replicas: env.sizes.replicas,
      maxReplicas: env.sizes.maxReplicas,
      service: s.public,
      ingressNamespaces: s.public ? env.ingressNamespaces : undefined,
      monitoringNamespaces: env.monitoringNamespaces,
      configurationDefaults: {
        tracing: {
          endpointAddress: env.tracing.endpoint,
          samplingRate: env.tracing.samplingRate,
          protocol: OtelProtocol.GRPC,
          isSecure: env.tracing.isSecure,
          collectorCa: env.tracing.collectorCa,
          plaintextReason: env.tracing.plaintextReason,
        },
      },
    });
  }
  const w = workloads;

  // The wiring: who calls whom, who keeps state, who publishes and subscribes.
  w.checkout.invokes(w.inventory, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
  w.orders.invokes(w.checkout, [{ path: '/checkouts/*', verbs: [HttpVerb.GET, HttpVerb.POST] }]);
  w.orders.invokes(w.inventory, [
    { path: '/reserve', verbs: [HttpVerb.POST] },
    { path: '/release', verbs: [HttpVerb.POST] },
  ]);
  w.orders.uses(stateStore);
  w.shipping.publishes(pubsub, SHIPMENT_CREATED);
  for (const subscriber of [w.notifications, w.billing]) {
    subscriber.subscribe(pubsub, SHIPMENT_CREATED, { route: `/events/${SHIPMENT_CREATED}`, deadLetterTopic: SHIPMENT_CREATED_DLQ });
  }
  w['dead-letters'].subscribe(pubsub, SHIPMENT_CREATED_DLQ, { route: `/events/${SHIPMENT_CREATED_DLQ}` });

  // Apps other teams deploy from their own repositories (examples/app-team): what the platform grants
  // them is recorded in dist/<env>.contract.json, which their synth and `npm run check --contract` read.
  // An app that moves into SERVICES is no longer declared elsewhere.
  if (!w.returns) {
    const returns = chart.addExternalApp({ appId: 'returns', owner: 'returns team (examples/app-team)' });
    stateStore.addScope(returns);
    pubsub.grantSubscribe(returns, SHIPMENT_CREATED);
    pubsub.grantPublish(returns, SHIPMENT_CREATED_DLQ);
    w.inventory.allowsInvocationFrom(returns, [{ path: '/release', verbs: [HttpVerb.POST] }]);
  }

  // The topics those edges name, with the environment profile's settings; the dead-letter topic has its own retention.
  const topics = new KafkaTopicCatalog(chart, 'Topics', { pubsub, profile: env.profile });
  topics.declare(SHIPMENT_CREATED, { deadLetterTopic: SHIPMENT_CREATED_DLQ });

  // Resiliency for the invocation and pub/sub paths.
  const resiliency = new Resiliency(chart, 'Resiliency', { name: 'order-paths' });
  const timeout = resiliency.addTimeout('invocation', Duration.seconds(5));
  const retry = resiliency.addRetry('transient', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 5, maxInterval: Duration.seconds(10), httpStatusCodes: '429,502-504' });
  const breaker = resiliency.addCircuitBreaker('callee', { trip: 'consecutiveFailures >= 5', timeout: Duration.seconds(30), interval: Duration.seconds(60), maxRequests: 1 });
  const deliveries = resiliency.addRetry('deliveries', { backoff: RetryBackoff.CONSTANT, maxRetries: 10, duration: Duration.seconds(5) });
  const publish = resiliency.addRetry('publish', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 3, maxInterval: Duration.seconds(5) });
  for (const callee of [w.checkout, w.inventory]) resiliency.targetApp(callee, { timeout, retry, circuitBreaker: breaker });
  resiliency.targetComponent(pubsub, { outbound: { retry: publish }, inbound: { retry: deliveries } });
  for (const app of [w.checkout, w.orders, w.shipping, w.notifications, w.billing, w['dead-letters']]) resiliency.addScope(app);

  // Monitors and alerts, derived from the graph above (rendered into dist/<env>/monitoring.yaml).
  const monitoring = new DaprMonitoring(chart, 'Monitoring', { controlPlaneHa: env.ha, controlPlaneNamespace: env.controlPlaneNamespace });

  return { chart, vault, stateStore, pubsub, topics, resiliency, monitoring, workloads };
}
