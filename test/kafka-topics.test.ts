/**
 * Topics declared with the graph: settings per profile, the dead-letter topic with its own retention,
 * rule DAPR-TOPIC-001, the Strimzi KafkaTopic rendering (validated against the Strimzi 0.45.0 CRD in
 * ../shared/charts) and the topic manifest of managed Kafka.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Duration, Testing } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { KafkaAuthType, KafkaPubSub } from '../constructs/k8s/kafka-pub-sub';
import { KafkaTopicCatalog } from '../constructs/k8s/kafka-topic-catalog';
import { DaprSubscription } from '../constructs/k8s/subscription';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { DaprApp } from '../constructs/model/dapr-app';
import { CleanupPolicy } from '../constructs/model/kafka-topic';
import { EnvironmentProfile } from '../constructs/model/profile';
import { strimziKafkaTopic } from '../constructs/terraform/strimzi-kafka-topics';
import { DEV, PROD, STAGING } from '../stacks/environments';
import { kafkaTopicsFile, synthesize } from '../stacks/main';
import { buildPlatform } from '../stacks/platform';
import { daprChart, errorsOf } from './helpers';
import { describeWithShared, SHARED_DIR } from './shared-reference';

const tmp = path.join(__dirname, '..', 'build', 'kafka-topics-test');

function pubsubChart(profile: EnvironmentProfile, brokerAutoCreate?: boolean) {
  const chart = daprChart({ profile });
  const store = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
  const pubsub = new KafkaPubSub(chart, 'kafka', {
    name: 'events', brokers: ['kafka-0.example.com:9093'], authType: KafkaAuthType.PASSWORD,
    saslUsername: store.secret('kafka', 'username'), saslPassword: store.secret('kafka', 'password'),
  });
  new DaprSubscription(chart, 'sub', {
    name: 'billing-invoice-due', pubsub, topic: 'invoice-due', defaultRoute: '/invoice-due', deadLetterTopic: 'invoice-due-dlq',
    subscribers: [DaprApp.fromAppId('billing', 'apps')],
  });
  const topics = new KafkaTopicCatalog(chart, 'Topics', { pubsub, profile, brokerAutoCreate });
  return { chart, topics };
}

describe('KafkaTopicCatalog', () => {
  test('the reference platform declares shipment-created and shipment-created-dlq, with the profile defaults (dev)', () => {
    const p = buildPlatform(Testing.app(), DEV);
    expect(JSON.parse(kafkaTopicsFile(DEV, p))).toEqual({
      environment: 'dev',
      appliedBy: 'Terraform: Strimzi KafkaTopic objects in cdktf.out/stacks/dev/cdk.tf.json (StrimziKafkaTopics)',
      pubsub: 'events',
      brokers: ['events-kafka-bootstrap.data.svc.cluster.local:9092'],
      brokerAutoCreate: false,
      topics: [
        { name: 'shipment-created', dead_letter: false, partitions: 3, replication_factor: 1, config: { 'cleanup.policy': 'delete', 'min.insync.replicas': '1', 'retention.ms': '86400000' } },
        { name: 'shipment-created-dlq', dead_letter: true, partitions: 1, replication_factor: 1, config: { 'cleanup.policy': 'delete', 'min.insync.replicas': '1', 'retention.ms': '604800000' } },
      ],
    });
    expect(errorsOf(p.chart)).toEqual([]);
  });

  test('dev: the Strimzi Kafka creates no topic on first use, as the declaration says; its KafkaTopics depend on the Kafka', () => {
    const [out] = synthesize({ only: ['dev'], distDir: tmp, cdktfOutDir: tmp, write: false });
    const manifests = Object.entries<any>(out.terraform.resource.kubernetes_manifest);
    const kafka = manifests.map(([, r]) => r.manifest).find((m) => m.kind === 'Kafka');
    expect(kafka.spec.kafka.config['auto.create.topics.enable']).toBe(false);
    expect(JSON.parse(kafkaTopicsFile(DEV, out.platform)).brokerAutoCreate).toBe(false);
    expect(manifests.find(([, r]) => r.manifest.kind === 'Kafka')![0]).toBe('dev-brokers_kafka_2F19F2DF');
    const topics = manifests.filter(([, r]) => r.manifest.kind === 'KafkaTopic');
    expect(topics.map(([, r]) => [r.manifest.metadata.namespace, r.manifest.metadata.labels['strimzi.io/cluster'], r.manifest.spec.topicName, r.depends_on])).toEqual([
      ['data', 'events', 'shipment-created', ['kubernetes_manifest.dev-brokers_kafka_2F19F2DF']],
      ['data', 'events', 'shipment-created-dlq', ['kubernetes_manifest.dev-brokers_kafka_2F19F2DF']],
    ]);
  });

  test('managed Kafka (staging, prod): three replicas, two in sync, a week of events, four weeks of dead letters', () => {
    for (const env of [STAGING, PROD]) {
      const f = JSON.parse(kafkaTopicsFile(env, buildPlatform(Testing.app(), env)));
      expect(f.appliedBy).toMatch(/Mongey\/kafka/);
      expect(f.topics.map((t: any) => [t.name, t.partitions, t.replication_factor, t.config['min.insync.replicas'], t.config['retention.ms']])).toEqual([
        ['shipment-created', 6, 3, '2', '604800000'],
        ['shipment-created-dlq', 3, 3, '2', '2419200000'],
      ]);
    }
  });

  test('DAPR-TOPIC-001: a subscription topic and a dead-letter topic no declaration covers fail synth, with the fix', () => {
    const { chart } = pubsubChart(EnvironmentProfile.PROD);
    expect(errorsOf(chart)).toEqual([
      "[test/Topics] DAPR-TOPIC-001: Subscription 'billing-invoice-due' (test/sub) reads topic 'invoice-due' of 'events', which no topic declaration covers and the brokers do not auto-create: declare it: topics.declare('invoice-due', ...) (or set brokerAutoCreate when the brokers create topics on first use).",
      "[test/Topics] DAPR-TOPIC-001: Subscription 'billing-invoice-due' (test/sub) dead-letters to 'invoice-due-dlq', which no topic declaration covers and the brokers do not auto-create: declare it: topics.declare('invoice-due-dlq', ...) (or set brokerAutoCreate when the brokers create topics on first use).",
    ]);
  });

  test('DAPR-TOPIC-001: only the dead-letter topic missing is named; declared with its topic, nothing fails; auto-create on, nothing is required', () => {
    const a = pubsubChart(EnvironmentProfile.PROD);
    a.topics.declare('invoice-due');
    expect(errorsOf(a.chart)).toEqual([expect.stringMatching(/dead-letters to 'invoice-due-dlq'/)]);
    const b = pubsubChart(EnvironmentProfile.PROD);
    b.topics.declare('invoice-due', { deadLetterTopic: 'invoice-due-dlq' });
    expect(errorsOf(b.chart)).toEqual([]);
    expect(errorsOf(pubsubChart(EnvironmentProfile.PROD, true).chart)).toEqual([]);
  });

  test('the reference platform without its topic declaration fails on every subscription', () => {
    const p = buildPlatform(Testing.app(), PROD);
    const bare = new KafkaTopicCatalog(p.chart, 'Bare', { pubsub: p.pubsub, profile: PROD.profile });
    expect(bare.topics).toEqual([]);
    const errors = errorsOf(p.chart).filter((e) => e.startsWith('[prod/Bare]'));
    expect(errors.map((e) => e.replace(/ which no .*$/, ''))).toEqual([
      "[prod/Bare] DAPR-TOPIC-001: Subscription 'billing-shipment-created' (prod/billing/Subscription-shipment-created) reads topic 'shipment-created' of 'events',",
      "[prod/Bare] DAPR-TOPIC-001: Subscription 'billing-shipment-created' (prod/billing/Subscription-shipment-created) dead-letters to 'shipment-created-dlq',",
      "[prod/Bare] DAPR-TOPIC-001: Subscription 'dead-letters-shipment-created-dlq' (prod/dead-letters/Subscription-shipment-created-dlq) reads topic 'shipment-created-dlq' of 'events',",
      "[prod/Bare] DAPR-TOPIC-001: Subscription 'notifications-shipment-created' (prod/notifications/Subscription-shipment-created) reads topic 'shipment-created' of 'events',",
      "[prod/Bare] DAPR-TOPIC-001: Subscription 'notifications-shipment-created' (prod/notifications/Subscription-shipment-created) dead-letters to 'shipment-created-dlq',",
      "[prod/Bare] DAPR-TOPIC-001: app 'shipping' publishes to 'shipment-created' of 'events',",
    ]);
  });

  test('topics are sorted by code unit, the same under every locale (localeCompare would put aa after z in Danish)', () => {
    const { topics } = pubsubChart(EnvironmentProfile.PROD, true);
    for (const t of ['zeta', 'aa-orders', 'Audit', 'a_b', 'a-b', 'a.b']) topics.declare(t);
    expect(topics.topics.map((t) => t.name)).toEqual(['Audit', 'a-b', 'a.b', 'a_b', 'aa-orders', 'zeta']);
    expect(topics.manifest().topics.map((t: { name: string }) => t.name)).toEqual(['Audit', 'a-b', 'a.b', 'a_b', 'aa-orders', 'zeta']);
  });

  test('bad settings fail with the topic and the fix; overrides apply', () => {
    const { chart, topics } = pubsubChart(EnvironmentProfile.PROD, true);
    topics.declare('orders', { settings: { partitions: 0, replicationFactor: 2, minInSyncReplicas: 3 } });
    topics.declare('orders');
    topics.declare('audit', { settings: { retention: Duration.minutes(5), cleanupPolicy: CleanupPolicy.COMPACT } });
    topics.declare('bad topic');
    expect(errorsOf(chart)).toEqual([
      '[test/Topics] topic \'orders\': partitions 0 is not a whole number >= 1.',
      '[test/Topics] topic \'orders\': minInSyncReplicas 3 exceeds replicationFactor 2: no write with acks=all could succeed; use at most 2.',
      "[test/Topics] topic 'orders' is declared twice: declare it once (a dead-letter topic shared by several topics with the first of them).",
      "[test/Topics] topic 'audit': retention under 1h loses messages a restarted consumer has not read; use e.g. Duration.days(1).",
      "[test/Topics] topic name 'bad topic' is not a Kafka topic name: use letters, digits, '.', '_' and '-' (at most 249).",
    ]);
    expect(topics.topics.find((t) => t.name === 'audit')!.settings.cleanupPolicy).toBe('compact');
  });
});

describeWithShared('Strimzi KafkaTopic against the Strimzi 0.45.0 CRD (../shared/charts)', () => {
  test('the dev topics are valid KafkaTopic v1beta2 objects, and a bad one is refused', () => {
    const crd = parseYaml(fs.readFileSync(path.join(SHARED_DIR, 'charts', 'strimzi-kafka-operator', '0.45.0', 'crds', '043-Crd-kafkatopic.yaml'), 'utf8'));
    const version = crd.spec.versions.find((v: any) => v.name === 'v1beta2');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(version.schema.openAPIV3Schema);
    const p = buildPlatform(Testing.app(), DEV);
    const objects = p.topics.topics.map((t) => strimziKafkaTopic(t, 'events', 'data'));
    expect(objects.map((o: any) => o.spec.topicName)).toEqual(['shipment-created', 'shipment-created-dlq']);
    for (const o of objects) expect([validate(o), validate.errors]).toEqual([true, null]);
    const bad: any = JSON.parse(JSON.stringify(objects[0]));
    bad.spec.partitions = 'three';
    expect(validate(bad)).toBe(false);
  });
});
