import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { EnvironmentOutput, main, synthesize, SynthError } from '../stacks/main';
import { groupManifests } from '../constructs/synth/manifest-files';
import { snapshotTree } from './file-tree';

// End-to-end: the reference order-management platform, both planes, every environment, in memory.
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-e2e-'));
const outputs = synthesize({ distDir: path.join(outDir, 'dist'), cdktfOutDir: path.join(outDir, 'cdktf.out'), write: false });
const byEnv = (name: string): EnvironmentOutput => outputs.find((o) => o.env.name === name)!;
const find = (o: EnvironmentOutput, kind: string, name: string) => {
  const found = o.manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in ${o.env.name}, found ${found.length}`);
  return found[0];
};
const resources = (o: EnvironmentOutput, type: string): any[] => Object.values(o.terraform.resource?.[type] ?? {});
const daprRelease = (o: EnvironmentOutput) => resources(o, 'helm_release').find((r) => r.chart === 'dapr');

describe('prod: the production setup of the seed', () => {
  const prod = byEnv('prod');

  test('HA control plane with a disruption budget, pinned chart, Fail webhook and pinned scheduler storage', () => {
    const r = daprRelease(prod);
    expect(r).toMatchObject({ repository: 'https://dapr.github.io/helm-charts/', version: '1.18.3', namespace: 'dapr-system', atomic: true, wait: true });
    const values = YAML.parse(r.values[0]);
    expect(values.global.ha).toEqual({
      enabled: true,
      replicaCount: 3,
      disruption: { minimumAvailable: 2, maximumUnavailable: '' },
      topologyKey: 'kubernetes.io/hostname',
      podAntiAffinityPolicy: 'requiredDuringSchedulingIgnoredDuringExecution',
    });
    expect(values.dapr_sidecar_injector.webhookFailurePolicy).toBe('Fail');
    expect(values.dapr_scheduler.cluster).toEqual({ storageClassName: 'ssd-retain', storageSize: '16Gi', inMemoryStorage: false });
  });

  test('mTLS with a 24h workload TTL, from the same policy the app Configurations use', () => {
    const values = YAML.parse(daprRelease(prod).values[0]);
    expect(values.global.mtls).toEqual({ enabled: true, workloadCertTTL: '24h', allowedClockSkew: '15m', controlPlaneTrustDomain: 'logistics-prod.local' });
    expect(find(prod, 'Configuration', 'inventory').spec.accessControl.trustDomain).toBe('logistics-prod.local');
  });

  test('a Sentry CA from Vault PKI: the three PEMs are references to PKI resources, never literals', () => {
    const sensitive = Object.fromEntries(daprRelease(prod).set_sensitive.map((s: any) => [s.name, s.value]));
    // A dedicated root per environment (created here), not the corporate root.
    expect(sensitive['dapr_sentry.tls.root.certPEM']).toMatch(/^\$\{vault_pki_secret_backend_root_cert\.sentry-trust-bundle_root-cert_[0-9A-F]+\.certificate\}$/);
    expect(resources(prod, 'vault_mount').map((m) => m.path).sort()).toEqual(['pki-dapr-prod-root', 'pki-dapr-prod-sentry', 'secret']);
    expect(resources(prod, 'vault_pki_secret_backend_role')).toEqual([]);
    expect(prod.terraform.data?.vault_pki_secret_backend_issuer).toBeUndefined();
    expect(sensitive['dapr_sentry.tls.issuer.certPEM']).toMatch(/^\$\{vault_pki_secret_backend_intermediate_set_signed\..+\.certificate\}$/);
    expect(sensitive['dapr_sentry.tls.issuer.keyPEM']).toMatch(/^\$\{vault_pki_secret_backend_intermediate_cert_request\..+\.private_key\}$/);
    expect(resources(prod, 'vault_pki_secret_backend_intermediate_cert_request')[0].type).toBe('exported');
  });

  test('default-deny access control with checkout -> inventory POST /reserve allowed', () => {
    const ac = find(prod, 'Configuration', 'inventory').spec.accessControl;
    expect(ac.defaultAction).toBe('deny');
    expect(ac.policies.find((p: any) => p.appId === 'checkout')).toEqual({
      appId: 'checkout',
      namespace: 'order-management',
      trustDomain: 'logistics-prod.local',
      defaultAction: 'deny',
      operations: [{ name: '/reserve', httpVerb: ['POST'], action: 'allow' }],
    });
    for (const c of prod.manifests.filter((m) => m.kind === 'Configuration')) expect(c.spec.accessControl.defaultAction).toBe('deny');
  });

  test('the Redis state store with TLS and the password by reference through Vault', () => {
    const redis = find(prod, 'Component', 'order-state');
    expect(redis.auth).toEqual({ secretStore: 'vault' });
    expect(redis.scopes).toEqual(['orders', 'returns']); // returns: declared as living elsewhere (examples/app-team)
    expect(redis.spec.metadata).toEqual(
      expect.arrayContaining([
        { name: 'redisHost', value: 'orders-redis.prod.logistics.example.com:6380' },
        { name: 'enableTLS', value: 'true' },
        { name: 'redisPassword', secretKeyRef: { name: 'redis', key: 'password' } },
        { name: 'actorStateStore', value: 'true' },
      ]),
    );
  });

  test('Kafka with SASL by reference over TLS and a consumer group per app', () => {
    const kafka = find(prod, 'Component', 'events');
    const md = Object.fromEntries(kafka.spec.metadata.map((m: any) => [m.name, m.value ?? m.secretKeyRef]));
    expect(md).toMatchObject({
      authType: 'password',
      saslUsername: { name: 'kafka', key: 'username' },
      saslPassword: { name: 'kafka', key: 'password' },
      saslMechanism: 'SHA-512',
      consumerGroup: '{appID}',
    });
    expect(md.disableTls).toBeUndefined();
    expect(kafka.auth).toEqual({ secretStore: 'vault' });
  });

  test('shipment-created reaches notifications and billing, with a dead-letter topic that has its own subscriber', () => {
    for (const app of ['notifications', 'billing']) {
      expect(find(prod, 'Subscription', `${app}-shipment-created`)).toMatchObject({
        apiVersion: 'dapr.io/v2alpha1',
        scopes: [app],
        spec: { pubsubname: 'events', topic: 'shipment-created', deadLetterTopic: 'shipment-created-dlq', routes: { default: '/events/shipment-created' } },
      });
    }
    expect(find(prod, 'Subscription', 'dead-letters-shipment-created-dlq')).toMatchObject({ scopes: ['dead-letters'], spec: { topic: 'shipment-created-dlq' } });
  });

  test('10% trace sampling over OTLP gRPC in every app Configuration', () => {
    const configs = prod.manifests.filter((m) => m.kind === 'Configuration');
    expect(configs).toHaveLength(7);
    for (const c of configs) {
      expect(c.spec.tracing).toEqual({ samplingRate: '0.1', otel: { endpointAddress: 'otel-collector.observability.svc.cluster.local:4317', isSecure: true, protocol: 'grpc' } });
    }
  });

  test('the Argo CD Application syncs every YAML manifest of dist/prod, apps/ included, with prune and self-heal', () => {
    const app = resources(prod, 'kubernetes_manifest').map((r) => r.manifest).find((m) => m.kind === 'Application');
    expect(app.spec.source).toEqual({
      repoURL: 'https://git.example.com/logistics/dapr-platform.git', targetRevision: 'main', path: 'dist/prod',
      directory: { recurse: true, include: '*.yaml' },
    });
    expect(app.spec.syncPolicy.automated).toMatchObject({ prune: true, selfHeal: true });
  });

  test('the orders saga is an actor host with exactly one actor state store, and the Vault role reads exactly its paths', () => {
    const orders = find(prod, 'Deployment', 'orders');
    expect(orders.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    const roles = resources(prod, 'vault_kubernetes_auth_backend_role').map((r) => r.role_name).sort();
    expect(roles).toEqual(['billing', 'dead-letters', 'notifications', 'orders', 'returns', 'shipping']); // returns: declared as living elsewhere
    const policy = resources(prod, 'vault_policy').find((p) => p.name.endsWith('orders'));
    expect(policy.policy).toContain('path "secret/data/dapr/redis"');
    expect(policy.policy).not.toContain('kafka');
  });

  test('the policy engine finds nothing in prod output; the only warning is the missing issuer record (DAPR-CA-001)', () => {
    expect(prod.warnings.filter((w) => w.ruleId !== 'DAPR-CA-001')).toEqual([]);
    expect(prod.warnings.map((w) => w.message)).toEqual([
      "no issuer record for 'prod' in stacks/sentry-issuers.json: after 'cdktf deploy', run 'node scripts/record-issuer.js --env prod' and commit the file, so synth can watch the issuer's expiry.",
    ]);
  });
});

describe('dev differs from prod only where the profiles say', () => {
  const dev = byEnv('dev');
  const prod = byEnv('prod');

  test('relaxed HA, in-cluster brokers, self-signed Sentry CA allowed', () => {
    const devValues = YAML.parse(daprRelease(dev).values[0]);
    expect(devValues.global.ha.enabled).toBe(false);
    expect(daprRelease(dev).set_sensitive).toBeUndefined();
    expect(resources(dev, 'helm_release').map((r) => r.chart).sort()).toEqual(['dapr', 'redis', 'strimzi-kafka-operator', 'vault']);
    expect(resources(prod, 'helm_release').map((r) => r.chart).sort()).toEqual(['dapr', 'vault']);
    const md = Object.fromEntries(find(dev, 'Component', 'events').spec.metadata.map((m: any) => [m.name, m.value ?? m.secretKeyRef]));
    expect(md.brokers).toBe('events-kafka-bootstrap.data.svc.cluster.local:9092');
    expect(md.disableTls).toBe('true');
  });

  test('the same services, components, subscriptions and access control in both, differing only in allowed fields', () => {
    const shape = (o: EnvironmentOutput) => o.manifests.map((m) => `${m.kind}/${m.metadata.name}`).filter((k) => !/^(HorizontalPodAutoscaler|PodDisruptionBudget)\//.test(k)).sort();
    expect(shape(dev)).toEqual(shape(prod));
    // Every differing leaf must be one the profiles or the environment spec account for.
    const allowed = [
      /^Deployment\/[^.]+\.spec\.replicas$/,
      /^Deployment\/[^.]+\.spec\.template\.spec\.topologySpreadConstraints/,
      /^Configuration\/[^.]+\.spec\.(accessControl\.trustDomain|accessControl\.policies\.\d+\.trustDomain|tracing\.samplingRate)$/,
      /^Component\/vault\.spec\.metadata\.0\.value$/, // Vault address
      /^Component\/order-state\.spec\.metadata\.[01]\.value$/, // Redis host, TLS
      /^Component\/events\.spec\.metadata\.0\.value$/, // brokers
      /^Component\/events\.spec\.metadata\.\d+\.(name|value)$/, // disableTls (dev only) shifts the list
      /^Component\/events\.spec\.metadata\.\d+$/,
      /^Deployment\/[^.]+\.spec\.template\.metadata\.annotations\.vault\.hashicorp\.com\/auth-path$/, // per-cluster Kubernetes auth mount
      /^NetworkPolicy\/[^.]+\.spec\.egress\.([5-9]|\d\d)(\.|$)/, // egress to component hosts follows the environment's brokers (rules 0-4, DNS and the control plane's four services, must match)
      // Tracing TLS: plaintext in dev (stated reason), TLS with the collector's CA mounted into daprd in staging and prod.
      /^Configuration\/[^.]+\.spec\.tracing\.otel\.isSecure$/,
      /^Deployment\/[^.]+\.spec\.template\.metadata\.annotations\.dapr\.io\/(env|volume-mounts)$/,
      /^Deployment\/[^.]+\.spec\.template\.spec\.volumes(\.1)?$/,
      // DaprControlPlaneReplicasMismatch of operator, sentry, injector and placement: 1 replica without HA (dev), 3 with
      /^PrometheusRule\/dapr\.spec\.groups\.0\.rules\.[4-7]\.(expr|annotations\.description)$/,
    ];
    const devByKey = new Map(dev.manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
    const unexpected: string[] = [];
    for (const p of prod.manifests) {
      const key = `${p.kind}/${p.metadata.name}`;
      const d = devByKey.get(key);
      if (!d) continue;
      for (const leaf of diffLeaves(d, p, key)) if (!allowed.some((a) => a.test(leaf))) unexpected.push(leaf);
    }
    expect(unexpected).toEqual([]);
  });
});

describe('npm run synth', () => {
  test('writes dist/<env> and cdktf.out/stacks/<env>/cdk.tf.json, byte-identical on a second run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-platform-synth-'));
    const args = ['--dist', path.join(dir, 'dist'), '--cdktf-out', path.join(dir, 'cdktf.out')];
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(main(args)).toBe(0);
      const first = snapshotTree(dir);
      expect(main(args)).toBe(0);
      expect(snapshotTree(dir)).toEqual(first);
      for (const env of ['dev', 'staging', 'prod']) {
        expect(first[`cdktf.out/stacks/${env}/cdk.tf.json`]).toBeDefined();
        expect(first[`dist/${env}/components.yaml`]).toBeDefined();
        expect(first[`dist/${env}/TOPOLOGY.md`]).toMatch(/```mermaid\nflowchart LR/);
      }
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(printed).toMatch(/prod \(profile prod, Dapr 1\.18\.3\)\n {2}Terraform resources +\d+ \(/);
      expect(printed).toMatch(/Sidecar requests \/ limits +2\.40 CPU \/ 6\.90 CPU/);
    } finally {
      log.mockRestore();
    }
  });

  test('--env synthesizes one environment; an unknown one is an error', () => {
    expect(synthesize({ only: ['staging'], distDir: outDir, cdktfOutDir: outDir, write: false }).map((o) => o.env.name)).toEqual(['staging']);
    expect(() => synthesize({ only: ['qa'], distDir: outDir, cdktfOutDir: outDir, write: false })).toThrow(SynthError);
  });

  test('the committed dist/ matches a fresh synth', () => {
    for (const o of outputs) {
      for (const f of o.files) {
        const committed = path.join(__dirname, '..', 'dist', o.env.name, f.file);
        if (!fs.existsSync(committed)) throw new Error(`${committed} is missing: run 'npm run synth' and commit dist/`);
        expect(`${f.file}\n${fs.readFileSync(committed, 'utf8')}`).toBe(`${f.file}\n${f.content}`);
      }
    }
  });

  test('manifests are grouped one file per Dapr kind and one per app', () => {
    expect(groupManifests(byEnv('prod').manifests).map((f) => f.file)).toEqual([
      'apps/billing.yaml',
      'apps/checkout.yaml',
      'apps/dead-letters.yaml',
      'apps/inventory.yaml',
      'apps/notifications.yaml',
      'apps/orders.yaml',
      'apps/shipping.yaml',
      'components.yaml',
      'configurations.yaml',
      'monitoring.yaml',
      'namespace.yaml',
      'resiliency.yaml',
      'subscriptions.yaml',
    ]);
  });
});

/** Paths of leaves that differ between two JSON values. */
function diffLeaves(a: any, b: any, at: string): string[] {
  if (a === b) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [at];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => diffLeaves(a[k], b[k], `${at}.${k}`));
}
