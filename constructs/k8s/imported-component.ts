import { Construct } from 'constructs';
import { IDaprApp } from '../model/dapr-app';
import { ISecretStore, SecretRef } from '../model/secret-ref';
import { TopicDirection, TopicGrant } from '../model/topic-grant';
import { ComponentEndpoint, IPubSub, IStateStore } from './dapr-component';
import { ImportedTopicGrants } from './imported-topic-grants';

/** Props of {@link ImportedComponent}. */
export interface ImportedComponentProps {
  /** The component's `metadata.name`. */
  readonly name: string;
  /** The component's namespace. */
  readonly namespace: string;
  /** The component type, e.g. `pubsub.kafka`. */
  readonly componentType: string;
  /** The app-ids the component is already scoped to where it is declared. */
  readonly scopes: string[];
  /**
   * Whether it is an actor state store.
   * @default false
   */
  readonly isActorStateStore?: boolean;
  /**
   * Where it connects (for egress rules).
   * @default - none known
   */
  readonly endpoints?: ComponentEndpoint[];
  /**
   * The secrets it reads at load time, through its `auth.secretStore` (e.g. an
   * `ImportedVaultSecretStore`): the apps that use it must be in that store's scopes, may read
   * exactly those paths, and get the Vault Agent wiring when the store needs it.
   * @default - it reads no secrets
   */
  readonly secretRefs?: SecretRef[];
  /**
   * For a pub/sub: the topic grants it has where it is declared. Its `publishingScopes` and
   * `subscriptionScopes` list every app in its scopes with exactly these topics, as `KafkaPubSub`
   * renders them (`billing=shipment-created-dlq;shipping=`): read them from the platform's
   * manifests or contract. `grantPublish`/`grantSubscribe` of a topic not listed for the app fail
   * synth, naming the entry to add where the component is declared.
   * @default - not known here: publishing or subscribing through the component fails synth until
   * the grants are given (or `unrestrictedTopics` says it has none)
   */
  readonly grantedTopics?: TopicGrant[];
  /**
   * For a pub/sub declared without `publishingScopes`, `subscriptionScopes`, `allowedTopics` and
   * `protectedTopics`: daprd then lets every app in its scopes publish and subscribe to every topic,
   * so no topic grant is checked.
   * @default false
   */
  readonly unrestrictedTopics?: boolean;
  /**
   * Whether synth fails when an app that uses it is not in `scopes`, or asks for a topic grant it
   * does not have. Off when another check owns that: a `PlatformContract` checks the components it
   * refers to against its file with daprd's topic semantics, naming the file and the entry to add.
   * @default true
   */
  readonly validateGrants?: boolean;
}

/**
 * A component declared elsewhere (the platform's repository, hand-written YAML) that this code
 * uses but does not render. Its scopes cannot change from here: an app that uses it must already
 * be in its scopes, or synth fails saying where to add it.
 */
export class ImportedComponent extends Construct implements IStateStore, IPubSub {
  public readonly componentName: string;
  public readonly namespace: string;
  public readonly componentType: string;
  public readonly isActorStateStore: boolean;
  public readonly secretRefs: SecretRef[];
  public readonly endpoints: ComponentEndpoint[];
  private readonly declaredScopes: string[];
  private readonly requested = new Map<string, IDaprApp>();
  private readonly topics: ImportedTopicGrants;

  public constructor(scope: Construct, id: string, props: ImportedComponentProps) {
    super(scope, id);
    this.componentName = props.name;
    this.namespace = props.namespace;
    this.componentType = props.componentType;
    this.isActorStateStore = props.isActorStateStore ?? false;
    this.endpoints = props.endpoints ?? [];
    this.secretRefs = [...(props.secretRefs ?? [])];
    this.declaredScopes = [...props.scopes].sort();
    this.topics = new ImportedTopicGrants(props.grantedTopics, props.unrestrictedTopics ?? false);
    const validateGrants = props.validateGrants ?? true;
    this.node.addValidation({
      validate: () => (!validateGrants ? [] : [
        ...[...this.requested.values()]
          .filter((app) => !this.declaredScopes.includes(app.appId))
          .map(
            (app) =>
              `${this.componentType} component '${this.componentName}' (declared elsewhere) is not scoped to app '${app.appId}', which uses it: ` +
              `add '${app.appId}' to its scopes where it is declared.`,
          ),
        ...this.topics.errors(`${this.componentType} component '${this.componentName}' (declared elsewhere)`),
      ]),
    });
  }

  public get scopes(): string[] {
    return [...this.declaredScopes];
  }

  public addScope(app: IDaprApp): void {
    this.requested.set(app.appId, app);
    // The app's sidecar resolves this component's secrets through the store: it needs it in scope too.
    for (const ref of this.secretRefs) {
      const store = ref.store as (ISecretStore & { addScope?: (a: IDaprApp) => void }) | undefined;
      if (store && store !== (this as unknown) && typeof store.addScope === 'function') store.addScope(app);
    }
  }

  public grantPublish(app: IDaprApp, topic: string): void {
    this.grant(app, topic, TopicDirection.PUBLISH);
  }

  public grantSubscribe(app: IDaprApp, topic: string): void {
    this.grant(app, topic, TopicDirection.SUBSCRIBE);
  }

  /** The grants this code asked for (`grantPublish`/`grantSubscribe`), sorted by app-id, direction and topic. */
  public get topicGrants(): TopicGrant[] {
    return this.topics.requested;
  }

  /** The grants the component has where it is declared (`grantedTopics`), sorted; undefined if not given. */
  public get grantedTopics(): TopicGrant[] | undefined {
    return this.topics.granted;
  }

  private grant(app: IDaprApp, topic: string, direction: TopicDirection): void {
    this.addScope(app);
    this.topics.ask(app, topic, direction);
  }
}
