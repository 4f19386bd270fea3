import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { ImportedComponent, ImportedComponentProps } from '../constructs/k8s/imported-component';
import { KafkaAuthType, KafkaPubSub } from '../constructs/k8s/kafka-pub-sub';
import { DaprApp } from '../constructs/model/dapr-app';
import { EnvironmentProfile } from '../constructs/model/profile';
import { SecretRef } from '../constructs/model/secret-ref';
import { daprAllowsTopic, daprTopicDecision, scopedTopicsOf, scopedTopicsStats, TopicDirection, TopicGrant } from '../constructs/model/topic-grant';
import { checkDocuments, documentsFromObjects } from '../constructs/policy/engine';
import { daprChart, errorsOf, find, synth } from './helpers';

const { PUBLISH, SUBSCRIBE } = TopicDirection;
const base = { image: 'registry.example.com/x:1.0.0', appPort: 8080, apiTokenSecret: SecretRef.fromKubernetesSecret('t', 'token') };
const pub = (appId: string, topic: string): TopicGrant => ({ appId, topic, direction: PUBLISH });
const sub = (appId: string, topic: string): TopicGrant => ({ appId, topic, direction: SUBSCRIBE });

function devChart() {
  return daprChart({ profile: EnvironmentProfile.DEV });
}

function kafka(chart: ReturnType<typeof daprChart>): KafkaPubSub {
  return new KafkaPubSub(chart, 'events', { name: 'events', brokers: ['kafka-0.example.com:9093'], authType: KafkaAuthType.NONE });
}

/** The rendered topic-scope metadata of the `events` Component. */
function topicScopes(manifests: any[]): Record<string, string> {
  const md: Array<{ name: string; value: string }> = find(manifests, 'Component', 'events').spec.metadata;
  return Object.fromEntries(md.filter((m) => m.name.endsWith('Scopes')).map((m) => [m.name, m.value]));
}

describe('KafkaPubSub topic grants are data', () => {
  test('grants from publishes, subscribe and dead-letter topics, as a sorted list and as the rendered scopes', () => {
    const chart = devChart();
    const events = kafka(chart);
    const shipping = new DaprWorkload(chart, 'shipping', { appId: 'shipping', ...base });
    const billing = new DaprWorkload(chart, 'billing', { appId: 'billing', ...base });
    billing.subscribe(events, 'shipment-created', { route: '/s', deadLetterTopic: 'shipment-created-dlq' });
    shipping.publishes(events, 'shipment-created');
    shipping.publishes(events, 'shipment-cancelled');
    expect(events.topicGrants).toEqual([
      pub('billing', 'shipment-created-dlq'),
      sub('billing', 'shipment-created'),
      pub('shipping', 'shipment-cancelled'),
      pub('shipping', 'shipment-created'),
    ]);
    expect(topicScopes(synth(chart))).toEqual({
      publishingScopes: 'billing=shipment-created-dlq;shipping=shipment-cancelled,shipment-created',
      subscriptionScopes: 'billing=shipment-created;shipping=',
    });
  });

  test('the rendered scopes do not depend on the order of the grants (byte-identical re-synth)', () => {
    const render = (order: Array<() => void>, chart: ReturnType<typeof daprChart>) => {
      order.forEach((f) => f());
      return topicScopes(synth(chart));
    };
    const a = devChart();
    const ea = kafka(a);
    const [x, y] = ['x', 'y'].map((id) => DaprApp.fromAppId(id, 'apps'));
    const first = render([() => ea.grantPublish(y, 't2'), () => ea.grantPublish(x, 't1'), () => ea.grantSubscribe(x, 't3'), () => ea.grantPublish(y, 't1')], a);
    const b = devChart();
    const eb = kafka(b);
    const second = render([() => eb.grantPublish(y, 't1'), () => eb.grantSubscribe(x, 't3'), () => eb.grantPublish(x, 't1'), () => eb.grantPublish(y, 't2'), () => eb.grantPublish(y, 't2')], b);
    expect(first).toEqual(second);
    expect(first).toEqual({ publishingScopes: 'x=t1;y=t1,t2', subscriptionScopes: 'x=t3;y=' });
  });

  test('a subscriber added to a Subscription is granted its topic and its dead-letter topic (it was left as "app=", which daprd reads as no topic)', () => {
    const chart = devChart();
    const events = kafka(chart);
    const orders = new DaprWorkload(chart, 'orders', { appId: 'orders', ...base });
    orders.publishes(events, 'order-created');
    events.addSubscription('audit', { name: 'orders-audit', topic: 'order-audit', defaultRoute: '/audit', deadLetterTopic: 'order-audit-dlq', subscribers: [orders] });
    const scopes = topicScopes(synth(chart));
    expect(scopes).toEqual({ publishingScopes: 'orders=order-audit-dlq,order-created', subscriptionScopes: 'orders=order-audit' });
    const metadata = new Map(Object.entries(scopes));
    expect(daprAllowsTopic(metadata, { appId: 'orders', namespace: 'apps', topic: 'order-audit', direction: SUBSCRIBE })).toBe(true);
    expect(daprAllowsTopic(metadata, { appId: 'orders', namespace: 'apps', topic: 'order-audit-dlq', direction: PUBLISH })).toBe(true);
  });

  test('the rendered documents pass the policy engine topic rules', () => {
    const chart = devChart();
    const events = kafka(chart);
    const billing = new DaprWorkload(chart, 'billing', { appId: 'billing', ...base });
    const dlq = new DaprWorkload(chart, 'dead-letters', { appId: 'dead-letters', ...base });
    new DaprWorkload(chart, 'shipping', { appId: 'shipping', ...base }).publishes(events, 'shipment-created');
    billing.subscribe(events, 'shipment-created', { route: '/s', deadLetterTopic: 'shipment-created-dlq' });
    dlq.subscribe(events, 'shipment-created-dlq', { route: '/dlq' });
    const result = checkDocuments(documentsFromObjects('apps.k8s.yaml', synth(chart)), { profile: EnvironmentProfile.DEV });
    expect(result.findings.filter((f) => /DAPR-(SUB-00[34]|COMP-011)/.test(f.ruleId))).toEqual([]);
  });

  test('a published topic that daprd would split is refused at synth', () => {
    const chart = devChart();
    const events = kafka(chart);
    new DaprWorkload(chart, 'shipping', { appId: 'shipping', ...base }).publishes(events, 'shipment-created,orders');
    expect(errorsOf(chart)).toEqual([
      "[test/shipping] workload 'shipping' publishes to topic 'shipment-created,orders' of pub/sub 'events', which is not a valid topic name (letters, digits, '.', '_', '-', at most 249): " +
        "daprd splits its publishingScopes on ';', '=' and ',' and drops spaces, so the grant would name other topics; rename the topic.",
    ]);
  });
});

