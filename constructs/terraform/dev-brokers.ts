import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { EnvironmentProfile } from '@dapr-platform/constructs';
import { checkNamespace } from '@dapr-platform/constructs/internal';
import { checkMountPath } from './checks';
import { TerraformData } from './terraform-data';

/** Props of {@link DevBrokers}. */
export interface DevBrokersProps {
  /** Must be `EnvironmentProfile.DEV`: staging and prod use managed brokers. */
  readonly profile: EnvironmentProfile;
  /** Namespace of the brokers (created by {@link Namespaces}). */
  readonly namespace: string;
  /** Path of the KV v2 mount the credentials are written to (the Dapr Vault store's `enginePath`). */
  readonly kvMountPath: string;
  /**
   * Name of the Redis secret inside the KV mount, exactly as the staging/prod components read it
   * (`<prefix>/<name>`, e.g. `dapr/redis`; policy path `<mount>/data/<prefix>/<name>`).
   */
  readonly redisSecretName: string;
  /**
   * Key of the Redis password inside that secret (the key of the component's `redisPassword` secretKeyRef).
   * @default 'password'
   */
  readonly redisPasswordKey?: string;
  /** Name of the Kafka secret inside the KV mount, e.g. `dapr/kafka`. */
  readonly kafkaSecretName: string;
  /**
   * Key of the SASL user name inside the Kafka secret.
   * @default 'username'
   */
  readonly kafkaUsernameKey?: string;
  /**
   * Key of the SASL password inside the Kafka secret.
   * @default 'password'
   */
  readonly kafkaPasswordKey?: string;
  /**
   * Kafka user (SCRAM-SHA-512) the apps authenticate as.
   * @default 'dapr'
   */
  readonly kafkaUser?: string;
  /**
   * Name of the Kafka cluster (its bootstrap Service is `<name>-kafka-bootstrap`).
   * @default 'dev-kafka'
   */
  readonly kafkaClusterName?: string;
  /**
   * Bitnami `redis` chart version (oci://registry-1.docker.io/bitnamicharts).
   * @default '20.7.0'
   */
  readonly redisChartVersion?: string;
  /**
   * Strimzi operator chart version (https://strimzi.io/charts/).
   * @default '0.45.0'
   */
  readonly strimziChartVersion?: string;
  /**
   * Kafka version of the cluster (must be supported by the Strimzi version).
   * @default '3.9.0'
   */
  readonly kafkaVersion?: string;
  /**
   * Generation of the generated passwords; raise it to rotate both.
   * @default 1
   */
  readonly credentialGeneration?: number;
  /**
   * Cluster DNS domain, for the broker addresses.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Resources to create first (the namespace, the KV mount).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

const REDIS_AUTH_SECRET = 'dev-redis-auth';
const KAFKA_PASSWORD_SECRET = 'dev-kafka-user-password';

/** How both dev broker releases are installed: atomic, waited for, bounded history. */
const DEV_RELEASE_SETTINGS = { createNamespace: false, atomic: true, wait: true, timeout: 600, maxHistory: 5 } as const;

/**
 * Dev-only brokers: an in-cluster Redis (Bitnami chart) and Kafka (Strimzi operator chart, a
 * one-node KRaft cluster, a SCRAM-SHA-512 user), with their credentials written to Vault KV at the
 * same paths the staging/prod components read, so the same Dapr components work unchanged.
 *
 * Passwords: there is no `random` provider here and Vault's password generator is a read-only
 * endpoint the Vault provider cannot persist. Each password is generated once by Terraform
 * (`replace(uuid(), "-", "")`, 122 random bits, marked sensitive) inside a `terraform_data` whose
 * `input` changes are ignored, so it is created on the first apply and stable afterwards; raising
 * `credentialGeneration` replaces it. The code holds no literal secret; the value lives in Vault
 * (source of truth for the apps), in one Kubernetes Secret per broker (Bitnami `auth.existingSecret`,
 * Strimzi `KafkaUser` `password.valueFrom`) and in the (dev) Terraform state.
 *
 * The Kafka custom resources are `kubernetes_manifest`s, which need the Strimzi CRDs at plan time:
 * on a fresh cluster the first apply must target the Strimzi release first (docs/control-plane.md).
 */
export class DevBrokers extends Construct {
  /** Redis address for the `redisHost` component field. */
  public readonly redisHost: string;
  /** Kafka bootstrap address for the `brokers` component field. */
  public readonly kafkaBrokers: string;
  /** Vault policy path of the Redis secret (`<mount>/data/<name>`). */
  public readonly redisSecretPath: string;
  /** Vault policy path of the Kafka secret. */
  public readonly kafkaSecretPath: string;
  /** The Redis release. */
  public readonly redis: Release;
  /** The Strimzi operator release. */
  public readonly strimzi: Release;
  /** The Strimzi `Kafka` cluster (what its topics depend on). */
  public readonly kafkaCluster: Manifest;
  /** Name of the Strimzi `Kafka` cluster. */
  public readonly kafkaClusterName: string;
  /** Namespace of the brokers. */
  public readonly namespace: string;

