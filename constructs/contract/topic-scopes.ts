/**
 * The contract's topic grants, decided as daprd 1.18.3 decides them: through `daprTopicDecision`
 * (constructs/model/topic-grant.ts, checked against daprd's own functions by e2e/pubsub-scopes) on
 * the pub/sub's topic metadata as the contract records it. Plain data.
 */
import { daprTopicDecision, TopicDecision, TopicDirection, topicScopesKey } from '../model/topic-grant';
import { ContractTopicGrant, ContractTopicScopes } from './contract-document';

/** One metadata entry: name and plain value (secret references carry no topics). */
export interface TopicMetadataEntry {
  readonly name: string;
  readonly value?: string;
}

const KEYS = ['allowedTopics', 'protectedTopics', 'publishingScopes', 'subscriptionScopes'] as const;

/** The topic metadata of a pub/sub Component as the contract records it: each value as written, or null. */
export function topicScopesOf(entries: readonly TopicMetadataEntry[]): ContractTopicScopes {
  const find = (key: string) => entries.find((e) => e.name.toLowerCase() === key.toLowerCase())?.value ?? null;
  return { allowedTopics: find('allowedTopics'), protectedTopics: find('protectedTopics'), publishingScopes: find('publishingScopes'), subscriptionScopes: find('subscriptionScopes') };
}

function decide(scopes: ContractTopicScopes, namespace: string, direction: TopicDirection, appId: string, topic: string): TopicDecision {
  const metadata = new Map<string, string>();
  for (const key of KEYS) if (scopes[key] !== null) metadata.set(key, scopes[key]!);
  return daprTopicDecision(metadata, { appId, namespace, topic, direction });
}

/** Whether daprd lets `appId` (of `namespace`) publish to / subscribe to `topic` on a pub/sub with these scopes. */
export function topicAllowed(scopes: ContractTopicScopes, namespace: string, direction: TopicDirection, appId: string, topic: string): boolean {
  return decide(scopes, namespace, direction, appId, topic).allowed;
}

/** The topics an app may use in a direction: a list, or `["*"]` for any topic not in `protectedTopics`. */
export function grantedTopics(scopes: ContractTopicScopes, namespace: string, direction: TopicDirection, appId: string): string[] {
  const d = decide(scopes, namespace, direction, appId, '');
  if (d.scopedTopics.length > 0) return d.scopedTopics.filter((t) => t !== '' && topicAllowed(scopes, namespace, direction, appId, t)).sort();
  if (d.allowedTopics.length > 0) return d.allowedTopics.filter((t) => !d.protectedTopics.includes(t)).sort();
  return ['*'];
}

/** Each app's publish and subscribe grants, in the order of `appIds`. */
export function topicGrants(scopes: ContractTopicScopes, namespace: string, appIds: readonly string[]): ContractTopicGrant[] {
  return appIds.map((appId) => ({
    appId,
    publish: grantedTopics(scopes, namespace, TopicDirection.PUBLISH, appId),
    subscribe: grantedTopics(scopes, namespace, TopicDirection.SUBSCRIBE, appId),
  }));
}

/**
 * What the platform must change so that `appId` may use `topic`: the metadata entries as they
 * would read afterwards (e.g. `subscriptionScopes: the entry 'returns=shipment-created'`).
 */
export function topicGrantFix(scopes: ContractTopicScopes, namespace: string, direction: TopicDirection, appId: string, topic: string): string {
  const d = decide(scopes, namespace, direction, appId, topic);
  const fixes: string[] = [];
  if (d.allowedTopics.length > 0 && !d.allowedTopics.includes(topic)) fixes.push(`allowedTopics: add '${topic}'`);
  const listed = d.scopedTopics.length > 0;
  if (listed || d.protectedTopics.includes(topic)) fixes.push(`${topicScopesKey(direction)}: the entry '${appId}=${[...d.scopedTopics.filter((t) => t !== ''), topic].join(',')}'`);
  return fixes.join(' and ');
}
