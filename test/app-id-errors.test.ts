import { Duration } from 'cdk8s';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { KafkaAuthType, KafkaPubSub } from '../constructs/k8s/kafka-pub-sub';
import { HttpVerb } from '../constructs/k8s/mtls-configuration';
import { RedisStateStore } from '../constructs/k8s/redis-state-store';
import { Resiliency } from '../constructs/k8s/resiliency';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { DaprApp } from '../constructs/model/dapr-app';
import { daprChart, errorsOf } from './helpers';

const BAD = "app-id 'Orders_Service' is not a DNS-1123 label of at most 58 characters (lowercase letters, digits and '-', starting and ending with a letter or digit; the sidecar's '<app-id>-dapr' Service must fit in 63). Rename it, e.g. 'orders-service'.";

/** A workload with a bad app-id in every place an app-id appears: scopes, topic grants, a Subscription, access control, a Resiliency. */
function scenario(appId: string) {
  const chart = daprChart();
  const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
  const redis = new RedisStateStore(chart, 'redis', { name: 'state', redisHost: 'redis.example.com:6380', redisPassword: vault.secret('redis', 'password') });
  const kafka = new KafkaPubSub(chart, 'kafka', {
    name: 'events',
    brokers: ['kafka-0.example.com:9093'],
    authType: KafkaAuthType.PASSWORD,
    saslUsername: vault.secret('kafka', 'username'),
    saslPassword: vault.secret('kafka', 'password'),
  });
  const common = { image: 'registry.example.com/x:1.0.0', appPort: 8080 };
  const bad = new DaprWorkload(chart, 'orders', { appId, ...common });
  const billing = new DaprWorkload(chart, 'billing', { appId: 'billing', ...common });
  bad.uses(redis);
  bad.publishes(kafka, 'orders');
  bad.subscribe(kafka, 'payments', { route: '/payments', deadLetterTopic: 'payments-dlq' });
  billing.subscribe(kafka, 'orders', { route: '/orders' });
  billing.invokes(bad, [{ path: '/orders', verbs: [HttpVerb.POST] }]);
  bad.invokes(billing, [{ path: '/bill', verbs: [HttpVerb.POST] }]);
  const resiliency = new Resiliency(chart, 'resiliency', { name: 'resiliency', scopes: [bad, billing] });
  resiliency.targetApp(DaprApp.fromAppId('billing', 'apps'), { timeout: resiliency.addTimeout('short', Duration.seconds(2)) });
  return chart;
}

describe('a bad app-id is one error (issue 16)', () => {
  test('the workload reports it once; its scopes, grants, Subscription, Configuration, callers and Resiliency scope do not repeat it', () => {
    expect(errorsOf(scenario('orders-service'))).toEqual([]);
    expect(errorsOf(scenario('Orders_Service'))).toEqual([`[test/orders] ${BAD}`]);
  });

  test('an app declared elsewhere (not a construct) is still checked where it is referenced', () => {
    const chart = daprChart();
    const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
    vault.addScope(DaprApp.fromAppId('Orders_Service', 'apps'));
    expect(errorsOf(chart)).toEqual([`[test/vault] scope: ${BAD}`]);
  });
});
