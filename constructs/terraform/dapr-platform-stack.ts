import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Duration } from 'cdk8s';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AppSecretAccess, DaprVersion, EnvironmentProfile, KafkaTopicDeclaration, MtlsPolicy } from '@dapr-platform/constructs';
import { isStrict } from '@dapr-platform/constructs/internal';
import { ArgoCdApplication } from './argocd-application';
import {
  ControlPlaneResources,
  DaprControlPlane,
  DaprLogLevel,
  DisruptionBudget,
  HaDecision,
  WebhookFailurePolicy,
} from './dapr-control-plane';
import { DevBrokers } from './dev-brokers';
import { KubernetesApiCa } from './kubernetes-api-ca';
import { Namespaces } from './namespaces';
import { RootCaSource, SentryTrustBundle } from './sentry-trust-bundle';
import { StrimziKafkaTopics } from './strimzi-kafka-topics';
import { VaultAgentInjector } from './vault-agent-injector';
import { VaultAppAccess } from './vault-app-access';

/** Props of {@link DaprPlatformStack}. The stack's id is the environment name (e.g. `prod`). */
export interface DaprPlatformStackProps {
  /** How strict the environment is. */
  readonly profile: EnvironmentProfile;
  /** The pinned Dapr version. */
  readonly daprVersion: DaprVersion;
  /**
   * The Dapr version the environment runs today (its committed version lock); the pinned one must
   * be a supported step from it (see `DaprControlPlaneProps.runningVersion`).
   * @default - none: a new environment
   */
  readonly runningDaprVersion?: DaprVersion;
  /** The environment's mTLS policy (shared with the cdk8s plane). Its `controlPlaneNamespace` is the control plane's namespace. */
  readonly mtls: MtlsPolicy;
  /** HA as decided when the environment was created. */
  readonly ha: HaDecision;
  /**
   * Change id under which HA of this existing environment changes (see `DaprControlPlaneProps.haChangeDecision`).
   * @default - none: HA must stay as created
   */
  readonly haChangeDecision?: string;
  /**
   * Replicas of operator, sentry and injector under HA.
   * @default 3
   */
  readonly haReplicaCount?: number;
  /**
   * PodDisruptionBudget of the control plane.
   * @default DisruptionBudget.minimumAvailable(2)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Kubeconfig file of the cluster (providers and the CRD step).
   * @default '~/.kube/config'
   */
  readonly kubeConfigPath?: string;
  /** Kubeconfig context of the environment's cluster. */
  readonly kubeContext: string;
  /** Scheduler volume size (always explicit; the live size on existing clusters). */
  readonly schedulerStorageSize: string;
  /**
   * Scheduler StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly schedulerStorageClassName?: string;
  /**
   * In-memory scheduler storage (dev only, Dapr >= 1.18).
   * @default false
   */
  readonly schedulerInMemoryStorage?: boolean;
  /**
   * Placement raft volume size (HA only).
   * @default '1Gi'
   */
  readonly placementStorageSize?: string;
  /**
   * Placement StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly placementStorageClassName?: string;
  /**
   * Operator resources (required in strict profiles).
   * @default - none
   */
  readonly operatorResources?: ControlPlaneResources;
  /**
   * Placement resources (required in strict profiles).
   * @default - none
   */
  readonly placementResources?: ControlPlaneResources;
  /**
   * Scheduler resources (required in strict profiles).
   * @default - none
   */
  readonly schedulerResources?: ControlPlaneResources;
  /**
   * Sentry resources (required in strict profiles).
   * @default - none
   */
  readonly sentryResources?: ControlPlaneResources;
  /**
   * Sidecar injector resources (required in strict profiles).
   * @default - none
   */
  readonly injectorResources?: ControlPlaneResources;
  /**
   * Node selector of the control plane.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * PriorityClass of the control plane.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * JSON logs.
   * @default true
   */
  readonly logAsJson?: boolean;
  /**
   * Log level of the control plane.
   * @default DaprLogLevel.INFO
   */
  readonly logLevel?: DaprLogLevel;
  /**
   * Injector webhook failure policy (`FAIL` required in strict profiles).
   * @default WebhookFailurePolicy.FAIL
   */
  readonly webhookFailurePolicy?: WebhookFailurePolicy;
  /**
   * Further Dapr chart values for keys no typed prop covers (checked against the pinned chart).
   * @default - none
   */
  readonly extraChartValues?: { [key: string]: any };
  /**
   * Let Sentry self-sign its CA instead of using Vault PKI (dev only).
   * @default - true in dev, false in staging and prod
   */
  readonly sentrySelfSigned?: boolean;
  /**
   * Where Sentry's root CA comes from. Strict profiles require `CREATE`: a dedicated root per
   * environment, never a shared (corporate) one.
   * @default RootCaSource.CREATE
   */
  readonly pkiRootSource?: RootCaSource;
  /**
   * Root PKI mount (created, or the existing corporate root with `RootCaSource.EXISTING_MOUNT`).
   * @default `pki-dapr-<env>-root`
   */
  readonly pkiRootMountPath?: string;
  /**
   * Issuer PKI mount.
   * @default `pki-dapr-<env>-issuer`
   */
  readonly pkiIssuerMountPath?: string;
  /**
   * Root lifetime (or the existing root's remaining validity).
   * @default Duration.days(3650) when created
   */
  readonly rootCaTtl?: Duration;
  /**
   * Issuer lifetime.
   * @default Duration.days(365)
   */
  readonly issuerCaTtl?: Duration;
  /**
   * Issuer generation; raise it to rotate the issuer.
   * @default 1
   */
  readonly issuerRotation?: number;
  /** Address of Vault, e.g. `https://vault.example.com:8200` (the operator's token comes from `VAULT_TOKEN`, never from code). */
  readonly vaultAddress: string;
  /** The cluster's API server URL as Vault reaches it. */
  readonly vaultKubernetesHost: string;
  /**
   * The CA Vault verifies the API server with (required in strict profiles).
   * @default - none: Vault's system trust store (dev only)
   */
  readonly vaultKubernetesCa?: KubernetesApiCa;
  /**
   * Kubernetes auth mount of this cluster, without `auth/` (the pods' auth path is `auth/<this>`).
   * @default `kubernetes-<env>`
   */
  readonly vaultAuthMountPath?: string;
  /**
   * KV v2 mount of the app secrets (the Dapr Vault store's `enginePath`).
   * @default 'secret'
   */
  readonly kvMountPath?: string;
  /**
   * Whether the stack creates the KV v2 mount at `kvMountPath`; `false` uses one that already
   * exists in Vault (see VaultAppAccessProps.createKvMount).
   * @default true
   */
  readonly createKvMount?: boolean;
  /**
   * Prefix of the per-app Vault policy names.
   * @default `dapr-<env>`
   */
  readonly vaultPolicyPrefix?: string;
  /**
   * Period of the app Vault tokens.
   * @default Duration.hours(1)
   */
  readonly appTokenTtl?: Duration;
  /**
   * Hard maximum life of the app Vault tokens (see `VaultAppAccessProps.tokenMaxTtl`).
   * @default Duration.days(30)
   */
  readonly appTokenMaxTtl?: Duration;
  /**
   * Namespace of the Vault Agent injector.
   * @default 'vault-injector'
   */
  readonly vaultInjectorNamespace?: string;
  /**
   * Replicas of the Vault Agent injector.
   * @default - 2 in staging and prod, 1 in dev
   */
  readonly vaultInjectorReplicas?: number;
  /** The environment's apps namespace. */
  readonly appsNamespace: string;
  /** Per app, the secrets it may read (from the workload graph). */
  readonly appSecretAccess: AppSecretAccess[];
  /** Git repository of the committed manifests. */
  readonly argoRepoUrl: string;
  /** Revision Argo CD follows. */
  readonly argoTargetRevision: string;
  /** Directory of this environment's manifests, e.g. `dist/prod`. */
  readonly argoPath: string;
  /**
   * Namespace of Argo CD.
   * @default 'argocd'
   */
  readonly argoNamespace?: string;
  /**
   * Run Redis in the cluster ({@link DevBrokers}, dev only): when the platform declares a Redis
   * component whose dev host is in the cluster.
   * @default false
   */
  readonly devRedis?: boolean;
  /**
   * Run Kafka in the cluster ({@link DevBrokers}, dev only): when the platform declares a Kafka
   * pub/sub whose dev brokers are in the cluster.
   * @default false
   */
  readonly devKafka?: boolean;
  /**
   * Namespace of the dev brokers.
   * @default 'dev-brokers'
   */
  readonly devBrokersNamespace?: string;
  /**
   * KV secret name (inside `kvMountPath`) the Redis components read; its key `password`.
   * @default 'dapr/redis'
   */
  readonly devRedisSecretName?: string;
  /**
   * KV secret name the Kafka components read; its keys `username` and `password`.
   * @default 'dapr/kafka'
   */
  readonly devKafkaSecretName?: string;
  /**
   * Name of the dev Kafka cluster (bootstrap `<name>-kafka-bootstrap.<devBrokersNamespace>.svc`).
   * @default 'dev-kafka'
   */
  readonly devKafkaClusterName?: string;
  /**
   * Local state file (dev), relative to `cdktf.out/stacks/<env>`.
   * @default `../../../terraform.<env>.tfstate` (the project root; keep `*.tfstate*` git-ignored)
   */
  readonly localStatePath?: string;
  /**
   * S3 bucket of the remote state (required in staging and prod; optional in dev).
   * @default - none
   */
  readonly stateBucket?: string;
  /**
   * Region of the state bucket.
   * @default - none (required with stateBucket)
   */
  readonly stateRegion?: string;
  /**
   * Key prefix of the state object (`<prefix>/<env>/terraform.tfstate`).
   * @default 'dapr-platform'
   */
  readonly stateKeyPrefix?: string;
  /**
   * KMS key encrypting the state object.
   * @default - the bucket's default SSE (still `encrypt: true`)
   */
  readonly stateKmsKeyId?: string;
  /**
   * DynamoDB table for state locking.
   * @default - S3 native locking (`use_lockfile`, Terraform >= 1.10)
   */
  readonly stateLockTable?: string;
}

