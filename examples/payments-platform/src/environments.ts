/**
 * The payments platform's environments: everything that differs between dev and prod. This type is
 * the payments team's own; the library asks only for what it declares (`DaprChart`,
 * `DaprPlatformStack`). Its stores and brokers are what this platform runs: PostgreSQL state and
 * Kafka pub/sub, no Redis.
 */
import { Duration } from 'cdk8s';
import { DaprVersion, EnvironmentProfile, ExternalHost, MtlsPolicy, SecretRef } from '@dapr-platform/constructs';
import { ControlPlaneResources, KubernetesApiCa } from '@dapr-platform/terraform';

/** Where the ledger's PostgreSQL is (managed in every environment). */
export interface PostgresSpec {
  /** `host:port` of the server the connection string names. */
  readonly endpoint: string;
}

/** Where the environment's Kafka is. */
export interface KafkaSpec {
  /** Bootstrap brokers. */
  readonly brokers: string[];
  /** TLS to the brokers (SASL SCRAM-SHA-512 in every environment). */
  readonly tls: boolean;
  /** The platform runs Kafka itself in the cluster (Strimzi; dev). */
  readonly inCluster: boolean;
}

/** One environment of the payments platform. */
export interface PaymentsEnvironment {
  readonly name: string;
  readonly profile: EnvironmentProfile;
  readonly daprVersion: DaprVersion;
  readonly clusterContext: string;
  readonly ha: boolean;
  readonly mtls: MtlsPolicy;
  readonly vaultAddress: string;
  readonly kubernetesHost: string;
  readonly postgres: PostgresSpec;
  readonly kafka: KafkaSpec;
  readonly tracing: { readonly endpoint: string; readonly samplingRate: number; readonly isSecure: boolean; readonly collectorCa?: SecretRef; readonly plaintextReason?: string };
  /** Replicas per service and the HPA maximum (none: no autoscaling). */
  readonly replicas: number;
  readonly maxReplicas?: number;
  readonly externalHosts: ExternalHost[];
  readonly terraformState?: { readonly bucket: string; readonly region: string; readonly kmsKeyId: string };
  readonly controlPlaneResources?: ControlPlaneResources;
}

export const APPS_NAMESPACE = 'payments';
export const CONTROL_PLANE_NAMESPACE = 'dapr-control-plane';
/** Where dev's in-cluster Kafka runs, and its Strimzi cluster name. */
export const DEV_BROKERS_NAMESPACE = 'payments-brokers';
export const DEV_KAFKA_CLUSTER = 'payments-events';
/** The KV v2 mount and prefix of the platform's secrets (the Vault store's enginePath and vaultKvPrefix). */
export const KV_MOUNT = 'kv';
export const KV_PREFIX = 'payments';
export const REPO_URL = 'https://git.acmepay.example.com/platform/payments-platform.git';
/** Vault reaches the API server with the cluster CA it reads from kube-root-ca.crt. */
export const KUBERNETES_CA = KubernetesApiCa.fromClusterRootCaConfigMap();

const mtls = (trustDomain: string) =>
  new MtlsPolicy({
    enabled: true,
    workloadCertTtl: Duration.hours(12),
    allowedClockSkew: Duration.minutes(5),
    controlPlaneTrustDomain: trustDomain,
    controlPlaneNamespace: CONTROL_PLANE_NAMESPACE,
  });

export const DEV: PaymentsEnvironment = {
  name: 'dev',
  profile: EnvironmentProfile.DEV,
  daprVersion: DaprVersion.LATEST,
  clusterContext: 'acmepay-dev',
  ha: false,
  mtls: mtls('acmepay-dev.local'),
  vaultAddress: 'https://vault.dev.acmepay.example.com:8200',
  kubernetesHost: 'https://api.dev.k8s.acmepay.example.com:6443',
  postgres: { endpoint: 'ledger-db.dev.acmepay.example.com:5432' },
  kafka: { brokers: [`${DEV_KAFKA_CLUSTER}-kafka-bootstrap.${DEV_BROKERS_NAMESPACE}.svc.cluster.local:9092`], tls: false, inCluster: true },
  tracing: {
    endpoint: 'otel-collector.observability.svc.cluster.local:4317',
    samplingRate: 1,
    isSecure: false,
    plaintextReason: "dev's collector runs in the cluster without a certificate; dev holds test cards only",
  },
  replicas: 1,
  externalHosts: [
    { host: 'vault.dev.acmepay.example.com', cidrs: ['10.40.0.16/28'] },
    { host: 'ledger-db.dev.acmepay.example.com', cidrs: ['10.40.4.0/28'] },
  ],
};

export const PROD: PaymentsEnvironment = {
  name: 'prod',
  profile: EnvironmentProfile.PROD,
  daprVersion: DaprVersion.LATEST,
  clusterContext: 'acmepay-prod',
  ha: true,
  mtls: mtls('acmepay-prod.local'),
  vaultAddress: 'https://vault.prod.acmepay.example.com:8200',
  kubernetesHost: 'https://api.prod.k8s.acmepay.example.com:6443',
  postgres: { endpoint: 'ledger-db.prod.acmepay.example.com:5432' },
  kafka: { brokers: [0, 1, 2].map((i) => `kafka-${i}.prod.acmepay.example.com:9093`), tls: true, inCluster: false },
  tracing: {
    endpoint: 'otel-collector.observability.svc.cluster.local:4317',
    samplingRate: 0.05,
    isSecure: true,
    collectorCa: SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt'),
  },
  replicas: 3,
  maxReplicas: 12,
  externalHosts: [
    { host: 'vault.prod.acmepay.example.com', cidrs: ['10.50.0.16/28'] },
    { host: 'ledger-db.prod.acmepay.example.com', cidrs: ['10.50.4.0/28'] },
    ...[0, 1, 2].map((i) => ({ host: `kafka-${i}.prod.acmepay.example.com`, cidrs: [`10.50.12.${i * 64}/26`] })),
  ],
  terraformState: { bucket: 'acmepay-terraform-state', region: 'eu-west-1', kmsKeyId: 'alias/terraform-state' },
  controlPlaneResources: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '2' },
};

/** Every environment, in the order synth writes them. */
export const ENVIRONMENTS: PaymentsEnvironment[] = [DEV, PROD];
