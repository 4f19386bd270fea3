import type { IDaprApp } from '../model/dapr-app';
import type { SecretRef } from '../model/secret-ref';
import type { DaprSettings } from './dapr-chart';
import type { IDaprComponent } from './dapr-component';
import type { DaprWorkload, DaprWorkloadProps } from './dapr-workload';
import type { HttpEndpoint } from './http-endpoint';
import type { DaprSubscription } from './subscription';
import { isVaultAgentStore, IVaultAgentSecretStore } from './vault-secret-store';
import type { ExternalInvocationEdge, InvocationEdge, TopicEdge } from './workload-types';

/**
 * The edges of one workload in the service graph (what it invokes, is invoked by, uses, publishes,
 * subscribes to, reads, the HTTP endpoints it calls), recorded by DaprWorkload's graph methods, and what follows from them.
 */
export class WorkloadGraph {
  public readonly usedComponents = new Map<string, IDaprComponent>();
  public readonly outgoing: InvocationEdge[] = [];
  public readonly incoming: InvocationEdge[] = [];
  public readonly crossNamespaceCallees = new Set<DaprWorkload>();
  public readonly externalOutgoing: ExternalInvocationEdge[] = [];
  public readonly externalIncoming: ExternalInvocationEdge[] = [];
  public readonly publishEdges: TopicEdge[] = [];
  public readonly subscriptions: DaprSubscription[] = [];
  public readonly declaredSecrets: SecretRef[] = [];
  private readonly endpointMap = new Map<string, HttpEndpoint>();

  /** Records that the workload uses a component (once per namespace/name). */
  public use(component: IDaprComponent): void {
    this.usedComponents.set(`${component.namespace}/${component.componentName}`, component);
  }

  /** Records that the workload invokes an HTTP endpoint (once per namespace/name). */
  public invokeEndpoint(endpoint: HttpEndpoint): void {
    this.endpointMap.set(`${endpoint.namespace}/${endpoint.endpointName}`, endpoint);
  }

  /** HTTP endpoints invoked, sorted by namespace/name. */
  public get httpEndpoints(): HttpEndpoint[] {
    return [...this.endpointMap.keys()].sort().map((k) => this.endpointMap.get(k)!);
  }

  /** Components used, sorted by namespace/name. */
  public get components(): IDaprComponent[] {
    return [...this.usedComponents.keys()].sort().map((k) => this.usedComponents.get(k)!);
  }

  /** Every secret the workload's sidecar reads: its components' and those it reads itself. */
  public allSecretRefs(): SecretRef[] {
    return [
      ...[...this.usedComponents.values()].flatMap((c) => c.secretRefs),
      ...[...this.endpointMap.values()].flatMap((e) => e.secretRefs),
      ...this.declaredSecrets,
    ];
  }

  /** The Vault stores (used directly or read through) whose token the workload's Vault Agent provides, sorted by name. */
  public vaultStores(): IVaultAgentSecretStore[] {
    const stores = new Map<string, IVaultAgentSecretStore>();
    const consider = (c: unknown) => {
      if (isVaultAgentStore(c)) stores.set(c.componentName, c);
    };
    for (const c of this.usedComponents.values()) {
      consider(c);
      c.secretRefs.forEach((r) => consider(r.store));
    }
    for (const e of this.endpointMap.values()) e.secretRefs.forEach((r) => consider(r.store));
    return [...stores.keys()].sort().map((k) => stores.get(k)!);
  }

  /** Apps that invoke this workload (declared here or elsewhere), unique, sorted by namespace/app-id. */
  public callers(): IDaprApp[] {
    return uniqueApps([...this.incoming.map((e) => e.caller), ...this.externalIncoming.map((e) => e.app)]);
  }

  /** Apps this workload invokes, unique, sorted by namespace/app-id. */
  public callees(): IDaprApp[] {
    return uniqueApps([...this.outgoing.map((e) => e.callee), ...this.externalOutgoing.map((e) => e.app)]);
  }
}

/** What the workload's renderers and validation read: the construct, its props, its chart's settings and its graph. */
export interface WorkloadModel {
  readonly workload: DaprWorkload;
  readonly props: DaprWorkloadProps;
  readonly settings: DaprSettings;
  readonly graph: WorkloadGraph;
}

/** Unique by namespace/app-id, sorted by it (deterministic output). */
export function uniqueApps<T extends IDaprApp>(apps: T[]): T[] {
  const m = new Map<string, T>();
  for (const a of apps) {
    const key = `${a.namespace}/${a.appId}`;
    if (!m.has(key)) m.set(key, a);
  }
  return [...m.keys()].sort().map((k) => m.get(k)!);
}
