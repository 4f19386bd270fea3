import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../constructs/policy/cli';
import { COMPONENT_TOPIC_SCOPES_WELL_FORMED } from '../../constructs/policy/rules/components';
import { SUBSCRIPTION_DEAD_LETTER_GRANTED, SUBSCRIPTION_TOPIC_GRANTED } from '../../constructs/policy/rules/subscriptions';
import { findingsOf, goodProdSet, k8s, kafkaPubSub, messagesOf, Obj, setMetadata, subscription } from './fixtures';

/** The fixture's pub/sub (scoped to order-api and order-worker) with these metadata values. */
function pubsub(metadata: Record<string, string>, scopes?: string[]): Obj {
  const c = kafkaPubSub();
  for (const [name, value] of Object.entries(metadata)) setMetadata(c, name, { value });
  if (scopes) c.scopes = scopes;
  return c;
}

describe('DAPR-SUB-003 the subscriber may subscribe to the topic', () => {
  // [case, pub/sub metadata, topic, Subscription scopes, expected message parts (none: passes)]
  const cases: Array<[string, Record<string, string>, string, string[] | undefined, string[]]> = [
    ['no topic scoping at all', {}, 'orders', ['order-worker'], []],
    ['granted', { subscriptionScopes: 'order-worker=orders;order-api=' }, 'orders', ['order-worker'], []],
    ['granted among several, with spaces', { subscriptionScopes: 'order-worker = audit, orders ; order-api=' }, 'orders', ['order-worker'], []],
    ['app not listed: daprd lets it subscribe to anything', { subscriptionScopes: 'order-api=orders' }, 'payments', ['order-worker'], []],
    ['entries of one app add up', { subscriptionScopes: 'order-worker=audit;order-worker=orders' }, 'orders', ['order-worker'], []],
    ['{appID} is the app-id', { subscriptionScopes: '{appID}=orders' }, 'orders', ['order-worker'], []],
    [
      'a typo of the granted topic',
      { subscriptionScopes: 'order-worker=payment-authorized;order-api=' },
      'payment-authorised',
      ['order-worker'],
      [
        "Subscription orders/s subscribes to topic 'payment-authorised' for 'order-worker', but pub/sub Component orders/pubsub does not let 'order-worker' subscribe to it",
        "subscriptionScopes grant 'order-worker' only 'payment-authorized'",
        'daprd skips the Subscription without an error and the app never receives the events',
        "Fix: write 'order-worker=payment-authorized,payment-authorised' in subscriptionScopes, or fix the topic (did you mean 'payment-authorized'?).",
      ],
    ],
    ['only one of two topics granted', { subscriptionScopes: 'order-worker=orders-created' }, 'orders-cancelled', ['order-worker'], ["grant 'order-worker' only 'orders-created'"]],
    ["'app=' refuses every topic", { subscriptionScopes: 'order-worker=;order-api=orders' }, 'orders', ['order-worker'], ["subscriptionScopes list 'order-worker' with no topic ('order-worker=')"]],
    ['app-ids compare case-sensitively', { subscriptionScopes: 'Order-Worker=orders;order-worker=audit' }, 'orders', ['order-worker'], ["grant 'order-worker' only 'audit'"]],
    ['topics compare case-sensitively', { subscriptionScopes: 'order-worker=Orders' }, 'orders', ['order-worker'], ["grant 'order-worker' only 'Orders'"]],
    ['the key is found case-insensitively', { SubscriptionScopes: 'order-worker=audit' }, 'orders', ['order-worker'], ["grant 'order-worker' only 'audit'"]],
    ['allowedTopics does not list it', { allowedTopics: 'audit' }, 'orders', ['order-worker'], ["allowedTopics ('audit') does not list 'orders'", "Fix: add 'orders' to allowedTopics"]],
    ['a protected topic needs a grant', { protectedTopics: 'orders' }, 'orders', ['order-worker'], ["'orders' is in protectedTopics and subscriptionScopes grant 'order-worker' no topic"]],
    ['a protected topic with a grant', { protectedTopics: 'orders', subscriptionScopes: 'order-worker=orders' }, 'orders', ['order-worker'], []],
    ['an unscoped Subscription some loading app may receive', { subscriptionScopes: 'order-worker=orders;order-api=' }, 'orders', undefined, []],
    [
      'an unscoped Subscription no loading app may receive',
      { subscriptionScopes: 'order-worker=audit;order-api=' },
      'orders',
      undefined,
      ["is unscoped, but no app that loads pub/sub Component orders/pubsub ('order-api' and 'order-worker') may subscribe to it"],
    ],
  ];

  it.each(cases)('%s', (_name, metadata, topic, scopes, expected) => {
    const s = subscription('s', topic, '/t', undefined, scopes ?? []);
    if (!scopes) delete s.scopes;
    const messages = messagesOf(SUBSCRIPTION_TOPIC_GRANTED, [k8s(s), k8s(pubsub(metadata))]);
    if (expected.length === 0) expect(messages).toEqual([]);
    else {
      expect(messages).toHaveLength(1);
      for (const part of expected) expect(messages[0]).toContain(part);
    }
  });

  it('reports each refused subscriber once, not subscribers the pub/sub does not load (DAPR-SUB-001 reports those)', () => {
    const s = subscription('s', 'orders', '/t', undefined, ['order-api', 'order-worker', 'stranger']);
    const messages = messagesOf(SUBSCRIPTION_TOPIC_GRANTED, [k8s(s), k8s(pubsub({ subscriptionScopes: 'order-worker=;order-api=' }))]);
    expect(messages.map((m) => /for '([a-z-]+)'/.exec(m)![1])).toEqual(['order-api', 'order-worker']);
  });

  it('does not decide a pub/sub whose topic scoping comes from a secret', () => {
    const c = kafkaPubSub();
    setMetadata(c, 'subscriptionScopes', { secretKeyRef: { name: 'scopes', key: 'sub' } });
    expect(findingsOf(SUBSCRIPTION_TOPIC_GRANTED, [k8s(subscription('s', 'orders', '/t')), k8s(c)])).toEqual([]);
  });

  it('passes on the good prod set', () => {
    expect(findingsOf(SUBSCRIPTION_TOPIC_GRANTED, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-SUB-004 the subscriber may publish its dead letters', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['no topic scoping', {}, []],
    ['granted', { publishingScopes: 'order-worker=orders-dlq;order-api=orders' }, []],
    ['not listed: may publish anything', { publishingScopes: 'order-api=orders' }, []],
    [
      'a publisher without a publishing grant',
      { publishingScopes: 'order-worker=;order-api=orders' },
      [
        "Subscription orders/s sends failed events to dead-letter topic 'orders-dlq' for 'order-worker', but pub/sub Component orders/pubsub does not let 'order-worker' publish to it",
        "publishingScopes list 'order-worker' with no topic ('order-worker=')",
        "daprd refuses the sidecar's publish, so failed events are retried (or dropped) instead of dead-lettered",
        "Fix: write 'order-worker=orders-dlq' in publishingScopes.",
      ],
    ],
    ['a typo of the dead-letter topic', { publishingScopes: 'order-worker=orders-dql' }, ["only 'orders-dql'", "or fix the topic (did you mean 'orders-dql'?)"]],
    ['subscriptionScopes do not grant publishing', { subscriptionScopes: 'order-worker=orders-dlq', protectedTopics: 'orders-dlq' }, ["'orders-dlq' is in protectedTopics and publishingScopes grant 'order-worker' no topic"]],
  ];

  it.each(cases)('%s', (_name, metadata, expected) => {
    const messages = messagesOf(SUBSCRIPTION_DEAD_LETTER_GRANTED, [k8s(subscription('s', 'orders', '/t', 'orders-dlq')), k8s(pubsub(metadata))]);
    if (expected.length === 0) expect(messages).toEqual([]);
    else {
      expect(messages).toHaveLength(1);
      for (const part of expected) expect(messages[0]).toContain(part);
    }
  });

  it('says nothing about a Subscription without a dead-letter topic', () => {
    expect(findingsOf(SUBSCRIPTION_DEAD_LETTER_GRANTED, [k8s(subscription('s', 'orders', '/t')), k8s(pubsub({ publishingScopes: 'order-worker=' }))])).toEqual([]);
  });

  it('passes on the good prod set', () => {
    expect(findingsOf(SUBSCRIPTION_DEAD_LETTER_GRANTED, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-COMP-011 topic scopes are well-formed', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['entries of apps in scope', { publishingScopes: 'order-api=orders;order-worker=', subscriptionScopes: 'order-worker=orders;order-api=' }, []],
    ['spaces and a trailing separator', { subscriptionScopes: 'order-worker = orders ; order-api= ;' }, []],
    ['{appID} entries', { subscriptionScopes: '{appID}=orders' }, []],
    [
      'an entry without =',
      { subscriptionScopes: 'order-worker;order-api=orders' },
      ["subscriptionScopes entry 'order-worker' has no '=', so daprd ignores it and 'order-worker' may subscribe to every topic: write 'order-worker=<topic>,<topic>' (or 'order-worker=' for none)."],
    ],
    ['two = in one entry', { publishingScopes: 'order-api=orders=order-worker=audit' }, ["publishingScopes entry 'order-api=orders=order-worker=audit' has more than one '=': daprd drops everything after the second, so 'order-api' gets only 'orders'"]],
    [
      'an app-id not in scope',
      { subscriptionScopes: 'order-wroker=orders;order-api=' },
      ["subscriptionScopes names 'order-wroker', which is not in the component's scopes, so no sidecar ever applies that entry (did you mean 'order-worker'?)"],
    ],
    ['a line break', { allowedTopics: 'orders,\naudit' }, ["'allowedTopics' holds a tab or line break; daprd removes only spaces"]],
    ['a key set twice in different case', { subscriptionScopes: 'order-worker=orders', SubscriptionScopes: 'order-worker=audit' }, ["metadata 'SubscriptionScopes' is set twice (also as 'subscriptionScopes')"]],
  ];

  it.each(cases)('%s', (_name, metadata, expected) => {
    const messages = messagesOf(COMPONENT_TOPIC_SCOPES_WELL_FORMED, [k8s(pubsub(metadata))]);
    expect(messages).toEqual(expected.map((m) => expect.stringContaining(m)));
  });

  it('accepts any app-id in an unscoped pub/sub, and ignores other component types', () => {
    const unscoped = pubsub({ subscriptionScopes: 'anyone=orders' });
    delete unscoped.scopes;
    const state = pubsub({ subscriptionScopes: 'nobody' });
    state.spec.type = 'state.redis';
    expect(findingsOf(COMPONENT_TOPIC_SCOPES_WELL_FORMED, [k8s(unscoped), k8s(state)])).toEqual([]);
  });

  it('passes on the good prod set', () => {
    expect(findingsOf(COMPONENT_TOPIC_SCOPES_WELL_FORMED, goodProdSet())).toEqual([]);
  });
});

describe('npm run check on hand-written YAML', () => {
  const yaml = (topic: string) =>
    [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata: {name: pubsub, namespace: orders}',
      'spec:',
      '  type: pubsub.kafka',
      '  version: v1',
      '  metadata:',
      '    - {name: brokers, value: "kafka:9092"}',
      '    - {name: authType, value: none}',
      '    - {name: subscriptionScopes, value: "billing=payment-authorized"}',
      '    - {name: publishingScopes, value: "billing="}',
      'scopes: [billing]',
      '---',
      'apiVersion: dapr.io/v2alpha1',
      'kind: Subscription',
      'metadata: {name: billing-payments, namespace: orders}',
      `spec: {pubsubname: pubsub, topic: ${topic}, routes: {default: /payments}}`,
      'scopes: [billing]',
      '',
    ].join('\n');

  // The YAML holds no Deployment (DAPR-COMP-002 reports that in both): only DAPR-SUB-003 differs.
  it.each([
    ['payment-authorised', 1],
    ['payment-authorized', 0],
  ])('topic %s: %d DAPR-SUB-003 finding(s)', (topic, count) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topic-scopes-'));
    try {
      fs.writeFileSync(path.join(dir, 'billing.yaml'), yaml(topic));
      let out = '';
      expect(main([dir, '--profile', 'dev'], { stdout: (t) => (out += t), stderr: (t) => (out += t) })).toBe(1);
      expect(out.split('\n').filter((l) => l.includes('DAPR-SUB-003'))).toHaveLength(count);
      if (count === 1) expect(out).toMatch(/subscribes to topic 'payment-authorised' for 'billing'.*did you mean 'payment-authorized'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
