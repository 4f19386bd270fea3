/**
 * examples/payments-platform: a second platform (a payments company's) declared with the public API
 * only and synthesized by the library's pipeline. Its imports are scanned; it is synthesized in
 * memory with its exact key objects asserted; its written output passes `npm run check`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformSynth } from '@dapr-platform/terraform';
import { CliIo, main as check } from '../constructs/policy/cli';
import { PAYMENTS_ENVIRONMENTS } from '../examples/payments-platform/src/main';
import { specifiers } from './import-specifiers';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'payments-platform');
const SRC = path.join(EXAMPLE, 'src');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-payments-platform-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** What the example may import: the two packages' public entry points and the peers it installs. */
const PUBLIC_ENTRY_POINTS = ['@dapr-platform/constructs', '@dapr-platform/constructs/policy', '@dapr-platform/terraform'];

/** The imports of `file` (in `dir`) that the public-API-only rule refuses, each with the reason. */
function importViolations(dir: string, file: string, source: string, dependencies: string[]): string[] {
  return specifiers(source).flatMap((s) => {
    if (s.startsWith('.')) {
      const target = path.resolve(dir, s);
      return target.startsWith(dir + path.sep) ? [] : [`${file}: '${s}' leaves the example's src/`];
    }
    if (s.startsWith('@dapr-platform/')) return PUBLIC_ENTRY_POINTS.includes(s) ? [] : [`${file}: '${s}' is not a public entry point`];
    const pkg = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0];
    return dependencies.includes(pkg) ? [] : [`${file}: '${s}' is not a dependency in package.json`];
  });
}

describe('payments-platform: the public API only', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
  const dependencies = Object.keys(pkg.dependencies);

  test('every import is a public entry point, a peer in its package.json, or a file of its own', () => {
    const files = fs.readdirSync(SRC).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(['environments.ts', 'main.ts', 'platform.ts', 'terraform.ts']);
    const imported = files.flatMap((f) => specifiers(fs.readFileSync(path.join(SRC, f), 'utf8')));
    expect(imported).toEqual(expect.arrayContaining(['@dapr-platform/constructs', '@dapr-platform/terraform']));
    expect(files.flatMap((f) => importViolations(SRC, f, fs.readFileSync(path.join(SRC, f), 'utf8'), dependencies))).toEqual([]);
  });

  test('the scan refuses the reference platform, internal modules, library sources and undeclared packages', () => {
    const probe = [
      "import { SERVICES } from '../../../stacks/platform';",
      "import { checkAppId } from '@dapr-platform/constructs/internal';",
      "import { DaprWorkload } from '../../../constructs/k8s/dapr-workload';",
      "import * as YAML from 'yaml';",
      "import { buildPayments } from './platform';",
    ].join('\n');
    expect(importViolations(SRC, 'probe.ts', probe, dependencies)).toEqual([
      "probe.ts: '../../../stacks/platform' leaves the example's src/",
      "probe.ts: '@dapr-platform/constructs/internal' is not a public entry point",
      "probe.ts: '../../../constructs/k8s/dapr-workload' leaves the example's src/",
      "probe.ts: 'yaml' is not a dependency in package.json",
    ]);
  });

  test('package.json installs both packages from the packed tarballs and builds with plain tsc + node', () => {
    expect(pkg.dependencies['@dapr-platform/constructs']).toBe('file:vendor/dapr-platform-constructs.tgz');
    expect(pkg.dependencies['@dapr-platform/terraform']).toBe('file:vendor/dapr-platform-terraform.tgz');
    expect(pkg.scripts.synth).toBe('tsc -p tsconfig.json && node build/main.js');
  });
});

