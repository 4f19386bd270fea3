import { Duration } from 'cdk8s';
import { KafkaAuthType } from '../constructs/k8s/kafka-pub-sub';
import { ControlPlaneResources } from '../constructs/terraform/dapr-control-plane';
import { KubernetesApiCa } from '../constructs/terraform/kubernetes-api-ca';
import { DaprVersion } from '../constructs/model/dapr-version';
import { MtlsPolicy } from '../constructs/model/mtls-policy';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import type { ExternalHost } from '../constructs/k8s/dapr-chart';

/** Where the environment's Redis is. */
export interface RedisSpec {
  /** `host:port`. */
  readonly host: string;
  /** TLS to Redis (a managed TLS endpoint in staging and prod). */
  readonly tls: boolean;
  /** True when the platform runs Redis itself in the cluster (dev). */
  readonly inCluster: boolean;
}

/** Where the environment's Kafka is. */
export interface KafkaSpec {
  /** Bootstrap brokers. */
  readonly brokers: string[];
  /** Authentication (SASL over TLS in staging and prod). */
  readonly authType: KafkaAuthType;
  /** TLS to the brokers. */
  readonly tls: boolean;
  /** True when the platform runs Kafka itself in the cluster (dev). */
  readonly inCluster: boolean;
}

/** The Vault the environment uses for app secrets and the Sentry CA. */
export interface VaultSpec {
  /** Vault's address. */
  readonly address: string;
  /** KV v2 mount for app secrets. */
  readonly kvMount: string;
  /** Prefix under the KV mount where the platform's secrets live. */
  readonly kvPrefix: string;
  /** Mount of the Kubernetes auth method for this cluster (the agents log in at `auth/<mount>`). */
  readonly kubernetesAuthMount: string;
  /** The cluster's API server URL as Vault reaches it (Kubernetes auth verifies tokens there). */
  readonly kubernetesHost: string;
  /** The CA of that API server's certificate, which Vault verifies it with. */
  readonly kubernetesCa: KubernetesApiCa;
  /** PKI mount of the Sentry CA's root: a dedicated root per environment, created by the stack. */
  readonly pkiRootMount: string;
  /** PKI mount of Sentry's issuing intermediate. */
  readonly pkiIntermediateMount: string;
}

/** Replica counts and autoscaling bounds of the services. */
export interface SizesSpec {
  /** Replicas per service (the HPA minimum when autoscaling). */
  readonly replicas: number;
  /** HPA maximum; undefined for no autoscaling. */
  readonly maxReplicas?: number;
}

/** One environment: everything that differs between dev, staging and prod. */
export interface EnvironmentSpec {
  /** `dev`, `staging` or `prod`: the stack and the `dist/<name>` folder. */
  readonly name: string;
  /** How strict the environment is. */
  readonly profile: EnvironmentProfile;
  /** The Dapr release the cluster runs; every check reads its reference data. */
  readonly daprVersion: DaprVersion;
  /** kubeconfig context of the cluster. */
  readonly clusterContext: string;
  /** Namespace of the order-management services. */
  readonly appsNamespace: string;
  /** Namespace of the control plane. */
  readonly controlPlaneNamespace: string;
  /** HA control plane (fixed when the environment is created). */
  readonly ha: boolean;
  /** The environment's mTLS policy, read by both planes. */
  readonly mtls: MtlsPolicy;
  /** Sentry may generate its own CA (dev only). */
  readonly selfSignedSentryCa: boolean;
  readonly vault: VaultSpec;
  readonly redis: RedisSpec;
  readonly kafka: KafkaSpec;
  /**
   * OTLP collector (`host:port`), the fraction of requests traced, and TLS to it: staging and prod
   * verify the collector with its CA (a cert-manager certificate Secret's `ca.crt`, provided in the
   * apps' namespace); dev's in-cluster collector listens in plaintext, said explicitly.
   */
  readonly tracing: {
    readonly endpoint: string;
    readonly samplingRate: number;
    readonly isSecure: boolean;
    readonly collectorCa?: SecretRef;
    readonly plaintextReason?: string;
  };
  readonly sizes: SizesSpec;
  /** Scheduler (etcd) storage: class and size, pinned. */
  readonly schedulerStorage: { readonly storageClassName: string; readonly size: string; readonly inMemory: boolean };
  /** Argo CD: the repository and path it syncs. */
  readonly argo: { readonly repoUrl: string; readonly targetRevision: string; readonly path: string };
  /**
   * The address ranges of the hosts outside the cluster (Vault, managed Redis, Kafka brokers):
   * the apps' NetworkPolicy egress names them; staging and prod refuse an undeclared one.
   */
  readonly externalHosts: ExternalHost[];
  /** Namespaces allowed to reach services' app ports (ingress controller). */
  readonly ingressNamespaces: string[];
  /** Namespaces whose Prometheus scrapes the sidecars. */
  readonly monitoringNamespaces: string[];
  /**
   * Remote Terraform state (S3, encrypted): it holds the Sentry issuer key. Dev keeps local state.
   */
  readonly terraformState?: { readonly bucket: string; readonly region: string; readonly kmsKeyId?: string };
  /** Requests (and CPU limits) of each control-plane service; none in dev. */
  readonly controlPlaneResources?: ControlPlaneResources;
}

