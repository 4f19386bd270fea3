import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentProfile } from '@dapr-platform/constructs';
import { checkNamespace } from '@dapr-platform/constructs/internal';
import { checkMountPath } from './checks';
import { DevBrokerScope } from './dev-broker-settings';
import { addDevKafka } from './dev-kafka';
import { addDevRedis } from './dev-redis';
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
   * Run Redis in the cluster (the platform declares a Redis component that dev points here).
   * @default false
   */
  readonly redis?: boolean;
  /**
   * Run Kafka in the cluster (the platform declares a Kafka pub/sub that dev points here).
   * @default false
   */
  readonly kafka?: boolean;
  /**
   * Name of the Redis secret inside the KV mount, exactly as the staging/prod components read it
   * (`<prefix>/<name>`; policy path `<mount>/data/<prefix>/<name>`).
   * @default 'dapr/redis'
   */
  readonly redisSecretName?: string;
  /**
   * Key of the Redis password inside that secret (the key of the component's `redisPassword` secretKeyRef).
   * @default 'password'
   */
  readonly redisPasswordKey?: string;
  /**
   * Name of the Kafka secret inside the KV mount.
   * @default 'dapr/kafka'
   */
  readonly kafkaSecretName?: string;
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

/**
 * Dev-only brokers, exactly those declared: an in-cluster Redis (Bitnami chart, `redis`) and/or
 * Kafka (Strimzi operator chart, a one-node KRaft cluster, a SCRAM-SHA-512 user, `kafka`), with
 * their credentials written to Vault KV at the same paths the staging/prod components read, so the
 * same Dapr components work unchanged.
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
  /** Redis address for the `redisHost` component field; undefined without `redis`. */
  public readonly redisHost?: string;
  /** Kafka bootstrap address for the `brokers` component field; undefined without `kafka`. */
  public readonly kafkaBrokers?: string;
  /** Vault policy path of the Redis secret (`<mount>/data/<name>`); undefined without `redis`. */
  public readonly redisSecretPath?: string;
  /** Vault policy path of the Kafka secret; undefined without `kafka`. */
  public readonly kafkaSecretPath?: string;
  /** The Redis release; undefined without `redis`. */
  public readonly redis?: Release;
  /** The Strimzi operator release; undefined without `kafka`. */
  public readonly strimzi?: Release;
  /** The Strimzi `Kafka` cluster (what its topics depend on); undefined without `kafka`. */
  public readonly kafkaCluster?: Manifest;
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
    const withRedis = props.redis ?? false;
    const withKafka = props.kafka ?? false;
    const redisSecretName = props.redisSecretName ?? 'dapr/redis';
    const kafkaSecretName = props.kafkaSecretName ?? 'dapr/kafka';
    this.namespace = ns;
    this.kafkaClusterName = kafkaCluster;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (props.profile !== EnvironmentProfile.DEV) {
          errors.push(`DevBrokers in a ${props.profile} environment: in-cluster brokers are for dev only; use the managed Redis and Kafka there.`);
        }
        if (!withRedis && !withKafka) {
          errors.push('DevBrokers declares no broker: set redis and/or kafka to the brokers the platform runs in the dev cluster, or drop DevBrokers.');
        }
        const e1 = checkNamespace(ns);
        if (e1) errors.push(e1);
        const e2 = checkMountPath('kvMountPath', props.kvMountPath);
        if (e2) errors.push(e2);
        for (const [what, name] of [
          ...(withRedis ? [['redisSecretName', redisSecretName] as const] : []),
          ...(withKafka ? [['kafkaSecretName', kafkaSecretName] as const] : []),
        ]) {
          if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(name) || name.startsWith('data/') || name.startsWith(`${props.kvMountPath}/`)) {
            errors.push(`${what} '${name}' is not a secret name inside the KV mount: write '<prefix>/<name>' without the mount and 'data/', e.g. 'dapr/redis'.`);
          }
        }
        if (withRedis && withKafka && redisSecretName === kafkaSecretName) {
          errors.push(`redisSecretName and kafkaSecretName are both '${redisSecretName}': each broker needs its own secret.`);
        }
        for (const [what, key] of [
          ...(withRedis ? [['redisPasswordKey', redisKey] as const] : []),
          ...(withKafka ? [['kafkaUsernameKey', userKey] as const, ['kafkaPasswordKey', passKey] as const] : []),
        ]) {
          if (!/^[A-Za-z0-9_.-]+$/.test(key)) errors.push(`${what} '${key}' is not a secret key: use e.g. 'password'.`);
        }
        if (withKafka && userKey === passKey) errors.push(`kafkaUsernameKey and kafkaPasswordKey are both '${userKey}': use e.g. 'username' and 'password'.`);
        if (withKafka && (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(kafkaCluster) || kafkaCluster.length > 40)) {
          errors.push(`kafkaClusterName '${kafkaCluster}' is not a short DNS label: use e.g. 'events'.`);
        }
        if (withKafka && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(kafkaUser)) {
          errors.push(`kafkaUser '${kafkaUser}' is not a valid KafkaUser name: use lowercase letters, digits and '-', e.g. 'dapr'.`);
        }
        for (const [what, v] of [
          ...(withRedis ? [['redisChartVersion', redisChart] as const] : []),
          ...(withKafka ? [['strimziChartVersion', strimziChart] as const, ['kafkaVersion', kafkaVersion] as const] : []),
        ]) {
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

    const brokers: DevBrokerScope = { namespace: ns, labels, kvMountPath: props.kvMountPath, generatedPassword: generated, dependsOn: props.dependsOn };
    if (withRedis) {
      this.redisHost = `redis-master.${ns}.svc.${domain}:6379`;
      this.redisSecretPath = `${props.kvMountPath}/data/${redisSecretName}`;
      this.redis = addDevRedis(this, brokers, { chartVersion: redisChart, secretName: redisSecretName, passwordKey: redisKey });
    }
    if (withKafka) {
      this.kafkaBrokers = `${kafkaCluster}-kafka-bootstrap.${ns}.svc.${domain}:9092`;
      this.kafkaSecretPath = `${props.kvMountPath}/data/${kafkaSecretName}`;
      const kafka = addDevKafka(this, brokers, {
        strimziChartVersion: strimziChart,
        kafkaVersion,
        clusterName: kafkaCluster,
        user: kafkaUser,
        secretName: kafkaSecretName,
        usernameKey: userKey,
        passwordKey: passKey,
      });
      this.strimzi = kafka.strimzi;
      this.kafkaCluster = kafka.kafkaCluster;
    }
  }
}
