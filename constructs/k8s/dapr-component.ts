import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Component } from '../../imports/dapr.io';
import { IDaprApp } from '../model/dapr-app';
import { goDuration } from '../model/go-duration';
import { checkReferencedAppId, checkNamespace, checkObjectName } from '../model/names';
import { ISecretStore, SecretRef } from '../model/secret-ref';
import { TopicGrant } from '../model/topic-grant';
import { DaprChart, DaprSettings } from './dapr-chart';

/** A network endpoint a component connects to (for egress rules and documentation). */
export interface ComponentEndpoint {
  /** Host name or IP. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** A Dapr component, as other constructs refer to it. */
export interface IDaprComponent extends IConstruct {
  /** The component name apps use (`metadata.name`): API for the apps, never changes. */
  readonly componentName: string;
  /** The namespace of the component. */
  readonly namespace: string;
  /** The component type, e.g. `state.redis`. */
  readonly componentType: string;
  /** The app-ids the component is scoped to, sorted. */
  readonly scopes: string[];
  /** The secrets the component reads at load time. */
  readonly secretRefs: SecretRef[];
  /** Where the component connects. */
  readonly endpoints: ComponentEndpoint[];
  /** Scopes the component to an app (and the secret store it reads its secrets from, too). */
  addScope(app: IDaprApp): void;
}

/** A state store. */
export interface IStateStore extends IDaprComponent {
  /** True if this is the app's actor state store (`actorStateStore: "true"`). */
  readonly isActorStateStore: boolean;
}

/** A pub/sub broker. */
export interface IPubSub extends IDaprComponent {
  /** Scopes the app to the pub/sub and lets it publish to the topic (and to no topic it was not granted). */
  grantPublish(app: IDaprApp, topic: string): void;
  /** Scopes the app to the pub/sub and lets it subscribe to the topic (and to no topic it was not granted). */
  grantSubscribe(app: IDaprApp, topic: string): void;
  /**
   * Every grant recorded through `grantPublish`/`grantSubscribe` (by workloads' `publishes` and
   * `subscribe`, Subscriptions' subscribers and their dead-letter topics), without duplicates,
   * sorted by app-id, direction and topic.
   */
  readonly topicGrants: TopicGrant[];
}

/** One entry of a component's `spec.metadata`: a plain value or a secret reference, never both. */
export interface MetadataEntry {
  /** The metadata name, exactly as the component spec spells it. */
  readonly name: string;
  /** A plain value. */
  readonly value?: string;
  /** A secret reference. */
  readonly secretRef?: SecretRef;
}

/** Props every Dapr component takes. */
export interface DaprComponentProps {
  /** The component name apps use (`metadata.name`). Stable: it is API for the apps. */
  readonly name: string;
  /**
   * Namespace of the component.
   * @default - the enclosing chart's namespace; an error if there is none
   */
  readonly namespace?: string;
  /**
   * Apps the component is scoped to; more join through `addScope` (e.g. when a workload uses it).
   * @default - none yet; synth fails if the component is still unscoped then
   */
  readonly scopes?: IDaprApp[];
  /**
   * How long the sidecar waits for the component to initialise.
   * @default - Dapr's default (5s)
   */
  readonly initTimeout?: Duration;
}

/** Metadata keys daprd itself reads on every component of a category, not the component code. */
const RUNTIME_KEYS: Record<string, string[]> = {
  state: ['actorStateStore', 'keyPrefix'],
  pubsub: ['allowedTopics', 'protectedTopics', 'publishingScopes', 'subscriptionScopes'],
  secretstores: [],
};

/** Per construct tree (on its root): every DaprComponent, in construction order. */
const COMPONENTS = Symbol.for('dapr-platform.DaprComponent.registry');

/**
 * Every DaprComponent in the construct tree of `scope`, in construction order: a lookup instead
 * of `node.root.node.findAll()` for checks that compare a component with the others (internal,
 * not part of the library's API).
 */
export function componentsInTree(scope: IConstruct): DaprComponent[] {
  return (scope.node.root as unknown as { [COMPONENTS]?: DaprComponent[] })[COMPONENTS] ?? [];
}

/**
 * Base of the typed Dapr components: renders a `dapr.io/v1alpha1` Component whose `scopes` and
 * `auth` are siblings of `spec`, and validates its metadata against the pinned Dapr version's
 * component spec (names, required fields, allowed values, sensitive fields by reference only).
 */
export abstract class DaprComponent extends Construct implements IDaprComponent {
  public readonly componentName: string;
  public readonly namespace: string;
  public abstract readonly componentType: string;
  /**
   * The component spec version (`v1`).
   *
   * Extension point for subclasses: a subclass overrides it when its type's spec is not `v1` (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected readonly componentVersion: string = 'v1';
  /**
   * The environment settings of the enclosing DaprChart (or the strict defaults).
   *
   * Extension point for subclasses: a subclass reads it in its rules (profile, Dapr version) (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected readonly settings: DaprSettings;
  private readonly scopeSet = new Map<string, IDaprApp>();
  private pendingScopes: IDaprApp[];
  private renderedMetadata: MetadataEntry[] | undefined;

  protected constructor(scope: Construct, id: string, props: DaprComponentProps) {
    super(scope, id);
    ((this.node.root as unknown as { [COMPONENTS]?: DaprComponent[] })[COMPONENTS] ??= []).push(this);
    this.componentName = props.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? '';
    this.settings = DaprChart.settingsOf(this);
    const initTimeout = props.initTimeout;

    new Component(this, 'Resource', {
      metadata: { name: this.componentName, namespace: this.namespace },
      auth: Lazy.any({ produce: () => this.authBlock() }),
      scopes: Lazy.any({ produce: () => this.scopes }),
      spec: {
        type: Lazy.any({ produce: () => this.componentType }),
        version: Lazy.any({ produce: () => this.componentVersion }),
        initTimeout: initTimeout ? goDuration(initTimeout) : undefined,
        metadata: Lazy.any({
          produce: () =>
            this.allMetadata().map((m) =>
              m.secretRef ? { name: m.name, secretKeyRef: { name: m.secretRef.secretName, key: m.secretRef.key } } : { name: m.name, value: m.value },
            ),
        }),
      },
    });
    this.node.addValidation({ validate: () => this.validateComponent() });
    // Subclass fields do not exist yet, so the scopes from props (which also scope the secret
    // stores the component reads) are applied when the subclass calls applyInitialScopes().
    this.pendingScopes = [...(props.scopes ?? [])];
  }

  public get scopes(): string[] {
    return [...this.scopeSet.keys()].sort();
  }

  /**
   * The apps in scope, by app-id.
   *
   * Extension point for subclasses: a subclass reads it to render per-app metadata (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected get scopedApps(): IDaprApp[] {
    return [...this.scopeSet.values()];
  }

  public get secretRefs(): SecretRef[] {
    return this.metadata()
      .filter((m) => m.secretRef)
      .map((m) => m.secretRef!);
  }

  public abstract get endpoints(): ComponentEndpoint[];

  public addScope(app: IDaprApp): void {
    this.scopeSet.set(app.appId, app);
    for (const ref of this.secretRefs) {
      const store = ref.store as (ISecretStore & Partial<IDaprComponent>) | undefined;
      if (store && store !== (this as unknown) && typeof store.addScope === 'function') store.addScope(app);
    }
  }

  /**
   * The component's `spec.metadata`, in the order it is written.
   *
   * Extension point for subclasses: every subclass implements it, the base class calls it at
   * validation and synth (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected abstract renderMetadata(): MetadataEntry[];

  /**
   * Metadata derived from the finished graph (e.g. topic scopes), rendered after the static part.
   * Read at synth time, so it sees every grant.
   *
   * Extension point for subclasses: a subclass may override it (none by default), the base class
   * calls it at validation and synth (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected dynamicMetadata(): MetadataEntry[] {
    return [];
  }

  /**
   * Component-specific rules; each message names the bad value and the fix.
   *
   * Extension point for subclasses: every subclass implements it, the base class calls it at
   * validation (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected abstract validateSpecific(): string[];

  /**
   * Required-by-spec fields this component checks itself (e.g. Vault's exactly-one token).
   *
   * Extension point for subclasses: a subclass may override it (none by default), the base class
   * reads it at validation (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected get selfCheckedRequired(): string[] {
    return [];
  }

  /**
   * Subclasses call this last in their constructor: applies the `scopes` prop.
   *
   * Extension point for subclasses: only a subclass's constructor calls it (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected applyInitialScopes(): void {
    const pending = this.pendingScopes;
    this.pendingScopes = [];
    pending.forEach((a) => this.addScope(a));
  }

  /**
   * For a state store with `actorStateStore: "true"`: the pinned version's spec must list the
   * `actorStateStore` capability for the type, and no other component of the namespace may be an
   * actor state store (daprd refuses two). Subclasses call it from validateSpecific().
   *
   * Extension point for subclasses: only a subclass's validateSpecific() calls it (Go and the other jsii languages have no `protected` and show it as public: do not use it from outside a subclass).
   */
  protected actorStateStoreErrors(what: string): string[] {
    const errors: string[] = [];
    const spec = this.settings.daprVersion.componentSpec(this.componentType, this.componentVersion);
    if (spec && !spec.capabilities.includes('actorStateStore')) {
      errors.push(
        `${what}: ${this.componentType} ${this.componentVersion} cannot be an actor state store in Dapr ${this.settings.daprVersion} ` +
          `(its spec's capabilities are ${spec.capabilities.join(', ') || 'none'}): use a type with the actorStateStore capability, e.g. state.redis or state.postgresql.`,
      );
    }
    // In the usual case (this is the only actor store of its namespace) nothing needs the scan of
    // the whole tree below, which per actor store would grow with every construct of the app.
    const isActorStore = (c: IConstruct) => c instanceof DaprComponent && (c as Partial<IStateStore>).isActorStateStore === true && c.namespace === this.namespace;
    if (componentsInTree(this).filter(isActorStore).length < 2) return errors;
    // Several: every one but the first in tree order is reported.
    const first = this.node.root.node.findAll().find(isActorStore) as DaprComponent | undefined;
    if (first && first !== this) {
      errors.push(
        `${what} is a second actor state store in namespace '${this.namespace}' (the first is '${first.componentName}' at ${first.node.path}): ` +
          `daprd fails with "detected duplicate actor state store"; keep actorStateStore on one of them.`,
      );
    }
    return errors;
  }

