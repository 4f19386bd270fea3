import { DaprVersion } from '../../constructs/model/dapr-version';
import { EnvironmentProfile } from '../../constructs/model/profile';
import { DocumentIndex } from '../../constructs/policy/document-index';
import { SUBSCRIPTION_DEAD_LETTER, SUBSCRIPTION_PUBSUB } from '../../constructs/policy/rules/subscriptions';
import { findingsOf, findObject, goodProdSet, k8s, kafkaPubSub, messagesOf, redisStateStore, subscription } from './fixtures';

const { DEV } = EnvironmentProfile;

describe('DAPR-SUB-001 pub/sub exists and scopes the subscribers', () => {
  it('fails when the pub/sub Component does not exist', () => {
    const s = subscription('orders-created', 'orders', '/orders');
    s.spec.pubsubname = 'kafka';
    const findings = findingsOf(SUBSCRIPTION_PUBSUB, [k8s(s), k8s(kafkaPubSub())], DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toBe('Subscription orders/orders-created');
    expect(findings[0].message).toContain("there is no Component 'kafka' in namespace 'orders'");
  });

  it('fails when the named Component is not a pub/sub', () => {
    const s = subscription('orders-created', 'orders', '/orders');
    s.spec.pubsubname = 'statestore';
    expect(messagesOf(SUBSCRIPTION_PUBSUB, [k8s(s), k8s(redisStateStore())])[0]).toContain("has type 'state.redis'");
  });

  it('fails without pubsubname', () => {
    const s = subscription('orders-created', 'orders', '/orders');
    delete s.spec.pubsubname;
    expect(messagesOf(SUBSCRIPTION_PUBSUB, [k8s(s)])[0]).toContain('has no spec.pubsubname');
  });

  it('fails when a subscriber is not in the pub/sub scopes (v1alpha1 too)', () => {
    const s = subscription('orders-created', 'orders', '/orders', undefined, ['order-worker', 'audit']);
    s.apiVersion = 'dapr.io/v1alpha1';
    s.spec = { pubsubname: 'pubsub', topic: 'orders', route: '/orders' };
    const [msg] = messagesOf(SUBSCRIPTION_PUBSUB, [k8s(s), k8s(kafkaPubSub())]);
    expect(msg).toContain("is scoped to 'audit', but pub/sub Component orders/pubsub is not");
    expect(msg).toContain("add 'audit' to the scopes of 'pubsub'");
  });

  it('passes when the pub/sub exists and scopes every subscriber, or is unscoped', () => {
    expect(findingsOf(SUBSCRIPTION_PUBSUB, [k8s(subscription('a', 'orders', '/orders')), k8s(kafkaPubSub())])).toEqual([]);
    const unscoped = kafkaPubSub();
    delete unscoped.scopes;
    expect(findingsOf(SUBSCRIPTION_PUBSUB, [k8s(subscription('a', 'orders', '/orders', undefined, ['anyone'])), k8s(unscoped)])).toEqual([]);
    expect(findingsOf(SUBSCRIPTION_PUBSUB, goodProdSet())).toEqual([]);
  });
});

describe('DAPR-SUB-001 work', () => {
  it("reads the pub/sub's scopes once, not once per Subscription", () => {
    const pubsub = kafkaPubSub();
    pubsub.scopes = Array.from({ length: 50 }, (_, i) => `app-${i}`);
    const subs = Array.from({ length: 200 }, (_, i) => k8s(subscription(`s${i}`, `topic-${i}`, '/t', undefined, [`app-${i % 50}`])));
    const index = new DocumentIndex([k8s(pubsub), ...subs]);
    // Count every element read of the Component's scope list while the rule runs.
    let reads = 0;
    const component = index.components[0] as { scopes?: string[] };
    component.scopes = new Proxy(component.scopes!, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^[0-9]+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const violations = SUBSCRIPTION_PUBSUB.check({ index, profile: EnvironmentProfile.PROD, daprVersion: DaprVersion.LATEST });
    expect(violations).toEqual([]);
    expect(reads).toBe(50);
  });
});

describe('DAPR-SUB-002 dead-letter topic has a subscriber', () => {
  it('warns when nobody subscribes to the dead-letter topic', () => {
    const findings = findingsOf(SUBSCRIPTION_DEAD_LETTER, [k8s(subscription('a', 'orders', '/orders', 'orders-dlq')), k8s(kafkaPubSub())], DEV);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('warning');
    expect(findings[0].message).toContain("dead-letter topic 'orders-dlq'");
  });

  it('warns when the dead-letter subscriber uses another pub/sub', () => {
    const dlq = subscription('dlq', 'orders-dlq', '/dlq');
    dlq.spec.pubsubname = 'other';
    expect(findingsOf(SUBSCRIPTION_DEAD_LETTER, [k8s(subscription('a', 'orders', '/orders', 'orders-dlq')), k8s(dlq)])).toHaveLength(1);
  });

  it('passes with a dead-letter subscriber', () => {
    expect(findingsOf(SUBSCRIPTION_DEAD_LETTER, goodProdSet())).toEqual([]);
    const docs = goodProdSet();
    expect(findObject(docs, 'Subscription', 'orders-created').spec.deadLetterTopic).toBe('orders-dlq');
  });
});
