/*
 * Rules on NetworkPolicies themselves: egress that names its destinations.
 */
import { Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, getPath } from '../util';
import { STRICT_PROFILES } from './common';

/** CIDRs that match every address: an ipBlock with one of these names no destination. */
const CATCH_ALL = new Set(['0.0.0.0/0', '::/0']);

function describePorts(rule: { [key: string]: unknown }): string {
  const ports = asArray(rule.ports)
    .map((raw) => asObject(raw))
    .filter((p) => p !== undefined)
    .map((p) => `${asString(p!.protocol) ?? 'TCP'} ${p!.port ?? 'any'}`);
  return ports.length ? ports.join(', ') : 'every port';
}

export const NETWORK_EGRESS_NAMES_DESTINATIONS: Rule = {
  id: 'DAPR-NET-001',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Every egress rule of a NetworkPolicy names its destinations in staging and prod: a non-empty `to:` whose peers are pod/namespace selectors or `ipBlock`s narrower than `0.0.0.0/0` and `::/0`.',
  why: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const np of index.ofKind('NetworkPolicy')) {
      asArray(getPath(np.body, 'spec', 'egress')).forEach((raw, i) => {
        const rule = asObject(raw);
        if (!rule) return;
        const peers = asArray(rule.to).map((p) => asObject(p));
        if (peers.length === 0) {
          out.push({
            target: np,
            message:
              `${np.ref} egress rule ${i} (${describePorts(rule)}) has no 'to:', so it allows these ports to every address on the internet and every pod in the cluster: ` +
              `add 'to:' with a namespaceSelector/podSelector for in-cluster hosts or an ipBlock of the host's CIDRs (a DaprWorkload takes them from the DaprChart's externalHosts).`,
          });
          return;
        }
        const open = peers.map((p) => asString(getPath(p, 'ipBlock', 'cidr'))).filter((c): c is string => c !== undefined && CATCH_ALL.has(c));
        if (open.length) {
          out.push({
            target: np,
            message:
              `${np.ref} egress rule ${i} (${describePorts(rule)}) allows ipBlock ${open.join(', ')}, which is every address: ` +
              `name the destination's own CIDRs (a DaprWorkload takes them from the DaprChart's externalHosts).`,
          });
        }
      });
    }
    return out;
  },
};

export const NETWORK_POLICY_RULES: readonly Rule[] = [NETWORK_EGRESS_NAMES_DESTINATIONS];
