import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { compareStrings } from '../model/compare-strings';
import {
  KafkaTopicDeclaration,
  kafkaTopicConfig,
  kafkaTopicDefaults,
  KafkaTopicOverrides,
  KafkaTopicSettings,
} from '../model/kafka-topic';
import { EnvironmentProfile } from '../model/profile';
import { KafkaPubSub } from './kafka-pub-sub';
import { DaprSubscription } from './subscription';

/** Props of {@link KafkaTopicCatalog}. */
export interface KafkaTopicCatalogProps {
  /** The pub/sub component whose topics these are. */
  readonly pubsub: KafkaPubSub;
  /** The environment profile: the topics' default settings. */
  readonly profile: EnvironmentProfile;
  /**
   * The brokers create a topic on first use (`auto.create.topics.enable`). Off, every topic a
   * Subscription reads and every dead-letter topic must be declared here (rule DAPR-TOPIC-001).
   * @default false
   */
  readonly brokerAutoCreate?: boolean;
}

/** Options of {@link KafkaTopicCatalog.declare}. */
export interface DeclareTopicOptions {
  /** Overrides of the profile's topic defaults. @default the profile's defaults */
  readonly settings?: KafkaTopicOverrides;
  /**
   * The dead-letter topic of the topic's subscriptions: declared with it, with the profile's
   * dead-letter settings (its own retention).
   * @default - none
   */
  readonly deadLetterTopic?: string;
  /** Overrides of the dead-letter topic's settings. @default the profile's dead-letter defaults */
  readonly deadLetterSettings?: KafkaTopicOverrides;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function merge(base: KafkaTopicSettings, o?: KafkaTopicOverrides): KafkaTopicSettings {
  return {
    partitions: o?.partitions ?? base.partitions,
    replicationFactor: o?.replicationFactor ?? base.replicationFactor,
    retention: o?.retention ?? base.retention,
    cleanupPolicy: o?.cleanupPolicy ?? base.cleanupPolicy,
    minInSyncReplicas: o?.minInSyncReplicas ?? base.minInSyncReplicas,
  };
}

/**
 * The topics of a Kafka pub/sub, declared next to the graph that names them (`publishes`,
 * `subscribe`): partitions, replication, retention and cleanup as typed settings with the profile's
 * defaults; each topic's dead-letter topic is declared with it and keeps its own retention.
 *
 * It renders no Kubernetes object itself: the declarations are rendered for in-cluster Kafka as
 * Strimzi `KafkaTopic`s (`StrimziKafkaTopics`, in the brokers' namespace, through Terraform: the
 * Argo CD project of dist/<env>/ may only write the apps' namespace) and for managed Kafka as the
 * topic manifest the platform team's tooling applies ({@link KafkaTopicCatalog.manifest}).
 *
 * Rule DAPR-TOPIC-001 (with `brokerAutoCreate` off): every topic a Subscription of this pub/sub
 * reads, every dead-letter topic and every topic an app publishes to is declared.
 */
export class KafkaTopicCatalog extends Construct {
  private readonly declared = new Map<string, KafkaTopicDeclaration>();
  private readonly errors: string[] = [];

  private readonly props: KafkaTopicCatalogProps;

  public constructor(scope: Construct, id: string, props: KafkaTopicCatalogProps) {
    super(scope, id);
    this.props = props;
    this.node.addValidation({ validate: () => [...this.errors, ...this.uncovered()] });
  }

  /** Declares a topic (and its dead-letter topic) with the profile's defaults and the overrides given. */
  public declare(topic: string, options: DeclareTopicOptions = {}): void {
    const d = kafkaTopicDefaults(this.props.profile);
    this.add(topic, false, merge(d.topic, options.settings));
    if (options.deadLetterTopic !== undefined) this.add(options.deadLetterTopic, true, merge(d.deadLetter, options.deadLetterSettings));
  }

  /** Every declared topic, sorted by name. */
  public get topics(): KafkaTopicDeclaration[] {
    return [...this.declared.values()].sort((a, b) => compareStrings(a.name, b.name));
  }

