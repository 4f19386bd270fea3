import type { DaprChart } from '../k8s/dapr-chart';
import { componentsUnder } from '../k8s/external-app-access';
import { ContractFacts } from './contract-document';

/** The contract facts a platform's chart holds (profile, Dapr version, mTLS, namespace, external hosts and apps, its components' endpoints). */
export function contractFactsOf(chart: DaprChart, environment: string): ContractFacts {
  const s = chart.settings;
  return {
    environment,
    profile: s.profile,
    daprVersion: s.daprVersion.version,
    namespace: chart.namespace ?? 'default',
    controlPlaneNamespace: s.mtls.controlPlaneNamespace,
    trustDomain: s.mtls.trustDomain,
    controlPlaneTrustDomain: s.mtls.controlPlaneTrustDomain,
    externalHosts: s.externalHosts,
    externalApps: chart.externalApps,
    componentEndpoints: componentsUnder(chart).map((c) => ({ name: c.componentName, namespace: c.namespace, endpoints: c.endpoints.map((e) => ({ host: e.host, port: e.port })) })),
  };
}
