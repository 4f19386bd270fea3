import { daprTopicDecision, TopicDirection, topicScopesKey } from '../../model/topic-grant';
import type { DaprComponentDoc, DocumentIndex, SubscriptionDoc } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { didYouMean, quoteList } from '../util';
import { ALL_PROFILES, inNamespace, topicScopeMetadata } from './common';
import type { ContractComponent } from '../../contract/contract-document';
import type { LoadedContract } from '../../contract/read-contract';

/** The contract's pub/sub of that name in the namespace, if a contract is given. */
function contractPubsub(contract: LoadedContract | undefined, ns: string, name: string | undefined): ContractComponent | undefined {
  return contract?.document.components.find((c) => c.name === name && c.namespace === ns && c.type.startsWith('pubsub.'));
}

export const SUBSCRIPTION_PUBSUB: Rule = {
  id: 'DAPR-SUB-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'A Subscription names (`spec.pubsubname`) a pub/sub Component in its namespace (or, with `--contract`, one of the contract; DAPR-CONTRACT-002 checks its scopes), and every subscriber app in its `scopes` is in that Component\'s scopes.',
  why: 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/',
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    for (const s of index.subscriptions) {
      const ns = s.object.namespace;
      if (!index.component(ns, s.pubsubName ?? '') && contractPubsub(contract, ns, s.pubsubName)) continue;
      const name = s.pubsubName;
      if (name === undefined || name === '') {
        out.push({ target: s.object, message: `${s.object.ref} has no spec.pubsubname: set it to the name of a pub/sub Component ${inNamespace(ns)}.` });
        continue;
      }
      const pubsub = index.component(ns, name);
      if (!pubsub || !pubsub.type.startsWith('pubsub.')) {
        out.push({
          target: s.object,
          message: pubsub
            ? `${s.object.ref} subscribes through '${name}', but ${pubsub.object.ref} has type '${pubsub.type}', not a pubsub.* type: set spec.pubsubname to a pub/sub Component.`
            : `${s.object.ref} subscribes through pub/sub '${name}', but there is no Component '${name}' ${inNamespace(ns)}, so no message is ever delivered: create it or fix spec.pubsubname.`,
        });
        continue;
      }
      const allowed = index.scopeSetOf(pubsub);
      if (allowed === undefined || s.scopes === undefined) continue;
      const missing = s.scopes.filter((app) => !allowed.has(app));
      if (missing.length === 0) continue;
      out.push({
        target: s.object,
        message:
          `${s.object.ref} is scoped to ${quoteList(missing)}, but pub/sub ${pubsub.object.ref} is not, so ${missing.length === 1 ? 'that app does' : 'those apps do'} not load the broker and never receive topic '${s.topic ?? ''}': ` +
          `add ${quoteList(missing)} to the scopes of '${name}' or remove ${missing.length === 1 ? 'it' : 'them'} from the Subscription.`,
      });
    }
    return out;
  },
};

export const SUBSCRIPTION_DEAD_LETTER: Rule = {
  id: 'DAPR-SUB-002',
  severity: Severity.WARNING,
  profiles: ALL_PROFILES,
  description:
    "A Subscription's `deadLetterTopic` has a subscriber (a Subscription to that topic on the same pub/sub, or, with `--contract`, an app the contract grants that topic by name), so dead letters are handled.",
  why: 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-deadletter/',
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    for (const s of index.subscriptions) {
      const dlq = s.deadLetterTopic;
      if (dlq === undefined || dlq === '') continue;
      if (index.subscriptionsTo(s.object.namespace, s.pubsubName ?? '', dlq).length > 0) continue;
      if (contractPubsub(contract, s.object.namespace, s.pubsubName)?.topicGrants?.some((g) => g.subscribe.includes(dlq))) continue;
      out.push({
        target: s.object,
        message: `${s.object.ref} sends failed messages to dead-letter topic '${dlq}', but no Subscription ${inNamespace(s.object.namespace)} reads '${dlq}' from pub/sub '${s.pubsubName ?? ''}', so dead letters pile up unseen: add a Subscription (topic: ${dlq}) for an app that alerts on or replays them.`,
      });
    }
    return out;
  },
};

export const SUBSCRIPTION_TOPIC_GRANTED: Rule = {
  id: 'DAPR-SUB-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "Every subscriber app of a Subscription may subscribe to its topic by the pub/sub Component's `subscriptionScopes`, `allowedTopics` and `protectedTopics` (as daprd 1.18.3 decides); an unscoped Subscription, by at least one app that loads the pub/sub.",
  why: 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/',
  check: ({ index }) =>
    topicViolations(index, TopicDirection.SUBSCRIBE, (s) => s.topic, (s, topic) => `${s.object.ref} subscribes to topic '${topic}'`, 'daprd skips the Subscription without an error and the app never receives the events'),
};

