/*
 * Compares how our code and daprd 1.18.3's own code decide which app may publish to and subscribe
 * to which topic of a pub/sub (run by e2e/pubsub-scopes/run.sh, which builds the Go probe):
 *
 *   node -r ./scripts/ts-register.js e2e/pubsub-scopes/compare.ts <probe binary> [dist dir]
 *
 * Cases: a table of hand-written topic scopings (separators, spaces, tabs, line breaks, case,
 * `app=`, entries without `=`, `{appID}`, `{namespace}`, allowedTopics, protectedTopics, ...) and
 * every pub/sub Component of `dist/<env>/` with every app of its environment, the topics its
 * metadata and Subscriptions name and misspellings of them. For each app and topic it compares:
 *   - loaded, publish, subscribe: the probe (daprd's functions) against `daprTopicDecision`
 *     (constructs/model/topic-grant.ts, on the metadata as `topicScopeMetadata` reads it);
 *   - the rules: DAPR-SUB-003 reports a Subscription of that app to that topic exactly when daprd
 *     refuses the subscription, DAPR-SUB-004 a dead-letter topic exactly when daprd refuses the publish.
 * Prints what daprd allows on dist/ per app, and every disagreement; exit 1 if there is one.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { daprTopicDecision, TopicDirection } from '../../constructs/model/topic-grant';
import { DocumentIndex, loadDocuments } from '../../constructs/policy/document-index';
import { checkDocuments, documentsFromObjects } from '../../constructs/policy/engine';
import { topicScopeMetadata } from '../../constructs/policy/rules/common';
import { SUBSCRIPTION_DEAD_LETTER_GRANTED, SUBSCRIPTION_TOPIC_GRANTED } from '../../constructs/policy/rules/subscriptions';
import { EnvironmentProfile } from '../../constructs/model/profile';

type Obj = Record<string, any>;

interface Case {
  readonly name: string;
  readonly component: Obj;
  readonly apps: string[];
  readonly topics: string[];
}

interface Answer {
  readonly case: number;
  readonly appId: string;
  readonly topic: string;
  readonly loaded: boolean;
  readonly publish: boolean;
  readonly subscribe: boolean;
}

const NS = 'orders';

function component(metadata: Array<[string, unknown]>, scopes: string[] | undefined = ['a', 'b', 'A']): Obj {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'events', namespace: NS },
    spec: { type: 'pubsub.kafka', version: 'v1', metadata: [{ name: 'brokers', value: 'kafka:9092' }, ...metadata.map(([name, value]) => ({ name, value }))] },
    ...(scopes ? { scopes } : {}),
  };
}

/** The hand-written table: each scoping is asked for apps a, b, A (listed or not) and c (not in scope). */
function handCases(): Case[] {
  const apps = ['a', 'b', 'A', 'c'];
  const topics = ['x', 'y', 'X', 'p', 'z', '123', `${NS}.a`, '\ty', ''];
  const table: Array<[string, Array<[string, unknown]>, string[]?]> = [
    ['no topic scoping', []],
    ['a=x;b= (both directions)', [['subscriptionScopes', 'a=x;b='], ['publishingScopes', 'a=x;b=']]],
    ['spaces around everything', [['subscriptionScopes', ' a = x , y ; b = ']]],
    ['a tab before a topic', [['subscriptionScopes', 'a=x,\ty']]],
    ['a line break between entries', [['subscriptionScopes', 'a=x\nb=y']]],
    ['an entry without =', [['subscriptionScopes', 'a;b=x']]],
    ['two = in one entry', [['publishingScopes', 'a=x=b=y']]],
    ['one app twice', [['subscriptionScopes', 'a=x;a=y']]],
    ['app-id in another case', [['subscriptionScopes', 'A=x']]],
    ['topic in another case', [['subscriptionScopes', 'a=X']]],
    ['key in upper case', [['SUBSCRIPTIONSCOPES', 'a=x'], ['PublishingScopes', 'b=y']]],
    ['{appID}', [['subscriptionScopes', '{appID}=x'], ['publishingScopes', 'b={appID}']]],
    ['{namespace}', [['subscriptionScopes', 'a={namespace}']]],
    ['empty value', [['subscriptionScopes', ''], ['publishingScopes', '']]],
    ['only spaces', [['subscriptionScopes', '   ']]],
    ['trailing and double separators', [['subscriptionScopes', 'a=x;;b=y;'], ['publishingScopes', 'a=x,,y']]],
    ['an empty app-id', [['subscriptionScopes', '=x;b=y']]],
    ['allowedTopics', [['allowedTopics', 'x,y']]],
    ['allowedTopics of only spaces', [['allowedTopics', ' ']]],
    ['allowedTopics as a number', [['allowedTopics', 123]]],
    ['allowedTopics with a tab', [['allowedTopics', 'x,\ty']]],
    ['protectedTopics with a line break', [['protectedTopics', 'p,\nx']]],
    ['protectedTopics without grants', [['protectedTopics', 'p']]],
    ['protectedTopics with grants', [['protectedTopics', 'p,x'], ['subscriptionScopes', 'a=p;b=x'], ['publishingScopes', 'a=p']]],
    ['allowed, protected and scopes together', [['allowedTopics', 'x,p'], ['protectedTopics', 'p'], ['subscriptionScopes', 'a=p,y;b=x']]],
    ['a key given twice (the same name)', [['subscriptionScopes', 'a=x'], ['subscriptionScopes', 'a=y']]],
    ['an unscoped component', [['subscriptionScopes', 'a=x']], []],
  ];
  return table.map(([name, metadata, scopes]) => ({ name, component: component(metadata, scopes && scopes.length === 0 ? undefined : scopes), apps, topics }));
}

