/*
 * The NetworkPolicy of a DaprWorkload, from its finished graph.
 * Ingress: daprd's internal gRPC port (50002) from the callers' pods, and, for actor and workflow
 * hosts, from the workload's own pods (actor calls go daprd to daprd to the replica that hosts the
 * actor); the app port from the declared ingress namespaces (its own sidecar reaches it over
 * localhost); the metrics port from the monitoring namespaces.
 * Egress: DNS, the Dapr control plane, 50002 of the callees' pods (and of its own pods for actor
 * and workflow hosts), and the hosts of the components, Vault stores and tracing endpoint used.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { IDaprApp } from '../model/dapr-app';
import type { ComponentEndpoint, IStateStore } from './dapr-component';
import { httpEndpointEgressRules } from './http-endpoint-egress';
import { uniqueApps, WorkloadModel } from './workload-graph';
import { DAPR_INTERNAL_GRPC_PORT, WorkloadRole } from './workload-types';

const DAPR_CONTROL_PLANE_PORTS = [443, 50001, 50005, 50006, 6500];

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
  const rules: k8s.NetworkPolicyEgressRule[] = [
    {
      to: [{ ...namespacePeer('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
    },
    { to: [namespacePeer(m.settings.mtls.controlPlaneNamespace)], ports: DAPR_CONTROL_PLANE_PORTS.map(tcp) },
  ];
  const peers = sidecarPeers(m, m.graph.callees());
  if (peers.length) rules.push({ to: peers, ports: [tcp(DAPR_INTERNAL_GRPC_PORT)] });
  const endpoints = new Map<string, ComponentEndpoint>();
  for (const c of m.graph.usedComponents.values()) for (const e of c.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
  for (const store of m.graph.vaultStores()) for (const e of store.endpoints) endpoints.set(`${e.host}:${e.port}`, e);
  const tracing = m.props.configurationDefaults?.tracing;
  if (tracing) {
    const match = /^(.+):(\d+)$/.exec(tracing.endpointAddress);
    if (match) endpoints.set(tracing.endpointAddress, { host: match[1], port: Number(match[2]) });
  }
  // In-cluster services are matched by namespace, one rule per namespace; external hosts cannot
  // be named in a NetworkPolicy, so their ports are opened to any destination, in one rule.
  const portsByNamespace = new Map<string, Set<number>>();
  const externalPorts = new Set<number>();
  for (const e of endpoints.values()) {
    const ns = clusterServiceNamespace(e.host);
    if (ns) portsByNamespace.set(ns, (portsByNamespace.get(ns) ?? new Set<number>()).add(e.port));
    else externalPorts.add(e.port);
  }
  const sortedPorts = (ports: Set<number>) => [...ports].sort((a, b) => a - b).map(tcp);
  for (const ns of [...portsByNamespace.keys()].sort()) rules.push({ to: [namespacePeer(ns)], ports: sortedPorts(portsByNamespace.get(ns)!) });
  if (externalPorts.size) rules.push({ ports: sortedPorts(externalPorts) });
  rules.push(...httpEndpointEgressRules(m));
  return rules;
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