/**
 * The cluster-level half of one environment, applied with `cdktf deploy`: providers (kubernetes,
 * helm, vault), the state backend, namespaces, Sentry's CA from Vault PKI, the Dapr control plane
 * (CRDs, then the chart), Vault access of the apps (Kubernetes auth, KV, per-app policy and role,
 * the Vault Agent injector), the Argo CD Application that syncs the cdk8s output, and in dev the
 * in-cluster brokers the platform declares (`devRedis`, `devKafka`). The stack's id is the environment name.
 *
 * Stateful resources (PKI and KV mounts, namespaces) get `prevent_destroy` in prod.
 */
export class DaprPlatformStack extends TerraformStack {
  /** The environment name (the stack id). */
  public readonly environment: string;
  /** The Dapr release the control plane installs (`DaprPlatformStackProps.daprVersion`). */
  public readonly daprVersion: DaprVersion;
  /** The environment's namespaces. */
  public readonly namespaces: Namespaces;
  /** Sentry's CA from Vault PKI; undefined when Sentry self-signs (dev). */
  public readonly sentryTrustBundle?: SentryTrustBundle;
  /** The Dapr control plane (CRDs and the Helm release). */
  public readonly controlPlane: DaprControlPlane;
  /** Vault access of the apps (Kubernetes auth, KV mount, per-app policy and role). */
  public readonly vaultAppAccess: VaultAppAccess;
  /** The Vault Agent injector. */
  public readonly vaultAgentInjector: VaultAgentInjector;
  /** The Argo CD Application that syncs the environment's manifests. */
  public readonly argoApplication: ArgoCdApplication;
  /** The in-cluster brokers (dev only): undefined unless `devRedis` or `devKafka`. */
  public readonly devBrokers?: DevBrokers;

