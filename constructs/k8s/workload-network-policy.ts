/*
 * The NetworkPolicy of a DaprWorkload, from its finished graph.
 * Ingress: daprd's internal gRPC port (50002) from the callers' pods, and, for actor and workflow
 * hosts, from the workload's own pods (actor calls go daprd to daprd to the replica that hosts the
 * actor); the app port from the declared ingress namespaces (its own sidecar reaches it over
 * localhost); the metrics port from the monitoring namespaces.
 * Egress: DNS, the Dapr control plane, 50002 of the callees' pods (and of its own pods for actor
 * and workflow hosts), and the hosts of the components, Vault stores and tracing endpoint used.
 * Every egress rule names its destinations (`to:`): pods by namespace and labels for in-cluster
 * hosts, the environment's declared CIDRs (`DaprChartProps.externalHosts`) for external ones.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { IDaprApp } from '../model/dapr-app';
import { declaredCidrs } from './dapr-chart';
import type { ComponentEndpoint, IStateStore } from './dapr-component';
import { httpEndpointEgressRules } from './http-endpoint-egress';
import { uniqueApps, WorkloadModel } from './workload-graph';
import { DAPR_INTERNAL_GRPC_PORT, WorkloadRole } from './workload-types';

/**
 * What daprd dials in the control plane: each service's pods by the `app` label the Dapr chart
 * gives them, on the port the pod listens on (a NetworkPolicy sees the pod's port, not the
 * Service's: Sentry's and the operator's Services listen on 443 and forward to 50001 and 6500).
 * The same in the charts of 1.16.19, 1.17.13 and 1.18.3 (`helm template`); the sidecar injector
 * (443 -> 4000) is called by the API server only.
 */
