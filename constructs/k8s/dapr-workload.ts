import { Chart, Duration, Lazy, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { AppSecretAccess } from '../model/app-secret-access';
import { IDaprApp } from '../model/dapr-app';
import { SecretRef } from '../model/secret-ref';
import { DaprApiToken } from './dapr-api-token';
import { DaprAppToken } from './dapr-app-token';
import { DaprChart } from './dapr-chart';
import { IDaprComponent, IPubSub } from './dapr-component';
import { EnvValue } from './env-value';
import { HttpEndpoint } from './http-endpoint';
import { AccessAction, InvocationOperation, MtlsConfiguration } from './mtls-configuration';
import { ResourceSize } from './resource-size';
import { DaprSubscription } from './subscription';
import { IVaultAgentSecretStore } from './vault-secret-store';
import { WorkloadGraph, WorkloadModel } from './workload-graph';
import { egressRules, ingressRules, undeclaredExternalHosts } from './workload-network-policy';
import { deploymentSpec, podAnnotations } from './workload-pod';
import {
  AppProtocol,
  ExternalInvocationEdge,
  InvocationEdge,
  InvocationOptions,
  LogLevel,
  SubscribeOptions,
  TopicEdge,
  WorkloadConfigurationDefaults,
  WorkloadRole,
} from './workload-types';
import { validateWorkload } from './workload-validation';

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
   * Whether daprd's API requires a token (`dapr.io/api-token-secret`; the app container gets it as
   * `DAPR_API_TOKEN`). `false` is refused in staging and prod.
   * @default true
   */
  readonly apiToken?: boolean;
  /**
   * Bring your own Kubernetes Secret (key `token`) holding the app's Dapr API token; it must exist
   * in the namespace (the policy check wants it in the documents or declared as provided).
   * @default - the workload's own token Secret `<app-id>-dapr-api-token` (see DaprApiToken), unless apiToken is false
   */
  readonly apiTokenSecret?: SecretRef;
  /**
   * Whether daprd authenticates its calls into the app (`dapr.io/app-token-secret`): daprd sends
   * the token in the `dapr-api-token` header, the app container gets it as `APP_API_TOKEN` and
   * refuses calls without it. Only with an app port; `false` is refused in staging and prod.
   * @default true when there is an app port
   */
  readonly appToken?: boolean;
  /**
   * Bring your own Kubernetes Secret (key `token`) holding the token daprd sends the app.
   * @default - the workload's own token Secret `<app-id>-dapr-app-token` (see DaprAppToken), unless appToken is false or there is no app port
   */
  readonly appTokenSecret?: SecretRef;
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
   * Most concurrent calls daprd sends into the app (`dapr.io/app-max-concurrency`), for every role:
   * a cap also throttles a workflow host's activities and actor calls, so size it from the app's
   * measured capacity rather than a default.
   * @default - no cap (Dapr's default), for every role
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
   * Environment variables of the app container: literals (`EnvValue.fromValue`) or keys of
   * Kubernetes Secrets (`EnvValue.fromSecret`). `DAPR_API_TOKEN` is set by the workload.
   * @default - none
   */
  readonly env?: { [name: string]: EnvValue };
}

const REGISTRY = Symbol.for('dapr-platform.DaprWorkload.registry');
/** Per root: the workloads by namespace, then app-id, in construction order (keeps the duplicate check linear). */
const BY_APP_ID = Symbol.for('dapr-platform.DaprWorkload.byAppId');