  private prepared = false;
  private rendering?: { [key: string]: any };

  public constructor(scope: Construct, id: string, props: DaprPlatformStackProps) {
    super(scope, id);
    const env = id;
    this.environment = env;
    this.daprVersion = props.daprVersion;
    const profile = props.profile;
    const strict = isStrict(profile);
    const prod = profile === EnvironmentProfile.PROD;
    const kubeConfigPath = props.kubeConfigPath ?? '~/.kube/config';
    const selfSigned = props.sentrySelfSigned ?? !strict;
    const withBrokers = (props.devRedis ?? false) || (props.devKafka ?? false);
    const injectorNs = props.vaultInjectorNamespace ?? 'vault-injector';
    const brokersNs = props.devBrokersNamespace ?? 'dev-brokers';
    const controlPlaneNs = props.mtls.controlPlaneNamespace;

    this.node.addValidation({
      validate: () => {
        const errors: string[] = [];
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(env) || env.length > 30) {
          errors.push(`environment name (stack id) '${env}' is not a short DNS label: use e.g. 'prod' or 'staging-eu'.`);
        }
        if (strict && !props.stateBucket) {
          errors.push(`no stateBucket in a ${profile} environment: its state holds the Sentry issuer key; set stateBucket and stateRegion (S3, encrypted).`);
        }
        if (props.stateBucket && !props.stateRegion) {
          errors.push(`stateBucket '${props.stateBucket}' has no stateRegion: set the bucket's region, e.g. 'eu-central-1'.`);
        }
        if (strict && !selfSigned && props.pkiRootSource === RootCaSource.EXISTING_MOUNT) {
          errors.push(
            `pkiRootSource is RootCaSource.EXISTING_MOUNT ('${props.pkiRootMountPath ?? `pki-dapr-${env}-root`}') in a ${profile} environment: Dapr trusts every certificate chaining to its trust anchor, so any other PKI role under a shared (e.g. corporate) root that allows URI SANs could mint another app's SPIFFE ID. Give Sentry a dedicated root per environment: drop pkiRootSource (RootCaSource.CREATE).`,
          );
        }
        if (selfSigned && strict) {
          errors.push(`sentrySelfSigned is true in a ${profile} environment: strict profiles bring their own CA from Vault PKI; drop sentrySelfSigned.`);
        }
        return errors;
      },
    });

