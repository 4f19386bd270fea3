import { Rule, RuleViolation, Severity } from '../types';
import { quoteList } from '../util';
import type { ContractComponent } from '../../contract/contract-document';
import type { LoadedContract } from '../../contract/read-contract';
import { ALL_PROFILES, inNamespace } from './common';

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

export const SUBSCRIPTION_RULES: readonly Rule[] = [SUBSCRIPTION_PUBSUB, SUBSCRIPTION_DEAD_LETTER];
