import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DEV_RELEASE_SETTINGS, DevBrokerScope } from './dev-broker-settings';

const KAFKA_PASSWORD_SECRET = 'dev-kafka-user-password';

/** The Kafka of {@link DevBrokers}. */
export interface DevKafkaOptions {
  /** Strimzi operator chart version. */
  readonly strimziChartVersion: string;
  /** Kafka version of the cluster. */
  readonly kafkaVersion: string;
  /** Name of the Strimzi `Kafka` cluster. */
  readonly clusterName: string;
  /** The SCRAM-SHA-512 user the apps authenticate as. */
  readonly user: string;
  /** The KV secret (inside the mount) the Kafka components read. */
  readonly secretName: string;
  /** The key of the user name in it. */
  readonly usernameKey: string;
  /** The key of the password in it. */
  readonly passwordKey: string;
}

/**
 * The Strimzi operator, a one-node KRaft Kafka (topics only when declared) and a SCRAM-SHA-512 user
 * whose password Terraform generates once, hands Strimzi through a Kubernetes Secret and writes to
 * Vault KV for the apps. Returns the operator release and the `Kafka` cluster.
 */
export function addDevKafka(scope: Construct, b: DevBrokerScope, o: DevKafkaOptions): { strimzi: Release; kafkaCluster: Manifest } {
  const strimzi = new Release(scope, 'strimzi', {
    name: 'strimzi',
    chart: 'strimzi-kafka-operator',
    repository: 'https://strimzi.io/charts/',
    version: o.strimziChartVersion,
    namespace: b.namespace,
    ...DEV_RELEASE_SETTINGS,
    dependsOn: b.dependsOn,
  });
  const kafkaPassword = b.generatedPassword('kafka');
  const kafkaPasswordSecret = new SecretV1(scope, 'kafka-user-password', {
    metadata: { name: KAFKA_PASSWORD_SECRET, namespace: b.namespace, labels: b.labels },
    data: { password: kafkaPassword },
    type: 'Opaque',
    dependsOn: b.dependsOn,
  });
  const clusterLabel = { 'strimzi.io/cluster': o.clusterName };
  const nodePool = new Manifest(scope, 'kafka-node-pool', {
    manifest: {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaNodePool',
      metadata: { name: 'dual-role', namespace: b.namespace, labels: { ...b.labels, ...clusterLabel } },
      spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } },
    },
    dependsOn: [strimzi],
  });
  const kafka = new Manifest(scope, 'kafka', {
    manifest: {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'Kafka',
      metadata: {
        name: o.clusterName,
        namespace: b.namespace,
        labels: b.labels,
        annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
      },
      spec: {
        kafka: {
          version: o.kafkaVersion,
          listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false, authentication: { type: 'scram-sha-512' } }],
          config: {
            'offsets.topic.replication.factor': 1,
            'transaction.state.log.replication.factor': 1,
            'transaction.state.log.min.isr': 1,
            'default.replication.factor': 1,
            'min.insync.replicas': 1,
            // As managed Kafka: topics exist only when declared (KafkaTopicCatalog, StrimziKafkaTopics).
            'auto.create.topics.enable': false,
          },
        },
        entityOperator: { topicOperator: {}, userOperator: {} },
      },
    },
    wait: { condition: [{ type: 'Ready', status: 'True' }] },
    timeouts: { create: '15m', update: '15m' },
    dependsOn: [strimzi, nodePool],
  });
  new Manifest(scope, 'kafka-user', {
    manifest: {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaUser',
      metadata: { name: o.user, namespace: b.namespace, labels: { ...b.labels, ...clusterLabel } },
      spec: {
        authentication: {
          type: 'scram-sha-512',
          password: { valueFrom: { secretKeyRef: { name: KAFKA_PASSWORD_SECRET, key: 'password' } } },
        },
      },
    },
    dependsOn: [kafka, kafkaPasswordSecret],
  });
  new KvSecretV2(scope, 'kafka-credentials', {
    mount: b.kvMountPath,
    name: o.secretName,
    dataJson: Fn.jsonencode({ [o.usernameKey]: o.user, [o.passwordKey]: kafkaPassword }),
    deleteAllVersions: true,
    dependsOn: b.dependsOn,
  });
  return { strimzi, kafkaCluster: kafka };
}
