import { Testing } from 'cdk8s';
import { HttpVerb } from '../constructs/k8s/mtls-configuration';
import { validationErrors } from '../constructs/model/validation';
import { ENVIRONMENTS } from '../stacks/environments';
import { buildPlatform, SERVICES, SHIPMENT_CREATED, SHIPMENT_CREATED_DLQ } from '../stacks/platform';

// The README's worked example: an app team adds `returns` in one place.
SERVICES.push({ appId: 'returns', image: 'registry.logistics.example.com/order-management/returns:1.0.0', appPort: 8080 });

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('a service added once appears in %s', (_name, env) => {
  const app = Testing.app();
  const p = buildPlatform(app, env);
  const returns = p.workloads.returns;
  returns.invokes(p.workloads.inventory, [{ path: '/release', verbs: [HttpVerb.POST] }]);
  returns.subscribe(p.pubsub, SHIPMENT_CREATED, { route: '/events/shipment-created', deadLetterTopic: SHIPMENT_CREATED_DLQ });
  const manifests = p.chart.toJson();
  const one = (kind: string, name: string) => manifests.filter((m) => m.kind === kind && m.metadata.name === name)[0];

  test('valid, with everything derived from its two edges', () => {
    expect(validationErrors(app)).toEqual([]);
    expect(one('Deployment', 'returns').spec.template.metadata.annotations['dapr.io/app-id']).toBe('returns');
    expect(one('Configuration', 'inventory').spec.accessControl.policies.find((x: any) => x.appId === 'returns').operations).toEqual([
      { name: '/release', httpVerb: ['POST'], action: 'allow' },
    ]);
    const events = one('Component', 'events');
    expect(events.scopes).toContain('returns');
    const md = Object.fromEntries(events.spec.metadata.map((m: any) => [m.name, m.value]));
    expect(md.subscriptionScopes.split(';')).toContain('returns=shipment-created');
    expect(md.publishingScopes.split(';')).toContain('returns=shipment-created-dlq');
    expect(one('Subscription', 'returns-shipment-created').scopes).toEqual(['returns']);
    expect(one('NetworkPolicy', 'inventory').spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'returns' } } });
    expect(returns.secretAccess.secretPaths).toEqual(['secret/data/dapr/kafka']);
  });
});