  /**
   * The topic manifest for managed Kafka: one entry per topic with the fields a `kafka_topic`
   * resource of the Mongey/kafka Terraform provider takes (`name`, `partitions`,
   * `replication_factor`, `config`), so the platform team's stack applies it with one `for_each`
   * (docs/kafka-topics.md). Deterministic: topics and config keys sorted.
   */
  public manifest(): { [key: string]: any } {
    return {
      pubsub: this.props.pubsub.componentName,
      brokers: this.props.pubsub.endpoints.map((e) => `${e.host}:${e.port}`),
      brokerAutoCreate: this.props.brokerAutoCreate ?? false,
      topics: this.topics.map((t) => ({
        name: t.name,
        dead_letter: t.deadLetter,
        partitions: t.settings.partitions,
        replication_factor: t.settings.replicationFactor,
        config: kafkaTopicConfig(t.settings),
      })),
    };
  }

  private add(name: string, deadLetter: boolean, settings: KafkaTopicSettings): void {
    const problems: string[] = [];
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..') problems.push(`topic name '${name}' is not a Kafka topic name: use letters, digits, '.', '_' and '-' (at most 249)`);
    if (!Number.isInteger(settings.partitions) || settings.partitions < 1) problems.push(`topic '${name}': partitions ${settings.partitions} is not a whole number >= 1`);
    if (!Number.isInteger(settings.replicationFactor) || settings.replicationFactor < 1) problems.push(`topic '${name}': replicationFactor ${settings.replicationFactor} is not a whole number >= 1`);
    if (settings.minInSyncReplicas > settings.replicationFactor) {
      problems.push(`topic '${name}': minInSyncReplicas ${settings.minInSyncReplicas} exceeds replicationFactor ${settings.replicationFactor}: no write with acks=all could succeed; use at most ${settings.replicationFactor}`);
    }
    if (settings.retention.toMilliseconds() < Duration.hours(1).toMilliseconds()) problems.push(`topic '${name}': retention under 1h loses messages a restarted consumer has not read; use e.g. Duration.days(1)`);
    const prev = this.declared.get(name);
    if (prev) problems.push(`topic '${name}' is declared twice: declare it once (a dead-letter topic shared by several topics with the first of them)`);
    this.errors.push(...problems.map((p) => `${p}.`));
    if (!prev) this.declared.set(name, { name, deadLetter, settings });
  }

  /** DAPR-TOPIC-001: the topics the graph uses that no declaration covers. */
  private uncovered(): string[] {
    if (this.props.brokerAutoCreate) return [];
    const pubsub = this.props.pubsub;
    const out: string[] = [];
    const fix = (t: string) => `declare it: topics.declare('${t}', ...) (or set brokerAutoCreate when the brokers create topics on first use)`;
    const subs = Chart.of(this).node.findAll().filter((c): c is DaprSubscription => c instanceof DaprSubscription && c.pubsub.componentName === pubsub.componentName)
      .sort((a, b) => compareStrings(a.node.path, b.node.path));
    for (const s of subs) {
      if (!this.declared.has(s.topic)) out.push(`DAPR-TOPIC-001: Subscription '${s.subscriptionName}' (${s.node.path}) reads topic '${s.topic}' of '${pubsub.componentName}', which no topic declaration covers and the brokers do not auto-create: ${fix(s.topic)}.`);
      if (s.deadLetterTopic !== undefined && !this.declared.has(s.deadLetterTopic)) {
        out.push(`DAPR-TOPIC-001: Subscription '${s.subscriptionName}' (${s.node.path}) dead-letters to '${s.deadLetterTopic}', which no topic declaration covers and the brokers do not auto-create: ${fix(s.deadLetterTopic)}.`);
      }
    }
    for (const [appId, topics] of Object.entries(pubsub.publishedTopics).sort(([a], [b]) => compareStrings(a, b))) {
      for (const t of topics) {
        if (!this.declared.has(t) && !subs.some((s) => s.deadLetterTopic === t)) {
          out.push(`DAPR-TOPIC-001: app '${appId}' publishes to '${t}' of '${pubsub.componentName}', which no topic declaration covers and the brokers do not auto-create: ${fix(t)}.`);
        }
      }
    }
    return out;
  }
}
