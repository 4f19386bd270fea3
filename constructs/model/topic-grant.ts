/** Which way an app uses a topic of a pub/sub. */
export enum TopicDirection {
  /** The app publishes to the topic (the pub/sub's `publishingScopes`). */
  PUBLISH = 'publish',
  /** The app subscribes to the topic (the pub/sub's `subscriptionScopes`). */
  SUBSCRIBE = 'subscribe',
}

/** One app's right to publish to or subscribe to one topic of a pub/sub. */
export interface TopicGrant {
  /** The app-id granted. */
  readonly appId: string;
  /** The topic, exactly as the app names it (daprd compares topics case-sensitively). */
  readonly topic: string;
  /** Publish or subscribe. */
  readonly direction: TopicDirection;
}

/** The metadata key daprd reads the grants of a direction from. */
export function topicScopesKey(direction: TopicDirection): 'publishingScopes' | 'subscriptionScopes' {
  return direction === TopicDirection.PUBLISH ? 'publishingScopes' : 'subscriptionScopes';
}

/** A Kafka topic name (letters, digits, '.', '_', '-', at most 249): nothing daprd's scope syntax (`;`, `=`, `,`, spaces) would split. */
export const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Grants without duplicates, sorted by app-id, direction, topic (deterministic output). */
export function sortTopicGrants(grants: Iterable<TopicGrant>): TopicGrant[] {
  return new TopicGrantSet(grants).list();
}

/** A set of topic grants (one per app-id, direction and topic), listed in a deterministic order. */
export class TopicGrantSet {
  private readonly grants = new Map<string, TopicGrant>();

  public constructor(grants: Iterable<TopicGrant> = []) {
    for (const g of grants) this.add(g);
  }

  /** How many grants. */
  public get size(): number {
    return this.grants.size;
  }

  /** Adds a grant (once). */
  public add(grant: TopicGrant): void {
    this.grants.set(`${grant.appId}\u0000${grant.direction}\u0000${grant.topic}`, { appId: grant.appId, topic: grant.topic, direction: grant.direction });
  }

  /** True if the set holds this grant. */
  public has(grant: TopicGrant): boolean {
    return this.grants.has(`${grant.appId}\u0000${grant.direction}\u0000${grant.topic}`);
  }

  /** The grants, sorted by app-id, direction, topic. */
  public list(): TopicGrant[] {
    return [...this.grants.keys()].sort().map((k) => this.grants.get(k)!);
  }

  /** The topics of each app in a direction, by app-id (sorted). */
  public topicsByApp(direction: TopicDirection): { [appId: string]: string[] } {
    const grants = this.list().filter((g) => g.direction === direction);
    return Object.fromEntries([...new Set(grants.map((g) => g.appId))].map((appId) => [appId, grantedTopicsOf(grants, appId, direction)]));
  }
}

/** The topics granted to an app in a direction, sorted. */
export function grantedTopicsOf(grants: readonly TopicGrant[], appId: string, direction: TopicDirection): string[] {
  return [...new Set(grants.filter((g) => g.appId === appId && g.direction === direction).map((g) => g.topic))].sort();
}

/**
 * A `publishingScopes`/`subscriptionScopes` value that lists every app of `appIds` (in that
 * order) with exactly the topics it is granted in `direction`: `billing=a,b;shipping=`. An app
 * listed with no topic (`shipping=`) may use no topic in that direction; an app left out would
 * be unrestricted, so every app in the component's scopes is listed.
 */
export function renderTopicScopes(appIds: readonly string[], grants: readonly TopicGrant[], direction: TopicDirection): string {
  return appIds.map((appId) => `${appId}=${grantedTopicsOf(grants, appId, direction).join(',')}`).join(';');
}

/**
 * How daprd 1.18.3 decides whether an app may publish to or subscribe to a topic of a pub/sub,
 * from the component's plain metadata values (`name` → `value`). The same steps as daprd, checked
 * against its own functions by `e2e/pubsub-scopes/run.sh`:
 *
 * - `pkg/runtime/meta` (`convertItemsToProps`): in every value `{namespace}` becomes
 *   `<namespace>.<app-id>`, then `{appID}` becomes the app-id.
 * - `pkg/scopes` (`findParamInMetadata`, `GetScopedTopics`, `getParamTopics`): keys are found
 *   case-insensitively; an empty value is as absent; only spaces are removed (not tabs or line
 *   breaks); `publishingScopes`/`subscriptionScopes` split on `;` into `app=topic,topic` entries;
 *   an entry without `=` is ignored; the app-id is compared case-sensitively; text after a second
 *   `=` is dropped; entries of the same app add up; `app=` yields the one topic `""`.
 *   `allowedTopics`/`protectedTopics` split on `,` (a value of only spaces yields the topic `""`).
 * - `pkg/runtime/pubsub` (`IsOperationAllowed`): a non-empty `allowedTopics` refuses every topic
 *   it does not list; then an app without scoped topics may use any topic that is not in
 *   `protectedTopics`; otherwise only its scoped topics (so `app=` refuses every topic).
 *
 * Not modelled: values from `secretKeyRef` (daprd resolves them; the caller has no value), and
 * two keys that differ only in case (daprd then picks one at random: `DAPR-COMP-011` refuses it).
 */
