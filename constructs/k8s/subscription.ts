import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { SubscriptionV2Alpha1 } from '../../imports/dapr.io';
import { IDaprApp } from '../model/dapr-app';
import { checkReferencedAppId, derivedFromInvalidAppId, checkObjectName } from '../model/names';
import { TOPIC_NAME as TOPIC } from '../model/topic-grant';
import { IPubSub } from './dapr-component';

/** A routing rule: events whose CloudEvent matches the CEL expression go to the path. */
export interface SubscriptionRule {
  /** A CEL expression over the CloudEvent, e.g. `event.type == "shipment.created.v2"`. */
  readonly match: string;
  /** The app path that receives matching events, e.g. `/shipments/v2`. */
  readonly path: string;
}

/** Bulk delivery settings (`spec.bulkSubscribe`). */
export interface BulkSubscribeOptions {
  /**
   * Most messages in one bulk delivery.
   * @default 100
   */
  readonly maxMessagesCount?: number;
  /**
   * Longest wait to fill a bulk delivery.
   * @default Duration.seconds(1)
   */
  readonly maxAwaitDuration?: Duration;
}

/** What a Subscription says, apart from its pub/sub. */
export interface DaprSubscriptionOptions {
  /** The Subscription's `metadata.name`; stable. */
  readonly name: string;
  /**
   * Namespace.
   * @default - the pub/sub's namespace
   */
  readonly namespace?: string;
  /** The topic. */
  readonly topic: string;
  /** The app path that receives events no rule matched (`routes.default`), e.g. `/events/shipment-created`. */
  readonly defaultRoute: string;
  /**
   * Routing rules, tried in order before the default route.
   * @default - none
   */
  readonly rules?: SubscriptionRule[];
  /**
   * Topic that receives events the subscriber could not process after the retries (`deadLetterTopic`).
   * Give it a subscriber of its own.
   * @default - failed events are dropped after the retries
   */
  readonly deadLetterTopic?: string;
  /**
   * Bulk delivery.
   * @default - one event per delivery
   */
  readonly bulkSubscribe?: BulkSubscribeOptions;
  /**
   * The apps that subscribe (the Subscription's `scopes`); the pub/sub grants each the topic (and publishing to the dead-letter topic).
   * @default - none yet; add with addSubscriber, synth fails if there are none
   */
  readonly subscribers?: IDaprApp[];
  /**
   * Subscription metadata passed to the pub/sub (`spec.metadata`).
   * @default - none
   */
  readonly metadata?: { [key: string]: string };
}

/** Props of {@link DaprSubscription}. */
export interface DaprSubscriptionProps extends DaprSubscriptionOptions {
  /** The pub/sub the topic lives in. */
  readonly pubsub: IPubSub;
}

/** A declarative `dapr.io/v2alpha1` Subscription (the storage version), scoped to its subscribers. */
export class DaprSubscription extends Construct {
  /** The Subscription's `metadata.name`. */
  public readonly subscriptionName: string;
  /** The Subscription's namespace. */
  public readonly namespace: string;
  /** The pub/sub the topic lives in. */
  public readonly pubsub: IPubSub;
  /** The topic. */
  public readonly topic: string;
  /** The dead-letter topic, if any. */
  public readonly deadLetterTopic?: string;
  /** The app path that receives events no rule matched. */
  public readonly defaultRoute: string;
  private readonly subscriberSet = new Map<string, IDaprApp>();

  public constructor(scope: Construct, id: string, props: DaprSubscriptionProps) {
    super(scope, id);
    this.subscriptionName = props.name;
    this.pubsub = props.pubsub;
    this.namespace = props.namespace ?? props.pubsub.namespace ?? Chart.of(this).namespace ?? '';
    this.topic = props.topic;
    this.deadLetterTopic = props.deadLetterTopic;
    this.defaultRoute = props.defaultRoute;
    for (const s of props.subscribers ?? []) this.addSubscriber(s);

    const bulk = props.bulkSubscribe;
    new SubscriptionV2Alpha1(this, 'Resource', {
      metadata: { name: props.name, namespace: this.namespace },
      scopes: Lazy.any({ produce: () => this.subscribers }),
      spec: {
        pubsubname: props.pubsub.componentName,
        topic: props.topic,
        routes: { default: props.defaultRoute, rules: props.rules?.length ? props.rules.map((r) => ({ match: r.match, path: r.path })) : undefined },
        deadLetterTopic: props.deadLetterTopic,
        bulkSubscribe: bulk
          ? { enabled: true, maxMessagesCount: bulk.maxMessagesCount ?? 100, maxAwaitDurationMs: (bulk.maxAwaitDuration ?? Duration.seconds(1)).toMilliseconds() }
          : undefined,
        metadata: props.metadata && Object.keys(props.metadata).length ? sortedRecord(props.metadata) : undefined,
      },
    });
    this.node.addValidation({ validate: () => this.validate(props) });
  }

