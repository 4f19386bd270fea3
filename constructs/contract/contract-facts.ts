import type { DaprChart } from '../k8s/dapr-chart';
import { ContractFacts } from './contract-document';

/** The contract facts a platform's chart holds (profile, Dapr version, mTLS, namespace, external hosts and apps). */
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
  };
}