/** Every pub/sub of dist/<env>/, with every app of the environment (and a stranger), its topics and misspellings. */
function distCases(dist: string): Case[] {
  const cases: Case[] = [];
  for (const env of fs.readdirSync(dist).sort()) {
    const dir = path.join(dist, env);
    if (!fs.statSync(dir).isDirectory()) continue;
    const index = new DocumentIndex(loadDocuments([dir]));
    for (const c of index.components.filter((x) => x.type.startsWith('pubsub.'))) {
      const ns = c.object.namespace;
      const topics = new Set<string>();
      for (const m of c.metadata) {
        if (/Scopes$/i.test(m.name) && typeof m.value === 'string') m.value.split(';').forEach((e) => (e.split('=')[1] ?? '').split(',').forEach((t) => t && topics.add(t)));
      }
      for (const s of index.subscriptions.filter((x) => x.object.namespace === ns && x.pubsubName === c.object.name)) {
        if (s.topic) topics.add(s.topic);
        if (s.deadLetterTopic) topics.add(s.deadLetterTopic);
      }
      for (const t of [...topics]) {
        topics.add(t.toUpperCase());
        topics.add(t.replace(/e/, ''));
      }
      const apps = [...new Set([...(c.scopes ?? []), ...index.appIdsIn(ns), 'stranger'])].sort();
      cases.push({ name: `${env}: ${c.object.ref}`, component: c.object.body, apps, topics: [...topics].sort() });
    }
  }
  return cases;
}

/** What our code decides for one case, app and topic. */
function ours(c: Case, appId: string, topic: string): { loaded: boolean; publish: boolean; subscribe: boolean } {
  const doc = new DocumentIndex(documentsFromObjects('case.yaml', [c.component])).components[0];
  const metadata = topicScopeMetadata(doc);
  if (!metadata) throw new Error(`${c.name}: topic scoping from a secret cannot be compared`);
  const namespace = doc.object.namespace;
  return {
    loaded: doc.scopes === undefined || doc.scopes.includes(appId),
    publish: daprTopicDecision(metadata, { appId, namespace, topic, direction: TopicDirection.PUBLISH }).allowed,
    subscribe: daprTopicDecision(metadata, { appId, namespace, topic, direction: TopicDirection.SUBSCRIBE }).allowed,
  };
}

/** Whether DAPR-SUB-003 / DAPR-SUB-004 report a Subscription of `appId` to `topic` (and with `topic` as its dead-letter topic). */
function rulesReport(c: Case, appId: string, topic: string): { subscribe: boolean; publish: boolean } {
  const subscription = (spec: Obj) => ({
    apiVersion: 'dapr.io/v2alpha1',
    kind: 'Subscription',
    metadata: { name: 'probe', namespace: c.component.metadata.namespace },
    spec: { pubsubname: c.component.metadata.name, routes: { default: '/probe' }, ...spec },
    scopes: [appId],
  });
  const run = (rule: typeof SUBSCRIPTION_TOPIC_GRANTED, spec: Obj) =>
    checkDocuments(documentsFromObjects('case.yaml', [c.component, subscription(spec)]), { profile: EnvironmentProfile.DEV, rules: [rule] }).findings.length > 0;
  return { subscribe: run(SUBSCRIPTION_TOPIC_GRANTED, { topic }), publish: run(SUBSCRIPTION_DEAD_LETTER_GRANTED, { topic: 'probe-topic', deadLetterTopic: topic }) };
}