describe('payments-platform: synthesized in memory', () => {
  const synth = PlatformSynth.synthesize({
    environments: PAYMENTS_ENVIRONMENTS,
    write: false,
    versionLock: path.join(EXAMPLE, 'dapr-versions.lock.json'),
    issuerRecord: path.join(scratch, 'sentry-issuers.json'),
    now: new Date('2026-06-01T00:00:00Z'),
  });
  const results = synth.environments;
  const env = (name: string) => results.find((r) => r.name === name)!;
  const objects = (name: string, kind: string) => env(name).manifests.filter((m) => m.kind === kind);
  const one = (name: string, kind: string, objectName: string) => {
    const found = objects(name, kind).filter((m) => m.metadata.name === objectName);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${objectName} in ${name}, found ${found.length}`);
    return found[0];
  };
  const tf = (name: string, type: string): any[] => Object.values(env(name).terraform.resource[type] ?? {});
  const file = (name: string, f: string) => env(name).files.find((x) => x.file === f)!.content;

  test('dev and prod, its own namespace and trust domains', () => {
    expect(synth.errors).toEqual([]);
    expect(results.map((r) => [r.name, r.summary.profile, r.summary.workloads, r.summary.pods])).toEqual([
      ['dev', 'dev', 4, 4],
      ['prod', 'prod', 4, 12],
    ]);
    for (const r of results) {
      // Everything in its apps' namespace, but the control plane's PodMonitor next to the control plane.
      expect(r.manifests.filter((m) => m.metadata.namespace !== 'payments').map((m) => `${m.kind} ${m.metadata.namespace}`)).toEqual(['PodMonitor dapr-control-plane']);
    }
    expect(one('prod', 'Configuration', 'fraud').spec.accessControl).toEqual({
      defaultAction: 'deny',
      trustDomain: 'acmepay-prod.local',
      policies: [
        {
          appId: 'payments',
          defaultAction: 'deny',
          namespace: 'payments',
          trustDomain: 'acmepay-prod.local',
          operations: [{ name: '/score', httpVerb: ['POST'], action: 'allow' }],
        },
      ],
    });
    expect(one('dev', 'Configuration', 'ledger').spec.accessControl.trustDomain).toBe('acmepay-dev.local');
  });

  test('prod components: PostgreSQL state for the ledger and for refunds (declared elsewhere), Kafka with topic grants per app, Vault', () => {
    expect(objects('prod', 'Component')).toEqual([
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'vault', namespace: 'payments' },
        scopes: ['ledger', 'notifications', 'payments', 'refunds'],
        spec: {
          type: 'secretstores.hashicorp.vault',
          version: 'v1',
          metadata: [
            { name: 'vaultAddr', value: 'https://vault.prod.acmepay.example.com:8200' },
            { name: 'enginePath', value: 'kv' },
            { name: 'vaultKVPrefix', value: 'payments' },
            { name: 'vaultKVUsePrefix', value: 'true' },
            { name: 'vaultValueType', value: 'map' },
            { name: 'vaultTokenMountPath', value: '/vault/secrets/token' },
          ],
        },
      },
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'ledger-state', namespace: 'payments' },
        auth: { secretStore: 'vault' },
        scopes: ['ledger'],
        spec: {
          type: 'state.postgresql',
          version: 'v2',
          metadata: [
            { name: 'connectionString', secretKeyRef: { name: 'ledger-db', key: 'dsn' } },
            { name: 'tablePrefix', value: 'ledger_' },
            { name: 'timeout', value: '10s' },
          ],
        },
      },
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'refunds-state', namespace: 'payments' },
        auth: { secretStore: 'vault' },
        scopes: ['refunds'],
        spec: {
          type: 'state.postgresql',
          version: 'v2',
          metadata: [
            { name: 'connectionString', secretKeyRef: { name: 'refunds-db', key: 'dsn' } },
            { name: 'tablePrefix', value: 'refunds_' },
            { name: 'timeout', value: '10s' },
          ],
        },
      },
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'payment-events', namespace: 'payments' },
        auth: { secretStore: 'vault' },
        scopes: ['ledger', 'notifications', 'payments', 'refunds'],
        spec: {
          type: 'pubsub.kafka',
          version: 'v1',
          metadata: [
            { name: 'brokers', value: 'kafka-0.prod.acmepay.example.com:9093,kafka-1.prod.acmepay.example.com:9093,kafka-2.prod.acmepay.example.com:9093' },
            { name: 'authType', value: 'password' },
            { name: 'consumerGroup', value: '{appID}' },
            { name: 'initialOffset', value: 'newest' },
            { name: 'saslUsername', secretKeyRef: { name: 'kafka', key: 'username' } },
            { name: 'saslPassword', secretKeyRef: { name: 'kafka', key: 'password' } },
            { name: 'saslMechanism', value: 'SHA-512' },
            {
              name: 'publishingScopes',
              value: 'ledger=payment-authorized-dlq;notifications=payment-authorized-dlq;payments=payment-authorized;refunds=payment-authorized-dlq,refund-issued',
            },
            { name: 'subscriptionScopes', value: 'ledger=payment-authorized;notifications=payment-authorized,payment-authorized-dlq;payments=;refunds=payment-authorized' },
          ],
        },
      },
    ]);
  });

  test('dev runs exactly its declared broker (Kafka, with the declared topics) and no Redis in either plane', () => {
    expect(tf('dev', 'helm_release').map((r) => `${r.name}:${r.namespace}`).sort()).toEqual(['dapr:dapr-control-plane', 'strimzi:payments-brokers', 'vault:vault-injector']);
    expect(tf('dev', 'kubernetes_manifest').map((m) => `${m.manifest.kind} ${m.manifest.metadata.namespace}/${m.manifest.metadata.name}`).sort()).toEqual([
      'AppProject argocd/dapr-platform-dev',
      'Application argocd/dapr-platform-dev',
      'Kafka payments-brokers/payments-events',
      'KafkaNodePool payments-brokers/dual-role',
      'KafkaTopic payments-brokers/payment-authorized',
      'KafkaTopic payments-brokers/payment-authorized-dlq',
      'KafkaTopic payments-brokers/refund-issued',
      'KafkaUser payments-brokers/dapr',
    ]);
    // The credentials land where the component reads them: KV mount 'kv', prefix 'payments', secret 'kafka'.
    expect(tf('dev', 'vault_kv_secret_v2').map((k) => `${k.mount}/${k.name}`)).toEqual(['kv/payments/kafka']);
    expect(JSON.parse(file('dev', 'kafka-topics.json')).appliedBy).toBe('Terraform: Strimzi KafkaTopic objects in cdktf.out/stacks/dev/cdk.tf.json (StrimziKafkaTopics)');
    expect(JSON.parse(file('prod', 'kafka-topics.json')).appliedBy).toMatch(/^the platform team's topic tooling/);
    for (const r of results) expect(JSON.stringify([r.manifests, r.terraform])).not.toMatch(/redis/i);
  });

  test('prod: its namespaces, no dev brokers, a Vault policy per app (refunds, declared elsewhere, included) with exactly its secrets', () => {
    expect(tf('prod', 'kubernetes_namespace_v1').map((n) => n.metadata.name).sort()).toEqual(['dapr-control-plane', 'payments', 'vault-injector']);
    expect(tf('prod', 'helm_release').map((r) => r.name).sort()).toEqual(['dapr', 'vault']);
    expect(Object.fromEntries(tf('prod', 'vault_policy').map((p) => [p.name, p.policy]))).toEqual({
      'dapr-prod-payments-ledger':
        "# Dapr app 'ledger' (namespace 'payments'): read exactly the secrets of its components.\n" +
        'path "kv/data/payments/kafka" {\n  capabilities = ["read"]\n}\n\npath "kv/data/payments/ledger-db" {\n  capabilities = ["read"]\n}\n',
      'dapr-prod-payments-notifications':
        "# Dapr app 'notifications' (namespace 'payments'): read exactly the secrets of its components.\n" + 'path "kv/data/payments/kafka" {\n  capabilities = ["read"]\n}\n',
      'dapr-prod-payments-payments':
        "# Dapr app 'payments' (namespace 'payments'): read exactly the secrets of its components.\n" + 'path "kv/data/payments/kafka" {\n  capabilities = ["read"]\n}\n',
      'dapr-prod-payments-refunds':
        "# Dapr app 'refunds' (namespace 'payments'): read exactly the secrets of its components.\n" +
        'path "kv/data/payments/kafka" {\n  capabilities = ["read"]\n}\n\npath "kv/data/payments/refunds-db" {\n  capabilities = ["read"]\n}\n',
    });
    expect(env('prod').terraform.terraform.backend.s3).toMatchObject({ bucket: 'acmepay-terraform-state', key: 'dapr-platform/prod/terraform.tfstate', region: 'eu-west-1', encrypt: true });
  });

  test('the only warning: prod has no issuer record yet', () => {
    expect(env('dev').warnings).toEqual([]);
    expect(env('prod').warnings.map((w) => [w.ruleId, w.object])).toEqual([['DAPR-CA-001', 'SentryTrustBundle prod/sentry-trust-bundle']]);
  });
});

describe('payments-platform: written output', () => {
  test('synth writes dist/<env>/, the contracts and cdktf.out/stacks/<env>/, and `npm run check --contract` passes on each environment', () => {
    const out = fs.mkdtempSync(path.join(scratch, 'written-'));
    const lock = path.join(out, 'lock.json');
    fs.copyFileSync(path.join(EXAMPLE, 'dapr-versions.lock.json'), lock);
    const written = PlatformSynth.synthesize({
      environments: PAYMENTS_ENVIRONMENTS,
      distDir: path.join(out, 'dist'),
      cdktfOutDir: path.join(out, 'cdktf.out'),
      versionLock: lock,
      updateVersionLock: true,
      issuerRecord: path.join(out, 'sentry-issuers.json'),
    });
    expect(written.errors).toEqual([]);
    expect(fs.readFileSync(lock, 'utf8')).toBe(fs.readFileSync(path.join(EXAMPLE, 'dapr-versions.lock.json'), 'utf8'));
    const run = (args: string[]) => {
      let text = '';
      const io: CliIo = { stdout: (t) => (text += t), stderr: (t) => (text += t) };
      return { code: check(args, io), text };
    };
    for (const name of ['dev', 'prod']) {
      const inputs = [path.join(out, 'dist', name), path.join(out, 'cdktf.out', 'stacks', name), '--profile', name];
      // With the contract it wrote: refunds, declared as living elsewhere, counts as an app of these documents.
      const withContract = run([...inputs, '--contract', path.join(out, 'dist', `${name}.contract.json`)]);
      expect(withContract.text.trimEnd().split('\n').pop()).toBe('0 errors, 0 warnings');
      expect(withContract.code).toBe(0);
      // Without it, refunds in the scopes of refunds-state, payment-events and vault and in ledger's policies is unknown.
      const without = run(inputs);
      expect([without.code, without.text.match(/DAPR-[A-Z]+-\d+/g)]).toEqual([1, ['DAPR-COMP-002', 'DAPR-COMP-002', 'DAPR-COMP-002', 'DAPR-CONF-002']]);
    }
  });
});
