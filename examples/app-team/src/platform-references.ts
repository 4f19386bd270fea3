/**
 * What the returns team chooses itself, or what the platform publishes outside its contract: the
 * topic names it subscribes to, where Prometheus runs, the collector and prod's sampling rate.
 * Everything the platform grants (Dapr version, namespace, trust domain, components and their
 * scopes, topic grants, secrets, the apps returns may call, external hosts) comes from the
 * platform's contract, contract/prod.contract.json (a copy of the platform's dist/prod.contract.json).
 */
import { SecretRef } from '@dapr-platform/constructs';

/** The platform's contract for prod: `PLATFORM_CONTRACT` overrides it. */
export const CONTRACT_FILE = process.env.PLATFORM_CONTRACT ?? 'contract/prod.contract.json';

/** Topics of the `events` pub/sub. */
export const TOPICS = { shipmentCreated: 'shipment-created', shipmentCreatedDeadLetters: 'shipment-created-dlq' } as const;

/** Namespaces whose Prometheus scrapes the sidecars. */
export const MONITORING_NAMESPACES = ['monitoring'];

/** The OpenTelemetry collector and prod's sampling rate. */
export const TRACING = {
  endpointAddress: 'otel-collector.observability.svc.cluster.local:4317',
  samplingRate: 0.1,
  isSecure: true,
  collectorCa: SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt'),
};
