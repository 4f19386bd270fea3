import { Chart, Duration, Lazy, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { AppSecretAccess } from '../model/app-secret-access';
import { IDaprApp } from '../model/dapr-app';
import { checkAppId, checkNamespace } from '../model/names';
import { notANumber } from '../model/number-guard';
import { isStrict } from '../model/profile';
import { SecretRef } from '../model/secret-ref';
import { DaprChart, DaprSettings } from './dapr-chart';
import { ComponentEndpoint, IDaprComponent, IPubSub, IStateStore } from './dapr-component';
import { AccessAction, FeatureFlag, InvocationOperation, MtlsConfiguration, TracingOptions } from './mtls-configuration';
import { cpuMillis, goMemLimit, memoryQuantity, ResourceSize } from './resource-size';
import { BulkSubscribeOptions, DaprSubscription, SubscriptionRule } from './subscription';
import { isVaultAgentStore, IVaultAgentSecretStore, VAULT_AGENT_TOKEN_DIR } from './vault-secret-store';

/** How the app talks to its sidecar (`dapr.io/app-protocol`). */
export enum AppProtocol {
  /** HTTP/1.1. */
  HTTP = 'http',
  /** gRPC (HTTP/2 with TLS off). */
  GRPC = 'grpc',
  /** HTTP/1.1 over TLS. */
  HTTPS = 'https',
  /** gRPC over TLS. */
  GRPCS = 'grpcs',
  /** HTTP/2 without TLS (cleartext). */
  H2C = 'h2c',
}

/** daprd log level (`dapr.io/log-level`). */
export enum LogLevel {
  /** Debug. */
  DEBUG = 'debug',
  /** Info (Dapr's default). */
  INFO = 'info',
  /** Warnings and worse. */
  WARN = 'warn',
  /** Errors only. */
  ERROR = 'error',
}

/** What the workload is, which sets grace periods, sidecar size and what it needs in scope. */
export enum WorkloadRole {
  /** An ordinary service. */
  SERVICE = 'service',
  /** Hosts actors: exactly one actor state store in scope, longer grace period, bigger sidecar. */
  ACTOR_HOST = 'actor-host',
  /** Hosts workflows (which run on actors): as ACTOR_HOST, plus bounded concurrency. */
  WORKFLOW_HOST = 'workflow-host',
}

/** Settings every workload of an environment shares (the app Configuration's non-graph part). */
export interface WorkloadConfigurationDefaults {
  /**
   * Tracing for the workload's Configuration.
   * @default - no tracing
   */
  readonly tracing?: TracingOptions;
  /**
   * Sidecar metrics.
   * @default true
   */
  readonly metricsEnabled?: boolean;
  /**
   * Feature flags.
   * @default - none
   */
  readonly features?: FeatureFlag[];
}

/** Props of {@link DaprWorkload}. */
export interface DaprWorkloadProps {
  /** The Dapr app-id: a DNS-1123 label of at most 58 characters, unique in the namespace. Also the Deployment's name. */
  readonly appId: string;
  /** The app image, pinned by tag or digest (`latest` is refused). */
  readonly image: string;
  /**
   * Namespace.
   * @default - the enclosing chart's namespace
   */
  readonly namespace?: string;
  /**
   * What the workload is.
   * @default WorkloadRole.SERVICE
   */
  readonly role?: WorkloadRole;
  /**
   * Port the app listens on (`dapr.io/app-port`), also used for its probes.
   * @default - no app channel: the app only calls Dapr and gets no calls or events
   */
  readonly appPort?: number;
  /**
   * App protocol (`dapr.io/app-protocol`).
   * @default AppProtocol.HTTP
   */
  readonly appProtocol?: AppProtocol;
  /**
   * Replicas; without autoscaling the fixed count, with it the minimum.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Upper bound of a HorizontalPodAutoscaler on CPU and memory.
   * @default - no autoscaling
   */
  readonly maxReplicas?: number;
  /**
   * HPA target average CPU utilisation, percent of the request.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /**
   * HPA target average memory utilisation, percent of the request.
   * @default 80
   */
  readonly targetMemoryUtilization?: number;
  /**
   * How long the HPA waits before scaling down.
   * @default Duration.minutes(5)
   */
  readonly scaleDownStabilization?: Duration;
  /**
   * App container resources.
   * @default ResourceSize.APP_SMALL
   */
  readonly resources?: ResourceSize;
  /**
   * daprd resources (`dapr.io/sidecar-*-request/limit`); GOMEMLIMIT is derived from the memory limit.
   * @default ResourceSize.SIDECAR_DEFAULT, or SIDECAR_ACTOR_HOST for actor and workflow hosts
   */
  readonly sidecarResources?: ResourceSize;
  /**
   * Liveness probe path on the app port.
   * @default '/healthz'
   */
  readonly livenessPath?: string;
  /**
   * Readiness probe path on the app port.
   * @default '/healthz'
   */
  readonly readinessPath?: string;
  /**
   * The non-root user the app runs as.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Pod termination grace period.
   * @default 30 seconds; 60 for actor and workflow hosts
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * daprd log level.
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;
  /**
   * daprd API logging (`dapr.io/enable-api-logging`).
   * @default false
   */
  readonly enableApiLogging?: boolean;
  /**
   * daprd metrics port.
   * @default 9090
   */
  readonly metricsPort?: number;
  /**
   * The Kubernetes Secret (key `token`) holding the Dapr API token (`dapr.io/api-token-secret`). Required in staging and prod.
   * @default - no API token
   */
  readonly apiTokenSecret?: SecretRef;
  /**
   * Largest request/response body daprd accepts (`dapr.io/max-body-size`).
   * @default - Dapr's default (4Mi)
   */
  readonly maxBodySize?: Size;
  /**
   * Largest header block daprd reads (`dapr.io/read-buffer-size`).
   * @default - Dapr's default (4Ki)
   */
  readonly readBufferSize?: Size;
  /**
   * Most concurrent calls daprd sends into the app (`dapr.io/app-max-concurrency`).
   * @default - unlimited; 10 for workflow hosts
   */
  readonly appMaxConcurrency?: number;
  /**
   * daprd's app health checks on the app port (`dapr.io/enable-app-health-check` and the probe settings).
   * @default true when there is an app port
   */
  readonly appHealthCheck?: boolean;
  /**
   * Inject daprd as a Kubernetes native sidecar (`dapr.io/enable-native-sidecar`, Dapr 1.18+).
   * @default - the control plane's default
   */
  readonly nativeSidecar?: boolean;
  /**
   * Create a ClusterIP Service for the app port (for callers outside Dapr, e.g. an ingress).
   * @default false
   */
  readonly service?: boolean;
  /**
   * Namespaces (by name) allowed to reach the app port directly, e.g. the ingress controller's.
   * @default - none: the app port is reached only by its own sidecar
   */
  readonly ingressNamespaces?: string[];
  /**
   * Namespaces (by name) whose Prometheus may scrape daprd's metrics port.
   * @default - none
   */
  readonly monitoringNamespaces?: string[];
  /**
   * Use this Configuration instead of the workload's own. The graph's access control then goes into it.
   * @default - the workload gets its own Configuration named after the app-id
   */
  readonly configuration?: MtlsConfiguration;
  /**
   * Settings of the workload's own Configuration.
   * @default - no tracing, metrics on, no feature flags
   */
  readonly configurationDefaults?: WorkloadConfigurationDefaults;
  /**
   * The Vault role the workload's Vault Agent logs in as.
   * @default - the app-id
   */
  readonly vaultRole?: string;
  /**
   * Environment variables of the app container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
}

/** Options of {@link DaprWorkload.subscribe}. */
export interface SubscribeOptions {
  /** The app path that receives the events. */
  readonly route: string;
  /**
   * Routing rules tried before the route.
   * @default - none
   */
  readonly rules?: SubscriptionRule[];
  /**
   * Dead-letter topic; the subscriber's sidecar may publish to it.
   * @default - none
   */
  readonly deadLetterTopic?: string;
  /**
   * Bulk delivery.
   * @default - one event per delivery
   */
  readonly bulkSubscribe?: BulkSubscribeOptions;
  /**
   * The Subscription's name.
   * @default '<app-id>-<topic>' with dots replaced by dashes
   */
  readonly name?: string;
}

/** One invocation edge. */
export interface InvocationEdge {
  /** The calling workload. */
  readonly caller: DaprWorkload;
  /** The workload invoked. */
  readonly callee: DaprWorkload;
  /** The operations the caller may invoke. */
  readonly operations: InvocationOperation[];
}

/** One invocation edge to or from an app declared elsewhere (see {@link DaprWorkload.invokesApp}, {@link DaprWorkload.allowsInvocationFrom}). */
export interface ExternalInvocationEdge {
  /** The workload of this app on the edge (the caller for `invokesApp`, the callee for `allowsInvocationFrom`). */
  readonly workload: DaprWorkload;
  /** The app declared elsewhere. */
  readonly app: IDaprApp;
  /** The operations invoked. */
  readonly operations: InvocationOperation[];
  /** True if the edge was declared as crossing namespaces. */
  readonly crossNamespace: boolean;
}

/** One topic edge. */
export interface TopicEdge {
  /** The publishing workload. */
  readonly app: DaprWorkload;
  /** The pub/sub the topic lives in. */
  readonly pubsub: IPubSub;
  /** The topic. */
  readonly topic: string;
}

/** The app container's name. */
export const APP_CONTAINER = 'app';
const VAULT_TOKEN_VOLUME = 'dapr-vault-token';
const DAPR_INTERNAL_GRPC_PORT = 50002;
const DAPR_CONTROL_PLANE_PORTS = [443, 50001, 50005, 50006, 6500];

const REGISTRY = Symbol.for('dapr-platform.DaprWorkload.registry');
/** Per root: the workloads by namespace, then app-id, in construction order (keeps the duplicate check linear). */
const BY_APP_ID = Symbol.for('dapr-platform.DaprWorkload.byAppId');

/**
 * A Dapr-enabled service: Deployment, ServiceAccount, its own Configuration, and optionally a
 * Service, PodDisruptionBudget, HorizontalPodAutoscaler. Its graph methods (`invokes`, `uses`,
 * `publishes`, `subscribe`) derive what must agree with it: the callee's access control, the
 * components' scopes and topic grants, Subscriptions, NetworkPolicies and the Vault paths it may read.
 */
export class DaprWorkload extends Construct implements IDaprApp {
  /** Every DaprWorkload below a scope, in construction order. */
  public static all(scope: IConstruct): DaprWorkload[] {
    const registry = (scope.node.root as unknown as { [REGISTRY]?: DaprWorkload[] })[REGISTRY] ?? [];
    const prefix = scope.node.path;
    return registry.filter((w) => prefix === '' || w.node.path === prefix || w.node.path.startsWith(`${prefix}/`));
  }

  public readonly appId: string;
  public readonly namespace: string;
  /** What the workload is (service, actor host, workflow host). */
  public readonly role: WorkloadRole;
  /** The Configuration its sidecar reads (`dapr.io/config`): its own, or the one passed in props. */
  public readonly configuration: MtlsConfiguration;
  /** The ServiceAccount its pods run as (named after the app-id). */
  public readonly serviceAccountName: string;
  /** The Vault role its Vault Agent logs in as. */
  public readonly vaultRole: string;
  /** daprd's requests and limits. */
  public readonly sidecarResources: ResourceSize;
  /** The app container's requests and limits. */
  public readonly resources: ResourceSize;
  /** Replicas; the HPA minimum when autoscaling. */
  public readonly replicas: number;
  /** The HPA maximum; undefined without autoscaling. */
  public readonly maxReplicas?: number;
  /** Labels that select this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  private readonly props: DaprWorkloadProps;
  private readonly settings: DaprSettings;
  private readonly usedComponents = new Map<string, IDaprComponent>();
  private readonly outgoing: InvocationEdge[] = [];
  private readonly incoming: InvocationEdge[] = [];
  private readonly crossNamespaceCallees = new Set<DaprWorkload>();
  private readonly externalOutgoing: ExternalInvocationEdge[] = [];
  private readonly externalIncoming: ExternalInvocationEdge[] = [];
  private readonly publishEdges: TopicEdge[] = [];
  private readonly subscriptionList: DaprSubscription[] = [];
  private readonly declaredSecrets: SecretRef[] = [];

  public constructor(scope: Construct, id: string, props: DaprWorkloadProps) {
    super(scope, id);
    this.props = props;
    this.settings = DaprChart.settingsOf(this);
    this.appId = props.appId;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    this.role = props.role ?? WorkloadRole.SERVICE;
    this.serviceAccountName = props.appId;
    this.vaultRole = props.vaultRole ?? props.appId;
    this.resources = props.resources ?? ResourceSize.APP_SMALL;
    this.sidecarResources = props.sidecarResources ?? (this.role === WorkloadRole.SERVICE ? ResourceSize.SIDECAR_DEFAULT : ResourceSize.SIDECAR_ACTOR_HOST);
    this.replicas = props.replicas ?? 2;
    this.maxReplicas = props.maxReplicas;
    this.selectorLabels = { 'app.kubernetes.io/name': props.appId };
    const registry = ((this.node.root as unknown as { [REGISTRY]?: DaprWorkload[] })[REGISTRY] ??= []);
    registry.push(this);
    const byAppId = ((this.node.root as unknown as { [BY_APP_ID]?: Map<string, Map<string, DaprWorkload[]>> })[BY_APP_ID] ??= new Map());
    let inNamespace = byAppId.get(this.namespace);
    if (!inNamespace) byAppId.set(this.namespace, (inNamespace = new Map()));
    const sameAppId = inNamespace.get(this.appId);
    if (sameAppId) sameAppId.push(this);
    else inNamespace.set(this.appId, [this]);

    const defaults = props.configurationDefaults ?? {};
    this.configuration =
      props.configuration ??
      new MtlsConfiguration(this, 'Configuration', {
        name: props.appId,
        namespace: this.namespace,
        defaultAction: AccessAction.DENY,
        tracing: defaults.tracing,
        metricsEnabled: defaults.metricsEnabled,
        features: defaults.features,
      });

    const labels = { ...this.selectorLabels, 'app.kubernetes.io/part-of': 'dapr-platform' };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    this.renderDeployment(labels);
    if (props.service && props.appPort) {
      new k8s.KubeService(this, 'Service', {
        metadata: { name: props.appId, namespace: this.namespace, labels },
        spec: {
          type: 'ClusterIP',
          selector: this.selectorLabels,
          ports: [{ name: 'app', port: props.appPort, targetPort: k8s.IntOrString.fromNumber(props.appPort) }],
        },
      });
    }
    if (this.replicas > 1 || (this.maxReplicas ?? 0) > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: props.appId, namespace: this.namespace, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
      });
    }
    if (this.maxReplicas !== undefined) this.renderAutoscaler(labels);
    this.renderNetworkPolicy(labels);
    this.node.addValidation({ validate: () => this.validateWorkload() });
  }

  // ---- the graph --------------------------------------------------------------------------

  /**
   * This workload invokes `callee` on the given operations: the callee's Configuration allows
   * exactly these from this app (it denies everything else), and the NetworkPolicies let this
   * sidecar reach the callee's. A callee in another namespace must be declared with `crossNamespace`.
   */
  public invokes(callee: DaprWorkload, operations: InvocationOperation[], crossNamespace: boolean = false): void {
    const edge: InvocationEdge = { caller: this, callee, operations };
    this.outgoing.push(edge);
    callee.incoming.push(edge);
    if (crossNamespace) this.crossNamespaceCallees.add(callee);
    callee.configuration.allowInvocation(this, operations);
  }

  /**
   * This workload invokes an app declared elsewhere (the platform's chart, another repository),
   * e.g. `DaprApp.fromAppId('inventory', 'order-management')`. Only this side is rendered: the
   * NetworkPolicy lets this sidecar reach the callee's pods (`app.kubernetes.io/name: <app-id>`)
   * on daprd's internal gRPC port. Where the callee is declared, it must allow this app on these
   * operations (`allowsInvocationFrom`), or its access control keeps denying the calls. A callee
   * that is a DaprWorkload is handled exactly like `invokes`.
   */
  public invokesApp(callee: IDaprApp, operations: InvocationOperation[], crossNamespace: boolean = false): void {
    if (callee instanceof DaprWorkload) {
      this.invokes(callee, operations, crossNamespace);
      return;
    }
    this.externalOutgoing.push({ workload: this, app: callee, operations, crossNamespace });
  }

  /**
   * An app declared elsewhere (another repository) invokes this workload on the given operations:
   * this workload's Configuration allows exactly these from it, and its NetworkPolicy lets the
   * caller's pods (`app.kubernetes.io/name: <app-id>`) reach this sidecar. The counterpart of the
   * caller's `invokesApp`. A caller that is a DaprWorkload is handled exactly like its `invokes`.
   */
  public allowsInvocationFrom(caller: IDaprApp, operations: InvocationOperation[], crossNamespace: boolean = false): void {
    if (caller instanceof DaprWorkload) {
      caller.invokes(this, operations, crossNamespace);
      return;
    }
    this.externalIncoming.push({ workload: this, app: caller, operations, crossNamespace });
    this.configuration.allowInvocation(caller, operations);
  }

  /** This workload uses a component (state store, secret store, pub/sub): it joins the component's scopes. */
  public uses(component: IDaprComponent): void {
    this.usedComponents.set(`${component.namespace}/${component.componentName}`, component);
    component.addScope(this);
  }

  /** This workload publishes to a topic: it joins the pub/sub's scopes and may publish to that topic only. */
  public publishes(pubsub: IPubSub, topic: string): void {
    this.usedComponents.set(`${pubsub.namespace}/${pubsub.componentName}`, pubsub);
    pubsub.grantPublish(this, topic);
    this.publishEdges.push({ app: this, pubsub, topic });
  }

  /**
   * This workload subscribes to a topic: a Subscription scoped to it, and a grant on the pub/sub
   * (plus publish rights on the dead-letter topic, which its sidecar writes to).
   */
  public subscribe(pubsub: IPubSub, topic: string, options: SubscribeOptions): DaprSubscription {
    this.usedComponents.set(`${pubsub.namespace}/${pubsub.componentName}`, pubsub);
    pubsub.grantSubscribe(this, topic);
    if (options.deadLetterTopic) pubsub.grantPublish(this, options.deadLetterTopic);
    const sub = new DaprSubscription(this, `Subscription-${topic}`, {
      name: options.name ?? `${this.appId}-${topic.replace(/[._]/g, '-').toLowerCase()}`,
      namespace: this.namespace,
      pubsub,
      topic,
      defaultRoute: options.route,
      rules: options.rules,
      deadLetterTopic: options.deadLetterTopic,
      bulkSubscribe: options.bulkSubscribe,
      subscribers: [this],
    });
    this.subscriptionList.push(sub);
    return sub;
  }

  /** Declares a secret the app reads itself through the Dapr secrets API; everything else stays denied. */
  public readsSecret(secret: SecretRef): void {
    this.declaredSecrets.push(secret);
    if (secret.store) this.uses(secret.store as unknown as IDaprComponent);
  }

  /** Components the workload uses, sorted by name. */
  public get components(): IDaprComponent[] {
    return [...this.usedComponents.keys()].sort().map((k) => this.usedComponents.get(k)!);
  }

  /** Invocations this workload makes. */
  public get invocations(): InvocationEdge[] {
    return [...this.outgoing];
  }

  /** Invocations to and from apps declared elsewhere (`invokesApp`, `allowsInvocationFrom`). */
  public get externalInvocations(): ExternalInvocationEdge[] {
    return [...this.externalOutgoing, ...this.externalIncoming];
  }

  /** Topics this workload publishes to. */
  public get publications(): TopicEdge[] {
    return [...this.publishEdges];
  }

  /** Subscriptions of this workload. */
  public get subscriptions(): DaprSubscription[] {
    return [...this.subscriptionList];
  }

  /**
   * Exactly what this app may read from the secret store, derived from the components it uses
   * and the secrets it reads itself: for the Terraform side's Vault role and policy.
   */
  public get secretAccess(): AppSecretAccess {
    const paths = new Set<string>();
    for (const ref of this.allSecretRefs()) {
      if (ref.store) paths.add(ref.store.secretPolicyPath(ref.secretName));
    }
    return {
      appId: this.appId,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      vaultRole: this.vaultRole,
      secretPaths: [...paths].sort(),
    };
  }

  /** The Vault secret stores whose token this workload's Vault Agent provides. */
  public get vaultStores(): IVaultAgentSecretStore[] {
    const stores = new Map<string, IVaultAgentSecretStore>();
    const consider = (c: unknown) => {
      if (isVaultAgentStore(c)) stores.set(c.componentName, c);
    };
    for (const c of this.usedComponents.values()) {
      consider(c);
      c.secretRefs.forEach((r) => consider(r.store));
    }
    return [...stores.keys()].sort().map((k) => stores.get(k)!);
  }

  // ---- rendering ----------------------------------------------------------------------------

  private allSecretRefs(): SecretRef[] {
    return [...[...this.usedComponents.values()].flatMap((c) => c.secretRefs), ...this.declaredSecrets];
  }

  private get gracePeriod(): Duration {
    return this.props.terminationGracePeriod ?? Duration.seconds(this.role === WorkloadRole.SERVICE ? 30 : 60);
  }

  /** The pod template annotations: every key exists in the pinned version's annotations list. */
  public get podAnnotations(): { [key: string]: string } {
    const p = this.props;
    const side = this.sidecarResources;
    const a: { [key: string]: string } = {
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': this.appId,
      'dapr.io/config': this.configuration.configurationName,
      'dapr.io/log-level': p.logLevel ?? LogLevel.INFO,
      'dapr.io/log-as-json': 'true',
      'dapr.io/enable-metrics': 'true',
      'dapr.io/metrics-port': String(p.metricsPort ?? 9090),
      'dapr.io/enable-api-logging': String(p.enableApiLogging ?? false),
      'dapr.io/disable-builtin-k8s-secret-store': 'true',
      'dapr.io/sidecar-cpu-request': side.cpuRequest.amount,
      'dapr.io/sidecar-memory-request': memoryQuantity(side.memoryRequest),
      'dapr.io/sidecar-seccomp-profile-type': 'RuntimeDefault',
      // daprd stops after the app drains, within the pod's grace period.
      'dapr.io/graceful-shutdown-seconds': String(Math.max(5, this.gracePeriod.toSeconds() - 5)),
    };
    if (side.cpuLimit) a['dapr.io/sidecar-cpu-limit'] = side.cpuLimit.amount;
    if (side.memoryLimit) {
      a['dapr.io/sidecar-memory-limit'] = memoryQuantity(side.memoryLimit);
      a['dapr.io/env'] = `GOMEMLIMIT=${goMemLimit(side.memoryLimit)}`;
    }
    if (p.appPort !== undefined) {
      a['dapr.io/app-port'] = String(p.appPort);
      a['dapr.io/app-protocol'] = p.appProtocol ?? AppProtocol.HTTP;
      if (p.appHealthCheck ?? true) {
        a['dapr.io/enable-app-health-check'] = 'true';
        if ((p.appProtocol ?? AppProtocol.HTTP) !== AppProtocol.GRPC && p.appProtocol !== AppProtocol.GRPCS) {
          a['dapr.io/app-health-check-path'] = p.readinessPath ?? '/healthz';
        }
        a['dapr.io/app-health-probe-interval'] = '5';
        a['dapr.io/app-health-probe-timeout'] = '500';
        a['dapr.io/app-health-threshold'] = '3';
      }
    }
    if (p.apiTokenSecret) a['dapr.io/api-token-secret'] = p.apiTokenSecret.secretName;
    if (p.maxBodySize) a['dapr.io/max-body-size'] = memoryQuantity(p.maxBodySize);
    if (p.readBufferSize) a['dapr.io/read-buffer-size'] = `${Math.round(p.readBufferSize.toKibibytes())}Ki`;
    const concurrency = p.appMaxConcurrency ?? (this.role === WorkloadRole.WORKFLOW_HOST ? 10 : undefined);
    if (concurrency !== undefined) a['dapr.io/app-max-concurrency'] = String(concurrency);
    if (p.nativeSidecar !== undefined) a['dapr.io/enable-native-sidecar'] = String(p.nativeSidecar);
    const vault = this.vaultStores;
    if (vault.length > 0) {
      Object.assign(a, vaultAgentAnnotations(this.vaultRole, vault[0].kubernetesAuthPath));
      a['dapr.io/volume-mounts'] = `${VAULT_TOKEN_VOLUME}:${VAULT_AGENT_TOKEN_DIR}`;
    }
    return sortRecord(a);
  }

  private renderDeployment(labels: { [key: string]: string }): void {
    const p = this.props;
    const res = this.resources;
    const probe = (path: string): k8s.Probe | undefined => {
      if (p.appPort === undefined) return undefined;
      const grpc = p.appProtocol === AppProtocol.GRPC || p.appProtocol === AppProtocol.GRPCS;
      return {
        ...(grpc ? { grpc: { port: p.appPort } } : { httpGet: { path, port: k8s.IntOrString.fromNumber(p.appPort) } }),
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      };
    };
    const limits: { [key: string]: k8s.Quantity } = {};
    if (res.cpuLimit) limits.cpu = k8s.Quantity.fromString(res.cpuLimit.amount);
    if (res.memoryLimit) limits.memory = k8s.Quantity.fromString(memoryQuantity(res.memoryLimit));
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.appId, namespace: this.namespace, labels },
      spec: {
        replicas: this.maxReplicas === undefined ? this.replicas : undefined,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels, annotations: Lazy.any({ produce: () => this.podAnnotations }) },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: this.gracePeriod.toSeconds(),
            securityContext: { runAsNonRoot: true, runAsUser: p.runAsUser ?? 10001, runAsGroup: p.runAsUser ?? 10001, fsGroup: p.runAsUser ?? 10001, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints:
              this.replicas > 1 || (this.maxReplicas ?? 0) > 1
                ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: this.selectorLabels } }]
                : undefined,
            containers: [
              {
                name: APP_CONTAINER,
                image: p.image,
                imagePullPolicy: 'IfNotPresent',
                ports: p.appPort !== undefined ? [{ name: 'app', containerPort: p.appPort, protocol: 'TCP' }] : undefined,
                env: p.env && Object.keys(p.env).length ? Object.keys(p.env).sort().map((name) => ({ name, value: p.env![name] })) : undefined,
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(res.cpuRequest.amount), memory: k8s.Quantity.fromString(memoryQuantity(res.memoryRequest)) },
                  limits: Object.keys(limits).length ? limits : undefined,
                },
                livenessProbe: probe(p.livenessPath ?? '/healthz'),
                readinessProbe: probe(p.readinessPath ?? '/healthz'),
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: p.runAsUser ?? 10001,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                // The Vault Agent copies this mount (agent-copy-volume-mounts) and writes daprd's token into it.
                volumeMounts: Lazy.any({ produce: () => (this.vaultStores.length ? [{ name: VAULT_TOKEN_VOLUME, mountPath: VAULT_AGENT_TOKEN_DIR }] : undefined) }),
              },
            ],
            volumes: Lazy.any({
              produce: () => (this.vaultStores.length ? [{ name: VAULT_TOKEN_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } }] : undefined),
            }),
          },
        },
      },
    });
  }

  private renderAutoscaler(labels: { [key: string]: string }): void {
    const p = this.props;
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.appId, namespace: this.namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.appId },
        minReplicas: this.replicas,
        maxReplicas: this.maxReplicas!,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: p.targetCpuUtilization ?? 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: p.targetMemoryUtilization ?? 80 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: (p.scaleDownStabilization ?? Duration.minutes(5)).toSeconds() } },
      },
    });
  }

  /**
   * Ingress: the sidecar's internal gRPC port only from the declared callers' pods; the app port
   * only from the declared ingress namespaces (its own sidecar reaches it over localhost).
   * Egress: DNS, the Dapr control plane, callees' sidecars, and the hosts of the components used.
   */
  private renderNetworkPolicy(labels: { [key: string]: string }): void {
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.appId, namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.ingressRules() }),
        egress: Lazy.any({ produce: () => this.egressRules() }),
      },
    });
  }

  /** The NetworkPolicy ingress rules, from the finished graph. */
  public ingressRules(): k8s.NetworkPolicyIngressRule[] {
    const rules: k8s.NetworkPolicyIngressRule[] = [];
    const callers = uniqueBy<IDaprApp>([...this.incoming.map((e) => e.caller), ...this.externalIncoming.map((e) => e.app)], (w) => `${w.namespace}/${w.appId}`);
    if (callers.length) {
      rules.push({ from: callers.map((c) => this.peer(c)), ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(DAPR_INTERNAL_GRPC_PORT) }] });
    }
    const ingressNs = [...(this.props.ingressNamespaces ?? [])].sort();
    if (ingressNs.length && this.props.appPort !== undefined) {
      rules.push({
        from: ingressNs.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.props.appPort) }],
      });
    }
    const monitoring = [...(this.props.monitoringNamespaces ?? [])].sort();
    if (monitoring.length) {
      rules.push({
        from: monitoring.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.props.metricsPort ?? 9090) }],
      });
    }
    return rules;
  }

  /** The NetworkPolicy egress rules, from the finished graph. */
  public egressRules(): k8s.NetworkPolicyEgressRule[] {
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const rules: k8s.NetworkPolicyEgressRule[] = [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
      },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.settings.mtls.controlPlaneNamespace } } }],
        ports: DAPR_CONTROL_PLANE_PORTS.map(tcp),
      },
    ];
    const callees = uniqueBy<IDaprApp>([...this.outgoing.map((e) => e.callee), ...this.externalOutgoing.map((e) => e.app)], (w) => `${w.namespace}/${w.appId}`);
    if (callees.length) rules.push({ to: callees.map((c) => this.peer(c)), ports: [tcp(DAPR_INTERNAL_GRPC_PORT)] });
    const endpoints = new Map<string, ComponentEndpoint>();
    for (const c of this.usedComponents.values()) for (const e of c.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
    for (const store of this.vaultStores) for (const e of store.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
    const tracing = this.props.configurationDefaults?.tracing;
    if (tracing) {
      const m = /^(.+):(\d+)$/.exec(tracing.endpointAddress);
      if (m) endpoints.set(tracing.endpointAddress, { host: m[1], port: Number(m[2]) });
    }
    // In-cluster services are matched by namespace, one rule per namespace; external hosts cannot
    // be named in a NetworkPolicy, so their ports are opened to any destination, in one rule.
    const portsByNamespace = new Map<string, Set<number>>();
    const externalPorts = new Set<number>();
    for (const e of endpoints.values()) {
      const ns = clusterServiceNamespace(e.host);
      if (ns) portsByNamespace.set(ns, (portsByNamespace.get(ns) ?? new Set<number>()).add(e.port));
      else externalPorts.add(e.port);
    }
    const sortedPorts = (ports: Set<number>) => [...ports].sort((a, b) => a - b).map(tcp);
    for (const ns of [...portsByNamespace.keys()].sort()) {
      rules.push({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }], ports: sortedPorts(portsByNamespace.get(ns)!) });
    }
    if (externalPorts.size) rules.push({ ports: sortedPorts(externalPorts) });
    return rules;
  }

  private peer(other: IDaprApp): k8s.NetworkPolicyPeer {
    // An app declared elsewhere is selected by the label every DaprWorkload's pods carry.
    const matchLabels = other instanceof DaprWorkload ? other.selectorLabels : { 'app.kubernetes.io/name': other.appId };
    return other.namespace === this.namespace
      ? { podSelector: { matchLabels } }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other.namespace } }, podSelector: { matchLabels } };
  }

  // ---- validation ---------------------------------------------------------------------------

  private validateWorkload(): string[] {
    const p = this.props;
    const errors: string[] = [];
    const what = `workload '${this.appId}'`;
    const profile = this.settings.profile;
    const strict = isStrict(profile);
    const version = this.settings.daprVersion;

    const idError = checkAppId(this.appId);
    if (idError) errors.push(idError);
    if (!this.namespace) errors.push(`${what} has no namespace: pass 'namespace' or create it inside a chart that sets one.`);
    else {
      const nsError = checkNamespace(this.namespace);
      if (nsError) errors.push(nsError);
    }
    // Every workload of the tree with this app-id and namespace, in construction order (indexed at
    // construction, so this is a lookup instead of a scan of all workloads per workload).
    const root = this.node.root as unknown as { [BY_APP_ID]?: Map<string, Map<string, DaprWorkload[]>> };
    const twins = root[BY_APP_ID]?.get(this.namespace)?.get(this.appId) ?? [this];
    if (twins.length > 1 && twins[0] !== this) {
      errors.push(`app-id '${this.appId}' is used twice in namespace '${this.namespace}' (also at ${twins[0].node.path}): app-ids must be unique per namespace; rename one.`);
    }

    const image = parseImage(p.image);
    if (!image || (image.tag === undefined && image.digest === undefined)) {
      errors.push(`${what}: image '${p.image}' is not pinned: give a tag or a digest, e.g. 'registry.example.com/${this.appId}:1.4.2'.`);
    } else if (image.tag === 'latest') {
      errors.push(`${what}: image '${p.image}' uses 'latest', which moves under a running Deployment: pin a version tag or a digest.`);
    }
    const portType = p.appPort === undefined ? undefined : notANumber(what, 'appPort', p.appPort);
    if (portType) errors.push(portType);
    else if (p.appPort !== undefined && (!Number.isInteger(p.appPort) || p.appPort < 1 || p.appPort > 65535 || [3500, DAPR_INTERNAL_GRPC_PORT, 50001].includes(p.appPort))) {
      errors.push(`${what}: appPort ${p.appPort} is not a free port (1-65535, not daprd's 3500, 50001 or 50002).`);
    }
    const replicasType = notANumber(what, 'replicas', this.replicas);
    if (replicasType) errors.push(replicasType);
    else if (!Number.isInteger(this.replicas) || this.replicas < 1) errors.push(`${what}: replicas ${this.replicas} must be a positive integer.`);
    if (this.maxReplicas !== undefined && this.maxReplicas < this.replicas) {
      errors.push(`${what}: maxReplicas ${this.maxReplicas} is below replicas ${this.replicas}: raise it or drop autoscaling.`);
    }
    if ((p.runAsUser ?? 10001) === 0) errors.push(`${what}: runAsUser 0 is root: use a non-zero user id such as 10001.`);

    if (strict) {
      if (!this.sidecarResources.hasLimits) {
        errors.push(`${what}: the Dapr sidecar has no CPU and memory limits in a ${profile} environment: give sidecarResources with cpuLimit and memoryLimit.`);
      }
      if (!this.resources.hasLimits) errors.push(`${what}: the app container has no CPU and memory limits in a ${profile} environment: give resources with limits.`);
      if (!p.apiTokenSecret) errors.push(`${what}: no apiTokenSecret in a ${profile} environment: pass SecretRef.fromKubernetesSecret('<name>', 'token') so daprd's API requires a token.`);
      if (p.appPort === undefined) errors.push(`${what}: no appPort, so the app container has no liveness and readiness probes in a ${profile} environment: give the port it serves health checks on.`);
    }
    if (p.apiTokenSecret && (p.apiTokenSecret.store !== undefined || p.apiTokenSecret.key !== 'token')) {
      errors.push(`${what}: apiTokenSecret '${p.apiTokenSecret}' must be a Kubernetes Secret with key 'token' (daprd reads that key): use SecretRef.fromKubernetesSecret('<name>', 'token').`);
    }

    // Actor and workflow hosts need exactly one actor state store in scope.
    if (this.role !== WorkloadRole.SERVICE) {
      const actorStores = this.components.filter((c) => (c as Partial<IStateStore>).isActorStateStore === true);
      if (actorStores.length !== 1) {
        errors.push(
          `${what} is a ${this.role} but uses ${actorStores.length} actor state stores${actorStores.length ? ` (${actorStores.map((s) => s.componentName).join(', ')})` : ''}: ` +
            `it needs exactly one; use a state store with actorStateStore: true.`,
        );
      }
    }

    // Graph: the components and the callees must be in this namespace unless declared otherwise.
    for (const c of this.usedComponents.values()) {
      if (c.namespace !== this.namespace) {
        errors.push(`${what} in namespace '${this.namespace}' uses component '${c.componentName}' of namespace '${c.namespace}': a sidecar loads only components of its own namespace.`);
      }
    }
    for (const e of this.outgoing) {
      if (e.callee.namespace !== this.namespace && !this.crossNamespaceCallees.has(e.callee)) {
        errors.push(
          `${what} (namespace '${this.namespace}') invokes '${e.callee.appId}' in namespace '${e.callee.namespace}' without saying so: ` +
            `pass crossNamespace=true to invokes() (callers then use the app-id '${e.callee.appId}.${e.callee.namespace}').`,
        );
      }
      if (e.operations.length === 0) errors.push(`${what} invokes '${e.callee.appId}' with no operations: list the paths and verbs it calls.`);
    }
    for (const e of [...this.externalOutgoing, ...this.externalIncoming]) {
      const outgoing = this.externalOutgoing.includes(e);
      const idError = checkAppId(e.app.appId);
      if (idError) errors.push(`${what}: ${outgoing ? 'callee' : 'caller'} ${idError}`);
      if (e.app.namespace !== this.namespace && !e.crossNamespace) {
        errors.push(
          `${what} (namespace '${this.namespace}') ${outgoing ? 'invokes' : 'is invoked by'} '${e.app.appId}' in namespace '${e.app.namespace}' without saying so: ` +
            `pass crossNamespace=true to ${outgoing ? 'invokesApp' : 'allowsInvocationFrom'}().`,
        );
      }
      if (e.operations.length === 0) {
        errors.push(`${what} ${outgoing ? 'invokes' : 'is invoked by'} '${e.app.appId}' with no operations: list the paths and verbs.`);
      }
    }
    if (this.vaultStores.length > 1 && new Set(this.vaultStores.map((s) => s.kubernetesAuthPath)).size > 1) {
      errors.push(`${what} uses Vault stores with different Kubernetes auth paths (${this.vaultStores.map((s) => s.kubernetesAuthPath).join(', ')}): one Vault Agent logs in once; use one auth path.`);
    }

    // The Configuration named by dapr.io/config must exist next to the workload.
    const cfg = this.configuration;
    if (cfg.namespace !== this.namespace || cfg.node.root !== this.node.root) {
      errors.push(
        `${what}: dapr.io/config names Configuration '${cfg.configurationName}', which does not exist in namespace '${this.namespace}' ` +
          `(it is declared in '${cfg.namespace}'${cfg.node.root !== this.node.root ? ' of another app' : ''}), so daprd would exit at start: ` +
          `omit 'configuration' to get the workload's own, or declare it in '${this.namespace}'.`,
      );
    }

    // Only annotation keys the pinned version's injector reads.
    for (const key of Object.keys(this.podAnnotations)) {
      if (key.startsWith('dapr.io/') && !version.hasAnnotation(key)) {
        errors.push(`${what}: annotation '${key}' does not exist in Dapr ${version} (the injector would ignore it): remove the setting or pin a version that has it.`);
      }
    }
    const side = this.sidecarResources;
    if (side.memoryLimit && side.memoryLimit.toMebibytes() < side.memoryRequest.toMebibytes()) {
      errors.push(`${what}: sidecar memory limit ${memoryQuantity(side.memoryLimit)} is below its request ${memoryQuantity(side.memoryRequest)}.`);
    }
    if (side.cpuLimit && cpuMillis(side.cpuLimit) < cpuMillis(side.cpuRequest)) {
      errors.push(`${what}: sidecar CPU limit ${side.cpuLimit.amount} is below its request ${side.cpuRequest.amount}.`);
    }
    return errors;
  }
}

