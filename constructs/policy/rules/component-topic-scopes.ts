import { TopicDirection, topicScopesKey } from '../../model/topic-grant';
import type { DaprComponentDoc } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { didYouMean } from '../util';
import { ALL_PROFILES, TOPIC_SCOPE_KEYS } from './common';

/**
 * DAPR-COMP-011: the topic-scoping metadata of a pub/sub says what it seems to say. daprd 1.18.3
 * (`pkg/scopes`) silently ignores or reinterprets what this rule refuses, and an ignored entry
 * leaves its app free to use every topic.
 */
export const COMPONENT_TOPIC_SCOPES_WELL_FORMED: Rule = {
  id: 'DAPR-COMP-011',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "A pub/sub Component's `publishingScopes`/`subscriptionScopes` are `;`-separated `app-id=topic,topic` entries naming apps in its scopes, and no topic-scoping key (`allowedTopics`, `protectedTopics` too) is set twice or holds tabs or line breaks.",
  why: 'https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const keys = new Map(TOPIC_SCOPE_KEYS.map((k) => [k.toLowerCase(), k]));
    for (const c of index.components) {
      if (!c.type.startsWith('pubsub.')) continue;
      const v = (message: string) => out.push({ target: c.object, message: `${c.object.ref}: ${message}` });
      const seen = new Map<string, string>();
      for (const m of c.metadata) {
        const key = keys.get(m.name.toLowerCase());
        if (key === undefined) continue;
        const first = seen.get(key);
        if (first !== undefined) {
          v(`metadata '${m.name}' is set twice (also as '${first}'); daprd matches the name case-insensitively and uses one of them at random: keep one.`);
          continue;
        }
        seen.set(key, m.name);
        if (typeof m.value !== 'string') continue;
        if (/[\t\r\n\f\v]/.test(m.value)) {
          v(`'${m.name}' holds a tab or line break; daprd removes only spaces, so it becomes part of an app-id or topic and that entry never matches: write the value on one line.`);
        }
        if (key === 'publishingScopes' || key === 'subscriptionScopes') entryProblems(c, key, m.value).forEach(v);
      }
    }
    return out;
  },
};

/** The entries of one `publishingScopes`/`subscriptionScopes` value that daprd ignores or cuts short. */
function entryProblems(c: DaprComponentDoc, key: string, value: string): string[] {
  const direction = key === topicScopesKey(TopicDirection.PUBLISH) ? 'publish to' : 'subscribe to';
  const problems: string[] = [];
  for (const entry of value.split(' ').join('').split(';')) {
    if (entry === '') continue;
    const parts = entry.split('=');
    if (parts.length < 2) {
      problems.push(
        `${key} entry '${entry}' has no '=', so daprd ignores it and '${entry}' may ${direction} every topic: write '${entry}=<topic>,<topic>' (or '${entry}=' for none).`,
      );
      continue;
    }
    if (parts.length > 2) {
      problems.push(`${key} entry '${entry}' has more than one '=': daprd drops everything after the second, so '${parts[0]}' gets only '${parts[1]}': separate apps with ';'.`);
    }
    const app = parts[0];
    if (c.scopes !== undefined && !c.scopes.includes(app) && !app.includes('{appID}') && !app.includes('{namespace}')) {
      problems.push(
        `${key} names '${app}', which is not in the component's scopes, so no sidecar ever applies that entry${didYouMean(app, c.scopes)}: ` +
          `fix the app-id (daprd compares it case-sensitively) or remove the entry.`,
      );
    }
  }
  return problems;
}
