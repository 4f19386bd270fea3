import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { DaprChart } from '../constructs/k8s/dapr-chart';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { WorkloadRole } from '../constructs/k8s/workload-types';
import { KafkaAuthType, KafkaPubSub } from '../constructs/k8s/kafka-pub-sub';
import { HttpVerb, OtelProtocol } from '../constructs/k8s/mtls-configuration';
import { RedisStateStore } from '../constructs/k8s/redis-state-store';
import { ResourceSize } from '../constructs/k8s/resource-size';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { daprChart } from './helpers';

/** The seed scenario of issue 3, in namespace `apps` of a prod DaprChart. */
export function seed(chart: DaprChart = daprChart()) {
  const vault = new VaultSecretStore(chart, 'vault', {
    name: 'vault',
    vaultAddr: 'https://vault.example.com:8200',
    vaultKvPrefix: 'dapr',
    auth: VaultAuth.tokenFile(),
  });
  const redis = new RedisStateStore(chart, 'redis', {
    name: 'saga-state',
    redisHost: 'redis.example.com:6380',
    redisPassword: vault.secret('redis', 'password'),
    actorStateStore: true,
  });
  const kafka = new KafkaPubSub(chart, 'kafka', {
    name: 'events',
    brokers: ['kafka-0.kafka.data.svc.cluster.local:9093'],
    authType: KafkaAuthType.PASSWORD,
    saslUsername: vault.secret('kafka', 'username'),
    saslPassword: vault.secret('kafka', 'password'),
  });
  const common = {
    appPort: 8080,
    configurationDefaults: { tracing: { endpointAddress: 'otel-collector.observability.svc.cluster.local:4317', samplingRate: 0.1, protocol: OtelProtocol.GRPC } },
  };
  const inventory = new DaprWorkload(chart, 'inventory', { appId: 'inventory', image: 'registry.example.com/inventory:1.0.0', ...common });
  const checkout = new DaprWorkload(chart, 'checkout', {
    appId: 'checkout',
    image: 'registry.example.com/checkout:2.3.1',
    role: WorkloadRole.ACTOR_HOST,
    sidecarResources: ResourceSize.custom({ cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(300), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) }),
    ...common,
  });
  const shipping = new DaprWorkload(chart, 'shipping', { appId: 'shipping', image: 'registry.example.com/shipping:1.2.0', ...common });
  const notifications = new DaprWorkload(chart, 'notifications', { appId: 'notifications', image: 'registry.example.com/notifications:1.0.0', ...common });
  const billing = new DaprWorkload(chart, 'billing', { appId: 'billing', image: 'registry.example.com/billing:3.0.0', ...common });

  checkout.invokes(inventory, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
  checkout.uses(redis);
  shipping.publishes(kafka, 'shipment-created');
  notifications.subscribe(kafka, 'shipment-created', { route: '/events/shipment-created', deadLetterTopic: 'shipment-created-dlq' });
  billing.subscribe(kafka, 'shipment-created', { route: '/events/shipment-created', deadLetterTopic: 'shipment-created-dlq' });
  return { chart, vault, redis, kafka, inventory, checkout, shipping, notifications, billing };
}