/**
 * The Vault Agent injector annotations that make `vaultTokenMountPath` resolve inside daprd:
 * the agent logs in with the workload's role (Kubernetes auth) and renders its token into the
 * workload's own memory volume, which daprd mounts through `dapr.io/volume-mounts`.
 */
export function vaultAgentAnnotations(role: string, authPath: string): { [key: string]: string } {
  return {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': role,
    'vault.hashicorp.com/auth-path': authPath,
    'vault.hashicorp.com/agent-init-first': 'true',
    'vault.hashicorp.com/agent-pre-populate': 'true',
    'vault.hashicorp.com/agent-copy-volume-mounts': APP_CONTAINER,
    'vault.hashicorp.com/agent-inject-secret-dapr-token': 'auth/token/lookup-self',
    'vault.hashicorp.com/agent-inject-template-dapr-token': '{{ with secret "auth/token/lookup-self" }}{{ .Data.id }}{{ end }}',
    'vault.hashicorp.com/secret-volume-path-dapr-token': VAULT_AGENT_TOKEN_DIR,
    'vault.hashicorp.com/agent-inject-file-dapr-token': 'token',
  };
}

/** The namespace of an in-cluster service host (`svc.ns.svc[.cluster.local]`, `pod.svc.ns.svc[.cluster.local]`), else undefined. */
export function clusterServiceNamespace(host: string): string | undefined {
  const parts = host.split('.');
  const svc = parts.indexOf('svc', 2);
  return svc >= 2 ? parts[svc - 1] : undefined;
}

/** Splits `registry[:port]/path/name[:tag][@sha256:digest]`; undefined if malformed. */
function parseImage(image: string): { tag?: string; digest?: string } | undefined {
  const [ref, digest, extra] = image.split('@');
  if (extra !== undefined || !ref || /\s/.test(image)) return undefined;
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  return { tag, digest };
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const i of items) if (!m.has(key(i))) m.set(key(i), i);
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

function sortRecord(r: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}
