/*
 * The egress a workload needs for the HTTP endpoints it invokes (DaprWorkload.invokesEndpoint):
 * the endpoint's host port, to the address ranges the endpoint declares (`cidrs`, one `ipBlock`
 * each), or to the namespace of an in-cluster host. An external host without declared ranges
 * (dev only: HttpEndpoint refuses it in staging and prod) gets its port without a destination.
 * Kept apart from workload-network-policy.ts, which calls it once.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { WorkloadModel } from './workload-graph';

/** One egress rule per distinct destination (ranges or namespace), ports sorted; rules sorted by destination. */
export function httpEndpointEgressRules(m: WorkloadModel): k8s.NetworkPolicyEgressRule[] {
  const byDestination = new Map<string, { to?: k8s.NetworkPolicyPeer[]; ports: Set<number> }>();
  for (const endpoint of m.graph.httpEndpoints) {
    const ns = endpoint.inClusterNamespace;
    for (const e of endpoint.endpoints) {
      const to: k8s.NetworkPolicyPeer[] | undefined = ns
        ? [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }]
        : endpoint.cidrs.length > 0
          ? endpoint.cidrs.map((cidr) => ({ ipBlock: { cidr } }))
          : undefined;
      const key = JSON.stringify(to ?? null);
      const entry = byDestination.get(key) ?? { to, ports: new Set<number>() };
      entry.ports.add(e.port);
      byDestination.set(key, entry);
    }
  }
  return [...byDestination.keys()].sort().map((key) => {
    const { to, ports } = byDestination.get(key)!;
    const rulePorts = [...ports].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    return to ? { to, ports: rulePorts } : { ports: rulePorts };
  });
}
