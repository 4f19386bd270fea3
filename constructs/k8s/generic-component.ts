import { Construct } from 'constructs';
import { ComponentEndpoint, DaprComponent, DaprComponentProps, IStateStore, MetadataEntry } from './dapr-component';

/** Props of {@link GenericComponent}. */
export interface GenericComponentProps extends DaprComponentProps {
  /** The component type (`spec.type`), e.g. `state.postgresql`: one whose metadata spec the pinned Dapr version's reference data holds. */
  readonly componentType: string;
  /**
   * The component version (`spec.version`).
   * @default 'v1'
   */
  readonly componentVersion?: string;
  /** `spec.metadata`: names exactly as the spec spells them; sensitive ones as SecretRefs. */
  readonly metadata: MetadataEntry[];
  /**
   * Where the component connects (`host`/`port`), for the NetworkPolicy egress of the apps that use it.
   * @default - none: no egress is opened for it
   */
  readonly endpoints?: ComponentEndpoint[];
  /**
   * Whether this is the actor state store (`actorStateStore: "true"`); only for `state.*` types
   * whose spec lists the `actorStateStore` capability. At most one per namespace.
   * @default false
   */
  readonly actorStateStore?: boolean;
}

/**
 * Any Dapr component whose metadata spec is in the pinned version's reference data
 * (`DaprVersion.componentSpecKeys`), with its metadata given as entries: checked by the same
 * rules as the typed components (known names, required ones present, allowed values, sensitive
 * ones by reference, scopes, one secret store). For a type without a spec, the error says how to
 * add it (`npm run import`).
 */
export class GenericComponent extends DaprComponent implements IStateStore {
  public readonly componentType: string;
  public readonly isActorStateStore: boolean;
  protected readonly componentVersion: string;
  private readonly props: GenericComponentProps;

  public constructor(scope: Construct, id: string, props: GenericComponentProps) {
    super(scope, id, props);
    this.props = props;
    this.componentType = props.componentType;
    this.componentVersion = props.componentVersion ?? 'v1';
    this.isActorStateStore = props.actorStateStore ?? false;
    this.applyInitialScopes();
  }

  public get endpoints(): ComponentEndpoint[] {
    return [...(this.props.endpoints ?? [])];
  }

  protected renderMetadata(): MetadataEntry[] {
    // An actorStateStore entry is reported by validateSpecific (use the prop), not rendered.
    const m = this.props.metadata.filter((e) => e.name !== 'actorStateStore');
    if (this.isActorStateStore) m.push({ name: 'actorStateStore', value: 'true' });
    return m;
  }

  protected validateSpecific(): string[] {
    const errors: string[] = [];
    const what = `${this.componentType} component '${this.componentName}'`;
    if (!/^[a-z0-9]+(\.[A-Za-z0-9-]+)+$/.test(this.componentType)) {
      errors.push(`${what}: componentType '${this.componentType}' is not '<category>.<name>', e.g. 'state.postgresql' or 'bindings.http'.`);
    }
    if (!/^v\d+(alpha\d+|beta\d+)?$/.test(this.componentVersion)) errors.push(`${what}: componentVersion '${this.componentVersion}' is not a version such as 'v1' or 'v2'.`);
    if (this.props.metadata.some((m) => m.name === 'actorStateStore')) {
      errors.push(`${what}: set 'actorStateStore' with the actorStateStore prop, not as a metadata entry (workloads read the prop to find their actor store).`);
    }
    for (const e of this.props.endpoints ?? []) {
      if (!e.host || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) errors.push(`${what}: endpoint '${e.host}:${e.port}' needs a host and a TCP port 1-65535.`);
    }
    if (this.isActorStateStore) {
      if (!this.componentType.startsWith('state.')) errors.push(`${what}: only a state store (state.*) can be the actor state store: remove actorStateStore.`);
      else errors.push(...this.actorStateStoreErrors(what));
    }
    return errors;
  }
}
