/**
 * What the refunds team chooses itself, or what the payments platform publishes outside its
 * contract: the topic names, where Prometheus runs, the collector and prod's sampling rate.
 * Everything the platform grants (Dapr version, namespace, trust domain, components and their
 * scopes, topic grants, secrets, the apps refunds may call, external hosts) comes from the
 * platform's contract, contract/prod.contract.json (a copy of the payments platform's
 * dist/prod.contract.json).
 */
import { SecretRef } from '@dapr-platform/constructs';

/** The payments platform's contract for prod: `PLATFORM_CONTRACT` overrides it. */
export const CONTRACT_FILE = process.env.PLATFORM_CONTRACT ?? 'contract/prod.contract.json';

/** Topics of the `payment-events` pub/sub: what refunds reacts to, where its failures go, what it announces. */
export const TOPICS = {
  paymentAuthorized: 'payment-authorized',
  paymentAuthorizedDeadLetters: 'payment-authorized-dlq',
  refundIssued: 'refund-issued',
} as const;

/** Namespaces whose Prometheus scrapes the sidecars. */
export const MONITORING_NAMESPACES = ['observability'];

/** The OpenTelemetry collector and prod's sampling rate. */
export const TRACING = {
  endpointAddress: 'otel-collector.observability.svc.cluster.local:4317',
  samplingRate: 0.05,
  isSecure: true,
  collectorCa: SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt'),
};
