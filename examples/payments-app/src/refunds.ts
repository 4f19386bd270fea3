/**
 * The refunds service against the payments platform's contract: what it is and which of the
 * platform's components, topics, secrets and apps it uses. main.ts synthesizes it; the platform
 * repository's tests declare it in memory through this function.
 *
 * What this renders: refunds' Deployment (with its Dapr annotations and the Vault Agent wiring for
 * its own role), ServiceAccount, PDB, HPA, its own Configuration (deny by default, the contract's
 * trust domain), its Subscription to `payment-authorized` scoped to refunds, and its NetworkPolicy
 * (egress to ledger's sidecar, PostgreSQL, Kafka and Vault). What it does not render: the shared
 * components and ledger, which the payments platform declares.
 */
import { DaprChart, DaprWorkload, HttpVerb, OtelProtocol, PlatformContract } from '@dapr-platform/constructs';
import { MONITORING_NAMESPACES, TOPICS, TRACING } from './platform-references';

/** Declares refunds in `chart` (a `DaprChart` built with `{ contract }`), against `contract`. */
export function declareRefunds(chart: DaprChart, contract: PlatformContract): DaprWorkload {
  // The platform's components, by reference: never rendered here.
  const events = contract.component(chart, 'Events', 'payment-events');
  const refundsState = contract.component(chart, 'RefundsState', 'refunds-state');
  const vault = contract.secretStore(chart, 'Vault', 'vault');

  const refunds = new DaprWorkload(chart, 'Refunds', {
    appId: 'refunds',
    image: 'registry.acmepay.example.com/refunds/refunds:1.3.0',
    appPort: 8080,
    replicas: 2,
    maxReplicas: 6,
    monitoringNamespaces: MONITORING_NAMESPACES,
    configurationDefaults: { tracing: { ...TRACING, protocol: OtelProtocol.GRPC } },
  });

  // Its edges: it books refunds in the ledger (the contract says ledger allows refunds on POST
  // /entries), keeps its state in refunds-state, reacts to authorized payments and announces refunds.
  refunds.invokesApp(contract.app('ledger'), [{ path: '/entries', verbs: [HttpVerb.POST] }]);
  refunds.uses(refundsState);
  refunds.subscribe(events, TOPICS.paymentAuthorized, {
    route: `/events/${TOPICS.paymentAuthorized}`,
    deadLetterTopic: TOPICS.paymentAuthorizedDeadLetters,
  });
  refunds.publishes(events, TOPICS.refundIssued);
  // Its schema migrations read the database's DSN through the Dapr secrets API (the contract grants it).
  refunds.readsSecret(vault.secret('refunds-db', 'dsn'));
  return refunds;
}
