import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { KafkaTopicDeclaration } from '@dapr-platform/constructs';
import { kafkaTopicConfig } from '@dapr-platform/constructs/internal';

/** Props of {@link StrimziKafkaTopics}. */
export interface StrimziKafkaTopicsProps {
  /** The declared topics (`KafkaTopicCatalog.topics`). */
  readonly topics: KafkaTopicDeclaration[];
  /** Name of the Strimzi `Kafka` cluster (the `strimzi.io/cluster` label). */
  readonly clusterName: string;
  /** Namespace of the Kafka cluster: the Topic Operator watches only its own. */
  readonly namespace: string;
  /**
   * What the topics wait for (the Kafka cluster).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Strimzi 0.45 `KafkaTopic` (kafka.strimzi.io/v1beta2) for a declared topic. */
export function strimziKafkaTopic(t: KafkaTopicDeclaration, clusterName: string, namespace: string): { [key: string]: unknown } {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      // Kubernetes names allow no '_' or upper case: the topic name is spec.topicName.
      name: t.name.toLowerCase().replace(/[^a-z0-9.-]/g, '-'),
      namespace,
      labels: { 'strimzi.io/cluster': clusterName, 'app.kubernetes.io/managed-by': 'dapr-platform', ...(t.deadLetter ? { 'dapr-platform/dead-letter': 'true' } : {}) },
    },
    spec: {
      topicName: t.name,
      partitions: t.settings.partitions,
      replicas: t.settings.replicationFactor,
      config: kafkaTopicConfig(t.settings),
    },
  };
}

/**
 * The declared topics of an in-cluster (Strimzi) Kafka as `KafkaTopic` objects, applied by Terraform
 * next to the `Kafka` they belong to (the Strimzi Topic Operator creates them in Kafka). Like the
 * other Strimzi resources they are `kubernetes_manifest`s and need the Strimzi CRDs at plan time.
 */
export class StrimziKafkaTopics extends Construct {
  public readonly manifests: Manifest[];

  public constructor(scope: Construct, id: string, props: StrimziKafkaTopicsProps) {
    super(scope, id);
    this.manifests = props.topics.map((t) => new Manifest(this, t.name, {
      manifest: strimziKafkaTopic(t, props.clusterName, props.namespace),
      dependsOn: props.dependsOn,
    }));
  }
}
