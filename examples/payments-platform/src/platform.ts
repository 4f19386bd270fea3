/**
 * The payments platform's Kubernetes half, per environment: four services in their own namespace,
 * PostgreSQL state for the ledger, Kafka pub/sub for payment events, Vault for every credential.
 *
 *   payments --POST /score--> fraud
 *   payments --POST /entries--> ledger (state in ledger-state)
 *   payments --publishes--> payment-authorized --> ledger, notifications
 *   ledger, notifications --dead letters--> payment-authorized-dlq --> notifications (alerts the on-call)
 *
 * And one app that lives elsewhere: `refunds`, the refunds team's (examples/payments-app), granted
 * here what it needs (its PostgreSQL state `refunds-state` and the Vault secret behind it,
 * payment-authorized in and refund-issued out, ledger's POST /entries); the contract
 * (dist/<env>.contract.json) records the grants, and the refunds team builds against it.
 *
 *   refunds --POST /entries--> ledger (state in refunds-state)
 *   payment-authorized --> refunds --publishes--> refund-issued
 */
import { Duration } from 'cdk8s';
import {
  DaprChart,
  DaprMonitoring,
  DaprWorkload,
  DefaultDenyNetworkPolicy,
  HttpVerb,
  KafkaAuthType,
  KafkaPubSub,
  KafkaTopicCatalog,
  OtelProtocol,
  PostgresStateStore,
  ResourceSize,
  Resiliency,
  RetryBackoff,
  SaslMechanism,
  VaultAuth,
  VaultSecretStore,
} from '@dapr-platform/constructs';
import { Construct } from 'constructs';
import { APPS_NAMESPACE, CONTROL_PLANE_NAMESPACE, KV_MOUNT, KV_PREFIX, PaymentsEnvironment } from './environments';

const REGISTRY = 'registry.acmepay.example.com/payments';

/** The services, declared once: each appears in every environment, sized by the environment. */
export const SERVICES = [
  { appId: 'payments', image: `${REGISTRY}/payments:5.2.0`, appPort: 8080, public: true },
  { appId: 'ledger', image: `${REGISTRY}/ledger:2.7.1`, appPort: 8080, resources: ResourceSize.APP_MEDIUM },
  { appId: 'fraud', image: `${REGISTRY}/fraud:1.14.0`, appPort: 8080 },
  { appId: 'notifications', image: `${REGISTRY}/notifications:3.0.2`, appPort: 8080 },
] as const;

export const PAYMENT_AUTHORIZED = 'payment-authorized';
export const PAYMENT_AUTHORIZED_DLQ = 'payment-authorized-dlq';
export const REFUND_ISSUED = 'refund-issued';

/** What the payments platform declares in one environment. */
export interface PaymentsPlatform {
  readonly chart: DaprChart;
  readonly vault: VaultSecretStore;
  readonly ledgerState: PostgresStateStore;
  readonly refundsState: PostgresStateStore;
  readonly events: KafkaPubSub;
  readonly topics: KafkaTopicCatalog;
  readonly workloads: { readonly [appId: string]: DaprWorkload };
}