  /** The app-ids this Subscription is scoped to, sorted. */
  public get subscribers(): string[] {
    return [...this.subscriberSet.keys()].sort();
  }

  /**
   * Adds a subscribing app: the pub/sub grants it the topic (`subscriptionScopes`) and, if there is
   * one, publishing to the dead-letter topic, which its sidecar writes failed events to.
   */
  public addSubscriber(app: IDaprApp): void {
    this.subscriberSet.set(app.appId, app);
    this.pubsub.grantSubscribe(app, this.topic);
    if (this.deadLetterTopic) this.pubsub.grantPublish(app, this.deadLetterTopic);
  }

  private validate(props: DaprSubscriptionProps): string[] {
    const errors: string[] = [];
    const what = `Subscription '${props.name}' (topic '${props.topic}')`;
    const nameError = checkObjectName('subscription name', props.name);
    // Named after the app-id of the workload it belongs to: that workload reports the app-id.
    if (nameError && !derivedFromInvalidAppId(this.node.scope)) errors.push(nameError);
    if (!TOPIC.test(props.topic)) errors.push(`${what}: topic '${props.topic}' is not a valid Kafka topic name (letters, digits, '.', '_', '-', at most 249).`);
    if (props.deadLetterTopic !== undefined) {
      if (!TOPIC.test(props.deadLetterTopic)) errors.push(`${what}: deadLetterTopic '${props.deadLetterTopic}' is not a valid topic name.`);
      if (props.deadLetterTopic === props.topic) errors.push(`${what}: deadLetterTopic is the topic itself, so failed events loop forever: use e.g. '${props.topic}-dlq'.`);
    }
    for (const [where, path] of [['defaultRoute', props.defaultRoute], ...(props.rules ?? []).map((r, i) => [`rules[${i}].path`, r.path])]) {
      if (!path.startsWith('/')) errors.push(`${what}: ${where} '${path}' is not an absolute app path: use e.g. '/${path.replace(/^\/*/, '')}'.`);
    }
    (props.rules ?? []).forEach((r, i) => {
      if (!r.match.trim()) errors.push(`${what}: rules[${i}].match is empty: give a CEL expression such as 'event.type == "x"', or drop the rule.`);
    });
    const bulk = props.bulkSubscribe;
    if (bulk?.maxMessagesCount !== undefined && (!Number.isInteger(bulk.maxMessagesCount) || bulk.maxMessagesCount < 1)) {
      errors.push(`${what}: bulkSubscribe.maxMessagesCount ${bulk.maxMessagesCount} is not a positive integer.`);
    }
    if (this.subscriberSet.size === 0) {
      errors.push(`${what} has no subscribers, so every app in '${this.namespace}' would receive it: add the subscribing app (addSubscriber or workload.subscribe).`);
    }
    for (const app of this.subscriberSet.values()) {
      const idError = checkReferencedAppId(app);
      if (idError) errors.push(idError);
      if (app.namespace !== this.namespace) {
        errors.push(`${what} in namespace '${this.namespace}' names subscriber '${app.appId}' of namespace '${app.namespace}': subscribe from the app's own namespace.`);
      }
    }
    if (this.pubsub.namespace !== this.namespace) {
      errors.push(`${what} in namespace '${this.namespace}' uses pub/sub '${this.pubsub.componentName}' of namespace '${this.pubsub.namespace}': a Subscription only sees components of its own namespace.`);
    }
    return errors;
  }
}

function sortedRecord(r: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}