/**
 * A Dapr-enabled service: Deployment, ServiceAccount, its own Configuration, its Dapr API token and app token,
 * and optionally a Service, PodDisruptionBudget, HorizontalPodAutoscaler. Its graph methods
 * (`invokes`, `uses`, `publishes`, `subscribe`) derive what must agree with it: the callee's access
 * control, the components' scopes and topic grants, Subscriptions, NetworkPolicies and the Vault
 * paths it may read. The pod template, the Vault Agent wiring, the NetworkPolicy rules and the
 * validation live in files of their own (`workload-*.ts`, `vault-agent-wiring.ts`).
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
  /** The Kubernetes Secret (key `token`) daprd and the app read the Dapr API token from; undefined without a token. */
  public readonly apiTokenSecret?: SecretRef;
  /** The Kubernetes Secret (key `token`) of the token daprd sends the app; undefined without an app port or a token. */
  public readonly appTokenSecret?: SecretRef;
  private readonly graph = new WorkloadGraph();
  private readonly model: WorkloadModel;

  public constructor(scope: Construct, id: string, props: DaprWorkloadProps) {
    super(scope, id);
    const settings = DaprChart.settingsOf(this);
    this.model = { workload: this, props, settings, graph: this.graph };
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
    // The API token: the team's own Secret, or a dedicated one of this app (never the app's ServiceAccount's).
    this.apiTokenSecret =
      props.apiTokenSecret ?? (props.apiToken === false ? undefined : new DaprApiToken(this, 'ApiToken', { appId: props.appId, namespace: this.namespace, labels }).secret);
    // The app token: daprd -> app, only where there is an app channel.
    const wantsAppToken = props.appPort !== undefined && props.appToken !== false;
    this.appTokenSecret =
      props.appTokenSecret ?? (wantsAppToken ? new DaprAppToken(this, 'AppToken', { appId: props.appId, namespace: this.namespace, labels }).secret : undefined);
    new k8s.KubeDeployment(this, 'Deployment', { metadata: { name: this.appId, namespace: this.namespace, labels }, spec: deploymentSpec(this.model, labels) });
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
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.appId, namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.ingressRules() }),
        egress: Lazy.any({ produce: () => this.egressRules() }),
      },
    });
    this.node.addValidation({ validate: () => validateWorkload(this.model, this.twins(), (host) => this.reachersOf(host)) });
  }

  // ---- the graph --------------------------------------------------------------------------

  /**
   * This workload invokes `callee` on the given operations: the callee's Configuration allows
   * exactly these from this app (it denies everything else), and the NetworkPolicies let this
   * sidecar reach the callee's. A callee in another namespace must be declared with
   * `{ crossNamespace: true }`.
   */
  public invokes(callee: DaprWorkload, operations: InvocationOperation[], options: InvocationOptions = {}): void {
    const edge: InvocationEdge = { caller: this, callee, operations };
    this.graph.outgoing.push(edge);
    callee.graph.incoming.push(edge);
    if (options.crossNamespace) this.graph.crossNamespaceCallees.add(callee);
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
  public invokesApp(callee: IDaprApp, operations: InvocationOperation[], options: InvocationOptions = {}): void {
    if (callee instanceof DaprWorkload) {
      this.invokes(callee, operations, options);
      return;
    }
    this.graph.externalOutgoing.push({ workload: this, app: callee, operations, crossNamespace: options.crossNamespace ?? false });
  }

  /**
   * An app declared elsewhere (another repository) invokes this workload on the given operations:
   * this workload's Configuration allows exactly these from it, and its NetworkPolicy lets the
   * caller's pods (`app.kubernetes.io/name: <app-id>`) reach this sidecar. The counterpart of the
   * caller's `invokesApp`. A caller that is a DaprWorkload is handled exactly like its `invokes`.
   */
  public allowsInvocationFrom(caller: IDaprApp, operations: InvocationOperation[], options: InvocationOptions = {}): void {
    if (caller instanceof DaprWorkload) {
      caller.invokes(this, operations, options);
      return;
    }
    this.graph.externalIncoming.push({ workload: this, app: caller, operations, crossNamespace: options.crossNamespace ?? false });
    this.configuration.allowInvocation(caller, operations);
  }

  /** This workload uses a component (state store, secret store, pub/sub): it joins the component's scopes. */
  public uses(component: IDaprComponent): void {
    this.graph.use(component);
    component.addScope(this);
  }

  /**
   * This workload calls an HTTP endpoint through its sidecar: it joins the endpoint's scopes (and
   * its secret store's), its Vault access covers the endpoint's secrets, and its NetworkPolicy
   * egress opens exactly the endpoint's host port (to the declared `cidrs`, or the in-cluster namespace).
   */
  public invokesEndpoint(endpoint: HttpEndpoint): void {
    this.graph.invokeEndpoint(endpoint);
    endpoint.addScope(this);
  }

  /** HTTP endpoints the workload calls, sorted by name. */
  public get httpEndpoints(): HttpEndpoint[] {
    return this.graph.httpEndpoints;
  }

  /** This workload publishes to a topic: it joins the pub/sub's scopes and may publish to that topic only. */
  public publishes(pubsub: IPubSub, topic: string): void {
    this.graph.use(pubsub);
    pubsub.grantPublish(this, topic);
    this.graph.publishEdges.push({ app: this, pubsub, topic });
  }

  /**
   * This workload subscribes to a topic: a Subscription scoped to it, and a grant on the pub/sub
   * (plus publish rights on the dead-letter topic, which its sidecar writes to).
   */
  public subscribe(pubsub: IPubSub, topic: string, options: SubscribeOptions): DaprSubscription {
    this.graph.use(pubsub);
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
    this.graph.subscriptions.push(sub);
    return sub;
  }

  /** Declares a secret the app reads itself through the Dapr secrets API; everything else stays denied. */
  public readsSecret(secret: SecretRef): void {
    this.graph.declaredSecrets.push(secret);
    if (secret.store) this.uses(secret.store as unknown as IDaprComponent);
  }

  /** Components the workload uses, sorted by name. */
  public get components(): IDaprComponent[] {
    return this.graph.components;
  }

  /** Invocations this workload makes. */
  public get invocations(): InvocationEdge[] {
    return [...this.graph.outgoing];
  }

  /** Invocations to and from apps declared elsewhere (`invokesApp`, `allowsInvocationFrom`). */
  public get externalInvocations(): ExternalInvocationEdge[] {
    return [...this.graph.externalOutgoing, ...this.graph.externalIncoming];
  }

  /** The apps declared elsewhere that this workload invokes (`invokesApp`), in declaration order. */
  public get externalCallees(): ExternalInvocationEdge[] {
    return [...this.graph.externalOutgoing];
  }

  /** The apps declared elsewhere that invoke this workload (`allowsInvocationFrom`), in declaration order. */
  public get externalCallers(): ExternalInvocationEdge[] {
    return [...this.graph.externalIncoming];
  }

  /** Every secret this workload's sidecar reads: those of its components and endpoints, and those it reads itself. */
  public get sidecarSecrets(): SecretRef[] {
    return this.graph.allSecretRefs();
  }

  /** Topics this workload publishes to. */
  public get publications(): TopicEdge[] {
    return [...this.graph.publishEdges];
  }

  /** Subscriptions of this workload. */
  public get subscriptions(): DaprSubscription[] {
    return [...this.graph.subscriptions];
  }

  /**
   * Exactly what this app may read from the secret store, derived from the components it uses
   * and the secrets it reads itself: for the Terraform side's Vault role and policy.
   */
  public get secretAccess(): AppSecretAccess {
    const paths = new Set<string>();
    for (const ref of this.graph.allSecretRefs()) {
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
    return this.graph.vaultStores();
  }

  /** The pod template annotations: every key exists in the pinned version's annotations list. */
  public get podAnnotations(): { [key: string]: string } {
    return podAnnotations(this.model);
  }

  /** The NetworkPolicy ingress rules, from the finished graph. */
  public ingressRules(): k8s.NetworkPolicyIngressRule[] {
    return ingressRules(this.model);
  }

  /** The NetworkPolicy egress rules, from the finished graph. */
  public egressRules(): k8s.NetworkPolicyEgressRule[] {
    return egressRules(this.model);
  }

  private renderAutoscaler(labels: { [key: string]: string }): void {
    const p = this.model.props;
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

  /** The workloads of the tree, in construction order, that reach an external host without declared CIDRs. */
  private reachersOf(host: string): DaprWorkload[] {
    return DaprWorkload.all(this.node.root).filter((o) => undeclaredExternalHosts(o.model).includes(host));
  }

  /** Every workload of the tree with this app-id and namespace, in construction order (indexed at construction). */
  private twins(): DaprWorkload[] {
    const root = this.node.root as unknown as { [BY_APP_ID]?: Map<string, Map<string, DaprWorkload[]>> };
    return root[BY_APP_ID]?.get(this.namespace)?.get(this.appId) ?? [this];
  }
}