/** The collector's CA: `ca.crt` of the cert-manager certificate Secret the observability team provides in the apps' namespace. */
const OTEL_COLLECTOR_CA = SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt');
const REPO_URL = 'https://git.example.com/logistics/dapr-platform.git';
const CONTROL_PLANE_NAMESPACE = 'dapr-system';
const APPS_NAMESPACE = 'order-management';

const mtls = (trustDomain: string) =>
  new MtlsPolicy({
    enabled: true,
    workloadCertTtl: Duration.hours(24),
    allowedClockSkew: Duration.minutes(15),
    controlPlaneTrustDomain: trustDomain,
    controlPlaneNamespace: CONTROL_PLANE_NAMESPACE,
  });

const vault = (env: string): VaultSpec => ({
  address: `https://vault.${env}.logistics.example.com:8200`,
  kvMount: 'secret',
  kvPrefix: 'dapr',
  kubernetesAuthMount: `kubernetes-${env}`,
  kubernetesHost: `https://api.${env}.k8s.logistics.example.com:6443`,
  // Vault reaches the API server at its own endpoint, whose certificate the cluster CA signs: read
  // that CA from the cluster (kube-root-ca.crt) instead of copying it into the repository.
  kubernetesCa: KubernetesApiCa.fromClusterRootCaConfigMap(),
  // Not the corporate root: Dapr trusts everything chaining to its anchor, so a shared root would
  // let any PKI role under it that allows URI SANs mint SPIFFE IDs of this environment.
  pkiRootMount: `pki-dapr-${env}-root`,
  pkiIntermediateMount: `pki-dapr-${env}-sentry`,
});

/**
 * The managed services of staging and prod and the ranges they live in: Vault, Redis and one
 * subnet per Kafka broker, under the environment's /16 (`prefix`, e.g. '10.30').
 */
const managedHosts = (env: string, prefix: string): ExternalHost[] => [
  { host: `vault.${env}.logistics.example.com`, cidrs: [`${prefix}.0.16/28`] },
  { host: `orders-redis.${env}.logistics.example.com`, cidrs: [`${prefix}.8.0/28`] },
  ...[0, 1, 2].map((i) => ({ host: `kafka-${i}.${env}.logistics.example.com`, cidrs: [`${prefix}.12.${i * 64}/26`] })),
];

/** Dev: relaxed. No HA, in-cluster Redis and Kafka, Sentry may self-sign, everything traced. */
export const DEV: EnvironmentSpec = {
  name: 'dev',
  profile: EnvironmentProfile.DEV,
  daprVersion: DaprVersion.LATEST,
  clusterContext: 'logistics-dev',
  appsNamespace: APPS_NAMESPACE,
  controlPlaneNamespace: CONTROL_PLANE_NAMESPACE,
  ha: false,
  mtls: mtls('logistics-dev.local'),
  selfSignedSentryCa: true,
  vault: vault('dev'),
  redis: { host: 'redis-master.data.svc.cluster.local:6379', tls: false, inCluster: true },
  kafka: { brokers: ['events-kafka-bootstrap.data.svc.cluster.local:9092'], authType: KafkaAuthType.PASSWORD, tls: false, inCluster: true },
  tracing: {
    endpoint: 'otel-collector.observability.svc.cluster.local:4317',
    samplingRate: 1,
    isSecure: false,
    plaintextReason: "dev's collector runs in the cluster without a certificate; dev carries no customer data",
  },
  sizes: { replicas: 1 },
  schedulerStorage: { storageClassName: 'standard', size: '1Gi', inMemory: false },
  argo: { repoUrl: REPO_URL, targetRevision: 'main', path: 'dist/dev' },
  externalHosts: [{ host: 'vault.dev.logistics.example.com', cidrs: ['10.10.0.16/28'] }],
  ingressNamespaces: ['ingress-nginx'],
  monitoringNamespaces: ['monitoring'],
};

