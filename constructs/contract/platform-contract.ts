import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DaprApp, IDaprApp } from '../model/dapr-app';
import { DaprVersion } from '../model/dapr-version';
import { MtlsPolicy } from '../model/mtls-policy';
import { EnvironmentProfile } from '../model/profile';
import type { DaprChart, ExternalHost } from '../k8s/dapr-chart';
import { ImportedComponent } from '../k8s/imported-component';
import { ImportedVaultSecretStore } from '../k8s/imported-vault-secret-store';
import { ContractComponent, ContractDocument, ContractSecretStore } from './contract-document';
import { contractChartErrors, ChartContractRequest } from './contract-checks';
import { parseContract, readContractFile } from './read-contract';

/**
 * What a platform grants the app teams of one environment, read from the contract file its synth
 * writes (`dist/<env>.contract.json`, docs/platform-contract.md): the Dapr version, namespace,
 * trust domain and control-plane namespace, the components with their scopes and topic grants,
 * the secret stores and the secrets each app may read, the apps and the callers each allows.
 *
 * Give it to `DaprChart` (`contract`), which then takes those settings from it, and refer to the
 * platform's components and apps through it; synth then fails, naming this file and the entry the
 * platform must add, when the app team uses a component, topic, secret or callee it is not granted.
 */
export class PlatformContract {
  /**
   * Reads a contract file.
   * @throws if the file cannot be read, is not a contract of an apiVersion this library reads, or names a Dapr version it does not support
   */
  public static fromFile(file: string): PlatformContract {
    const loaded = readContractFile(file);
    return new PlatformContract(loaded.file, loaded.document);
  }

  /**
   * A contract from its JSON text; `source` names it in errors (e.g. the file it was read from).
   * @throws as `fromFile`
   */
  public static fromJson(text: string, source: string): PlatformContract {
    const loaded = parseContract(text, source);
    return new PlatformContract(loaded.file, loaded.document);
  }

  /** The file the contract was read from, named in every error about it. */
  public readonly file: string;
  /** The environment, e.g. `prod`. */
  public readonly environment: string;
  /** The namespace of the apps and the platform's components. */
  public readonly namespace: string;
  /** The environment profile. */
  public readonly profile: EnvironmentProfile;
  /** The Dapr release the environment runs. */
  public readonly daprVersion: DaprVersion;
  /** The apps' trust domain. */
  public readonly trustDomain: string;
  /** The control plane's trust domain. */
  public readonly controlPlaneTrustDomain: string;
  /** The namespace of the Dapr control plane. */
  public readonly controlPlaneNamespace: string;
  /** @internal */
  public readonly _document: ContractDocument;
  private readonly created = new Map<IConstruct, string>();
  private readonly stores = new Map<string, ImportedVaultSecretStore>();

  private constructor(file: string, doc: ContractDocument) {
    this.file = file;
    this._document = doc;
    this.environment = doc.environment;
    this.namespace = doc.namespace;
    const profile = (Object.values(EnvironmentProfile) as string[]).includes(doc.profile) ? (doc.profile as EnvironmentProfile) : undefined;
    if (!profile) throw new Error(`platform contract '${file}': profile '${doc.profile}' is not one of ${Object.values(EnvironmentProfile).join(', ')}.`);
    this.profile = profile;
    try {
      this.daprVersion = DaprVersion.of(doc.dapr.version);
    } catch (e) {
      throw new Error(`platform contract '${file}': ${(e as Error).message}`);
    }
    this.trustDomain = doc.dapr.trustDomain;
    this.controlPlaneTrustDomain = doc.dapr.controlPlaneTrustDomain;
    this.controlPlaneNamespace = doc.dapr.controlPlaneNamespace;
  }

  /** The environment's mTLS policy as the apps see it: trust domains and control-plane namespace. */
  public mtlsPolicy(): MtlsPolicy {
    return new MtlsPolicy({ controlPlaneTrustDomain: this.controlPlaneTrustDomain, trustDomain: this.trustDomain, controlPlaneNamespace: this.controlPlaneNamespace });
  }

  /** The hosts outside the cluster and their address ranges, for the apps' egress. */
  public get externalHosts(): ExternalHost[] {
    return this._document.externalHosts.map((h) => ({ host: h.host, cidrs: [...h.cidrs] }));
  }

