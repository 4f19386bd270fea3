import { EnvironmentProfile } from '../../constructs/model/profile';
import { DevBrokers, DevBrokersProps } from '../../constructs/terraform/dev-brokers';
import { errorsOf, findResource, helmValues, providerStack, resources, synthJson } from './helpers';

function brokers(o: Partial<DevBrokersProps> = {}) {
  const stack = providerStack();
  const b = new DevBrokers(stack, 'brokers', {
    profile: EnvironmentProfile.DEV,
    namespace: 'dev-brokers',
    kvMountPath: 'secret',
    redis: true,
    kafka: true,
    redisSecretName: 'dapr/orders-redis',
    kafkaSecretName: 'dapr/orders-kafka',
    ...o,
  });
  return { stack, b };
}

describe('DevBrokers', () => {
  const { stack, b } = brokers();
  const json = synthJson(stack);
  const manifests = Object.values(resources(json, 'kubernetes_manifest')).map((m: any) => m.manifest);
  const kind = (k: string) => manifests.find((m) => m.kind === k);

  test('Redis: pinned Bitnami chart, password from a Kubernetes Secret (auth.existingSecret)', () => {
    expect(findResource(json, 'helm_release', (r) => r.name === 'redis')).toMatchObject({
      chart: 'redis',
      repository: 'oci://registry-1.docker.io/bitnamicharts',
      version: '20.7.0',
      namespace: 'dev-brokers',
    });
    expect(helmValues(json, 'redis')).toEqual({
      architecture: 'standalone',
      auth: { enabled: true, existingSecret: 'dev-redis-auth', existingSecretPasswordKey: 'redis-password' },
      master: { persistence: { enabled: false } },
    });
    const secret = findResource(json, 'kubernetes_secret_v1', (s) => s.metadata.name === 'dev-redis-auth');
    expect(secret.data['redis-password']).toMatch(/^\$\{terraform_data\.brokers_redis-password_[0-9A-F]+\.output\["value"\]\}$/);
  });

  test('passwords are generated once by Terraform (sensitive, stable, rotated by generation) - no literal secret', () => {
    const generated = Object.values(resources(json, 'terraform_data')) as any[];
    expect(generated).toHaveLength(2);
    for (const g of generated) {
      expect(g).toEqual({
        input: { value: '${sensitive(replace(uuid(), "-", ""))}' },
        triggers_replace: { generation: 1 },
        lifecycle: { ignore_changes: ['input'] },
      });
    }
    const rotated = Object.values(resources(synthJson(brokers({ credentialGeneration: 2 }).stack), 'terraform_data')) as any[];
    expect(rotated.map((g) => g.triggers_replace)).toEqual([{ generation: 2 }, { generation: 2 }]);
  });

  test('credentials land in Vault KV at the paths the staging/prod components read', () => {
    const redis = findResource(json, 'vault_kv_secret_v2', (k) => k.name === 'dapr/orders-redis');
    expect(redis.mount).toBe('secret');
    expect(redis.data_json).toMatch(/^\$\{jsonencode\(\{"password" = terraform_data\.brokers_redis-password_[0-9A-F]+\.output\["value"\]\}\)\}$/);
    const kafka = findResource(json, 'vault_kv_secret_v2', (k) => k.name === 'dapr/orders-kafka');
    expect(kafka.data_json).toMatch(
      /^\$\{jsonencode\(\{"username" = "dapr", "password" = terraform_data\.brokers_kafka-password_[0-9A-F]+\.output\["value"\]\}\)\}$/,
    );
    expect(b.redisSecretPath).toBe('secret/data/dapr/orders-redis');
    expect(b.kafkaSecretPath).toBe('secret/data/dapr/orders-kafka');
  });

  test('Kafka: Strimzi operator chart, a one-node KRaft cluster with SCRAM, a user whose password comes from the generated Secret', () => {
    expect(findResource(json, 'helm_release', (r) => r.name === 'strimzi')).toMatchObject({
      chart: 'strimzi-kafka-operator',
      repository: 'https://strimzi.io/charts/',
      version: '0.45.0',
    });
    expect(kind('KafkaNodePool').spec).toEqual({ replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } });
    expect(kind('KafkaNodePool').metadata.labels['strimzi.io/cluster']).toBe('dev-kafka');
    const kafka = kind('Kafka');
    expect(kafka.metadata.annotations).toEqual({ 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' });
    expect(kafka.spec.kafka.version).toBe('3.9.0');
    expect(kafka.spec.kafka.listeners).toEqual([{ name: 'plain', port: 9092, type: 'internal', tls: false, authentication: { type: 'scram-sha-512' } }]);
    expect(kafka.spec.entityOperator).toEqual({ topicOperator: {}, userOperator: {} });
    expect(kind('KafkaUser').spec.authentication).toEqual({
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: 'dev-kafka-user-password', key: 'password' } } },
    });
    const kafkaResource = findResource(json, 'kubernetes_manifest', (m) => m.manifest.kind === 'Kafka');
    expect(kafkaResource.wait).toEqual({ condition: [{ type: 'Ready', status: 'True' }] });
  });

  test('addresses for the dev components', () => {
    expect(b.redisHost).toBe('redis-master.dev-brokers.svc.cluster.local:6379');
    expect(b.kafkaBrokers).toBe('dev-kafka-kafka-bootstrap.dev-brokers.svc.cluster.local:9092');
    const events = brokers({ namespace: 'data', kafkaClusterName: 'events' }).b;
    expect(events.kafkaBrokers).toBe('events-kafka-bootstrap.data.svc.cluster.local:9092');
    expect(events.redisHost).toBe('redis-master.data.svc.cluster.local:6379');
  });
});

