/**
 * The payments platform's Terraform half, per environment: namespaces, the Dapr control plane,
 * Sentry's CA from Vault PKI (prod), Vault roles per app from the workload graph, Argo CD, and in
 * dev the one broker it runs in the cluster: Kafka (its PostgreSQL is managed everywhere).
 */
import { App } from 'cdktf';
import { DaprVersion, DaprWorkload } from '@dapr-platform/constructs';
import { DaprPlatformStack, HaDecision, RootCaSource } from '@dapr-platform/terraform';
import { APPS_NAMESPACE, DEV_BROKERS_NAMESPACE, DEV_KAFKA_CLUSTER, KUBERNETES_CA, KV_MOUNT, KV_PREFIX, PaymentsEnvironment, REPO_URL } from './environments';
import { PaymentsPlatform } from './platform';

export function addPaymentsStack(app: App, env: PaymentsEnvironment, platform: PaymentsPlatform, runningDaprVersion?: DaprVersion): DaprPlatformStack {
  const r = env.controlPlaneResources;
  const stack = new DaprPlatformStack(app, env.name, {
    profile: env.profile,
    daprVersion: env.daprVersion,
    runningDaprVersion,
    mtls: env.mtls,
    ha: env.ha ? HaDecision.ENABLED : HaDecision.DISABLED,
    kubeContext: env.clusterContext,
    schedulerStorageSize: env.ha ? '16Gi' : '1Gi',
    schedulerStorageClassName: env.ha ? 'ssd-retain' : 'standard',
    operatorResources: r,
    placementResources: r,
    schedulerResources: r,
    sentryResources: r,
    injectorResources: r,
    pkiRootSource: RootCaSource.CREATE,
    vaultAddress: env.vaultAddress,
    vaultKubernetesHost: env.kubernetesHost,
    vaultKubernetesCa: KUBERNETES_CA,
    kvMountPath: KV_MOUNT,
    appsNamespace: APPS_NAMESPACE,
    // Its own apps' Vault access and that of the apps declared elsewhere (refunds: the secrets of the components scoped to it).
    appSecretAccess: [...DaprWorkload.all(platform.chart).map((w) => w.secretAccess), ...platform.chart.externalAppSecretAccess].filter((a) => a.secretPaths.length > 0),
    argoRepoUrl: REPO_URL,
    argoTargetRevision: 'main',
    argoPath: `dist/${env.name}`,
    devKafka: env.kafka.inCluster,
    devBrokersNamespace: DEV_BROKERS_NAMESPACE,
    devKafkaClusterName: DEV_KAFKA_CLUSTER,
    devKafkaSecretName: `${KV_PREFIX}/kafka`,
    stateBucket: env.terraformState?.bucket,
    stateRegion: env.terraformState?.region,
    stateKmsKeyId: env.terraformState?.kmsKeyId,
  });
  // In-cluster Kafka (dev) creates no topic on first use: the declared topics as Strimzi KafkaTopics.
  stack.declareKafkaTopics(platform.topics.topics);
  return stack;
}