export const DAPR_CONTROL_PLANE_TARGETS: readonly { readonly app: string; readonly port: number }[] = [
  { app: 'dapr-operator', port: 6500 },
  { app: 'dapr-placement-server', port: 50005 },
  { app: 'dapr-scheduler-server', port: 50006 },
  { app: 'dapr-sentry', port: 50001 },
];
/** The egress peers of an external host the environment does not declare (dev only): any address, said explicitly. */
export const ANY_ADDRESS: readonly string[] = ['0.0.0.0/0', '::/0'];

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const namespacePeer = (ns: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

/**
 * True if the workload may host actors (workflows run on actors), so its replicas call each
 * other's daprd: an actor or workflow host, or any workload whose daprd loads an actor state store
 * (what policy rule DAPR-WORK-016 checks on the documents).
 */
export function hostsActors(m: WorkloadModel): boolean {
  if (m.workload.role === WorkloadRole.ACTOR_HOST || m.workload.role === WorkloadRole.WORKFLOW_HOST) return true;
  return m.graph.components.some((c) => (c as Partial<IStateStore>).isActorStateStore === true);
}

/** The sidecar peers on 50002: the given apps, plus the workload itself if it hosts actors. */
function sidecarPeers(m: WorkloadModel, apps: IDaprApp[]): k8s.NetworkPolicyPeer[] {
  return uniqueApps(hostsActors(m) ? [...apps, m.workload] : apps).map((a) => peer(m, a));
}

/** The NetworkPolicy ingress rules. */
export function ingressRules(m: WorkloadModel): k8s.NetworkPolicyIngressRule[] {
  const p = m.props;
  const rules: k8s.NetworkPolicyIngressRule[] = [];
  const peers = sidecarPeers(m, m.graph.callers());
  if (peers.length) rules.push({ from: peers, ports: [tcp(DAPR_INTERNAL_GRPC_PORT)] });
  const ingressNs = [...(p.ingressNamespaces ?? [])].sort();
  if (ingressNs.length && p.appPort !== undefined) rules.push({ from: ingressNs.map(namespacePeer), ports: [tcp(p.appPort)] });
  const monitoring = [...(p.monitoringNamespaces ?? [])].sort();
  if (monitoring.length) rules.push({ from: monitoring.map(namespacePeer), ports: [tcp(p.metricsPort ?? 9090)] });
  return rules;
}

/** The NetworkPolicy egress rules. */
export function egressRules(m: WorkloadModel): k8s.NetworkPolicyEgressRule[] {
  const controlPlaneNs = m.settings.mtls.controlPlaneNamespace;
  const rules: k8s.NetworkPolicyEgressRule[] = [
    {
      to: [{ ...namespacePeer('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
    },
    ...DAPR_CONTROL_PLANE_TARGETS.map((t) => ({ to: [{ ...namespacePeer(controlPlaneNs), podSelector: { matchLabels: { app: t.app } } }], ports: [tcp(t.port)] })),
  ];
  const peers = sidecarPeers(m, m.graph.callees());
  if (peers.length) rules.push({ to: peers, ports: [tcp(DAPR_INTERNAL_GRPC_PORT)] });
  // In-cluster services are matched by namespace, one rule per namespace; external hosts by the
  // CIDRs the environment declares for them, one rule per set of CIDRs.
  const portsByNamespace = new Map<string, Set<number>>();
  const portsByCidrs = new Map<string, Set<number>>();
  for (const e of egressEndpoints(m)) {
    const ns = clusterServiceNamespace(e.host);
    const key = ns ?? (declaredCidrs(m.settings, e.host) ?? ANY_ADDRESS).join(',');
    const byKey = ns ? portsByNamespace : portsByCidrs;
    byKey.set(key, (byKey.get(key) ?? new Set<number>()).add(e.port));
  }
  const sortedPorts = (ports: Set<number>) => [...ports].sort((a, b) => a - b).map(tcp);
  for (const ns of [...portsByNamespace.keys()].sort()) rules.push({ to: [namespacePeer(ns)], ports: sortedPorts(portsByNamespace.get(ns)!) });
  for (const cidrs of [...portsByCidrs.keys()].sort()) {
    rules.push({ to: cidrs.split(',').map((cidr) => ({ ipBlock: { cidr } })), ports: sortedPorts(portsByCidrs.get(cidrs)!) });
  }
  rules.push(...httpEndpointEgressRules(m));
  return rules;
}

/** The hosts the workload's daprd reaches: of its components, its Vault stores and its tracing endpoint, unique by host:port, sorted. */
export function egressEndpoints(m: WorkloadModel): ComponentEndpoint[] {
  const endpoints = new Map<string, ComponentEndpoint>();
  for (const c of m.graph.usedComponents.values()) for (const e of c.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
  for (const store of m.graph.vaultStores()) for (const e of store.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
  const tracing = m.props.configurationDefaults?.tracing;
  if (tracing) {
    const match = /^(.+):(\d+)$/.exec(tracing.endpointAddress);
    if (match) endpoints.set(tracing.endpointAddress, { host: match[1], port: Number(match[2]) });
  }
  return [...endpoints.keys()].sort().map((k) => endpoints.get(k)!);
}

/** The external hosts (outside the cluster) the workload reaches whose CIDRs the environment does not declare, sorted. */
export function undeclaredExternalHosts(m: WorkloadModel): string[] {
  const hosts = egressEndpoints(m)
    .filter((e) => !clusterServiceNamespace(e.host) && !declaredCidrs(m.settings, e.host))
    .map((e) => e.host);
  return [...new Set(hosts)].sort();
}

/** A peer selecting an app's pods: by the label every DaprWorkload's pods carry (`app.kubernetes.io/name: <app-id>`). */
function peer(m: WorkloadModel, other: IDaprApp): k8s.NetworkPolicyPeer {
  const matchLabels = (other as { selectorLabels?: { [key: string]: string } }).selectorLabels ?? { 'app.kubernetes.io/name': other.appId };
  return other.namespace === m.workload.namespace ? { podSelector: { matchLabels } } : { ...namespacePeer(other.namespace), podSelector: { matchLabels } };
}

/** The namespace of an in-cluster service host (`svc.ns.svc[.cluster.local]`, `pod.svc.ns.svc[.cluster.local]`), else undefined. */
export function clusterServiceNamespace(host: string): string | undefined {
  const parts = host.split('.');
  const svc = parts.indexOf('svc', 2);
  return svc >= 2 ? parts[svc - 1] : undefined;
}
