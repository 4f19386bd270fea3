/**
 * Cross-repository rules: an app team's documents against the platform contract (`--contract`),
 * without the platform's documents. They check what the documents show: the Dapr version the
 * check runs with, the Subscriptions on the platform's pub/subs (scopes, topics, dead-letter
 * topics) and the invocations the NetworkPolicies open to the platform's apps. Without a contract
 * they have nothing to compare with and report nothing (docs/policy-rules.md).
 */
import { anyInvocationAllowed } from '../../contract/access-control';
import { ContractComponent } from '../../contract/contract-document';
import type { LoadedContract } from '../../contract/read-contract';
import { topicAllowed, topicGrantFix, topicGrants } from '../../contract/topic-scopes';
import { TopicDirection } from '../../model/topic-grant';
import { DocumentIndex, SubscriptionDoc } from '../document-index';
import { PolicyTarget, Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, didYouMean, getPath, quoteList } from '../util';
import { ALL_PROFILES } from './common';

const VERSION_DOC = 'https://docs.dapr.io/operations/support/support-release-policy/';
const SCOPES_DOC = 'https://docs.dapr.io/operations/components/component-scopes/';
const TOPICS_DOC = 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/';
const ACL_DOC = 'https://docs.dapr.io/operations/configuration/invoke-allowlist/';
const DAPR_INTERNAL_GRPC_PORT = 50002;

/** The contract file as the target of findings about the check's own settings. */
function contractTarget(contract: LoadedContract): PolicyTarget {
  return { ref: `PlatformContract ${contract.document.environment}`, doc: { file: contract.file, index: 0, format: 'kubernetes', content: contract.document as unknown as Record<string, unknown> } };
}

export const CONTRACT_DAPR_VERSION: Rule = {
  id: 'DAPR-CONTRACT-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: "With `--contract`: the Dapr version the documents are checked against (`--dapr-version`, a dapr helm_release's chart version) is the contract's `dapr.version`.",
  why: VERSION_DOC,
  check: ({ contract, daprVersion, index }) => {
    if (!contract) return [];
    const want = contract.document.dapr.version;
    const out: RuleViolation[] = [];
    if (daprVersion.version !== want) {
      out.push({
        target: contractTarget(contract),
        message: `the documents are checked against Dapr ${daprVersion.version}, but the contract ${contract.file} says ${contract.document.environment} runs Dapr ${want}: drop --dapr-version (the contract sets it) or build against the contract's version.`,
      });
    }
    for (const r of index.helmReleases) {
      if (r.version !== undefined && r.version.replace(/^v/, '') !== want) {
        out.push({ target: r, message: `${r.ref} pins Dapr chart ${r.version}, but the contract ${contract.file} says ${contract.document.environment} runs Dapr ${want}: pin ${want}, or publish a contract for the new version.` });
      }
    }
    return out;
  },
};

/** The contract's component a Subscription names, when the documents do not render that component themselves. */
function contractPubsub(index: DocumentIndex, contract: LoadedContract, s: SubscriptionDoc): ContractComponent | undefined {
  if (!s.pubsubName || index.component(s.object.namespace, s.pubsubName)) return undefined;
  return contract.document.components.find((c) => c.name === s.pubsubName && c.namespace === s.object.namespace);
}

function subscribers(index: DocumentIndex, s: SubscriptionDoc): readonly string[] {
  return s.scopes ?? index.appIdsIn(s.object.namespace);
}

export const CONTRACT_COMPONENT_SCOPES: Rule = {
  id: 'DAPR-CONTRACT-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "With `--contract`: a Subscription on a pub/sub the documents do not render names a component of the contract, and the contract's `scopes` of that component list every subscriber.",
  why: SCOPES_DOC,
  check: ({ index, contract }) => {
    if (!contract) return [];
    const out: RuleViolation[] = [];
    for (const s of index.subscriptions) {
      if (!s.pubsubName || index.component(s.object.namespace, s.pubsubName)) continue;
      const entry = contractPubsub(index, contract, s);
      if (!entry) {
        const names = contract.document.components.filter((c) => c.type.startsWith('pubsub.')).map((c) => c.name);
        out.push({ target: s.object, message: `${s.object.ref} names pub/sub '${s.pubsubName}', which neither these documents nor the contract ${contract.file} declare${didYouMean(s.pubsubName, names)}: use one of its pub/subs (${quoteList(names) || 'none'}).` });
        continue;
      }
      const missing = subscribers(index, s).filter((a) => entry.scopes !== null && !entry.scopes.includes(a));
      if (missing.length === 0) continue;
      out.push({
        target: s.object,
        message:
          `${s.object.ref} subscribes ${quoteList(missing)} to '${entry.name}', whose scopes in the contract ${contract.file} do not list ${missing.length === 1 ? 'it' : 'them'} (scopes: ${quoteList(entry.scopes ?? [])}), so daprd never loads the pub/sub for ${missing.length === 1 ? 'that app' : 'those apps'}: ` +
          `the platform must add ${quoteList(missing)} to the scopes of '${entry.name}' (in its code: ${missing.map((a) => `${entry.name}.grantSubscribe(${a}, '${s.topic}')`).join(', ')}).`,
      });
    }
    return out;
  },
};

