import { Duration } from 'cdk8s';
import { KafkaAuthType, KafkaPubSub } from '../constructs/k8s/kafka-pub-sub';
import { AccessAction, HttpVerb, MtlsConfiguration, OtelProtocol } from '../constructs/k8s/mtls-configuration';
import { Resiliency, RetryBackoff } from '../constructs/k8s/resiliency';
import { DaprApp } from '../constructs/model/dapr-app';
import { MtlsPolicy } from '../constructs/model/mtls-policy';
import { EnvironmentProfile } from '../constructs/model/profile';
import { daprChart, errorsOf, find, synth } from './helpers';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { VaultAuth, VaultSecretStore } from '../constructs/k8s/vault-secret-store';
import { SecretRef } from '../constructs/model/secret-ref';

const checkout = DaprApp.fromAppId('checkout', 'apps');
const orders = DaprApp.fromAppId('orders', 'apps');

describe('MtlsConfiguration', () => {
  test('renders tracing, metrics and default-deny access control with the policy trust domain', () => {
    const mtls = new MtlsPolicy({ controlPlaneTrustDomain: 'logistics.prod' });
    const chart = daprChart({ mtls });
    const cfg = new MtlsConfiguration(chart, 'cfg', {
      name: 'inventory',
      tracing: { endpointAddress: 'otel-collector.observability:4317', samplingRate: 0.1, protocol: OtelProtocol.GRPC },
    });
    cfg.allowInvocation(checkout, [{ path: '/reserve', verbs: [HttpVerb.POST] }]);
    cfg.allowInvocation(orders, [{ path: '/reserve', verbs: [HttpVerb.POST] }, { path: '/stock/*', verbs: [HttpVerb.GET] }]);
    cfg.allowInvocation(checkout, [{ path: '/reserve', verbs: [HttpVerb.PUT] }]);
    expect(find(synth(chart), 'Configuration', 'inventory')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Configuration',
      metadata: { name: 'inventory', namespace: 'apps' },
      spec: {
        accessControl: {
          defaultAction: 'deny',
          trustDomain: 'logistics.prod',
          policies: [
            { appId: 'checkout', namespace: 'apps', trustDomain: 'logistics.prod', defaultAction: 'deny', operations: [{ name: '/reserve', httpVerb: ['POST', 'PUT'], action: 'allow' }] },
            {
              appId: 'orders',
              namespace: 'apps',
              trustDomain: 'logistics.prod',
              defaultAction: 'deny',
              operations: [
                { name: '/reserve', httpVerb: ['POST'], action: 'allow' },
                { name: '/stock/*', httpVerb: ['GET'], action: 'allow' },
              ],
            },
          ],
        },
        tracing: { samplingRate: '0.1', otel: { endpointAddress: 'otel-collector.observability:4317', isSecure: true, protocol: 'grpc' } },
        metrics: { enabled: true },
        logging: { apiLogging: { enabled: false, omitHealthChecks: true } },
      },
    });
    expect(cfg.mtls).toBe(mtls);
  });

  test('default allow is refused in prod and allowed in dev', () => {
    const prod = daprChart();
    new MtlsConfiguration(prod, 'cfg', { name: 'x', defaultAction: AccessAction.ALLOW });
    expect(errorsOf(prod)).toEqual([expect.stringMatching(/access control defaults to allow in a prod environment/)]);
    const dev = daprChart({ profile: EnvironmentProfile.DEV });
    new MtlsConfiguration(dev, 'cfg', { name: 'x', defaultAction: AccessAction.ALLOW });
    expect(errorsOf(dev)).toEqual([]);
  });

  test('sampling rate outside (0, 1], an endpoint with a scheme, and a relative operation are refused', () => {
    const chart = daprChart();
    const cfg = new MtlsConfiguration(chart, 'cfg', { name: 'x', tracing: { endpointAddress: 'http://collector:4317', samplingRate: 0 } });
    cfg.allowInvocation(checkout, [{ path: 'reserve', verbs: [] }]);
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/samplingRate 0 is outside \(0, 1\]/);
    expect(errors).toMatch(/endpointAddress 'http:\/\/collector:4317' must be 'host:port' without a scheme/);
    expect(errors).toMatch(/operation 'reserve' for caller 'checkout' must start with '\/'/);
    expect(errors).toMatch(/operation 'reserve' for caller 'checkout' has no verbs/);
  });

  test('an mTLS policy that disables mTLS in prod fails at the chart', () => {
    const chart = daprChart({ mtls: new MtlsPolicy({ enabled: false, workloadCertTtl: Duration.minutes(10) }) });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/mTLS is disabled in a prod environment/);
    expect(errors).toMatch(/workloadCertTtl 10m is outside 1h..168h/);
  });
});

