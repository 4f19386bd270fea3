import { EnvironmentProfile } from '../../constructs/model/profile';
import { NETWORK_EGRESS_NAMES_DESTINATIONS } from '../../constructs/policy/rules/network-policies';
import { findingsOf, k8s } from './fixtures';

const { DEV, STAGING, PROD } = EnvironmentProfile;

function policy(egress: object[]): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'order-api', namespace: 'orders' },
    spec: { podSelector: { matchLabels: { app: 'order-api' } }, policyTypes: ['Egress'], egress },
  };
}
const redis = { ports: [{ protocol: 'TCP', port: 6380 }] };

describe('DAPR-NET-001 egress names its destinations', () => {
  it('passes rules with selectors and narrow ipBlocks', () => {
    const np = policy([
      { ...redis, to: [{ ipBlock: { cidr: '10.30.8.0/28' } }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dapr-system' } }, podSelector: { matchLabels: { app: 'dapr-sentry' } } }] },
    ]);
    expect(findingsOf(NETWORK_EGRESS_NAMES_DESTINATIONS, [k8s(np)], PROD)).toEqual([]);
  });

  it.each([
    ['no to:', { ...redis }],
    ['an empty to:', { ...redis, to: [] }],
  ])('fails a rule with %s in staging and prod, naming the policy, the rule and its ports', (_what, rule) => {
    for (const profile of [STAGING, PROD]) {
      const findings = findingsOf(NETWORK_EGRESS_NAMES_DESTINATIONS, [k8s(policy([{ to: [{ podSelector: {} }] }, rule]))], profile);
      expect(findings.map((f) => [f.object, f.message])).toEqual([
        [
          'NetworkPolicy orders/order-api',
          "NetworkPolicy orders/order-api egress rule 1 (TCP 6380) has no 'to:', so it allows these ports to every address on the internet and every pod in the cluster: " +
            "add 'to:' with a namespaceSelector/podSelector for in-cluster hosts or an ipBlock of the host's CIDRs (a DaprWorkload takes them from the DaprChart's externalHosts).",
        ],
      ]);
    }
  });

  it.each(['0.0.0.0/0', '::/0'])('fails an ipBlock of %s (every address by another name)', (cidr) => {
    const findings = findingsOf(NETWORK_EGRESS_NAMES_DESTINATIONS, [k8s(policy([{ ...redis, to: [{ ipBlock: { cidr } }] }]))], PROD);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`allows ipBlock ${cidr}, which is every address`);
  });

  it('fails a rule without ports or to: as every port', () => {
    expect(findingsOf(NETWORK_EGRESS_NAMES_DESTINATIONS, [k8s(policy([{}]))], PROD)[0].message).toContain('egress rule 0 (every port) has no');
  });

  it('does not apply in dev', () => {
    expect(findingsOf(NETWORK_EGRESS_NAMES_DESTINATIONS, [k8s(policy([redis]))], DEV)).toEqual([]);
  });
});