    // Providers: the prebuilt providers put `required_providers` (exact version) into the output,
    // but the helm and kubernetes ones register the legacy short source ("helm"); spell every
    // source out in full so `terraform init` never guesses.
    new KubernetesProvider(this, 'kubernetes', { configPath: kubeConfigPath, configContext: props.kubeContext });
    new HelmProvider(this, 'helm', { kubernetes: { configPath: kubeConfigPath, configContext: props.kubeContext } });
    new VaultProvider(this, 'vault', { address: props.vaultAddress });
    for (const name of ['kubernetes', 'helm', 'vault']) {
      this.addOverride(`terraform.required_providers.${name}.source`, `registry.terraform.io/hashicorp/${name}`);
    }

    if (props.stateBucket) {
      const backend = new S3Backend(this, {
        bucket: props.stateBucket,
        key: `${props.stateKeyPrefix ?? 'dapr-platform'}/${env}/terraform.tfstate`,
        region: props.stateRegion,
        encrypt: true,
        kmsKeyId: props.stateKmsKeyId,
        dynamodbTable: props.stateLockTable,
      });
      if (!props.stateLockTable) backend.addOverride('use_lockfile', true);
    } else if (!strict) {
      new LocalBackend(this, { path: props.localStatePath ?? `../../../terraform.${env}.tfstate` });
    }

    this.namespaces = new Namespaces(this, 'namespaces', {
      controlPlaneNamespace: controlPlaneNs,
      appsNamespace: props.appsNamespace,
      platformNamespaces: withBrokers ? [injectorNs, brokersNs] : [injectorNs],
      preventDestroy: prod,
    });

    if (!selfSigned) {
      this.sentryTrustBundle = new SentryTrustBundle(this, 'sentry-trust-bundle', {
        trustDomain: props.mtls.controlPlaneTrustDomain,
        rootCaSource: props.pkiRootSource,
        rootMountPath: props.pkiRootMountPath ?? `pki-dapr-${env}-root`,
        issuerMountPath: props.pkiIssuerMountPath ?? `pki-dapr-${env}-issuer`,
        rootTtl: props.rootCaTtl,
        issuerTtl: props.issuerCaTtl,
        rotation: props.issuerRotation,
        preventDestroy: prod,
      });
    }

    this.controlPlane = new DaprControlPlane(this, 'dapr-control-plane', {
      profile,
      daprVersion: props.daprVersion,
      runningVersion: props.runningDaprVersion,
      mtls: props.mtls,
      ha: props.ha,
      haChangeDecision: props.haChangeDecision,
      haReplicaCount: props.haReplicaCount,
      disruptionBudget: props.disruptionBudget,
      namespace: controlPlaneNs,
      sentryCa: this.sentryTrustBundle,
      logAsJson: props.logAsJson,
      logLevel: props.logLevel,
      nodeSelector: props.nodeSelector,
      priorityClassName: props.priorityClassName,
      operatorResources: props.operatorResources,
      placementResources: props.placementResources,
      schedulerResources: props.schedulerResources,
      sentryResources: props.sentryResources,
      injectorResources: props.injectorResources,
      webhookFailurePolicy: props.webhookFailurePolicy,
      schedulerStorageSize: props.schedulerStorageSize,
      schedulerStorageClassName: props.schedulerStorageClassName,
      schedulerInMemoryStorage: props.schedulerInMemoryStorage,
      placementStorageSize: props.placementStorageSize,
      placementStorageClassName: props.placementStorageClassName,
      extraValues: props.extraChartValues,
      kubeConfigPath,
      kubeContext: props.kubeContext,
      dependsOn: [this.namespaces.controlPlane],
    });

