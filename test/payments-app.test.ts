/**
 * examples/payments-app: the refunds team's project, built against the payments platform's
 * contract (examples/payments-platform declares refunds as an app living elsewhere and grants it
 * its state, topics, secret and ledger's POST /entries). Its copy of the contract is the platform's;
 * refunds is synthesized in memory with its key objects asserted; each cross-repository mistake
 * fails synth and `npm run check --contract`, naming the contract file and the entry to add.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { DaprChart, DaprVersion, PlatformContract } from '@dapr-platform/constructs';
import { PlatformSynth } from '@dapr-platform/terraform';
import { validationErrors } from '../constructs/model/validation';
import { PAYMENTS_ENVIRONMENTS } from '../examples/payments-platform/src/main';
import { declareRefunds } from '../examples/payments-app/src/refunds';
import { contractCheckErrors, contractComponent, findObject, withoutCaller, withoutScope, withTopicEntry } from './contract-mistakes';
import { specifiers } from './import-specifiers';

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'payments-app');
const FILE = 'contract/prod.contract.json';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dapr-payments-app-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const platform = PlatformSynth.synthesize({
  environments: PAYMENTS_ENVIRONMENTS,
  write: false,
  versionLock: path.resolve(__dirname, '..', 'examples', 'payments-platform', 'dapr-versions.lock.json'),
  issuerRecord: path.join(scratch, 'sentry-issuers.json'),
});
const prod = platform.environments.find((e) => e.name === 'prod')!;
const base = (): any => JSON.parse(prod.contractText);

interface Variant {
  readonly daprVersion?: DaprVersion;
  /** One more subscription, e.g. with a typo in its topic. */
  readonly alsoSubscribes?: string;
}

/** The example's refunds, declared in memory against a contract document. */
function refundsApp(doc: any, v: Variant = {}) {
  const contract = PlatformContract.fromJson(JSON.stringify(doc), FILE);
  const app = new App({ outdir: path.join(scratch, 'unused') });
  const chart = new DaprChart(app, 'refunds', { contract, daprVersion: v.daprVersion });
  const refunds = declareRefunds(chart, contract);
  if (v.alsoSubscribes) refunds.subscribe(contract.component(chart, 'Typo', 'payment-events'), v.alsoSubscribes, { route: '/events/typo' });
  return { app, chart, refunds };
}
const synthErrors = (doc: any, v?: Variant) => validationErrors(refundsApp(doc, v).app);
const rendered = (): any[] => JSON.parse(JSON.stringify(refundsApp(base()).chart.toJson()));
const check = (doc: any, edit: (objects: any[]) => void = () => undefined, daprVersion?: string) => {
  const objects = rendered();
  edit(objects);
  return contractCheckErrors(objects, 'dist/refunds.k8s.yaml', { file: FILE, document: doc }, daprVersion);
};

const unscoped = () => withoutScope(base(), 'payment-events', 'refunds');
const noRefundIssued = () => withTopicEntry(base(), 'payment-events', 'publishingScopes', 'refunds=payment-authorized-dlq,refund-issued', 'refunds=payment-authorized-dlq');
const ledgerDeniesRefunds = () => withoutCaller(base(), 'ledger', 'refunds');

describe('the refunds team\'s project', () => {
  test('depends on @dapr-platform/constructs (the tarball) and its peers only, imports nothing else, and checks with the package\'s command', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toEqual({ '@dapr-platform/constructs': 'file:vendor/dapr-platform-constructs.tgz', cdk8s: '2.70.106', 'cdk8s-plus-28': '2.5.6', constructs: '10.8.1' });
    expect(pkg.scripts).toEqual({
      build: 'tsc -p tsconfig.json',
      synth: 'tsc -p tsconfig.json && node build/main.js',
      check: 'dapr-platform-check dist --profile prod --contract contract/prod.contract.json',
    });
    const src = path.join(EXAMPLE, 'src');
    const imported = fs.readdirSync(src).flatMap((f) => specifiers(fs.readFileSync(path.join(src, f), 'utf8')));
    expect([...new Set(imported)].sort()).toEqual(['./platform-references', './refunds', '@dapr-platform/constructs', 'cdk8s']);
  });
});