  /** The names of the platform's components, sorted. */
  public get componentNames(): string[] {
    return this._document.components.map((c) => c.name);
  }

  /** The app-ids the contract knows: the platform's apps and those it declares as living elsewhere, sorted. */
  public get appIds(): string[] {
    return [...new Set([...this._document.apps.map((a) => a.appId), ...this._document.externalApps.map((a) => a.appId)])].sort();
  }

  /**
   * A reference to one of the platform's components, with its type, scopes, endpoints and the
   * secrets it reads (through the platform's Vault store, referenced too). Nothing is rendered for
   * it. Synth fails if the contract has no component of that name or does not grant what the app uses.
   */
  public component(scope: Construct, id: string, name: string): ImportedComponent {
    const entry = this.componentEntry(name);
    const storeEntry = entry?.secretStore ? this._document.secretStores.find((s) => s.name === entry.secretStore && s.namespace === entry.namespace) : undefined;
    const store = storeEntry?.vault ? this.vaultStore(scope, storeEntry) : undefined;
    const component = new ImportedComponent(scope, id, {
      name,
      namespace: entry?.namespace ?? this.namespace,
      componentType: entry?.type ?? 'unknown',
      scopes: entry?.scopes ?? this.appIds,
      isActorStateStore: entry?.actorStateStore ?? false,
      endpoints: entry?.endpoints.map((e) => ({ host: e.host, port: e.port })) ?? [],
      secretRefs: store ? entry!.secrets.map((s) => store.secret(s.name, s.key)) : [],
      validateGrants: false,
    });
    this.created.set(component, name);
    return component;
  }

  /**
   * A reference to one of the platform's Vault secret stores (the same object for every call in a
   * chart, and the one `component` uses for the secrets of its components). Synth fails if the
   * contract has no Vault secret store of that name.
   */
  public secretStore(scope: Construct, id: string, name: string): ImportedVaultSecretStore {
    const entry = this._document.secretStores.find((s) => s.name === name && s.vault);
    if (entry) return this.vaultStore(scope, entry, id);
    const unknown = new ImportedVaultSecretStore(scope, id, { name, namespace: this.namespace, scopes: [], vaultAddr: '', vaultKvPrefix: '', validateGrants: false });
    this.created.set(unknown, name);
    return unknown;
  }

  /** A reference to an app of the contract (the platform's, or one it declares as living elsewhere), to invoke or allow. */
  public app(appId: string): IDaprApp {
    const found = [...this._document.apps, ...this._document.externalApps].find((a) => a.appId === appId);
    return DaprApp.fromAppId(appId, found?.namespace ?? this.namespace);
  }

  /** @internal the contract entry of a component this contract created, or undefined */
  public _componentNameOf(c: unknown): string | undefined {
    return this.created.get(c as IConstruct);
  }

  /** @internal */
  public _createdComponents(): Array<[IConstruct, string]> {
    return [...this.created.entries()];
  }

  /** @internal */
  public _bindChart(chart: DaprChart, request: ChartContractRequest): void {
    chart.node.addValidation({ validate: () => contractChartErrors(chart, this, request) });
  }

  private componentEntry(name: string): ContractComponent | undefined {
    return this._document.components.find((c) => c.name === name);
  }

  private vaultStore(scope: Construct, entry: ContractSecretStore, id?: string): ImportedVaultSecretStore {
    const chart = Chart.of(scope);
    const key = `${chart.node.path}\u0000${entry.namespace}/${entry.name}`;
    const existing = this.stores.get(key);
    if (existing) return existing;
    const v = entry.vault!;
    const store = new ImportedVaultSecretStore(id ? scope : chart, id ?? `ContractSecretStore-${entry.name}`, {
      name: entry.name,
      namespace: entry.namespace,
      scopes: this.componentEntry(entry.name)?.scopes ?? this.appIds,
      vaultAddr: v.address,
      enginePath: v.enginePath,
      vaultKvPrefix: v.kvPrefix,
      vaultKvUsePrefix: v.kvUsePrefix,
      kubernetesAuthPath: v.kubernetesAuthPath ?? undefined,
      tokenMountPath: v.tokenMountPath ?? undefined,
      validateGrants: false,
    });
    this.stores.set(key, store);
    this.created.set(store, entry.name);
    return store;
  }
}
