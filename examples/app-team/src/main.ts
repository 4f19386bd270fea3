/**
 * The returns service, declared by its own team with `@dapr-platform/constructs` against the
 * platform's published references (see platform-references.ts), synthesized to dist/.
 *
 *   npm run synth   # compiles, validates (every error listed), writes dist/returns.k8s.yaml
 *
 * What this renders: returns' Deployment (with its Dapr annotations), ServiceAccount, PDB, HPA,
 * its own Configuration (deny by default, prod's trust domain), its Subscription to
 * `shipment-created` scoped to returns, and its NetworkPolicy (egress to inventory's sidecar, to
 * Kafka and Redis). What it does not render: the shared components and inventory, which the
 * platform declares. Synth fails if a component it uses does not list returns in its scopes.
 */
import { App } from 'cdk8s';
import {
  DaprChart,
  DaprWorkload,
  HttpVerb,
  ImportedComponent,
  ImportedVaultSecretStore,
  OtelProtocol,
  synthOrReport,
} from '@dapr-platform/constructs';
import {
  COMPONENT_SECRETS,
  DAPR_VERSION,
  EVENTS_PUBSUB,
  EXTERNAL_HOSTS,
  INVENTORY,
  MONITORING_NAMESPACES,
  NAMESPACE,
  ORDER_STATE,
  PROFILE,
  prodMtls,
  TOPICS,
  TRACING,
  VAULT_STORE,
} from './platform-references';

const outdir = process.argv[2] ?? 'dist';
const app = new App({ outdir });
const chart = new DaprChart(app, 'returns', {
  namespace: NAMESPACE,
  profile: PROFILE,
  daprVersion: DAPR_VERSION,
  mtls: prodMtls(),
  externalHosts: EXTERNAL_HOSTS,
});

// The platform's components, by reference: never rendered here, and their scopes are not changed from here.
// They read their credentials through the platform's Vault store, so returns' sidecar gets the
// Vault Agent wiring for its own role.
const vault = new ImportedVaultSecretStore(chart, 'Vault', VAULT_STORE);
const events = new ImportedComponent(chart, 'Events', { ...EVENTS_PUBSUB, secretRefs: COMPONENT_SECRETS.events.map(([name, key]) => vault.secret(name, key)) });
const orderState = new ImportedComponent(chart, 'OrderState', { ...ORDER_STATE, secretRefs: COMPONENT_SECRETS.orderState.map(([name, key]) => vault.secret(name, key)) });

const returns = new DaprWorkload(chart, 'Returns', {
  appId: 'returns',
  image: 'registry.logistics.example.com/order-management/returns:1.0.0',
  appPort: 8080,
  replicas: 3,
  maxReplicas: 10,
  monitoringNamespaces: MONITORING_NAMESPACES,
  configurationDefaults: { tracing: { ...TRACING, protocol: OtelProtocol.GRPC } },
});

// Its edges: it calls inventory (declared by the platform, which allows returns on POST /release
// with inventory.allowsInvocationFrom), keeps state in order-state, and reacts to shipments.
returns.invokesApp(INVENTORY, [{ path: '/release', verbs: [HttpVerb.POST] }]);
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