describe('the payments platform\'s contract for refunds', () => {
  test('examples/payments-app builds against a copy equal to what the payments platform synthesizes', () => {
    expect(platform.errors).toEqual([]);
    expect(fs.readFileSync(path.join(EXAMPLE, 'contract', 'prod.contract.json'), 'utf8')).toBe(prod.contractText);
  });

  test('grants refunds its state, topics, secrets and ledger\'s POST /entries', () => {
    const c = base();
    expect(c.externalApps).toEqual([{ appId: 'refunds', namespace: 'payments', owner: 'refunds team (examples/payments-app)' }]);
    expect(contractComponent(c, 'refunds-state')).toMatchObject({
      type: 'state.postgresql',
      scopes: ['refunds'],
      // Its server is inside the secret connection string: the contract takes it from the construct's endpoint.
      endpoints: [{ host: 'ledger-db.prod.acmepay.example.com', port: 5432 }],
      secretStore: 'vault',
      secrets: [{ name: 'refunds-db', key: 'dsn' }],
    });
    expect(contractComponent(c, 'payment-events').topicGrants.find((g: any) => g.appId === 'refunds')).toEqual({
      appId: 'refunds',
      publish: ['payment-authorized-dlq', 'refund-issued'],
      subscribe: ['payment-authorized'],
    });
    expect(c.secretStores.find((s: any) => s.name === 'vault').readers.find((r: any) => r.appId === 'refunds').secrets).toEqual([
      { name: 'kafka', key: 'password' },
      { name: 'kafka', key: 'username' },
      { name: 'refunds-db', key: 'dsn' },
    ]);
    expect(c.apps.find((a: any) => a.appId === 'ledger').accessControl.callers.find((p: any) => p.appId === 'refunds').operations).toEqual([
      { name: '/entries', httpVerb: ['POST'], action: 'allow' },
    ]);
  });

  test('the platform\'s Terraform grants refunds\' Vault role exactly the paths refunds reads', () => {
    const { refunds } = refundsApp(base());
    expect(refunds.secretAccess.secretPaths).toEqual(['kv/data/payments/kafka', 'kv/data/payments/refunds-db']);
    const policies = Object.values<any>(prod.terraform.resource.vault_policy).filter((p) => p.name === 'dapr-prod-payments-refunds');
    expect(policies.map((p) => p.policy.match(/path "[^"]+"/g))).toEqual([['path "kv/data/payments/kafka"', 'path "kv/data/payments/refunds-db"']]);
    const roles = Object.values<any>(prod.terraform.resource.vault_kubernetes_auth_backend_role).filter((r) => r.role_name === 'refunds');
    expect(roles.map((r) => [r.bound_service_account_names, r.bound_service_account_namespaces])).toEqual([[['refunds'], ['payments']]]);
  });
});

describe('refunds synthesized in memory against the contract', () => {
  test('takes the platform\'s facts from the contract and renders only its own objects', () => {
    const { app, chart } = refundsApp(base());
    expect(validationErrors(app)).toEqual([]);
    expect(chart.namespace).toBe('payments');
    expect(chart.settings.daprVersion.version).toBe('1.18.3');
    expect(chart.settings.mtls.trustDomain).toBe('acmepay-prod.local');
    const objects = rendered();
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Configuration payments/refunds',
      'ServiceAccount payments/refunds',
      'ServiceAccount payments/refunds-dapr-api-token',
      'Secret payments/refunds-dapr-api-token',
      'ServiceAccount payments/refunds-dapr-app-token',
      'Secret payments/refunds-dapr-app-token',
      'Deployment payments/refunds',
      'PodDisruptionBudget payments/refunds',
      'HorizontalPodAutoscaler payments/refunds',
      'NetworkPolicy payments/refunds',
      'Subscription payments/refunds-payment-authorized',
    ]);
    expect(findObject(objects, 'Subscription', 'refunds-payment-authorized')).toEqual({
      apiVersion: 'dapr.io/v2alpha1',
      kind: 'Subscription',
      metadata: { name: 'refunds-payment-authorized', namespace: 'payments' },
      scopes: ['refunds'],
      spec: { deadLetterTopic: 'payment-authorized-dlq', pubsubname: 'payment-events', routes: { default: '/events/payment-authorized' }, topic: 'payment-authorized' },
    });
    expect(findObject(objects, 'Configuration', 'refunds').spec.accessControl).toEqual({ defaultAction: 'deny', trustDomain: 'acmepay-prod.local' });
    const annotations = findObject(objects, 'Deployment', 'refunds').spec.template.metadata.annotations;
    expect([annotations['dapr.io/app-id'], annotations['dapr.io/config'], annotations['vault.hashicorp.com/role'], annotations['vault.hashicorp.com/auth-path']]).toEqual([
      'refunds',
      'refunds',
      'refunds',
      'auth/kubernetes-prod',
    ]);
  });

  test('its NetworkPolicy reaches ledger\'s sidecar and what its components connect to: Vault, Kafka and PostgreSQL (from the contract)', () => {
    const egress = findObject(rendered(), 'NetworkPolicy', 'refunds').spec.egress;
    const targets = egress.flatMap((r: any) =>
      r.to.map((peer: any) => `${peer.ipBlock?.cidr ?? peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']}:${r.ports.map((p: any) => p.port).join(',')}`),
    );
    expect(targets.filter((t: string) => !/^(kube-system|dapr-control-plane):/.test(t))).toEqual([
      'ledger:50002',
      'observability:4317',
      '10.50.0.16/28:8200',
      '10.50.12.0/26:9093',
      '10.50.12.128/26:9093',
      '10.50.12.64/26:9093',
      '10.50.4.0/28:5432',
    ]);
  });
});

