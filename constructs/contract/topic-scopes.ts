/**
 * Pub/sub topic scoping exactly as daprd 1.18.3 applies it (pkg/scopes/scopes.go,
 * pkg/runtime/pubsub/adapter.go IsOperationAllowed): metadata names are matched case-insensitively,
 * spaces are removed, `publishingScopes`/`subscriptionScopes` are `app=t1,t2;app2=t3` (an entry
 * without `=` is ignored, `app=` gives the app the empty topic list `[""]`, which allows nothing),
 * `allowedTopics`/`protectedTopics` are `t1,t2`. An operation on a topic is allowed when
 * (allowedTopics is empty or lists it) and ((the app has no scoped topics and the topic is not
 * protected) or the app's scoped topics list it). Plain data.
 */
import { ContractTopicGrant, ContractTopicScopes } from './contract-document';

/** One metadata entry: name and plain value (secret references carry no topics). */
export interface TopicMetadataEntry {
  readonly name: string;
  readonly value?: string;
}

/** Publish or subscribe. */
export enum TopicOperation {
  PUBLISH = 'publish',
  SUBSCRIBE = 'subscribe',
}

function param(entries: readonly TopicMetadataEntry[], name: string): string | undefined {
  const found = entries.find((e) => e.name.toLowerCase() === name.toLowerCase());
  return found?.value;
}

function topicList(value: string | undefined): string[] | null {
  if (value === undefined || value === '') return null;
  return [...new Set(value.replace(/ /g, '').split(','))];
}

function appTopics(value: string | undefined): { [appId: string]: string[] } | null {
  if (value === undefined || value === '') return null;
  const out: { [appId: string]: string[] } = {};
  for (const entry of value.replace(/ /g, '').split(';')) {
    const parts = entry.split('=');
    if (parts.length < 2) continue;
    const topics = (out[parts[0]] ??= []);
    for (const t of parts[1].split(',')) if (!topics.includes(t)) topics.push(t);
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** The topic metadata of a pub/sub Component, parsed as daprd parses it. */
export function parseTopicScopes(entries: readonly TopicMetadataEntry[]): ContractTopicScopes {
  return {
    allowedTopics: topicList(param(entries, 'allowedTopics')),
    protectedTopics: topicList(param(entries, 'protectedTopics')),
    publishingScopes: appTopics(param(entries, 'publishingScopes')),
    subscriptionScopes: appTopics(param(entries, 'subscriptionScopes')),
  };
}

function scopedTopics(scopes: ContractTopicScopes, op: TopicOperation, appId: string): string[] {
  const table = op === TopicOperation.PUBLISH ? scopes.publishingScopes : scopes.subscriptionScopes;
  return table?.[appId] ?? [];
}

/** Whether daprd lets `appId` publish to / subscribe to `topic` on a pub/sub with these scopes. */
export function topicAllowed(scopes: ContractTopicScopes, op: TopicOperation, appId: string, topic: string): boolean {
  const allowed = scopes.allowedTopics ?? [];
  if (allowed.length > 0 && !allowed.includes(topic)) return false;
  const isProtected = (scopes.protectedTopics ?? []).includes(topic);
  const scoped = scopedTopics(scopes, op, appId);
  if (!isProtected && scoped.length === 0) return true;
  return scoped.includes(topic);
}

/** The topics an app may use: a list, or `["*"]` for any topic not in `protectedTopics`. */
function grantedTopics(scopes: ContractTopicScopes, op: TopicOperation, appId: string): string[] {
  const scoped = scopedTopics(scopes, op, appId);
  if (scoped.length > 0) return scoped.filter((t) => t !== '' && topicAllowed(scopes, op, appId, t)).sort();
  if (scopes.allowedTopics) return scopes.allowedTopics.filter((t) => !(scopes.protectedTopics ?? []).includes(t)).sort();
  return ['*'];
}

/** Each app's publish and subscribe grants, in the order of `appIds`. */
export function topicGrants(scopes: ContractTopicScopes, appIds: readonly string[]): ContractTopicGrant[] {
  return appIds.map((appId) => ({
    appId,
    publish: grantedTopics(scopes, TopicOperation.PUBLISH, appId),
    subscribe: grantedTopics(scopes, TopicOperation.SUBSCRIBE, appId),
  }));
}

/**
 * What the platform must add so that `appId` may use `topic`: the metadata entries to change, as
 * they would read afterwards (e.g. `subscriptionScopes: ...;returns=shipment-created`).
 */
export function topicGrantFix(scopes: ContractTopicScopes, op: TopicOperation, appId: string, topic: string): string {
  const fixes: string[] = [];
  const allowed = scopes.allowedTopics ?? [];
  if (allowed.length > 0 && !allowed.includes(topic)) fixes.push(`allowedTopics: add '${topic}'`);
  const scoped = scopedTopics(scopes, op, appId).filter((t) => t !== '');
  const isProtected = (scopes.protectedTopics ?? []).includes(topic);
  const name = op === TopicOperation.PUBLISH ? 'publishingScopes' : 'subscriptionScopes';
  const listed = (op === TopicOperation.PUBLISH ? scopes.publishingScopes : scopes.subscriptionScopes)?.[appId] !== undefined;
  if (listed || isProtected) fixes.push(`${name}: the entry '${appId}=${[...scoped, topic].join(',')}'`);
  return fixes.join(' and ');
}
