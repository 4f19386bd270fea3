import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App } from 'cdk8s';
import { DaprChart } from '../constructs/k8s/dapr-chart';
import { DaprWorkload } from '../constructs/k8s/dapr-workload';
import { HttpVerb } from '../constructs/k8s/mtls-configuration';
import { PlatformContract } from '../constructs/contract/platform-contract';
import { DaprVersion } from '../constructs/model/dapr-version';
import { validationErrors } from '../constructs/model/validation';
import { checkDocuments, documentsFromObjects, Severity } from '../constructs/policy/engine';
import { main as checkMain } from '../constructs/policy/cli';
import { synthesize } from '../stacks/main';
import { contractCheckErrors, contractComponent, findObject as find, withoutScope, withTopicEntry } from './contract-mistakes';

// The platform contract: written by the platform synth, read by app teams' synth and by `check --contract`.
const tmp = os.tmpdir();
const [prod] = synthesize({ only: ['prod'], distDir: path.join(tmp, 'unused'), cdktfOutDir: path.join(tmp, 'unused'), write: false });
const FILE = 'contract/prod.contract.json';
const base = (): any => JSON.parse(prod.contractText);
const events = (c: any) => contractComponent(c, 'events');

interface AppOptions {
  readonly topic?: string;
  readonly daprVersion?: DaprVersion;
  readonly invoke?: { app: string; path: string };
}

/** The returns app of examples/app-team, against a contract document. */
function returnsApp(contractDoc: any, o: AppOptions = {}) {
  const contract = PlatformContract.fromJson(JSON.stringify(contractDoc), FILE);
  const app = new App({ outdir: path.join(tmp, 'unused') });
  const chart = new DaprChart(app, 'returns', { contract, daprVersion: o.daprVersion });
  const ev = contract.component(chart, 'Events', 'events');
  const state = contract.component(chart, 'OrderState', 'order-state');
  const w = new DaprWorkload(chart, 'Returns', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080, replicas: 2 });
  const callee = o.invoke ?? { app: 'inventory', path: '/release' };
  w.invokesApp(contract.app(callee.app), [{ path: callee.path, verbs: [HttpVerb.POST] }]);
  w.uses(state);
  w.subscribe(ev, o.topic ?? 'shipment-created', { route: '/events', deadLetterTopic: 'shipment-created-dlq' });
  return { app, chart };
}

const synthErrors = (doc: any, o?: AppOptions) => validationErrors(returnsApp(doc, o).app);
/**
 * The app team's output (synthesized when the contract granted everything, then edited by hand
 * where `edit` says) checked against a contract, as `npm run check -- dist --contract <file>` does.
 */
const check = (doc: any, edit: (objects: any[]) => void = () => undefined, daprVersion?: string) => {
  const objects = JSON.parse(JSON.stringify(returnsApp(base()).chart.toJson()));
  edit(objects);
  return contractCheckErrors(objects, 'dist/returns.k8s.yaml', { file: FILE, document: doc }, daprVersion);
};

const unscoped = () => withoutScope(base(), 'events', 'returns');
const otherTopic = () => withTopicEntry(base(), 'events', 'subscriptionScopes', 'returns=shipment-created', 'returns=shipment-cancelled');

