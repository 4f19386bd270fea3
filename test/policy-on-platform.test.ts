import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { EnvironmentProfile } from '../constructs/model/profile';
import { CliIo, main } from '../constructs/policy/cli';
import { documentsFromObjects, LoadedDocument, runRules } from '../constructs/policy/engine';
import { synthesize } from '../stacks/main';

// The policy engine on the reference platform's real prod output, intact and broken twelve ways.
const tmp = os.tmpdir();
const [prod] = synthesize({ only: ['prod'], distDir: path.join(tmp, 'unused'), cdktfOutDir: path.join(tmp, 'unused'), write: false });
// Its contract: the apps it declares as living elsewhere (returns) satisfy DAPR-COMP-002 and DAPR-CONF-002.
const contract = { file: 'dist/prod.contract.json', document: JSON.parse(prod.contractText) };

function prodDocs(): LoadedDocument[] {
  const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x));
  return [
    ...documentsFromObjects('dist/prod', copy(prod.manifests), 'kubernetes'),
    ...documentsFromObjects('cdktf.out/stacks/prod/cdk.tf.json', [copy(prod.terraform)], 'terraform'),
  ];
}
const obj = (docs: LoadedDocument[], kind: string, name: string): any => {
  const d = docs.find((x) => (x.content as any).kind === kind && (x.content as any).metadata?.name === name);
  if (!d) throw new Error(`no ${kind} ${name}`);
  return d.content;
};
const annotations = (docs: LoadedDocument[], app: string) => obj(docs, 'Deployment', app).spec.template.metadata.annotations;
const daprRelease = (docs: LoadedDocument[]): any =>
  Object.values((docs.find((d) => d.format === 'terraform')!.content as any).resource.helm_release).find((r: any) => r.chart === 'dapr');

const setMetadata = (component: any, name: string, entry: object) => {
  const i = component.spec.metadata.findIndex((m: any) => m.name === name);
  component.spec.metadata[i] = { name, ...entry };
};

const BREAKAGES: [string, string, (docs: LoadedDocument[]) => void][] = [
  ["drop a component's scopes", 'DAPR-COMP-001', (d) => delete obj(d, 'Component', 'order-state').scopes],
  ['put a literal password in metadata', 'DAPR-COMP-005', (d) => setMetadata(obj(d, 'Component', 'order-state'), 'redisPassword', { value: 'hunter2' })],
  ['point dapr.io/config at a missing Configuration', 'DAPR-WORK-003', (d) => (annotations(d, 'checkout')['dapr.io/config'] = 'checkout-old')],
  ['add a second actor state store', 'DAPR-COMP-007', (d) => d.push(...documentsFromObjects('extra.yaml', [{ ...obj(d, 'Component', 'order-state'), metadata: { name: 'order-state-2', namespace: 'order-management' } }], 'kubernetes'))],
  ['remove the sidecar memory limit', 'DAPR-WORK-006', (d) => delete annotations(d, 'orders')['dapr.io/sidecar-memory-limit']],
  ['flip access control to allow', 'DAPR-CONF-001', (d) => (obj(d, 'Configuration', 'inventory').spec.accessControl.defaultAction = 'allow')],
  ['set GOMEMLIMIT above the limit', 'DAPR-WORK-007', (d) => (annotations(d, 'billing')['dapr.io/env'] = 'GOMEMLIMIT=2GiB')],
  ['use a latest image', 'DAPR-WORK-012', (d) => (obj(d, 'Deployment', 'shipping').spec.template.spec.containers[0].image = 'registry.logistics.example.com/order-management/shipping:latest')],
  ['leave a subscriber out of the pub/sub scopes', 'DAPR-SUB-001', (d) => (obj(d, 'Component', 'events').scopes = ['billing', 'dead-letters', 'shipping'])],
  // Issue 12, as the constructs rendered it before the fixes:
  ["orders' NetworkPolicy without its own pods on 50002 (defect 5)", 'DAPR-WORK-016', (d) => {
    const spec = obj(d, 'NetworkPolicy', 'orders').spec;
    const self = JSON.stringify({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } });
    spec.ingress = spec.ingress.map((r: any) => ({ ...r, from: r.from?.filter((p: any) => JSON.stringify(p) !== self) })).filter((r: any) => !r.from || r.from.length);
    spec.egress = spec.egress.map((r: any) => ({ ...r, to: r.to?.filter((p: any) => JSON.stringify(p) !== self) })).filter((r: any) => !r.to || r.to.length);
  }],
  ['one dapr-api-token Secret for all apps, created by nothing, and no DAPR_API_TOKEN in the apps (defects 3, 4)', 'DAPR-WORK-015', (d) => {
    annotations(d, 'orders')['dapr.io/api-token-secret'] = 'dapr-api-token';
    delete obj(d, 'Deployment', 'orders').spec.template.spec.containers[0].env;
  }],
  // Issue 16: egress that names its destinations.
  ["drop the 'to:' of orders' egress rule to Redis", 'DAPR-NET-001', (d) => delete obj(d, 'NetworkPolicy', 'orders').spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 6380)).to],
  ['set the webhook failure policy to Ignore', 'DAPR-CP-003', (d) => (daprRelease(d).values = [daprRelease(d).values[0].replace('webhookFailurePolicy: Fail', 'webhookFailurePolicy: Ignore')])],
];