  public constructor(scope: Construct, id: string, props: DevBrokersProps) {
    super(scope, id);
    const ns = props.namespace;
    const domain = props.clusterDomain ?? 'cluster.local';
    const redisKey = props.redisPasswordKey ?? 'password';
    const userKey = props.kafkaUsernameKey ?? 'username';
    const passKey = props.kafkaPasswordKey ?? 'password';
    const kafkaUser = props.kafkaUser ?? 'dapr';
    const kafkaCluster = props.kafkaClusterName ?? 'dev-kafka';
    const redisChart = props.redisChartVersion ?? '20.7.0';
    const strimziChart = props.strimziChartVersion ?? '0.45.0';
    const kafkaVersion = props.kafkaVersion ?? '3.9.0';
    const generation = props.credentialGeneration ?? 1;
    this.redisHost = `redis-master.${ns}.svc.${domain}:6379`;
    this.kafkaBrokers = `${kafkaCluster}-kafka-bootstrap.${ns}.svc.${domain}:9092`;
    this.redisSecretPath = `${props.kvMountPath}/data/${props.redisSecretName}`;
    this.kafkaSecretPath = `${props.kvMountPath}/data/${props.kafkaSecretName}`;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (props.profile !== EnvironmentProfile.DEV) {
          errors.push(`DevBrokers in a ${props.profile} environment: in-cluster brokers are for dev only; use the managed Redis and Kafka there.`);
        }
        const e1 = checkNamespace(ns);
        if (e1) errors.push(e1);
        const e2 = checkMountPath('kvMountPath', props.kvMountPath);
        if (e2) errors.push(e2);
        for (const [what, name] of [
          ['redisSecretName', props.redisSecretName],
          ['kafkaSecretName', props.kafkaSecretName],
        ] as const) {
          if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(name) || name.startsWith('data/') || name.startsWith(`${props.kvMountPath}/`)) {
            errors.push(`${what} '${name}' is not a secret name inside the KV mount: write '<prefix>/<name>' without the mount and 'data/', e.g. 'dapr/redis'.`);
          }
        }
        if (props.redisSecretName === props.kafkaSecretName) {
          errors.push(`redisSecretName and kafkaSecretName are both '${props.redisSecretName}': each broker needs its own secret.`);
        }
        for (const [what, key] of [
          ['redisPasswordKey', redisKey],
          ['kafkaUsernameKey', userKey],
          ['kafkaPasswordKey', passKey],
        ] as const) {
          if (!/^[A-Za-z0-9_.-]+$/.test(key)) errors.push(`${what} '${key}' is not a secret key: use e.g. 'password'.`);
        }
        if (userKey === passKey) errors.push(`kafkaUsernameKey and kafkaPasswordKey are both '${userKey}': use e.g. 'username' and 'password'.`);
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(kafkaCluster) || kafkaCluster.length > 40) {
          errors.push(`kafkaClusterName '${kafkaCluster}' is not a short DNS label: use e.g. 'events'.`);
        }
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(kafkaUser)) {
          errors.push(`kafkaUser '${kafkaUser}' is not a valid KafkaUser name: use lowercase letters, digits and '-', e.g. 'dapr'.`);
        }
        for (const [what, v] of [
          ['redisChartVersion', redisChart],
          ['strimziChartVersion', strimziChart],
          ['kafkaVersion', kafkaVersion],
        ] as const) {
          if (!/^\d+\.\d+\.\d+$/.test(v)) errors.push(`${what} '${v}' is not a pinned version: use an exact version, e.g. '1.2.3'.`);
        }
        if (!Number.isInteger(generation) || generation < 1) {
          errors.push(`credentialGeneration ${generation} is not a whole number >= 1: start at 1 and raise it to rotate.`);
        }
        return errors;
      },
    });

    const generated = (what: string) => {
      const record = new TerraformData(this, `${what}-password`, {
        input: { value: Fn.sensitive(Fn.replace(Fn.uuid(), '-', '')) },
        triggersReplace: { generation },
        lifecycle: { ignoreChanges: ['input'] },
      });
      return Token.asString(record.output.lookup('value'));
    };
    const labels = { 'app.kubernetes.io/managed-by': 'dapr-platform', 'app.kubernetes.io/part-of': 'dev-brokers' };

    // Redis
    const redisPassword = generated('redis');
    const redisAuth = new SecretV1(this, 'redis-auth', {
      metadata: { name: REDIS_AUTH_SECRET, namespace: ns, labels },
      data: { 'redis-password': redisPassword },
      type: 'Opaque',
      dependsOn: props.dependsOn,
    });
    this.redis = new Release(this, 'redis', {
      name: 'redis',
      chart: 'redis',
      repository: 'oci://registry-1.docker.io/bitnamicharts',
      version: redisChart,
      namespace: ns,
      ...DEV_RELEASE_SETTINGS,
      values: [
        stringify(
          {
            architecture: 'standalone',
            auth: { enabled: true, existingSecret: REDIS_AUTH_SECRET, existingSecretPasswordKey: 'redis-password' },
            master: { persistence: { enabled: false } },
          },
          { lineWidth: 0 },
        ),
      ],
      dependsOn: [redisAuth],
    });
    new KvSecretV2(this, 'redis-credentials', {
      mount: props.kvMountPath,
      name: props.redisSecretName,
      dataJson: Fn.jsonencode({ [redisKey]: redisPassword }),
      deleteAllVersions: true,
      dependsOn: props.dependsOn,
    });

    // Kafka
    this.strimzi = new Release(this, 'strimzi', {
      name: 'strimzi',
      chart: 'strimzi-kafka-operator',
      repository: 'https://strimzi.io/charts/',
      version: strimziChart,
      namespace: ns,
      ...DEV_RELEASE_SETTINGS,
      dependsOn: props.dependsOn,
    });
    const kafkaPassword = generated('kafka');
    const kafkaPasswordSecret = new SecretV1(this, 'kafka-user-password', {
      metadata: { name: KAFKA_PASSWORD_SECRET, namespace: ns, labels },
      data: { password: kafkaPassword },
      type: 'Opaque',
      dependsOn: props.dependsOn,
    });
    const clusterLabel = { 'strimzi.io/cluster': kafkaCluster };
    const nodePool = new Manifest(this, 'kafka-node-pool', {
      manifest: {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaNodePool',
        metadata: { name: 'dual-role', namespace: ns, labels: { ...labels, ...clusterLabel } },
        spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } },
      },
      dependsOn: [this.strimzi],
    });
    this.namespace = ns;
    this.kafkaClusterName = kafkaCluster;
    const kafka = new Manifest(this, 'kafka', {
      manifest: {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'Kafka',
        metadata: {
          name: kafkaCluster,
          namespace: ns,
          labels,
          annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
        },
        spec: {
          kafka: {
            version: kafkaVersion,
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
      dependsOn: [this.strimzi, nodePool],
    });
    this.kafkaCluster = kafka;
    new Manifest(this, 'kafka-user', {
      manifest: {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaUser',
        metadata: { name: kafkaUser, namespace: ns, labels: { ...labels, ...clusterLabel } },
        spec: {
          authentication: {
            type: 'scram-sha-512',
            password: { valueFrom: { secretKeyRef: { name: KAFKA_PASSWORD_SECRET, key: 'password' } } },
          },
        },
      },
      dependsOn: [kafka, kafkaPasswordSecret],
    });
    new KvSecretV2(this, 'kafka-credentials', {
      mount: props.kvMountPath,
      name: props.kafkaSecretName,
      dataJson: Fn.jsonencode({ [userKey]: kafkaUser, [passKey]: kafkaPassword }),
      deleteAllVersions: true,
      dependsOn: props.dependsOn,
    });
  }
}
