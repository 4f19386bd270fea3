import { App } from 'cdktf';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { HaDecision } from '../constructs/terraform/dapr-control-plane';
import { DaprPlatformStack } from '../constructs/terraform/dapr-platform-stack';
import { RootCaSource } from '../constructs/terraform/sentry-trust-bundle';
import { DaprVersion } from '../constructs/model/dapr-version';
import { EnvironmentSpec } from './environments';
import { Platform } from './platform';

/**
 * Declares an environment's Terraform half from the same spec and the finished workload graph:
 * each app's Vault role and policy come from its `secretAccess`, the control plane's mTLS from
 * the same MtlsPolicy object as the app Configurations.
 */
export function addTerraformStack(app: App, env: EnvironmentSpec, platform: Platform, runningDaprVersion?: DaprVersion): DaprPlatformStack {
  const r = env.controlPlaneResources;
  // The in-cluster brokers' namespace, from their addresses (`<service>.<namespace>.svc...`).
  const inClusterHost = env.redis.inCluster ? env.redis.host : env.kafka.inCluster ? env.kafka.brokers[0] : undefined;
  const devBrokerNs = inClusterHost?.split('.')[1];
  const stack = new DaprPlatformStack(app, env.name, {
    profile: env.profile,
    daprVersion: env.daprVersion,
    runningDaprVersion,
    mtls: env.mtls,
    ha: env.ha ? HaDecision.ENABLED : HaDecision.DISABLED,
    kubeContext: env.clusterContext,
    schedulerStorageSize: env.schedulerStorage.size,
    schedulerStorageClassName: env.schedulerStorage.storageClassName,
    schedulerInMemoryStorage: env.schedulerStorage.inMemory || undefined,
    operatorResources: r,
    placementResources: r,
    schedulerResources: r,
    sentryResources: r,
    injectorResources: r,
    sentrySelfSigned: env.selfSignedSentryCa,
    pkiRootSource: RootCaSource.CREATE,
    pkiRootMountPath: env.vault.pkiRootMount,
    pkiIssuerMountPath: env.vault.pkiIntermediateMount,
    vaultAddress: env.vault.address,
    vaultKubernetesHost: env.vault.kubernetesHost,
    vaultKubernetesCa: env.vault.kubernetesCa,
    vaultAuthMountPath: env.vault.kubernetesAuthMount,
    kvMountPath: env.vault.kvMount,
    appsNamespace: env.appsNamespace,
    // The apps declared as living elsewhere (returns) log in with their own Vault role too.
    appSecretAccess: [...DaprWorkload.all(platform.chart).map((w) => w.secretAccess), ...platform.chart.externalAppSecretAccess].filter((a) => a.secretPaths.length > 0),
    argoRepoUrl: env.argo.repoUrl,
    argoTargetRevision: env.argo.targetRevision,
    argoPath: env.argo.path,
    devRedis: env.redis.inCluster,
    devKafka: env.kafka.inCluster,
    devBrokersNamespace: devBrokerNs,
    devKafkaClusterName: env.kafka.inCluster ? env.kafka.brokers[0].split('-kafka-bootstrap')[0] : undefined,
    stateBucket: env.terraformState?.bucket,
    stateRegion: env.terraformState?.region,
    stateKmsKeyId: env.terraformState?.kmsKeyId,
  });
  // In-cluster Kafka (dev) creates no topic on first use: the declared topics as Strimzi KafkaTopics.
  if (env.kafka.inCluster) stack.declareKafkaTopics(platform.topics.topics);
  return stack;
}
