import { Duration } from 'cdk8s';
import { EnvironmentProfile, isStrict } from './profile';

/** Kafka `cleanup.policy` of a topic. */
export enum CleanupPolicy {
  /** Old segments are deleted after the retention (events). */
  DELETE = 'delete',
  /** Only the latest record per key is kept (state changelogs). */
  COMPACT = 'compact',
  /** Compacted, and deleted after the retention. */
  COMPACT_DELETE = 'compact,delete',
}

/** A topic's settings: what Kafka creates it with. */
export interface KafkaTopicSettings {
  /** Partitions (the upper bound of a consumer group's parallelism). */
  readonly partitions: number;
  /** Replicas of each partition. */
  readonly replicationFactor: number;
  /** `retention.ms`. */
  readonly retention: Duration;
  /** `cleanup.policy`. */
  readonly cleanupPolicy: CleanupPolicy;
  /** `min.insync.replicas` (acks=all writes fail below it). */
  readonly minInSyncReplicas: number;
}

/** Overrides of the profile's defaults, per topic. */
export interface KafkaTopicOverrides {
  /** @default the profile's partitions */
  readonly partitions?: number;
  /** @default the profile's replication factor */
  readonly replicationFactor?: number;
  /** @default the profile's retention (the dead-letter retention for a dead-letter topic) */
  readonly retention?: Duration;
  /** @default CleanupPolicy.DELETE */
  readonly cleanupPolicy?: CleanupPolicy;
  /** @default the profile's min.insync.replicas */
  readonly minInSyncReplicas?: number;
}

/** The defaults of an environment profile: event topics and dead-letter topics. */
export interface KafkaTopicDefaults {
  readonly topic: KafkaTopicSettings;
  readonly deadLetter: KafkaTopicSettings;
}

/**
 * Defaults per profile. Dev: one broker (Strimzi, ephemeral), so one replica; a day of events and a
 * week of dead letters. Strict profiles: three replicas with two in sync (a broker may be down
 * without losing acknowledged writes), a week of events and four weeks of dead letters, long enough
 * for a team to look at a failed delivery and replay it.
 */
export function kafkaTopicDefaults(profile: EnvironmentProfile): KafkaTopicDefaults {
  if (!isStrict(profile)) {
    const base = { partitions: 3, replicationFactor: 1, cleanupPolicy: CleanupPolicy.DELETE, minInSyncReplicas: 1 };
    return { topic: { ...base, retention: Duration.days(1) }, deadLetter: { ...base, partitions: 1, retention: Duration.days(7) } };
  }
  const base = { partitions: 6, replicationFactor: 3, cleanupPolicy: CleanupPolicy.DELETE, minInSyncReplicas: 2 };
  return { topic: { ...base, retention: Duration.days(7) }, deadLetter: { ...base, partitions: 3, retention: Duration.days(28) } };
}

/** One declared topic. */
export interface KafkaTopicDeclaration {
  /** The topic's name in Kafka. */
  readonly name: string;
  /** True for a dead-letter topic. */
  readonly deadLetter: boolean;
  readonly settings: KafkaTopicSettings;
}

/** The topic's Kafka configuration entries (`retention.ms`, `cleanup.policy`, `min.insync.replicas`), as strings. */
export function kafkaTopicConfig(s: KafkaTopicSettings): { [key: string]: string } {
  return {
    'cleanup.policy': s.cleanupPolicy,
    'min.insync.replicas': String(s.minInSyncReplicas),
    'retention.ms': String(s.retention.toMilliseconds()),
  };
}
