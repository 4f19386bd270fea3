/**
 * The returns service, declared by its own team with `@dapr-platform/constructs` against the
 * platform's contract for prod (contract/prod.contract.json), synthesized to dist/.
 *
 *   npm run synth   # compiles, validates (every error listed), writes dist/returns.k8s.yaml
 *
 * What this renders: returns' Deployment (with its Dapr annotations), ServiceAccount, PDB, HPA,
 * its own Configuration (deny by default, the contract's trust domain), its Subscription to
 * `shipment-created` scoped to returns, and its NetworkPolicy (egress to inventory's sidecar, to
 * Kafka, Redis and Vault). What it does not render: the shared components and inventory, which the
 * platform declares. Synth fails, naming the contract file and what the platform must add, if the
 * contract does not grant returns a component, topic, secret or callee it uses.
 */
import { App } from 'cdk8s';
import { DaprChart, DaprWorkload, HttpVerb, OtelProtocol, PlatformContract, synthOrReport } from '@dapr-platform/constructs';
import { CONTRACT_FILE, MONITORING_NAMESPACES, TOPICS, TRACING } from './platform-references';

const outdir = process.argv[2] ?? 'dist';
const app = new App({ outdir });
// Namespace, profile, Dapr version, trust domain, control-plane namespace and external hosts: the contract's.
const contract = PlatformContract.fromFile(CONTRACT_FILE);
const chart = new DaprChart(app, 'returns', { contract });

// The platform's components, by reference: never rendered here. They read their credentials
// through the platform's Vault store, so returns' sidecar gets the Vault Agent wiring for its own role.
const events = contract.component(chart, 'Events', 'events');
const orderState = contract.component(chart, 'OrderState', 'order-state');

const returns = new DaprWorkload(chart, 'Returns', {
  appId: 'returns',
  image: 'registry.logistics.example.com/order-management/returns:1.0.0',
  appPort: 8080,
  replicas: 3,
  maxReplicas: 10,
  monitoringNamespaces: MONITORING_NAMESPACES,
  configurationDefaults: { tracing: { ...TRACING, protocol: OtelProtocol.GRPC } },
});

// Its edges: it calls inventory (the contract says inventory allows returns on POST /release),
// keeps state in order-state, and reacts to shipments.
returns.invokesApp(contract.app('inventory'), [{ path: '/release', verbs: [HttpVerb.POST] }]);
returns.uses(orderState);
returns.subscribe(events, TOPICS.shipmentCreated, {
  route: `/events/${TOPICS.shipmentCreated}`,
  deadLetterTopic: TOPICS.shipmentCreatedDeadLetters,
});

// Validates every construct first; on errors prints all of them (construct path, bad value, fix),
// like the platform's synth, without a stack trace, and exits 1 without writing anything.
process.exitCode = synthOrReport(app);
if (process.exitCode === 0) {
  // What the platform's Terraform must grant returns' Vault role (its secret paths, nothing else).
  console.log(`returns reads: ${returns.secretAccess.secretPaths.join(', ')}`);
  console.log(`returns: manifests written to ${outdir}/`);
}
