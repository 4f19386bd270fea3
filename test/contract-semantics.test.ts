import { invocationAllowed, operationMatches } from '../constructs/contract/access-control';
import { TopicDirection } from '../constructs/model/topic-grant';
import { topicAllowed, topicGrantFix, topicGrants, topicScopesOf } from '../constructs/contract/topic-scopes';
import { buildContractDocument } from '../constructs/policy/contract-builder';

// What e2e/contract-semantics showed daprd 1.18.3's own code decides (run.sh compares 1114 cases);
// pinned here so the port cannot drift without a failing test.
describe('the contract\'s topic grants (decided by daprTopicDecision, which e2e/pubsub-scopes compares with daprd)', () => {
  const scopes = topicScopesOf([
    { name: 'SubscriptionScopes', value: ' a = x , y ; b=;c' },
    { name: 'protectedTopics', value: 'p' },
    { name: 'publishingScopes', value: '{appID}=own' },
  ]);
  it('records the values as written, under their canonical names', () => {
    expect(scopes).toEqual({ allowedTopics: null, protectedTopics: 'p', publishingScopes: '{appID}=own', subscriptionScopes: ' a = x , y ; b=;c' });
  });
  it.each([
    ['a', 'x', true],
    ['a', 'z', false], // scoped: only its topics
    ['b', 'x', false], // `b=`: nothing
    ['c', 'x', true], // not listed: any topic not protected
    ['c', 'p', false], // protected: needs a scope
  ])('%s subscribing to %s: %s', (app, topic, allowed) => {
    expect(topicAllowed(scopes, 'n', TopicDirection.SUBSCRIBE, app, topic)).toBe(allowed);
  });
  it('lists each app\'s grants ({appID} is the app\'s own id)', () => {
    expect(topicGrants(scopes, 'n', ['a', 'b', 'c'])).toEqual([
      { appId: 'a', publish: ['own'], subscribe: ['x', 'y'] },
      { appId: 'b', publish: ['own'], subscribe: [] },
      { appId: 'c', publish: ['own'], subscribe: ['*'] },
    ]);
  });
  it('names the entry the platform must change', () => {
    expect(topicGrantFix(scopes, 'n', TopicDirection.SUBSCRIBE, 'a', 'z')).toBe("subscriptionScopes: the entry 'a=x,y,z'");
    expect(topicGrantFix(scopes, 'n', TopicDirection.SUBSCRIBE, 'c', 'p')).toBe("subscriptionScopes: the entry 'c=p'");
    expect(topicGrantFix(topicScopesOf([{ name: 'allowedTopics', value: 'x' }]), 'n', TopicDirection.PUBLISH, 'a', 'y')).toBe("allowedTopics: add 'y'");
  });
});

describe('access-control operation names, as daprd\'s trie matches them', () => {
  it.each([
    ['/orders/*', '/orders/1', true],
    ['/orders/*', '/orders', true],
    ['/orders/*', '/orders/1/items', false],
    ['/orders/*/items', '/orders/1/items', false], // a `*` segment matches only at the end of the path
    ['/orders/**', '/orders/1/items', true],
    ['/ord*', '/ordinal', true],
    ['/reserve', '/reserve/x', true], // a name covers the paths below it
    ['/UPPER', '/upper', true],
    ['noslash', '/noslash', true],
  ])('%s matches %s: %s', (name, path, matches) => expect(operationMatches(name, path)).toBe(matches));

  it('lets a later policy for the same app replace an earlier one, and defaults to the global action', () => {
    const op = (action: string) => [{ name: '/r', httpVerb: ['POST'], action }];
    const acl = {
      defaultAction: 'deny',
      trustDomain: 't',
      callers: [
        { appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'deny', operations: op('deny') },
        { appId: 'a', namespace: 'n', trustDomain: 't', defaultAction: 'deny', operations: op('allow') },
      ],
    };
    expect(invocationAllowed(acl, { appId: 'a', namespace: 'n', trustDomain: 't' }, '/r', 'POST')).toBe(true);
    expect(invocationAllowed(acl, { appId: 'a', namespace: 'n', trustDomain: 't' }, '/r', 'GET')).toBe(false);
    expect(invocationAllowed(acl, { appId: 'a', namespace: 'n', trustDomain: 'other' }, '/r', 'POST')).toBe(false);
    expect(invocationAllowed(null, { appId: 'a', namespace: 'n', trustDomain: 't' }, '/r', 'POST')).toBe(true);
  });
});

describe('the contract builder reads access control as daprd does', () => {
  const aclOf = (accessControl: unknown) =>
    buildContractDocument(
      [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'callee', namespace: 'n' }, spec: { template: { metadata: { annotations: { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'callee', 'dapr.io/config': 'callee' } }, spec: { containers: [] } } } },
        { apiVersion: 'dapr.io/v1alpha1', kind: 'Configuration', metadata: { name: 'callee', namespace: 'n' }, spec: { accessControl } },
      ],
      { environment: 'e', profile: 'prod', daprVersion: '1.18.3', namespace: 'n', controlPlaneNamespace: 'dapr-system', trustDomain: 't', controlPlaneTrustDomain: 't', externalHosts: [], externalApps: [] },
    ).apps[0].accessControl;
  it('without a global defaultAction: deny when there are policies, allow when there are none', () => {
    expect(aclOf({ trustDomain: 't', policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', operations: [] }] })?.defaultAction).toBe('deny');
    expect(aclOf({ trustDomain: 't' })?.defaultAction).toBe('allow');
  });
  it('keeps the operations in the Configuration\'s order (daprd keeps the first of a name)', () => {
    const ops = [
      { name: '/z', httpVerb: ['POST'], action: 'allow' },
      { name: '/a', httpVerb: ['GET'], action: 'allow' },
    ];
    expect(aclOf({ defaultAction: 'deny', trustDomain: 't', policies: [{ appId: 'a', namespace: 'n', trustDomain: 't', operations: ops }] })?.callers[0].operations).toEqual(ops);
  });
});

describe('the contract builder takes endpoints the documents do not say from the facts', () => {
  const component = (name: string, type: string, metadata: unknown[]) => ({ apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'n' }, spec: { type, version: 'v1', metadata } });
  const facts = { environment: 'e', profile: 'prod', daprVersion: '1.18.3', namespace: 'n', controlPlaneNamespace: 'dapr-system', trustDomain: 't', controlPlaneTrustDomain: 't', externalHosts: [], externalApps: [] };
  const manifests = [
    component('db', 'state.postgresql', [{ name: 'connectionString', secretKeyRef: { name: 'db', key: 'dsn' } }]),
    component('cache', 'state.redis', [{ name: 'redisHost', value: 'redis.n.svc:6379' }]),
  ];
  const endpoints = (f: typeof facts & { componentEndpoints?: unknown }) => Object.fromEntries(buildContractDocument(manifests, f as any).components.map((c) => [c.name, c.endpoints]));
  it('PostgreSQL (its server inside a secret): the construct\'s endpoint; a type the documents say: the documents\'', () => {
    const declared = [
      { name: 'db', namespace: 'n', endpoints: [{ host: 'db.example.com', port: 5432 }] },
      { name: 'cache', namespace: 'n', endpoints: [{ host: 'elsewhere', port: 1 }] },
    ];
    expect(endpoints({ ...facts, componentEndpoints: declared })).toEqual({ cache: [{ host: 'redis.n.svc', port: 6379 }], db: [{ host: 'db.example.com', port: 5432 }] });
    expect(endpoints(facts)).toEqual({ cache: [{ host: 'redis.n.svc', port: 6379 }], db: [] });
  });
});
