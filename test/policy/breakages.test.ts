import { EnvironmentProfile } from '../../constructs/model/profile';
import { LoadedDocument, runRules } from '../../constructs/policy/engine';
import { daprRelease, findObject, goodProdSet, HELM_VALUES, k8s, podAnnotations, redisStateStore, setMetadata } from './fixtures';

/** Ten ways to break the good prod set; each must be caught by exactly the named rule. */
const BREAKAGES: [string, string, (docs: LoadedDocument[]) => void][] = [
  ["drop a component's scopes", 'DAPR-COMP-001', (docs) => delete findObject(docs, 'Component', 'statestore').scopes],
  [
    'put a literal password in metadata',
    'DAPR-COMP-005',
    (docs) => setMetadata(findObject(docs, 'Component', 'statestore'), 'redisPassword', { value: 'hunter2' }),
  ],
  ['point dapr.io/config at a missing Configuration', 'DAPR-WORK-003', (docs) => (podAnnotations(docs, 'order-api')['dapr.io/config'] = 'orders-cfg')],
  [
    'add a second actor state store',
    'DAPR-COMP-007',
    (docs) => docs.push(k8s(redisStateStore('actor-store-2', ['order-worker']), 'dist/prod/extra.k8s.yaml')),
  ],
  ['remove the sidecar memory limit', 'DAPR-WORK-006', (docs) => delete podAnnotations(docs, 'order-worker')['dapr.io/sidecar-memory-limit']],
  ['flip access control to allow', 'DAPR-CONF-001', (docs) => (findObject(docs, 'Configuration', 'orders-config').spec.accessControl.defaultAction = 'allow')],
  ['set a wrong GOMEMLIMIT', 'DAPR-WORK-007', (docs) => (podAnnotations(docs, 'order-api')['dapr.io/env'] = 'GOMEMLIMIT=1GiB')],
  [
    'use a latest image',
    'DAPR-WORK-012',
    (docs) => (findObject(docs, 'Deployment', 'order-worker').spec.template.spec.containers[0].image = 'registry.example.com/orders/order-worker:latest'),
  ],
  [
    'leave a subscriber out of the pubsub scopes',
    'DAPR-SUB-001',
    (docs) => (findObject(docs, 'Component', 'pubsub').scopes = ['order-api']),
  ],
  [
    'set webhookFailurePolicy Ignore',
    'DAPR-CP-003',
    (docs) => (daprRelease(docs).values = [HELM_VALUES.replace('webhookFailurePolicy: Fail', 'webhookFailurePolicy: Ignore')]),
  ],
];

describe('breaking the good prod set', () => {
  it('starts from a set with no finding', () => {
    expect(runRules(goodProdSet(), { profile: EnvironmentProfile.PROD })).toEqual([]);
  });

  it.each(BREAKAGES)('%s is caught by %s and by no other rule', (_what, ruleId, breakIt) => {
    const docs = goodProdSet();
    breakIt(docs);
    const findings = runRules(docs, { profile: EnvironmentProfile.PROD });
    expect(findings.length).toBeGreaterThan(0);
    expect([...new Set(findings.map((f) => f.ruleId))]).toEqual([ruleId]);
    for (const f of findings) {
      expect(f.link).toMatch(/^https:\/\/(docs\.dapr\.io|kubernetes\.io)\//);
      expect(f.message).toContain(f.object);
    }
  });

  it('covers ten different rules', () => {
    expect(new Set(BREAKAGES.map((b) => b[1])).size).toBe(10);
  });
});
