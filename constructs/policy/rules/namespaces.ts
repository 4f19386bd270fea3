import { K8sObject } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { compareStrings } from '../util';
import { STRICT_PROFILES } from './common';

export const NAMESPACE_DEFAULT_DENY: Rule = {
  id: 'DAPR-NS-001',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Every namespace with Dapr workloads has a default-deny ingress NetworkPolicy (empty `podSelector`, `policyTypes` with Ingress, no ingress rule) in staging and prod (with `--contract`: or the contract says the platform renders one in its namespace).',
  why: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic',
  check: ({ index, contract }) => {
    const out: RuleViolation[] = [];
    const firstWorkload = new Map<string, K8sObject>();
    for (const w of index.daprWorkloads) if (!firstWorkload.has(w.object.namespace)) firstWorkload.set(w.object.namespace, w.object);
    for (const [ns, workload] of [...firstWorkload.entries()].sort((a, b) => compareStrings(a[0], b[0]))) {
      if (index.hasDefaultDenyIngress(ns)) continue;
      if (contract && contract.document.namespace === ns && contract.document.defaultDenyIngress) continue;
      // Point at the Namespace object if the documents have one, else at the first Dapr workload in it.
      const target = index.find('Namespace', '', ns) ?? workload;
      out.push({
        target,
        message:
          `Namespace '${ns}' runs Dapr workloads but has no default-deny ingress NetworkPolicy, so every pod in the cluster can reach the apps and their sidecars (ports 3500/50001/50002): ` +
          `add a NetworkPolicy in '${ns}' with podSelector: {} and policyTypes: [Ingress] (no ingress rules), then allow the traffic each app needs.`,
      });
    }
    return out;
  },
};

export const NAMESPACE_RULES: readonly Rule[] = [NAMESPACE_DEFAULT_DENY];