  private metadata(): MetadataEntry[] {
    if (!this.renderedMetadata) this.renderedMetadata = this.renderMetadata();
    return this.renderedMetadata;
  }

  private allMetadata(): MetadataEntry[] {
    return [...this.metadata(), ...this.dynamicMetadata()];
  }

  private authBlock(): { secretStore: string } | undefined {
    const stores = [...new Set(this.secretRefs.map((r) => r.storeName))];
    return stores.length === 1 && stores[0] !== 'kubernetes' ? { secretStore: stores[0] } : undefined;
  }

  private validateComponent(): string[] {
    const errors: string[] = [];
    const what = `${this.componentType} component '${this.componentName}'`;
    if (this.pendingScopes.length > 0) {
      errors.push(`${what}: its constructor never called applyInitialScopes(), so the 'scopes' prop was ignored: call it last in the constructor.`);
    }
    const nameError = checkObjectName('component name', this.componentName);
    if (nameError) errors.push(nameError);
    if (!this.namespace) {
      errors.push(`${what} has no namespace: pass 'namespace' or create it inside a chart that sets one.`);
    } else {
      const nsError = checkNamespace(this.namespace);
      if (nsError) errors.push(nsError);
    }

    // Scopes: never unscoped, only valid app-ids of the component's own namespace.
    const apps = this.scopedApps;
    if (apps.length === 0) {
      errors.push(
        `${what} has no scopes, so every app in namespace '${this.namespace}' would load it: ` +
          `scope it to the apps that use it (addScope(app), or let a DaprWorkload use it).`,
      );
    }
    for (const app of apps) {
      const idError = checkReferencedAppId(app);
      if (idError) errors.push(`scope: ${idError}`);
      if (app.namespace !== this.namespace) {
        errors.push(
          `${what} in namespace '${this.namespace}' is scoped to app '${app.appId}' of namespace '${app.namespace}': ` +
            `components only load in their own namespace; declare a component in '${app.namespace}' for it.`,
        );
      }
    }

    // Secret references: one store per component (auth.secretStore), in the same namespace.
    const refs = this.secretRefs;
    const stores = [...new Set(refs.map((r) => r.storeName))];
    if (stores.length > 1) {
      errors.push(
        `${what} reads secrets from several stores (${stores.join(', ')}); a component has one 'auth.secretStore': ` +
          `take all of its secret references from one store.`,
      );
    }
    for (const ref of refs) {
      if (!ref.secretName || !ref.key) {
        errors.push(`${what}: secret reference '${ref}' needs both a secret name and a key.`);
      }
      if (ref.store && ref.store.namespace !== this.namespace) {
        errors.push(
          `${what} reads '${ref}' from secret store '${ref.store.componentName}' in namespace '${ref.store.namespace}': ` +
            `a component resolves secrets only through a store in its own namespace '${this.namespace}'.`,
        );
      }
    }

    errors.push(...this.validateMetadataAgainstSpec(what));
    errors.push(...this.validateSpecific());
    return errors;
  }