describe('the contract file', () => {
  it('is valid under docs/platform-contract.schema.json and deterministic', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'docs', 'platform-contract.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(base())).toBe(true);
    expect(validate({ ...base(), dapr: { version: 1 } })).toBe(false);
    const [again] = synthesize({ only: ['prod'], distDir: path.join(tmp, 'unused'), cdktfOutDir: path.join(tmp, 'unused'), write: false });
    expect(again.contractText).toBe(prod.contractText);
  });

  it('records the facts, the grants and the app declared elsewhere', () => {
    const c = base();
    expect(c).toMatchObject({ apiVersion: 'contract.dapr-platform.io/v1', kind: 'PlatformContract', environment: 'prod', profile: 'prod', namespace: 'order-management', defaultDenyIngress: true });
    expect(c.dapr).toEqual({ version: '1.18.3', controlPlaneNamespace: 'dapr-system', trustDomain: 'logistics-prod.local', controlPlaneTrustDomain: 'logistics-prod.local' });
    expect(c.externalApps).toEqual([{ appId: 'returns', namespace: 'order-management', owner: 'returns team (examples/app-team)' }]);
    expect(events(c).topicGrants.find((g: any) => g.appId === 'returns')).toEqual({ appId: 'returns', publish: ['shipment-created-dlq'], subscribe: ['shipment-created'] });
    // `shipping=` in subscriptionScopes gives shipping the empty topic list: daprd allows it no subscription.
    expect(events(c).topicGrants.find((g: any) => g.appId === 'shipping')).toEqual({ appId: 'shipping', publish: ['shipment-created'], subscribe: [] });
    expect(c.secretStores[0].readers.find((r: any) => r.appId === 'returns').secrets).toEqual([
      { name: 'kafka', key: 'password' },
      { name: 'kafka', key: 'username' },
      { name: 'redis', key: 'password' },
    ]);
    const inventory = c.apps.find((a: any) => a.appId === 'inventory');
    expect(inventory.accessControl.callers.find((p: any) => p.appId === 'returns').operations).toEqual([{ name: '/release', httpVerb: ['POST'], action: 'allow' }]);
  });

  it('is what examples/app-team builds against (its copy equals the platform synth\'s)', () => {
    expect(fs.readFileSync(path.join(__dirname, '..', 'examples', 'app-team', 'contract', 'prod.contract.json'), 'utf8')).toBe(prod.contractText);
  });

  it('refuses a file of another apiVersion, naming the file', () => {
    expect(() => PlatformContract.fromJson(JSON.stringify({ ...base(), apiVersion: 'contract.dapr-platform.io/v2' }), FILE)).toThrow(
      `platform contract '${FILE}' is not a contract this library reads: apiVersion is "contract.dapr-platform.io/v2", this library reads 'contract.dapr-platform.io/v1'`,
    );
  });
});

describe('an app team builds against the contract', () => {
  it('takes namespace, profile, version and mTLS from it and passes when everything is granted', () => {
    const { chart, app } = returnsApp(base());
    expect(validationErrors(app)).toEqual([]);
    expect(chart.namespace).toBe('order-management');
    expect(chart.settings.daprVersion.version).toBe('1.18.3');
    expect(chart.settings.mtls.trustDomain).toBe('logistics-prod.local');
    expect(chart.settings.externalHosts.map((h) => h.host)).toContain('vault.prod.logistics.example.com');
  });

  it('fails on a topic typo, naming the contract file and the closest granted topic', () => {
    expect(synthErrors(base(), { topic: 'shipment-craeted' })).toEqual([
      `[returns] DaprWorkload 'returns' subscribes to topic 'shipment-craeted' of pub/sub 'events', which the contract ${FILE} does not grant it (it may subscribe to 'shipment-created') (did you mean 'shipment-created'?): ` +
        "fix the topic here, or the platform must add to 'events' subscriptionScopes: the entry 'returns=shipment-created,shipment-craeted' (in its code: events.grantSubscribe(returns, 'shipment-craeted')).",
    ]);
  });

  it('fails on a missing topic grant, naming the entry the platform must add', () => {
    expect(synthErrors(otherTopic())).toEqual([
      `[returns] DaprWorkload 'returns' subscribes to topic 'shipment-created' of pub/sub 'events', which the contract ${FILE} does not grant it (it may subscribe to 'shipment-cancelled'): ` +
        "the platform must add to 'events' subscriptionScopes: the entry 'returns=shipment-cancelled,shipment-created' (in its code: events.grantSubscribe(returns, 'shipment-created')).",
    ]);
  });

  it('fails when the app is not in a component\'s scopes (one error for the component, not one per topic)', () => {
    expect(synthErrors(unscoped())).toEqual([
      `[returns] DaprWorkload 'returns' uses component 'events' (pubsub.kafka), whose scopes in the contract ${FILE} do not list 'returns' (scopes: 'billing', 'dead-letters', 'notifications', 'shipping'): ` +
        "the platform must add 'returns' to the scopes of 'events' (in its code: events.grantSubscribe(returns, 'shipment-created'), events.grantPublish(returns, 'shipment-created-dlq')) and publish the contract again.",
    ]);
  });

  it('fails on a Dapr version other than the contract\'s', () => {
    expect(synthErrors(base(), { daprVersion: DaprVersion.V1_16_19 })).toEqual([
      `[returns] DaprChart daprVersion is '1.16.19', but the contract ${FILE} says '1.18.3' for prod: remove daprVersion from the chart's props (the contract sets it).`,
    ]);
  });

  it('fails on a callee whose access control does not allow the caller', () => {
    expect(synthErrors(base(), { invoke: { app: 'inventory', path: '/reserve' } })).toEqual([
      `[returns] DaprWorkload 'returns' invokes 'inventory' on POST /reserve, which inventory's access control in the contract ${FILE} does not allow from 'returns' (it allows 'POST /release'): ` +
        "the platform must add to the Configuration 'inventory' the policy {appId: returns, namespace: order-management, operations: {name: /reserve, httpVerb: [POST], action: allow}} " +
        "(in its code: inventory.allowsInvocationFrom(returns, [{ path: '/reserve', verbs: [HttpVerb.POST] }])).",
    ]);
  });

  it('fails on a component the contract does not have', () => {
    const contract = PlatformContract.fromJson(prod.contractText, FILE);
    const app = new App({ outdir: path.join(tmp, 'unused') });
    const chart = new DaprChart(app, 'returns', { contract });
    contract.component(chart, 'Events', 'evnets');
    expect(validationErrors(app)).toEqual([
      `[returns] component 'evnets' (returns/Events) is not in the contract ${FILE} (did you mean 'events'?): its components are 'events', 'order-state', 'vault'; use one of them, or ask the platform to declare 'evnets'.`,
    ]);
  });
});