function main(): number {
  const [probe, distArg] = process.argv.slice(2);
  if (!probe) {
    process.stderr.write('usage: compare.ts <pubsub-scopes probe binary> [dist dir]\n');
    return 2;
  }
  const dist = distArg ?? path.join(__dirname, '..', '..', 'dist');
  const hand = handCases();
  const fromDist = distCases(dist);
  if (fromDist.length === 0) {
    process.stderr.write(`pubsub-scopes: no pub/sub Component under ${dist}: run npm run synth first.\n`);
    return 1;
  }
  const cases = [...hand, ...fromDist];
  const input = JSON.stringify({ cases: cases.map((c) => ({ component: c.component, apps: c.apps, topics: c.topics })) });
  const answers: Answer[] = execFileSync(probe, { input, maxBuffer: 256 * 1024 * 1024 })
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const expected = cases.reduce((n, c) => n + c.apps.length * c.topics.length, 0);
  if (answers.length !== expected) {
    process.stderr.write(`pubsub-scopes: the probe answered ${answers.length} questions, ${expected} were asked.\n`);
    return 1;
  }
  const disagreements: string[] = [];
  let ruleChecks = 0;
  for (const a of answers) {
    const c = cases[a.case];
    const o = ours(c, a.appId, a.topic);
    const q = `${c.name}: app '${a.appId}', topic ${JSON.stringify(a.topic)}`;
    for (const k of ['loaded', 'publish', 'subscribe'] as const) {
      if (o[k] !== a[k]) disagreements.push(`${q}: ${k} daprd ${a[k]}, ours ${o[k]}`);
    }
    // The rules decide for apps that load the pub/sub (DAPR-SUB-001 reports the others) and real topics.
    if (!a.loaded || a.topic === '') continue;
    const r = rulesReport(c, a.appId, a.topic);
    ruleChecks += 2;
    if (r.subscribe === a.subscribe) disagreements.push(`${q}: daprd ${a.subscribe ? 'allows' : 'refuses'} the subscription, DAPR-SUB-003 ${r.subscribe ? 'reports' : 'does not report'} it`);
    if (r.publish === a.publish) disagreements.push(`${q}: daprd ${a.publish ? 'allows' : 'refuses'} the dead-letter publish, DAPR-SUB-004 ${r.publish ? 'reports' : 'does not report'} it`);
  }

  // What daprd allows on dist/: per environment and pub/sub, each app's topics (of those asked).
  for (const [i, c] of cases.entries()) {
    if (i < hand.length) continue;
    process.stdout.write(`${c.name} (daprd 1.18.3 on the rendered metadata):\n`);
    for (const app of c.apps) {
      const mine = answers.filter((a) => a.case === i && a.appId === app);
      const list = (k: 'publish' | 'subscribe') => {
        const ok = mine.filter((a) => a[k]).map((a) => a.topic);
        return ok.length === c.topics.length ? 'every topic asked' : ok.join(', ') || '-';
      };
      const topicsOf = `publish: ${list('publish')}; subscribe: ${list('subscribe')}`;
      process.stdout.write(`  ${app.padEnd(14)} ${mine[0]?.loaded ? topicsOf : `not in the component's scopes, does not load it (its topic scoping alone would allow ${topicsOf})`}\n`);
    }
  }
  const handQuestions = hand.reduce((n, c) => n + c.apps.length * c.topics.length, 0);
  process.stdout.write(
    `\npubsub-scopes: ${answers.length} questions (${hand.length} hand-written cases: ${handQuestions}; ${fromDist.length} pub/subs of ${dist}: ${answers.length - handQuestions}), ` +
      `each asked of daprd 1.18.3 and of our code for loaded, publish and subscribe; ${ruleChecks} rule decisions (DAPR-SUB-003/004) compared.\n`,
  );
  if (disagreements.length > 0) {
    process.stdout.write(`${disagreements.length} disagreement(s):\n${disagreements.map((d) => `  ${d}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('pubsub-scopes: our code and daprd agree on every question.\n');
  return 0;
}

process.exitCode = main();
