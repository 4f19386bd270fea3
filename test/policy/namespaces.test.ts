import { EnvironmentProfile } from '../../constructs/model/profile';
import { NAMESPACE_DEFAULT_DENY } from '../../constructs/policy/rules/namespaces';
import { defaultDeny, findingsOf, goodProdSet, hardenedDeployment, k8s, namespace } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

describe('DAPR-NS-001 default-deny ingress NetworkPolicy', () => {
  it('fails for a namespace with Dapr workloads and no NetworkPolicy, pointing at the Namespace', () => {
    const findings = findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(namespace()), k8s(hardenedDeployment('order-api', 1))], STAGING);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toBe('Namespace orders');
    expect(findings[0].message).toContain('podSelector: {} and policyTypes: [Ingress]');
  });

  it('points at the first workload when the Namespace object is not in the documents', () => {
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(hardenedDeployment('order-api', 1))])[0].object).toBe('Deployment orders/order-api');
  });

  it.each([
    ['a podSelector with labels', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] }],
    ['ingress rules that allow traffic', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }],
    ['only Egress', { podSelector: {}, policyTypes: ['Egress'] }],
  ])('fails when the NetworkPolicy has %s', (_what, spec) => {
    const np = defaultDeny();
    np.spec = spec;
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(np), k8s(hardenedDeployment('order-api', 1))])).toHaveLength(1);
  });

  it('fails when the default deny is in another namespace', () => {
    const np = defaultDeny();
    np.metadata.namespace = 'billing';
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(np), k8s(hardenedDeployment('order-api', 1))])).toHaveLength(1);
  });

  it('passes with a default deny (policyTypes may be omitted), without Dapr workloads, and in dev', () => {
    const implicit = defaultDeny();
    delete implicit.spec.policyTypes;
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(implicit), k8s(hardenedDeployment('order-api', 1))], PROD)).toEqual([]);
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(namespace())], PROD)).toEqual([]);
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, [k8s(hardenedDeployment('order-api', 1))], DEV)).toEqual([]);
    expect(findingsOf(NAMESPACE_DEFAULT_DENY, goodProdSet())).toEqual([]);
  });
});