describe('DevBrokers validation', () => {
  test('the default input is valid', () => {
    expect(errorsOf(brokers().stack)).toEqual([]);
  });

  test('at least one broker: DevBrokers without redis and kafka is refused', () => {
    expect(errorsOf(brokers({ redis: false, kafka: undefined }).stack)).toEqual([
      'DevBrokers declares no broker: set redis and/or kafka to the brokers the platform runs in the dev cluster, or drop DevBrokers.',
    ]);
  });

  test('one broker: only its resources, only its checks (a shared secret name is fine with one secret)', () => {
    const kafkaOnly = brokers({ redis: false, redisSecretName: 'dapr/orders-kafka', redisChartVersion: '20.x' });
    expect(errorsOf(kafkaOnly.stack)).toEqual([]);
    const j = synthJson(kafkaOnly.stack);
    expect(Object.values(resources(j, 'helm_release')).map((r: any) => r.name)).toEqual(['strimzi']);
    expect(Object.values(resources(j, 'terraform_data'))).toHaveLength(1);
    expect(Object.values(resources(j, 'kubernetes_secret_v1')).map((r: any) => r.metadata.name)).toEqual(['dev-kafka-user-password']);
    expect([kafkaOnly.b.redis, kafkaOnly.b.redisHost, kafkaOnly.b.redisSecretPath]).toEqual([undefined, undefined, undefined]);
    const redisOnly = brokers({ kafka: false, kafkaUser: 'Dapr' });
    expect(errorsOf(redisOnly.stack)).toEqual([]);
    const r = synthJson(redisOnly.stack);
    expect(Object.values(resources(r, 'helm_release')).map((x: any) => x.name)).toEqual(['redis']);
    expect(resources(r, 'kubernetes_manifest')).toEqual({});
    expect(Object.values(resources(r, 'vault_kv_secret_v2')).map((k: any) => k.name)).toEqual(['dapr/orders-redis']);
    expect([redisOnly.b.strimzi, redisOnly.b.kafkaCluster, redisOnly.b.kafkaBrokers]).toEqual([undefined, undefined, undefined]);
  });

  test('dev only', () => {
    expect(errorsOf(brokers({ profile: EnvironmentProfile.STAGING }).stack)).toEqual([
      'DevBrokers in a staging environment: in-cluster brokers are for dev only; use the managed Redis and Kafka there.',
    ]);
  });

  test('namespace, mount, distinct secrets, keys and the Kafka user name are checked', () => {
    const e = errorsOf(
      brokers({ namespace: 'Brokers', kvMountPath: '/secret', kafkaSecretName: 'dapr/orders-redis', redisPasswordKey: 'redis password', kafkaUser: 'Dapr', kafkaClusterName: 'Events' }).stack,
    );
    expect(e).toHaveLength(6);
    expect(e[0]).toMatch(/^namespace 'Brokers' is not a DNS-1123 label/);
    expect(e[1]).toMatch(/^kvMountPath '\/secret' is not a Vault mount path/);
    expect(e.slice(2)).toEqual([
      `redisSecretName and kafkaSecretName are both 'dapr/orders-redis': each broker needs its own secret.`,
      `redisPasswordKey 'redis password' is not a secret key: use e.g. 'password'.`,
      `kafkaClusterName 'Events' is not a short DNS label: use e.g. 'events'.`,
      `kafkaUser 'Dapr' is not a valid KafkaUser name: use lowercase letters, digits and '-', e.g. 'dapr'.`,
    ]);
  });

  test('secret names are names inside the mount, keys and versions are checked', () => {
    expect(
      errorsOf(
        brokers({ redisSecretName: 'secret/data/dapr/x', kafkaSecretName: 'data/x', kafkaUsernameKey: 'k', kafkaPasswordKey: 'k', redisChartVersion: '20.x', credentialGeneration: 0 }).stack,
      ),
    ).toEqual([
      `redisSecretName 'secret/data/dapr/x' is not a secret name inside the KV mount: write '<prefix>/<name>' without the mount and 'data/', e.g. 'dapr/redis'.`,
      `kafkaSecretName 'data/x' is not a secret name inside the KV mount: write '<prefix>/<name>' without the mount and 'data/', e.g. 'dapr/redis'.`,
      `kafkaUsernameKey and kafkaPasswordKey are both 'k': use e.g. 'username' and 'password'.`,
      `redisChartVersion '20.x' is not a pinned version: use an exact version, e.g. '1.2.3'.`,
      'credentialGeneration 0 is not a whole number >= 1: start at 1 and raise it to rotate.',
    ]);
  });
});
