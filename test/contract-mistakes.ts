/**
 * Helpers for the cross-repository mistakes of an app team building against a platform contract
 * (test/contract.test.ts: the reference platform and examples/app-team; test/payments-app.test.ts:
 * the payments platform and examples/payments-app): contract documents edited the way a platform
 * that did not grant something would have written them, and `npm run check --contract` on an app
 * team's rendered objects.
 */
import { checkDocuments, documentsFromObjects, Severity } from '../constructs/policy/engine';
import type { Finding } from '../constructs/policy/types';

/** The contract component `name` (throws when the contract has none). */
export function contractComponent(doc: any, name: string): any {
  const c = doc.components.find((x: any) => x.name === name);
  if (!c) throw new Error(`the contract has no component '${name}'`);
  return c;
}

/** `doc` as written by a platform that never granted `appId` anything on component `name`: not in its scopes, no topic grant. */
export function withoutScope(doc: any, name: string, appId: string): any {
  const e = contractComponent(doc, name);
  e.scopes = e.scopes.filter((a: string) => a !== appId);
  if (e.topics) {
    for (const k of ['publishingScopes', 'subscriptionScopes']) e.topics[k] = e.topics[k].split(';').filter((x: string) => !x.startsWith(`${appId}=`)).join(';');
    e.topicGrants = e.topicGrants.filter((g: any) => g.appId !== appId);
  }
  return doc;
}

/** `doc` with the `publishingScopes` or `subscriptionScopes` entry `from` of component `name` replaced by `to`. */
export function withTopicEntry(doc: any, name: string, key: 'publishingScopes' | 'subscriptionScopes', from: string, to: string): any {
  const topics = contractComponent(doc, name).topics;
  const entries = topics[key].split(';');
  if (!entries.includes(from)) throw new Error(`'${name}' ${key} has no entry '${from}': ${topics[key]}`);
  topics[key] = entries.map((x: string) => (x === from ? to : x)).join(';');
  return doc;
}

/** `doc` without the policy of `callee`'s access control that allows `caller`. */
export function withoutCaller(doc: any, callee: string, caller: string): any {
  const app = doc.apps.find((a: any) => a.appId === callee);
  if (!app) throw new Error(`the contract has no app '${callee}'`);
  app.accessControl.callers = app.accessControl.callers.filter((p: any) => p.appId !== caller);
  return doc;
}

/** The object of `kind` named `name` among `objects`. */
export const findObject = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** The errors `npm run check -- <output> --contract <file>` reports on an app team's rendered `objects`. */
export function contractCheckErrors(objects: any[], output: string, contract: { file: string; document: any }, daprVersion?: string): Finding[] {
  const docs = documentsFromObjects(output, objects, 'kubernetes');
  return checkDocuments(docs, { profile: 'prod', daprVersion, contract }).findings.filter((f) => f.severity === Severity.ERROR);
}