describe('the policy engine on the reference platform prod output', () => {
  test('finds nothing on the intact output', () => {
    expect(runRules(prodDocs(), { contract, profile: EnvironmentProfile.PROD })).toEqual([]);
    expect(YAML.parse(daprRelease(prodDocs()).values[0]).dapr_sidecar_injector.webhookFailurePolicy).toBe('Fail');
  });

  test.each(BREAKAGES)('%s is caught by %s', (_what, ruleId, breakIt) => {
    const docs = prodDocs();
    breakIt(docs);
    const ids = new Set(runRules(docs, { contract, profile: EnvironmentProfile.PROD }).map((f) => f.ruleId));
    expect(ids).toContain(ruleId);
  });
});

describe('egress of the reference platform prod output (issue 16)', () => {
  const policies = prod.manifests.filter((m: any) => m.kind === 'NetworkPolicy');
  const egress = policies.flatMap((np: any) => (np.spec.egress ?? []).map((rule: any) => ({ np: np.metadata.name, rule })));

  test('every egress rule names its destinations: a non-empty to: and no catch-all ipBlock', () => {
    expect(egress.length).toBeGreaterThan(50);
    expect(egress.filter((e: any) => !Array.isArray(e.rule.to) || e.rule.to.length === 0)).toEqual([]);
    const cidrs = egress.flatMap((e: any) => e.rule.to.map((p: any) => p.ipBlock?.cidr)).filter((c: any) => c !== undefined);
    expect(cidrs.length).toBeGreaterThan(0);
    expect(cidrs.filter((c: string) => c.endsWith('/0'))).toEqual([]);
    // Nothing in dapr-system listens on 443 (the Services forward 443 to the pods' 50001 and 6500).
    expect(egress.filter((e: any) => e.rule.ports.some((p: any) => p.port === 443))).toEqual([]);
  });

  test('`npm run check -- <dir> --profile prod` passes on it and fails on a copy with one egress rule without to:', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'egress-check-'));
    const run = (manifests: any[]) => {
      fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), manifests.map((m) => YAML.stringify(m)).join('---\n'));
      let out = '';
      const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (out += t) };
      fs.writeFileSync(`${dir}.contract.json`, prod.contractText);
      return { code: main([dir, '--profile', 'prod', '--contract', `${dir}.contract.json`], io), out };
    };
    try {
      const intact = run(prod.manifests);
      expect(intact.out.trimEnd().split('\n').pop()).toBe('0 errors, 0 warnings');
      expect(intact.code).toBe(0);
      const broken = JSON.parse(JSON.stringify(prod.manifests));
      const billing = broken.find((m: any) => m.kind === 'NetworkPolicy' && m.metadata.name === 'billing');
      delete billing.spec.egress[billing.spec.egress.length - 1].to;
      const r = run(broken);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/DAPR-NET-001 {2}NetworkPolicy order-management\/billing/);
      expect(r.out).toContain("has no 'to:', so it allows these ports to every address");
      expect(r.out.trimEnd().split('\n').pop()).toBe('1 errors, 0 warnings');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(`${dir}.contract.json`, { force: true });
    }
  });
});