export const SUBSCRIPTION_DEAD_LETTER_GRANTED: Rule = {
  id: 'DAPR-SUB-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "Every subscriber app of a Subscription with a `deadLetterTopic` may publish to that topic by the pub/sub Component's `publishingScopes`, `allowedTopics` and `protectedTopics` (its sidecar publishes the dead letters).",
  why: 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-deadletter/',
  check: ({ index }) =>
    topicViolations(
      index,
      TopicDirection.PUBLISH,
      (s) => s.deadLetterTopic,
      (s, topic) => `${s.object.ref} sends failed events to dead-letter topic '${topic}'`,
      "daprd refuses the sidecar's publish, so failed events are retried (or dropped) instead of dead-lettered",
    ),
};

export const SUBSCRIPTION_RULES: readonly Rule[] = [SUBSCRIPTION_PUBSUB, SUBSCRIPTION_DEAD_LETTER, SUBSCRIPTION_TOPIC_GRANTED, SUBSCRIPTION_DEAD_LETTER_GRANTED];

/**
 * The subscriber apps of each Subscription that daprd would not let use `topicOf(s)` in `direction`.
 * Apps the pub/sub does not load are DAPR-SUB-001's; a pub/sub whose topic scoping comes from a
 * secret is not decided. An unscoped Subscription goes to every app that loads the pub/sub: it is
 * reported only when none of them may use the topic.
 */
function topicViolations(
  index: DocumentIndex,
  direction: TopicDirection,
  topicOf: (s: SubscriptionDoc) => string | undefined,
  subject: (s: SubscriptionDoc, topic: string) => string,
  consequence: string,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const metadataOf = new Map<DaprComponentDoc, Map<string, string> | undefined>();
  for (const s of index.subscriptions) {
    const topic = topicOf(s);
    const ns = s.object.namespace;
    const pubsub = index.component(ns, s.pubsubName ?? '');
    if (topic === undefined || topic === '' || !pubsub || !pubsub.type.startsWith('pubsub.')) continue;
    if (!metadataOf.has(pubsub)) metadataOf.set(pubsub, topicScopeMetadata(pubsub));
    const metadata = metadataOf.get(pubsub);
    if (!metadata) continue;
    const loaded = index.scopeSetOf(pubsub);
    const apps = (s.scopes ?? [...(loaded ?? index.appIdsIn(ns))]).filter((app) => !loaded || loaded.has(app));
    const decisions = apps.map((appId) => ({ appId, ...daprTopicDecision(metadata, { appId, namespace: ns, topic, direction }) }));
    const refused = decisions.filter((d) => !d.allowed);
    if (refused.length === 0) continue;
    if (s.scopes === undefined) {
      if (refused.length < decisions.length) continue;
      out.push({
        target: s.object,
        message: `${subject(s, topic)} and is unscoped, but no app that loads pub/sub ${pubsub.object.ref} (${quoteList(apps)}) may ${direction} to it: ${consequence}; scope the Subscription to the app meant to ${direction} and grant it the topic in ${topicScopesKey(direction)}.`,
      });
      continue;
    }
    for (const d of refused) {
      out.push({ target: s.object, message: `${subject(s, topic)} for '${d.appId}', but pub/sub ${pubsub.object.ref} does not let '${d.appId}' ${direction} to it: ${refusal(d, topic, direction)}; ${consequence}. ${fixFor(d, topic, direction)}` });
    }
  }
  return out;
}

type Refused = ReturnType<typeof daprTopicDecision> & { appId: string };

/** Why daprd refuses: the list that does not grant the topic. */
function refusal(d: Refused, topic: string, direction: TopicDirection): string {
  const key = topicScopesKey(direction);
  if (d.allowedTopics.length > 0 && !d.allowedTopics.includes(topic)) return `allowedTopics (${quoteList(d.allowedTopics)}) does not list '${topic}'`;
  const granted = d.scopedTopics.filter((t) => t !== '');
  if (d.scopedTopics.length === 0) return `'${topic}' is in protectedTopics and ${key} grant '${d.appId}' no topic`;
  return granted.length === 0 ? `${key} list '${d.appId}' with no topic ('${d.appId}=')` : `${key} grant '${d.appId}' only ${quoteList(granted)}`;
}

/** The fix: the entry to write (and the list to extend), or the topic it probably meant. */
function fixFor(d: Refused, topic: string, direction: TopicDirection): string {
  const key = topicScopesKey(direction);
  const granted = d.scopedTopics.filter((t) => t !== '');
  const steps: string[] = [];
  if (d.allowedTopics.length > 0 && !d.allowedTopics.includes(topic)) steps.push(`add '${topic}' to allowedTopics`);
  if (d.scopedTopics.length > 0 || d.protectedTopics.includes(topic)) steps.push(`write '${d.appId}=${[...granted, topic].join(',')}' in ${key}`);
  const typo = didYouMean(topic, granted.length > 0 ? granted : d.allowedTopics);
  return `Fix: ${steps.join(' and ')}${typo ? `, or fix the topic${typo}` : ''}.`;
}