describe('the cross-repository mistakes fail refunds\' synth, naming the contract file and the entry to add', () => {
  test('a topic typo', () => {
    expect(synthErrors(base(), { alsoSubscribes: 'payment-authorised' })).toEqual([
      `[refunds] DaprWorkload 'refunds' subscribes to topic 'payment-authorised' of pub/sub 'payment-events', which the contract ${FILE} does not grant it (it may subscribe to 'payment-authorized') (did you mean 'payment-authorized'?): ` +
        "fix the topic here, or the platform must add to 'payment-events' subscriptionScopes: the entry 'refunds=payment-authorized,payment-authorised' (in its code: payment-events.grantSubscribe(refunds, 'payment-authorised')).",
    ]);
  });

  test('a missing topic grant (refund-issued not granted to refunds)', () => {
    expect(synthErrors(noRefundIssued())).toEqual([
      `[refunds] DaprWorkload 'refunds' publishes to topic 'refund-issued' of pub/sub 'payment-events', which the contract ${FILE} does not grant it (it may publish to 'payment-authorized-dlq'): ` +
        "the platform must add to 'payment-events' publishingScopes: the entry 'refunds=payment-authorized-dlq,refund-issued' (in its code: payment-events.grantPublish(refunds, 'refund-issued')).",
    ]);
  });

  test('the app not in a component\'s scopes', () => {
    expect(synthErrors(unscoped())).toEqual([
      `[refunds] DaprWorkload 'refunds' uses component 'payment-events' (pubsub.kafka), whose scopes in the contract ${FILE} do not list 'refunds' (scopes: 'ledger', 'notifications', 'payments'): ` +
        "the platform must add 'refunds' to the scopes of 'payment-events' (in its code: payment-events.grantPublish(refunds, 'refund-issued'), payment-events.grantSubscribe(refunds, 'payment-authorized'), " +
        "payment-events.grantPublish(refunds, 'payment-authorized-dlq')) and publish the contract again.",
    ]);
  });

  test('a Dapr version other than the contract\'s', () => {
    expect(synthErrors(base(), { daprVersion: DaprVersion.V1_16_19 })).toEqual([
      `[refunds] DaprChart daprVersion is '1.16.19', but the contract ${FILE} says '1.18.3' for prod: remove daprVersion from the chart's props (the contract sets it).`,
    ]);
  });

  test('a callee whose access control does not allow refunds', () => {
    expect(synthErrors(ledgerDeniesRefunds())).toEqual([
      `[refunds] DaprWorkload 'refunds' invokes 'ledger' on POST /entries, which ledger's access control in the contract ${FILE} does not allow from 'refunds' (no policy for 'refunds'; default deny): ` +
        "the platform must add to the Configuration 'ledger' the policy {appId: refunds, namespace: payments, operations: {name: /entries, httpVerb: [POST], action: allow}} " +
        "(in its code: ledger.allowsInvocationFrom(refunds, [{ path: '/entries', verbs: [HttpVerb.POST] }])).",
    ]);
  });
});

describe('the same mistakes fail `npm run check --contract` on refunds\' output', () => {
  const rules = (findings: { ruleId: string }[]) => findings.map((f) => f.ruleId);
  test('passes when everything is granted', () => expect(check(base())).toEqual([]));
  test('a topic typo (DAPR-CONTRACT-003)', () => {
    const found = check(base(), (o) => (findObject(o, 'Subscription', 'refunds-payment-authorized').spec.topic = 'payment-authorised'));
    expect(rules(found)).toEqual(['DAPR-CONTRACT-003']);
    expect(found[0].message).toContain(`'refunds' may not subscribe to 'payment-authorised' on 'payment-events' under the contract ${FILE}`);
  });
  test('a missing topic grant (DAPR-CONTRACT-003)', () => {
    const found = check(withTopicEntry(base(), 'payment-events', 'subscriptionScopes', 'refunds=payment-authorized', 'refunds='));
    expect(rules(found)).toEqual(['DAPR-CONTRACT-003']);
    expect(found[0].message).toContain("subscriptionScopes: the entry 'refunds=payment-authorized'");
  });
  test('the app not in the component\'s scopes (DAPR-CONTRACT-002)', () => {
    const found = check(unscoped());
    expect(rules(found)).toEqual(['DAPR-CONTRACT-002']);
    expect(found[0].message).toContain(`whose scopes in the contract ${FILE} do not list it`);
  });
  test('a Dapr version other than the contract\'s (DAPR-CONTRACT-001)', () => {
    expect(rules(check(base(), undefined, '1.16.19'))).toContain('DAPR-CONTRACT-001');
  });
  test('a callee that does not allow refunds (DAPR-CONTRACT-004)', () => {
    const found = check(ledgerDeniesRefunds());
    expect(rules(found)).toEqual(['DAPR-CONTRACT-004']);
    expect(found[0].message).toContain(`lets 'refunds' reach the sidecar of 'ledger', whose access control in the contract ${FILE} allows nothing from 'refunds'`);
  });
});