describe('ImportedComponent topic grants', () => {
  const events = (extra: Partial<ImportedComponentProps> = {}): ImportedComponentProps => ({
    name: 'events',
    namespace: 'apps',
    componentType: 'pubsub.kafka',
    scopes: ['billing', 'payments'],
    grantedTopics: [sub('billing', 'payment-authorized'), sub('billing', 'payment-captured'), pub('billing', 'payment-authorized-dlq'), pub('payments', 'payment-authorized')],
    ...extra,
  });

  test('records the grants asked for, and passes when the component has them', () => {
    const chart = daprChart();
    const pubsub = new ImportedComponent(chart, 'events', events());
    const billing = new DaprWorkload(chart, 'billing', { appId: 'billing', ...base });
    billing.subscribe(pubsub, 'payment-authorized', { route: '/a', deadLetterTopic: 'payment-authorized-dlq' });
    expect(errorsOf(chart)).toEqual([]);
    expect(pubsub.topicGrants).toEqual([pub('billing', 'payment-authorized-dlq'), sub('billing', 'payment-authorized')]);
    expect(pubsub.grantedTopics).toEqual([pub('billing', 'payment-authorized-dlq'), sub('billing', 'payment-authorized'), sub('billing', 'payment-captured'), pub('payments', 'payment-authorized')]);
  });

  test('a topic typo fails synth, naming the component, the app, the topic, the closest grant and the entry to add', () => {
    const chart = daprChart();
    const pubsub = new ImportedComponent(chart, 'events', events());
    new DaprWorkload(chart, 'billing', { appId: 'billing', ...base }).subscribe(pubsub, 'payment-authorised', { route: '/a' });
    expect(errorsOf(chart)).toEqual([
      "[test/events] pubsub.kafka component 'events' (declared elsewhere) does not let app 'billing' subscribe to topic 'payment-authorised' (asked for at test/billing): " +
        "its subscriptionScopes give 'billing' only 'payment-authorized' and 'payment-captured' (did you mean 'payment-authorized'?), so daprd refuses it and the app silently never receives the events: " +
        "fix the topic, or have the platform change the entry to 'billing=payment-authorised,payment-authorized,payment-captured' in subscriptionScopes where the component is declared (and add the grant to grantedTopics here).",
    ]);
  });

  test('every missing grant is its own error: a second topic not granted, and a publisher without a publishing grant', () => {
    const chart = daprChart();
    const pubsub = new ImportedComponent(chart, 'events', events());
    const payments = new DaprWorkload(chart, 'payments', { appId: 'payments', ...base });
    payments.publishes(pubsub, 'payment-authorized');
    payments.publishes(pubsub, 'payment-refunded');
    pubsub.grantSubscribe(DaprApp.fromAppId('billing', 'apps'), 'payment-refunded');
    const errors = errorsOf(chart);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("does not let app 'billing' subscribe to topic 'payment-refunded': its subscriptionScopes give 'billing' only 'payment-authorized' and 'payment-captured'");
    expect(errors[1]).toContain(
      "does not let app 'payments' publish to topic 'payment-refunded' (asked for at test/payments): its publishingScopes give 'payments' only 'payment-authorized', so daprd refuses it and the app silently cannot publish",
    );
  });

  test("an app without any grant in the direction is told it has none (daprd's 'app=')", () => {
    const chart = daprChart();
    const pubsub = new ImportedComponent(chart, 'events', events());
    new DaprWorkload(chart, 'payments', { appId: 'payments', ...base }).subscribe(pubsub, 'payment-authorized', { route: '/a' });
    expect(errorsOf(chart)).toEqual([expect.stringContaining("its subscriptionScopes give 'payments' no topic, so daprd refuses it")]);
  });

  test('without its grants, topics cannot be checked: one error says what to pass', () => {
    const chart = daprChart();
    const pubsub = new ImportedComponent(chart, 'events', events({ grantedTopics: undefined }));
    new DaprWorkload(chart, 'billing', { appId: 'billing', ...base }).subscribe(pubsub, 'payment-authorized', { route: '/a', deadLetterTopic: 'payment-authorized-dlq' });
    expect(errorsOf(chart)).toEqual([
      "[test/events] pubsub.kafka component 'events' (declared elsewhere): its topic grants are not known here, so the topics asked for " +
        "(billing publishes to 'payment-authorized-dlq', billing subscribes to 'payment-authorized') cannot be checked: pass grantedTopics (its publishingScopes/subscriptionScopes where it is declared), " +
        'or unrestrictedTopics: true if it sets none of publishingScopes, subscriptionScopes, allowedTopics, protectedTopics.',
    ]);
  });

  test('unrestrictedTopics accepts any topic; with grantedTopics too it is refused', () => {
    const open = daprChart();
    const pubsub = new ImportedComponent(open, 'events', events({ grantedTopics: undefined, unrestrictedTopics: true }));
    new DaprWorkload(open, 'billing', { appId: 'billing', ...base }).subscribe(pubsub, 'anything', { route: '/a' });
    expect(errorsOf(open)).toEqual([]);

    const both = daprChart();
    new ImportedComponent(both, 'events', events({ unrestrictedTopics: true }));
    expect(errorsOf(both)).toEqual([expect.stringContaining('both grantedTopics and unrestrictedTopics are given')]);
  });

  test('a component used only for state needs no topic grants', () => {
    const chart = daprChart();
    const state = new ImportedComponent(chart, 'state', { name: 'state', namespace: 'apps', componentType: 'state.redis', scopes: ['billing'] });
    new DaprWorkload(chart, 'billing', { appId: 'billing', ...base }).uses(state);
    expect(errorsOf(chart)).toEqual([]);
    expect(state.topicGrants).toEqual([]);
  });
});