export function daprAllowsTopic(metadata: ReadonlyMap<string, string>, query: TopicQuery): boolean {
  return daprTopicDecision(metadata, query).allowed;
}

/** One question to daprd's topic scoping: may this app of this namespace use this topic in this direction? */
export interface TopicQuery {
  readonly appId: string;
  readonly namespace: string;
  readonly topic: string;
  readonly direction: TopicDirection;
}

/** daprd's answer with what it read: the app's scoped topics in the direction, `allowedTopics` and `protectedTopics`. */
export interface TopicDecision {
  readonly allowed: boolean;
  readonly scopedTopics: readonly string[];
  readonly allowedTopics: readonly string[];
  readonly protectedTopics: readonly string[];
}

/** {@link daprAllowsTopic} with the lists daprd read, to explain a refusal. */
export function daprTopicDecision(metadata: ReadonlyMap<string, string>, query: TopicQuery): TopicDecision {
  const find = (key: string): string | undefined => {
    const lower = key.toLowerCase();
    for (const [name, value] of metadata) {
      // (A value without a placeholder is the same for every app: not copied per query.)
      if (name.toLowerCase() === lower) return value.includes('{') ? value.split('{namespace}').join(`${query.namespace}.${query.appId}`).split('{appID}').join(query.appId) : value;
    }
    return undefined;
  };
  const allowedTopics = topicList(find('allowedTopics'));
  const protectedTopics = topicList(find('protectedTopics'));
  const scopedTopics = scopedTopicsOf(find(topicScopesKey(query.direction)), query.appId);
  let allowed: boolean;
  if (allowedTopics.length > 0 && !allowedTopics.includes(query.topic)) allowed = false;
  else if (!protectedTopics.includes(query.topic) && scopedTopics.length === 0) allowed = true;
  else allowed = scopedTopics.includes(query.topic);
  return { allowed, scopedTopics, allowedTopics, protectedTopics };
}

/** daprd's `getParamTopics`: a comma list after removing spaces; empty or absent gives none. */
export function topicList(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return [...new Set(value.split(' ').join('').split(','))];
}

/** daprd's `GetScopedTopics`: the topics a `app=topic,...;...` value lists for the app, in order, once each. */
export function scopedTopicsOf(value: string | undefined, appId: string): string[] {
  if (value === undefined || value === '') return [];
  return [...(scopedTopicsByApp(value).get(appId) ?? [])];
}

/**
 * The last values read by {@link scopedTopicsOf}, each parsed into its apps' topics. A check asks
 * about every app of a component against the same value (which lists every app): parsing it for
 * each question made the check quadratic in the apps (7 s of policy at 5,000 workloads).
 */
const scopedTopicsCache = new Map<string, ReadonlyMap<string, readonly string[]>>();
const SCOPED_TOPICS_CACHE_SIZE = 8;

/** Counters for tests: how many `app=topic,...` values were parsed. */
export const scopedTopicsStats = { parsed: 0 };

function scopedTopicsByApp(value: string): ReadonlyMap<string, readonly string[]> {
  const cached = scopedTopicsCache.get(value);
  if (cached) return cached;
  scopedTopicsStats.parsed++;
  const byApp = new Map<string, Set<string>>();
  for (const entry of value.split(' ').join('').split(';')) {
    const parts = entry.split('=');
    if (parts.length < 2) continue;
    let topics = byApp.get(parts[0]);
    if (!topics) byApp.set(parts[0], (topics = new Set()));
    for (const t of parts[1].split(',')) topics.add(t);
  }
  const parsed = new Map([...byApp].map(([app, topics]) => [app, [...topics]] as const));
  if (scopedTopicsCache.size >= SCOPED_TOPICS_CACHE_SIZE) scopedTopicsCache.delete(scopedTopicsCache.keys().next().value!);
  scopedTopicsCache.set(value, parsed);
  return parsed;
}