    this.vaultAppAccess = new VaultAppAccess(this, 'vault-app-access', {
      profile,
      apps: props.appSecretAccess,
      kubernetesHost: props.vaultKubernetesHost,
      kubernetesCa: props.vaultKubernetesCa,
      tokenReviewerNamespace: injectorNs,
      dependsOn: [this.namespaces.platform[injectorNs]],
      tokenMaxTtl: props.appTokenMaxTtl,
      authMountPath: props.vaultAuthMountPath ?? `kubernetes-${env}`,
      kvMountPath: props.kvMountPath,
      createKvMount: props.createKvMount,
      policyPrefix: props.vaultPolicyPrefix ?? `dapr-${env}`,
      tokenTtl: props.appTokenTtl,
      preventDestroy: prod,
    });

    this.vaultAgentInjector = new VaultAgentInjector(this, 'vault-agent-injector', {
      profile,
      vaultAddress: props.vaultAddress,
      namespace: injectorNs,
      authMountPath: this.vaultAppAccess.authMountPath,
      replicas: props.vaultInjectorReplicas ?? (strict ? 2 : 1),
      dependsOn: [this.namespaces.platform[injectorNs]],
    });

    this.argoApplication = new ArgoCdApplication(this, 'argocd-application', {
      name: `dapr-platform-${env}`,
      repoUrl: props.argoRepoUrl,
      targetRevision: props.argoTargetRevision,
      path: props.argoPath,
      destinationNamespace: props.appsNamespace,
      controlPlaneNamespace: controlPlaneNs,
      argoNamespace: props.argoNamespace,
      dependsOn: [this.namespaces.apps, this.controlPlane.release, this.vaultAgentInjector.release],
    });

    if (withBrokers) {
      this.devBrokers = new DevBrokers(this, 'dev-brokers', {
        profile,
        namespace: brokersNs,
        kvMountPath: this.vaultAppAccess.kvMountPath,
        redis: props.devRedis,
        kafka: props.devKafka,
        redisSecretName: props.devRedisSecretName ?? 'dapr/redis',
        kafkaSecretName: props.devKafkaSecretName ?? 'dapr/kafka',
        kafkaClusterName: props.devKafkaClusterName,
        clusterDomain: props.mtls.clusterDomain,
        dependsOn: [this.namespaces.platform[brokersNs], ...(this.vaultAppAccess.kvMount ? [this.vaultAppAccess.kvMount] : [])],
      });
    }
  }

  /**
   * Declares the platform's Kafka topics (`KafkaTopicCatalog.topics`) where this stack applies them:
   * as Strimzi KafkaTopics next to the in-cluster Kafka (`devKafka`), created after it. Managed
   * Kafka gets no Terraform objects: the platform team's tooling applies the same declarations
   * (`dist/<env>/kafka-topics.json`). Returns the KafkaTopics, or undefined for managed Kafka.
   */
  public declareKafkaTopics(topics: KafkaTopicDeclaration[]): StrimziKafkaTopics | undefined {
    const brokers = this.devBrokers;
    if (!brokers?.kafkaCluster) return undefined;
    return new StrimziKafkaTopics(brokers, 'topics', {
      topics,
      clusterName: brokers.kafkaClusterName,
      namespace: brokers.namespace,
      dependsOn: [brokers.kafkaCluster],
    });
  }

  /**
   * Prepares the stack for rendering as `App.synth()` does (state backend, cross-stack
   * references), once: a second call finds nothing left to prepare.
   */
  public prepareStack(): void {
    if (this.prepared) return;
    super.prepareStack();
    this.prepared = true;
  }

  /**
   * The stack's Terraform JSON, rendered once. Synth checks this object with the policy engine and
   * `App.synth()` writes the same object, instead of resolving every token of the stack a second
   * time. The first call prepares the stack and locks its construct tree, so nothing can be added
   * to a stack after it was rendered (adding throws).
   */
  public toTerraform(): any {
    if (this.rendering === undefined) {
      this.prepareStack();
      this.rendering = super.toTerraform();
      this.node.lock();
    }
    return this.rendering;
  }
}