describe("daprd's topic scoping, many questions on one component", () => {
  test('a scopes value is parsed once for all its apps (once per app made a check quadratic in the apps)', () => {
    const apps = Array.from({ length: 200 }, (_, i) => `app-${i}`);
    const value = apps.map((a, i) => `${a}=t${i},shared`).join(';');
    const metadata = new Map([['subscriptionScopes', value]]);
    const before = scopedTopicsStats.parsed;
    const allowed = apps.map((appId, i) => daprTopicDecision(metadata, { appId, namespace: 'apps', topic: `t${i}`, direction: TopicDirection.SUBSCRIBE }).allowed);
    expect(allowed.every((a) => a)).toBe(true);
    expect(daprTopicDecision(metadata, { appId: 'app-1', namespace: 'apps', topic: 't2', direction: TopicDirection.SUBSCRIBE }).allowed).toBe(false);
    expect(scopedTopicsStats.parsed - before).toBe(1);
  });

  test("each app's topics as daprd's GetScopedTopics reads them: entries add up, in order, once each; `app=` is the topic ''; no `=` is ignored", () => {
    const value = 'a=x,y; b=z ;a=y,w;c=;d;a=v=ignored';
    expect(scopedTopicsOf(value, 'a')).toEqual(['x', 'y', 'w', 'v']);
    expect(scopedTopicsOf(value, 'b')).toEqual(['z']);
    expect(scopedTopicsOf(value, 'c')).toEqual(['']);
    expect(scopedTopicsOf(value, 'd')).toEqual([]);
    expect(scopedTopicsOf(value, 'A')).toEqual([]);
    // A copy each time: a caller changing its list does not change the next answer.
    scopedTopicsOf(value, 'a').push('changed');
    expect(scopedTopicsOf(value, 'a')).toEqual(['x', 'y', 'w', 'v']);
  });

  test('placeholders are still replaced per app ({namespace} and {appID})', () => {
    const metadata = new Map([['publishingScopes', '{appID}=own-{appID};other=x'], ['allowedTopics', 'own-a,own-b,{namespace}']]);
    const ask = (appId: string, topic: string) => daprTopicDecision(metadata, { appId, namespace: 'ns', topic, direction: TopicDirection.PUBLISH }).allowed;
    expect([ask('a', 'own-a'), ask('b', 'own-b'), ask('a', 'own-b'), ask('other', 'own-a')]).toEqual([true, true, false, false]);
  });
});