describe('Resiliency', () => {
  test('renders named policies, app and component targets, and scopes', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const kafka = new KafkaPubSub(chart, 'k', { name: 'events', brokers: ['kafka:9092'], authType: KafkaAuthType.NONE, scopes: [orders] });
    const r = new Resiliency(chart, 'r', { name: 'order-paths', scopes: [orders] });
    const timeout = r.addTimeout('general', Duration.seconds(5));
    const retry = r.addRetry('transient', { backoff: RetryBackoff.EXPONENTIAL, maxRetries: 5, maxInterval: Duration.seconds(15), httpStatusCodes: '429,500-599' });
    const constant = r.addRetry('pubsub', { backoff: RetryBackoff.CONSTANT, maxRetries: 10, duration: Duration.seconds(2) });
    const cb = r.addCircuitBreaker('callee', { trip: 'consecutiveFailures >= 5', timeout: Duration.seconds(30) });
    r.targetApp(checkout, { timeout, retry, circuitBreaker: cb });
    r.targetComponent(kafka, { outbound: { retry: constant }, inbound: { retry: constant } });
    expect(find(synth(chart), 'Resiliency', 'order-paths')).toEqual({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: { name: 'order-paths', namespace: 'apps' },
      scopes: ['orders'],
      spec: {
        policies: {
          timeouts: { general: '5s' },
          retries: {
            pubsub: { policy: 'constant', duration: '2s', maxRetries: 10 },
            transient: { policy: 'exponential', maxInterval: '15s', maxRetries: 5, matching: { httpStatusCodes: '429,500-599' } },
          },
          circuitBreakers: { callee: { maxRequests: 1, timeout: '30s', trip: 'consecutiveFailures >= 5' } },
        },
        targets: {
          apps: { checkout: { timeout: 'general', retry: 'transient', circuitBreaker: 'callee' } },
          components: { events: { outbound: { retry: 'pubsub' }, inbound: { retry: 'pubsub' } } },
        },
      },
    });
  });

  test('a component target with one direction renders only that one', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const kafka = new KafkaPubSub(chart, 'k', { name: 'events', brokers: ['kafka:9092'], authType: KafkaAuthType.NONE, scopes: [orders] });
    const r = new Resiliency(chart, 'r', { name: 'deliveries', scopes: [orders] });
    const retry = r.addRetry('pubsub', { backoff: RetryBackoff.CONSTANT, maxRetries: 3, duration: Duration.seconds(1) });
    r.targetComponent(kafka, { inbound: { retry } });
    expect(find(synth(chart), 'Resiliency', 'deliveries').spec.targets).toEqual({ components: { events: { inbound: { retry: 'pubsub' } } } });
  });

  test('unscoped, targetless, retry-forever, a bad trip and a policy of another Resiliency are refused', () => {
    const chart = daprChart();
    const other = new Resiliency(chart, 'o', { name: 'other', scopes: [orders] });
    const foreign = other.addTimeout('t', Duration.seconds(1));
    other.targetApp(checkout, { timeout: foreign });
    const r = new Resiliency(chart, 'r', { name: 'mine' });
    r.addRetry('forever', { backoff: RetryBackoff.CONSTANT, maxRetries: -1 });
    r.addCircuitBreaker('cb', { trip: 'failures are high', timeout: Duration.seconds(5) });
    r.targetApp(orders, { timeout: foreign });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/Resiliency 'mine' has no scopes/);
    expect(errors).toMatch(/retry 'forever' maxRetries -1 is not a non-negative integer/);
    expect(errors).toMatch(/trip 'failures are high' is not an expression/);
    expect(errors).toMatch(/policy 't' belongs to Resiliency 'other'/);
  });
});

describe('DaprSubscription', () => {
  test('renders v2alpha1 with routes, rules, bulk and scopes, and scopes the subscriber on the pub/sub', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const kafka = new KafkaPubSub(chart, 'k', { name: 'events', brokers: ['kafka:9092'], authType: KafkaAuthType.NONE });
    kafka.addSubscription('s', {
      name: 'billing-shipments',
      topic: 'shipment-created',
      defaultRoute: '/shipments',
      rules: [{ match: 'event.type == "shipment.created.v2"', path: '/shipments/v2' }],
      deadLetterTopic: 'shipment-created-dlq',
      bulkSubscribe: { maxMessagesCount: 50, maxAwaitDuration: Duration.millis(500) },
      subscribers: [DaprApp.fromAppId('billing', 'apps')],
    });
    const m = synth(chart);
    expect(find(m, 'Subscription', 'billing-shipments')).toEqual({
      apiVersion: 'dapr.io/v2alpha1',
      kind: 'Subscription',
      metadata: { name: 'billing-shipments', namespace: 'apps' },
      scopes: ['billing'],
      spec: {
        pubsubname: 'events',
        topic: 'shipment-created',
        routes: { default: '/shipments', rules: [{ match: 'event.type == "shipment.created.v2"', path: '/shipments/v2' }] },
        deadLetterTopic: 'shipment-created-dlq',
        bulkSubscribe: { enabled: true, maxMessagesCount: 50, maxAwaitDurationMs: 500 },
      },
    });
    expect(find(m, 'Component', 'events').scopes).toEqual(['billing']);
  });

  test('no subscribers, a relative route and a dead-letter topic equal to the topic are refused', () => {
    const chart = daprChart({ profile: EnvironmentProfile.DEV });
    const kafka = new KafkaPubSub(chart, 'k', { name: 'events', brokers: ['kafka:9092'], authType: KafkaAuthType.NONE, scopes: [orders] });
    kafka.addSubscription('s', { name: 'x', topic: 'a', defaultRoute: 'a', deadLetterTopic: 'a' });
    const errors = errorsOf(chart).join('\n');
    expect(errors).toMatch(/has no subscribers/);
    expect(errors).toMatch(/defaultRoute 'a' is not an absolute app path/);
    expect(errors).toMatch(/deadLetterTopic is the topic itself/);
  });
});