/** Declares the payments platform's Kubernetes half of `env` in `scope` (the environment's cdk8s App). */
export function buildPayments(scope: Construct, env: PaymentsEnvironment): PaymentsPlatform {
  const chart = new DaprChart(scope, env.name, {
    namespace: APPS_NAMESPACE,
    profile: env.profile,
    daprVersion: env.daprVersion,
    mtls: env.mtls,
    externalHosts: env.externalHosts,
  });
  new DefaultDenyNetworkPolicy(chart, 'DefaultDeny');

  const vault = new VaultSecretStore(chart, 'Vault', {
    name: 'vault',
    vaultAddr: env.vaultAddress,
    enginePath: KV_MOUNT,
    vaultKvPrefix: KV_PREFIX,
    auth: VaultAuth.tokenFile(),
    kubernetesAuthPath: `auth/kubernetes-${env.name}`,
  });
  const ledgerState = new PostgresStateStore(chart, 'LedgerState', {
    name: 'ledger-state',
    connectionString: vault.secret('ledger-db', 'dsn'),
    endpoint: env.postgres.endpoint,
    tablePrefix: 'ledger_',
    timeout: Duration.seconds(10),
  });
  // The refunds team's state: declared (and its credentials held) by the platform, used by refunds only.
  const refundsState = new PostgresStateStore(chart, 'RefundsState', {
    name: 'refunds-state',
    connectionString: vault.secret('refunds-db', 'dsn'),
    endpoint: env.postgres.endpoint,
    tablePrefix: 'refunds_',
    timeout: Duration.seconds(10),
  });
  const events = new KafkaPubSub(chart, 'Events', {
    name: 'payment-events',
    brokers: env.kafka.brokers,
    authType: KafkaAuthType.PASSWORD,
    saslUsername: vault.secret('kafka', 'username'),
    saslPassword: vault.secret('kafka', 'password'),
    saslMechanism: SaslMechanism.SHA_512,
    disableTls: env.kafka.tls ? undefined : true,
    consumerGroup: '{appID}',
  });

  const workloads: { [appId: string]: DaprWorkload } = {};
  for (const s of SERVICES) {
    const isPublic = 'public' in s && s.public;
    workloads[s.appId] = new DaprWorkload(chart, s.appId, {
      appId: s.appId,
      image: s.image,
      appPort: s.appPort,
      resources: 'resources' in s ? s.resources : undefined,
      replicas: env.replicas,
      maxReplicas: env.maxReplicas,
      service: isPublic || undefined,
      ingressNamespaces: isPublic ? ['ingress-gateway'] : undefined,
      monitoringNamespaces: ['observability'],
      configurationDefaults: {
        tracing: {
          endpointAddress: env.tracing.endpoint,
          samplingRate: env.tracing.samplingRate,
          protocol: OtelProtocol.GRPC,
          isSecure: env.tracing.isSecure,
          collectorCa: env.tracing.collectorCa,
          plaintextReason: env.tracing.plaintextReason,
        },
      },
    });
  }
  const { payments, ledger, fraud, notifications } = workloads;

  payments.invokes(fraud, [{ path: '/score', verbs: [HttpVerb.POST] }]);
  payments.invokes(ledger, [{ path: '/entries', verbs: [HttpVerb.POST] }]);
  ledger.uses(ledgerState);
  payments.publishes(events, PAYMENT_AUTHORIZED);
  for (const subscriber of [ledger, notifications]) {
    subscriber.subscribe(events, PAYMENT_AUTHORIZED, { route: `/events/${PAYMENT_AUTHORIZED}`, deadLetterTopic: PAYMENT_AUTHORIZED_DLQ });
  }
  notifications.subscribe(events, PAYMENT_AUTHORIZED_DLQ, { route: `/events/${PAYMENT_AUTHORIZED_DLQ}` });

  // refunds lives in the refunds team's repository (examples/payments-app): the platform's half of
  // each of its edges, recorded in the contract its team builds against.
  const refunds = chart.addExternalApp({ appId: 'refunds', owner: 'refunds team (examples/payments-app)' });
  refundsState.addScope(refunds); // and the Vault store its DSN comes from: refunds may read refunds-db/dsn
  events.grantSubscribe(refunds, PAYMENT_AUTHORIZED);
  events.grantPublish(refunds, PAYMENT_AUTHORIZED_DLQ);
  events.grantPublish(refunds, REFUND_ISSUED);
  ledger.allowsInvocationFrom(refunds, [{ path: '/entries', verbs: [HttpVerb.POST] }]);

  const topics = new KafkaTopicCatalog(chart, 'Topics', { pubsub: events, profile: env.profile });
  topics.declare(PAYMENT_AUTHORIZED, { deadLetterTopic: PAYMENT_AUTHORIZED_DLQ });
  topics.declare(REFUND_ISSUED);

  const resiliency = new Resiliency(chart, 'Resiliency', { name: 'payment-paths' });
  const timeout = resiliency.addTimeout('scoring', Duration.seconds(2));
  const retry = resiliency.addRetry('transient', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 3, maxInterval: Duration.seconds(2), httpStatusCodes: '429,502-504' });
  const deliveries = resiliency.addRetry('deliveries', { backoff: RetryBackoff.CONSTANT, maxRetries: 10, duration: Duration.seconds(5) });
  for (const callee of [fraud, ledger]) resiliency.targetApp(callee, { timeout, retry });
  resiliency.targetComponent(events, { inbound: { retry: deliveries } });
  for (const app of [payments, ledger, notifications]) resiliency.addScope(app);

  new DaprMonitoring(chart, 'Monitoring', { controlPlaneHa: env.ha, controlPlaneNamespace: CONTROL_PLANE_NAMESPACE });

  return { chart, vault, ledgerState, refundsState, events, topics, workloads };
}