/** Staging: strict, like prod on smaller sizes. */
export const STAGING: EnvironmentSpec = {
  name: 'staging',
  profile: EnvironmentProfile.STAGING,
  daprVersion: DaprVersion.LATEST,
  clusterContext: 'logistics-staging',
  appsNamespace: APPS_NAMESPACE,
  controlPlaneNamespace: CONTROL_PLANE_NAMESPACE,
  ha: true,
  mtls: mtls('logistics-staging.local'),
  selfSignedSentryCa: false,
  vault: vault('staging'),
  redis: { host: 'orders-redis.staging.logistics.example.com:6380', tls: true, inCluster: false },
  kafka: {
    brokers: ['kafka-0.staging.logistics.example.com:9093', 'kafka-1.staging.logistics.example.com:9093', 'kafka-2.staging.logistics.example.com:9093'],
    authType: KafkaAuthType.PASSWORD,
    tls: true,
    inCluster: false,
  },
  tracing: { endpoint: 'otel-collector.observability.svc.cluster.local:4317', samplingRate: 0.25, isSecure: true, collectorCa: OTEL_COLLECTOR_CA },
  sizes: { replicas: 2, maxReplicas: 4 },
  schedulerStorage: { storageClassName: 'ssd-retain', size: '16Gi', inMemory: false },
  argo: { repoUrl: REPO_URL, targetRevision: 'main', path: 'dist/staging' },
  externalHosts: managedHosts('staging', '10.20'),
  ingressNamespaces: ['ingress-nginx'],
  monitoringNamespaces: ['monitoring'],
  terraformState: { bucket: 'logistics-terraform-state', region: 'eu-central-1', kmsKeyId: 'alias/terraform-state' },
  controlPlaneResources: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1' },
};

/** Prod: strict. HA, managed TLS Redis, SASL over TLS Kafka, a Vault PKI Sentry CA, 10% tracing. */
export const PROD: EnvironmentSpec = {
  name: 'prod',
  profile: EnvironmentProfile.PROD,
  daprVersion: DaprVersion.LATEST,
  clusterContext: 'logistics-prod',
  appsNamespace: APPS_NAMESPACE,
  controlPlaneNamespace: CONTROL_PLANE_NAMESPACE,
  ha: true,
  mtls: mtls('logistics-prod.local'),
  selfSignedSentryCa: false,
  vault: vault('prod'),
  redis: { host: 'orders-redis.prod.logistics.example.com:6380', tls: true, inCluster: false },
  kafka: {
    brokers: ['kafka-0.prod.logistics.example.com:9093', 'kafka-1.prod.logistics.example.com:9093', 'kafka-2.prod.logistics.example.com:9093'],
    authType: KafkaAuthType.PASSWORD,
    tls: true,
    inCluster: false,
  },
  tracing: { endpoint: 'otel-collector.observability.svc.cluster.local:4317', samplingRate: 0.1, isSecure: true, collectorCa: OTEL_COLLECTOR_CA },
  sizes: { replicas: 3, maxReplicas: 10 },
  schedulerStorage: { storageClassName: 'ssd-retain', size: '16Gi', inMemory: false },
  argo: { repoUrl: REPO_URL, targetRevision: 'main', path: 'dist/prod' },
  externalHosts: managedHosts('prod', '10.30'),
  ingressNamespaces: ['ingress-nginx'],
  monitoringNamespaces: ['monitoring'],
  terraformState: { bucket: 'logistics-terraform-state', region: 'eu-central-1', kmsKeyId: 'alias/terraform-state' },
  controlPlaneResources: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '2' },
};

/** Every environment, in the order synth writes them. */
export const ENVIRONMENTS: EnvironmentSpec[] = [DEV, STAGING, PROD];