export const CONTRACT_TOPIC_GRANTS: Rule = {
  id: 'DAPR-CONTRACT-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "With `--contract`: every subscriber in scope of a contract pub/sub may subscribe to the Subscription's topic, and publish to its dead-letter topic, under the contract's `allowedTopics`, `protectedTopics`, `subscriptionScopes` and `publishingScopes` (daprd's semantics).",
  why: TOPICS_DOC,
  check: ({ index, contract }) => {
    if (!contract) return [];
    const out: RuleViolation[] = [];
    for (const s of index.subscriptions) {
      const entry = contractPubsub(index, contract, s);
      if (!entry?.topics || !s.topic) continue;
      const uses: Array<[TopicDirection, string]> = [[TopicDirection.SUBSCRIBE, s.topic]];
      if (s.deadLetterTopic) uses.push([TopicDirection.PUBLISH, s.deadLetterTopic]);
      for (const app of subscribers(index, s)) {
        if (entry.scopes !== null && !entry.scopes.includes(app)) continue; // DAPR-CONTRACT-002
        for (const [op, topic] of uses) {
          if (topicAllowed(entry.topics, entry.namespace, op, app, topic)) continue;
          const [grant] = topicGrants(entry.topics, entry.namespace, [app]);
          const granted = ((op === TopicDirection.PUBLISH ? grant?.publish : grant?.subscribe) ?? []).filter((t) => t !== '*');
          const typo = didYouMean(topic, granted);
          out.push({
            target: s.object,
            message:
              `${s.object.ref}: '${app}' may not ${op === TopicDirection.PUBLISH ? 'publish to the dead-letter topic' : 'subscribe to'} '${topic}' on '${entry.name}' under the contract ${contract.file} ` +
              `(it may ${op} ${granted.length ? quoteList(granted) : 'no topic'})${typo}: ${typo ? 'fix the topic, or ' : ''}the platform must add to '${entry.name}' ${topicGrantFix(entry.topics, entry.namespace, op, app, topic)} ` +
              `(in its code: ${entry.name}.${op === TopicDirection.PUBLISH ? 'grantPublish' : 'grantSubscribe'}(${app}, '${topic}')).`,
          });
        }
      }
    }
    return out;
  },
};

export const CONTRACT_INVOCATIONS: Rule = {
  id: 'DAPR-CONTRACT-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "With `--contract`: every app of the documents whose NetworkPolicy opens daprd's port 50002 of a contract app's pods (`app.kubernetes.io/name`) is allowed by that app's access control in the contract (a policy for it with an allowed operation, or an allowing default).",
  why: ACL_DOC,
  check: ({ index, contract }) => {
    if (!contract) return [];
    const out: RuleViolation[] = [];
    const doc = contract.document;
    for (const w of index.daprWorkloads) {
      if (!w.appId) continue;
      const ns = w.object.namespace;
      for (const np of index.networkPoliciesSelecting(w)) {
        for (const rule of asArray(getPath(np.body, 'spec', 'egress'))) {
          const r = asObject(rule);
          if (!r || !asArray(r.ports).some((p) => Number(asObject(p)?.port) === DAPR_INTERNAL_GRPC_PORT)) continue;
          for (const peer of asArray(r.to)) {
            const callee = asString(getPath(peer, 'podSelector', 'matchLabels', 'app.kubernetes.io/name'));
            if (!callee || callee === w.appId || getPath(peer, 'namespaceSelector') !== undefined || index.hasAppId(ns, callee)) continue;
            const app = doc.apps.find((a) => a.appId === callee && a.namespace === ns);
            if (!app || anyInvocationAllowed(app.accessControl, { appId: w.appId, namespace: ns, trustDomain: doc.dapr.trustDomain })) continue;
            out.push({
              target: np,
              message:
                `${np.ref} lets '${w.appId}' reach the sidecar of '${callee}', whose access control in the contract ${contract.file} allows nothing from '${w.appId}' (default ${app.accessControl?.defaultAction}), so every call is denied: ` +
                `the platform must add to the Configuration '${app.configuration}' a policy {appId: ${w.appId}, namespace: ${ns}, operations: [...]} (in its code: ${callee}.allowsInvocationFrom(${w.appId}, [...])), or the app must not call '${callee}'.`,
            });
          }
        }
      }
    }
    return out;
  },
};

export const CONTRACT_RULES: readonly Rule[] = [CONTRACT_DAPR_VERSION, CONTRACT_COMPONENT_SCOPES, CONTRACT_TOPIC_GRANTS, CONTRACT_INVOCATIONS];