describe('secrets and declarations against the contract', () => {
  const chartWith = (doc: any) => {
    const contract = PlatformContract.fromJson(JSON.stringify(doc), FILE);
    const app = new App({ outdir: path.join(tmp, 'unused') });
    const chart = new DaprChart(app, 'returns', { contract });
    return { contract, app, chart };
  };

  it('fails on a secret the app reads itself that the contract does not grant it, and passes a granted one', () => {
    const { contract, app, chart } = chartWith(base());
    const vault = contract.secretStore(chart, 'Vault', 'vault');
    const w = new DaprWorkload(chart, 'Returns', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080, replicas: 2 });
    w.readsSecret(vault.secret('redis', 'password'));
    w.readsSecret(vault.secret('payments', 'token'));
    expect(validationErrors(app)).toEqual([
      `[returns] DaprWorkload 'returns' reads secret 'payments' key 'token' from 'vault', which the contract ${FILE} does not grant 'returns' (it may read: 'kafka/password', 'kafka/username', 'redis/password'): ` +
        `the platform must grant it (contract entry secretStores 'vault', readers 'returns': {"name": "payments", "key": "token"}) or the app must not read it.`,
    ]);
  });

  it('fails on a secret store the app is not scoped to, once per store (the app uses it: reported with its components)', () => {
    const doc = base();
    doc.components.find((c: any) => c.name === 'vault').scopes = ['orders'];
    const { contract, app, chart } = chartWith(doc);
    const vault = contract.secretStore(chart, 'Vault', 'vault');
    const w = new DaprWorkload(chart, 'Returns', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080, replicas: 2 });
    w.readsSecret(vault.secret('redis', 'password'));
    w.readsSecret(vault.secret('kafka', 'password'));
    expect(validationErrors(app)).toEqual([
      `[returns] DaprWorkload 'returns' uses component 'vault' (secretstores.hashicorp.vault), whose scopes in the contract ${FILE} do not list 'returns' (scopes: 'orders'): the platform must add 'returns' to the scopes of 'vault' (in its code: vault.addScope(returns)) and publish the contract again.`,
    ]);
  });

  it('fails on a secret store the app reaches through a component, once per store', () => {
    const doc = base();
    doc.components.find((c: any) => c.name === 'vault').scopes = ['orders'];
    const { contract, app, chart } = chartWith(doc);
    const w = new DaprWorkload(chart, 'Returns', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080, replicas: 2 });
    w.uses(contract.component(chart, 'Events', 'events'));
    expect(validationErrors(app)).toEqual([
      `[returns] DaprWorkload 'returns' reads secrets through secret store 'vault', whose scopes in the contract ${FILE} do not list 'returns' (scopes: 'orders'): the platform must add 'returns' to the scopes of 'vault' (in its code: vault.addScope(returns)).`,
    ]);
  });

  it('fails on a secret store the contract does not have', () => {
    const { contract, app, chart } = chartWith(base());
    contract.secretStore(chart, 'Vault', 'valut');
    expect(validationErrors(app)).toEqual([`[returns] secret store 'valut' (returns/Vault) is not a Vault secret store of the contract ${FILE} (did you mean 'vault'?): its Vault secret stores are 'vault'.`]);
  });

  it('fails on a caller or callee the contract does not know', () => {
    const { contract, app, chart } = chartWith(base());
    const w = new DaprWorkload(chart, 'Returns', { appId: 'returns', image: 'registry.example.com/returns:1.0.0', appPort: 8080, replicas: 2 });
    w.invokesApp(contract.app('inventroy'), [{ path: '/release', verbs: [HttpVerb.POST] }]);
    w.allowsInvocationFrom(contract.app('biling'), [{ path: '/refunds', verbs: [HttpVerb.POST] }]);
    const errors = validationErrors(app).filter((e) => e.startsWith('[returns] '));
    expect(errors).toEqual([
      `[returns] DaprWorkload 'returns' invokes app 'inventroy' (namespace 'order-management'), which the contract ${FILE} does not know (did you mean 'inventory'?): its apps are 'billing', 'checkout', 'dead-letters', 'inventory', 'notifications', 'orders', 'returns', 'shipping'.`,
      `[returns] DaprWorkload 'returns' allows invocation from app 'biling', which the contract ${FILE} does not know (did you mean 'billing'?): its apps are 'billing', 'checkout', 'dead-letters', 'inventory', 'notifications', 'orders', 'returns', 'shipping'; the policy would never match.`,
    ]);
  });

  it('fails on props that restate the contract with another value, all of them', () => {
    const contract = PlatformContract.fromJson(prod.contractText, FILE);
    const app = new App({ outdir: path.join(tmp, 'unused') });
    new DaprChart(app, 'returns', { contract, namespace: 'returns', mtls: contract.mtlsPolicy() });
    expect(validationErrors(app)).toEqual([
      `[returns] DaprChart namespace is 'returns', but the contract ${FILE} says 'order-management' for prod: remove namespace from the chart's props (the contract sets it).`,
    ]);
  });
});