describe('tracing TLS (issue 16)', () => {
  const tracing = (extra: object) => ({ endpointAddress: 'otel-collector.observability:4317', samplingRate: 0.1, ...extra });
  const configErrors = (extra: object, profile = EnvironmentProfile.PROD) => {
    const chart = daprChart({ profile });
    new MtlsConfiguration(chart, 'cfg', { name: 'orders', tracing: tracing(extra) });
    return errorsOf(chart);
  };

  test('isSecure defaults to true; plaintext in prod needs a stated reason, dev does not', () => {
    expect(configErrors({})).toEqual([]);
    expect(configErrors({ isSecure: false })).toEqual([
      "[test/cfg] Configuration 'orders': tracing isSecure is false in a prod environment, so spans (with URLs, app-ids and headers) cross the network in plaintext: " +
        "set isSecure: true with the collector's CA (collectorCa), or state why in plaintextReason.",
    ]);
    expect(configErrors({ isSecure: false, plaintextReason: 'collector on the node, loopback only' })).toEqual([]);
    expect(configErrors({ isSecure: false }, EnvironmentProfile.DEV)).toEqual([]);
  });

  test('refuses a CA without TLS, a CA in a Dapr secret store, and a reason with TLS', () => {
    const chart = daprChart();
    const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'dapr', auth: VaultAuth.tokenFile() });
    new MtlsConfiguration(chart, 'a', { name: 'a', tracing: tracing({ isSecure: false, plaintextReason: 'x', collectorCa: SecretRef.fromKubernetesSecret('ca', 'ca.crt') }) });
    new MtlsConfiguration(chart, 'b', { name: 'b', tracing: tracing({ collectorCa: vault.secret('otel', 'ca'), plaintextReason: 'x' }) });
    expect(errorsOf(chart).filter((e) => e.includes('Configuration'))).toEqual([
      "[test/a] Configuration 'a': tracing collectorCa is given but isSecure is false, so daprd never uses it: set isSecure: true or drop collectorCa.",
      "[test/b] Configuration 'b': tracing plaintextReason is given but isSecure is true: drop plaintextReason.",
      "[test/b] Configuration 'b': tracing collectorCa 'vault:otel#ca' is in a Dapr secret store; daprd reads the CA from a file, which only a Kubernetes Secret can provide: use SecretRef.fromKubernetesSecret('<name>', 'ca.crt').",
    ]);
  });

  test("a workload's daprd gets the collector CA: a Secret volume, mounted into daprd only, and the OTLP exporter's CA variable", () => {
    const chart = daprChart();
    const w = new DaprWorkload(chart, 'orders', {
      appId: 'orders',
      image: 'registry.example.com/orders:1.0.0',
      appPort: 8080,
      configurationDefaults: {
        tracing: tracing({ endpointAddress: 'otel-collector.observability.svc.cluster.local:4317', collectorCa: SecretRef.fromKubernetesSecret('otel-collector-ca', 'ca.crt') }),
      },
    });
    const dep = find(synth(chart), 'Deployment', 'orders');
    expect(w.podAnnotations['dapr.io/volume-mounts']).toBe('otel-collector-ca:/var/run/secrets/dapr.io/otel-collector-ca');
    expect(w.podAnnotations['dapr.io/env']).toBe('GOMEMLIMIT=900MiB,OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE=/var/run/secrets/dapr.io/otel-collector-ca/ca.crt');
    expect(dep.spec.template.spec.volumes).toEqual([{ name: 'otel-collector-ca', secret: { secretName: 'otel-collector-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }]);
    expect(dep.spec.template.spec.containers[0].volumeMounts).toBeUndefined();
  });
});