  private validateMetadataAgainstSpec(what: string): string[] {
    const errors: string[] = [];
    const version = this.settings.daprVersion;
    const spec = version.componentSpec(this.componentType, this.componentVersion);
    if (!spec) {
      return [
        `${what}: the reference data of Dapr ${version} (imports/dapr-reference-data.ts) holds no metadata spec for ${this.componentType}/${this.componentVersion}, ` +
          `so its metadata cannot be checked; ${version.missingComponentSpecFix(this.componentType, this.componentVersion)}`,
      ];
    }
    const runtimeKeys = RUNTIME_KEYS[this.componentType.split('.')[0]] ?? [];
    const seen = new Set<string>();
    for (const m of this.allMetadata()) {
      if (seen.has(m.name)) errors.push(`${what}: metadata '${m.name}' is set twice; set it once.`);
      seen.add(m.name);
      if ((m.value === undefined) === (m.secretRef === undefined)) {
        errors.push(`${what}: metadata '${m.name}' must have exactly one of a value or a secret reference.`);
      }
      const field = spec.fields[m.name];
      if (!field) {
        if (runtimeKeys.includes(m.name)) continue;
        const known = Object.keys(spec.fields);
        const close = known.find((k) => k.toLowerCase() === m.name.toLowerCase());
        errors.push(
          `${what}: metadata key '${m.name}' does not exist for ${this.componentType} ${this.componentVersion} in Dapr ${version}` +
            (close ? `; the spec spells it '${close}'.` : `; remove it (known keys: ${known.join(', ')}).`),
        );
        continue;
      }
      if (field.sensitive && m.secretRef === undefined) {
        errors.push(`${what}: '${m.name}' is sensitive and was given as a plain value: pass a SecretRef instead.`);
      }
      if (m.value !== undefined && field.allowedValues.length > 0 && !field.allowedValues.includes(m.value)) {
        errors.push(`${what}: '${m.name}' is '${m.value}', not one of ${field.allowedValues.join(', ')}.`);
      }
    }
    for (const [name, field] of Object.entries(spec.fields)) {
      if (field.required && !seen.has(name) && !this.selfCheckedRequired.includes(name)) {
        errors.push(`${what}: required metadata '${name}' is missing; set it.`);
      }
    }
    return errors;
  }
}