describe('the Terraform half of an app declared elsewhere', () => {
  it('grants it the Vault role and exactly the secret paths its own workload reads', () => {
    const returns = DaprWorkload.all(returnsApp(base()).chart)[0];
    expect(prod.platform.chart.externalAppSecretAccess).toEqual([returns.secretAccess]);
    expect(returns.secretAccess.secretPaths).toEqual(['secret/data/dapr/kafka', 'secret/data/dapr/redis']);
    const roles = Object.values<any>(prod.terraform.resource.vault_kubernetes_auth_backend_role).filter((r) => r.role_name === 'returns');
    expect(roles.map((r) => [r.bound_service_account_names, r.bound_service_account_namespaces])).toEqual([[['returns'], ['order-management']]]);
    const policies = Object.values<any>(prod.terraform.resource.vault_policy).filter((p) => p.name === 'dapr-prod-order-management-returns');
    expect(policies.map((p) => p.policy.match(/path "[^"]+"/g))).toEqual([['path "secret/data/dapr/kafka"', 'path "secret/data/dapr/redis"']]);
  });

  it('leaves out an external app that reads no secret', () => {
    const app = new App({ outdir: path.join(tmp, 'unused') });
    const chart = new DaprChart(app, 'platform', { namespace: 'shop', daprVersion: DaprVersion.LATEST });
    chart.addExternalApp({ appId: 'reports', owner: 'reports team' });
    expect(chart.externalAppSecretAccess).toEqual([]);
  });
});

describe('DaprChart.addExternalApp', () => {
  it('refuses an app declared twice, one that is also a workload of the chart, and one without an owner', () => {
    const app = new App({ outdir: path.join(tmp, 'unused') });
    const chart = new DaprChart(app, 'platform', { namespace: 'shop', daprVersion: DaprVersion.LATEST });
    chart.addExternalApp({ appId: 'returns', owner: 'returns team' });
    chart.addExternalApp({ appId: 'returns', owner: 'returns team' });
    chart.addExternalApp({ appId: 'orders', owner: ' ' });
    new DaprWorkload(chart, 'Orders', { appId: 'orders', image: 'registry.example.com/orders:1.0.0', appPort: 8080, replicas: 2 });
    expect(validationErrors(app).filter((e) => e.startsWith('[platform] '))).toEqual([
      "[platform] external app 'returns' (namespace 'shop') is declared twice: declare it once (addExternalApp returns the reference to reuse).",
      "[platform] external app 'orders' (namespace 'shop') is also a DaprWorkload of this chart: an app lives either here or elsewhere; remove the addExternalApp call.",
      "[platform] external app 'orders' (namespace 'shop') has no owner: name the team or repository that deploys it.",
    ]);
    expect(chart.externalApps).toEqual([
      { appId: 'returns', namespace: 'shop', owner: 'returns team' },
      { appId: 'returns', namespace: 'shop', owner: 'returns team' },
      { appId: 'orders', namespace: 'shop', owner: ' ' },
    ]);
  });
});

describe('npm run check --contract on the app team\'s output', () => {
  const rules = (findings: { ruleId: string }[]) => findings.map((f) => f.ruleId);
  it('passes when everything is granted', () => expect(check(base())).toEqual([]));
  it('fails on a topic typo (DAPR-CONTRACT-003)', () => {
    const [f, ...rest] = check(base(), (o) => (find(o, 'Subscription', 'returns-shipment-created').spec.topic = 'shipment-craeted'));
    expect(rest).toEqual([]);
    expect(f.ruleId).toBe('DAPR-CONTRACT-003');
    expect(f.message).toContain(`'returns' may not subscribe to 'shipment-craeted' on 'events' under the contract ${FILE} (it may subscribe 'shipment-created') (did you mean 'shipment-created'?)`);
  });
  it('fails on a missing topic grant (DAPR-CONTRACT-003)', () => {
    const found = check(otherTopic());
    expect(rules(found)).toEqual(['DAPR-CONTRACT-003']);
    expect(found[0].message).toContain("subscriptionScopes: the entry 'returns=shipment-cancelled,shipment-created'");
  });
  it('fails when the app is not in the component\'s scopes (DAPR-CONTRACT-002)', () => {
    const found = check(unscoped());
    expect(rules(found)).toEqual(['DAPR-CONTRACT-002']);
    expect(found[0].message).toContain(`whose scopes in the contract ${FILE} do not list it`);
  });
  it('fails on a Dapr version other than the contract\'s (DAPR-CONTRACT-001)', () => {
    const found = check(base(), undefined, '1.16.19');
    expect(rules(found)).toContain('DAPR-CONTRACT-001');
    expect(found.find((f) => f.ruleId === 'DAPR-CONTRACT-001')!.message).toBe(
      `the documents are checked against Dapr 1.16.19, but the contract ${FILE} says prod runs Dapr 1.18.3: drop --dapr-version (the contract sets it) or build against the contract's version.`,
    );
  });
  it('fails on a callee that does not allow the caller (DAPR-CONTRACT-004)', () => {
    const found = check(base(), (o) => {
      const egress = find(o, 'NetworkPolicy', 'returns').spec.egress;
      for (const r of egress) for (const peer of r.to ?? []) if (peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'inventory') peer.podSelector.matchLabels['app.kubernetes.io/name'] = 'checkout';
    });
    expect(rules(found)).toEqual(['DAPR-CONTRACT-004']);
    expect(found[0].message).toContain(`lets 'returns' reach the sidecar of 'checkout', whose access control in the contract ${FILE} allows nothing from 'returns'`);
  });
  it('fails on a trust domain other than the contract\'s (DAPR-CONF-003)', () => {
    const found = check(base(), (o) => (find(o, 'Configuration', 'returns').spec.accessControl.trustDomain = 'logistics-staging.local'));
    expect(rules(found)).toEqual(['DAPR-CONF-003']);
    expect(found[0].message).toBe(
      `Configuration order-management/returns has accessControl.trustDomain 'logistics-staging.local', but the control plane's trust domain is 'logistics-prod.local' (global.mtls.controlPlaneTrustDomain in the contract ${FILE}): set spec.accessControl.trustDomain: logistics-prod.local.`,
    );
  });
  it('the CLI reads --contract and reports a missing file as a usage error', () => {
    let err = '';
    expect(checkMain(['dist/prod', '--contract', 'no-such.contract.json'], { stdout: () => undefined, stderr: (t) => (err += t) })).toBe(2);
    expect(err).toContain("platform contract 'no-such.contract.json' cannot be read");
  });
});

describe('apps declared as living elsewhere on the platform side', () => {
  it('satisfy DAPR-COMP-002 and DAPR-CONF-002 with the contract, and fail them without', () => {
    const docs = documentsFromObjects('dist/prod', prod.manifests, 'kubernetes');
    const contract = { file: 'dist/prod.contract.json', document: base() };
    const ids = (c?: typeof contract) => checkDocuments(docs, { profile: 'prod', contract: c }).findings.filter((f) => f.severity === Severity.ERROR).map((f) => f.ruleId);
    expect(ids(contract)).toEqual([]);
    expect(ids()).toEqual(['DAPR-COMP-002', 'DAPR-COMP-002', 'DAPR-COMP-002', 'DAPR-CONF-002']);
  });
});
