import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { EnvironmentProfile } from '../../constructs/model/profile';
import {
  ALL_RULES,
  checkDocuments,
  classifyDocument,
  documentsFromObjects,
  DocumentIndex,
  Finding,
  formatText,
  LoadedDocument,
  loadDocuments,
  PolicyInputError,
  resolveDaprVersion,
  runRules,
  Severity,
  toJsonReport,
  writeJsonReport,
} from '../../constructs/policy/engine';
import {
  allowDaprSidecars,
  apiToken,
  configuration,
  defaultDeny,
  findObject,
  goodProdSet,
  hardenedDeployment,
  k8s,
  kafkaPubSub,
  pdb,
  podAnnotations,
  redisStateStore,
  subscription,
  terraformJson,
  vaultStore,
} from './fixtures';

const { PROD, DEV } = EnvironmentProfile;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-engine-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('loadDocuments', () => {
  it('reads multi-document YAML, kind: List, cdk.tf.json and Kubernetes JSON from directories, recursively and sorted', () => {
    write('dist/prod/b.k8s.yaml', [stringify(kafkaPubSub()), stringify(vaultStore()), ''].join('---\n'));
    write('dist/prod/a.k8s.yml', stringify({ apiVersion: 'v1', kind: 'List', items: [configuration(), defaultDeny()] }));
    write('dist/prod/nested/c.json', JSON.stringify(pdb('order-api')));
    write('cdktf.out/stacks/prod/cdk.tf.json', JSON.stringify(terraformJson()));
    write('cdktf.out/manifest.json', JSON.stringify({ version: '0.21.0', stacks: {} }));
    write('dist/prod/values.yaml', 'global:\n  ha:\n    enabled: true\n');
    write('dist/prod/README.md', '# not a manifest');
    write('dist/node_modules/x.yaml', stringify(namespaceDoc('ignored')));
    write('dist/.hidden/x.yaml', stringify(namespaceDoc('ignored')));

    const docs = loadDocuments([path.join(tmp, 'dist'), path.join(tmp, 'cdktf.out')]);
    const rel = docs.map((d) => [path.relative(tmp, d.file), d.index, d.format, (d.content.kind as string) ?? 'terraform']);
    expect(rel).toEqual([
      ['dist/prod/a.k8s.yml', 0, 'kubernetes', 'Configuration'],
      ['dist/prod/a.k8s.yml', 0, 'kubernetes', 'NetworkPolicy'],
      ['dist/prod/b.k8s.yaml', 0, 'kubernetes', 'Component'],
      ['dist/prod/b.k8s.yaml', 1, 'kubernetes', 'Component'],
      ['dist/prod/nested/c.json', 0, 'kubernetes', 'PodDisruptionBudget'],
      ['cdktf.out/stacks/prod/cdk.tf.json', 0, 'terraform', 'terraform'],
    ]);
  });

  it('accepts single files', () => {
    const file = write('one.yaml', stringify(redisStateStore()));
    expect(loadDocuments([file])).toHaveLength(1);
  });

  it('throws a PolicyInputError naming the file and line for invalid YAML', () => {
    const file = write('bad.yaml', 'kind: Component\nmetadata:\n  name: [unclosed\n');
    expect(() => loadDocuments([file])).toThrow(PolicyInputError);
    expect(() => loadDocuments([file])).toThrow(/bad\.yaml: invalid YAML \(line \d+/);
  });

  it('throws a PolicyInputError for invalid JSON and for missing paths', () => {
    const file = write('cdk.tf.json', '{"resource": ');
    expect(() => loadDocuments([file])).toThrow(/cdk\.tf\.json: invalid JSON/);
    expect(() => loadDocuments([path.join(tmp, 'nope')])).toThrow(/does not exist/);
  });

  it('rejects a dapr helm_release whose values entry is not YAML, and skips Terraform expressions', () => {
    const broken = terraformJson();
    broken.resource.helm_release.dapr.values = ['global: [unclosed'];
    expect(() => new DocumentIndex([{ file: 'x/cdk.tf.json', index: 0, format: 'terraform', content: broken }])).toThrow(/helm_release\.dapr: a 'values' entry/);
    const expr = terraformJson();
    expr.resource.helm_release.dapr.values.push('${file("values.yaml")}');
    expect(new DocumentIndex([{ file: 'x/cdk.tf.json', index: 0, format: 'terraform', content: expr }]).helmReleases[0].valueDocuments).toHaveLength(1);
  });
});

function namespaceDoc(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

describe('documentsFromObjects and classifyDocument', () => {
  it('wraps in-memory objects for checkDocuments, dropping what is neither Kubernetes nor Terraform', () => {
    const docs = documentsFromObjects('dist/prod/app.k8s.yaml', [redisStateStore(), null, { hello: 'world' }, terraformJson()]);
    expect(docs.map((d) => [d.index, d.format])).toEqual([
      [0, 'kubernetes'],
      [3, 'terraform'],
    ]);
    expect(classifyDocument({ apiVersion: 'v1', kind: 'Secret' })).toBe('kubernetes');
    expect(classifyDocument({ resource: {} })).toBe('terraform');
    expect(classifyDocument('text')).toBeUndefined();
  });
});

describe('DocumentIndex', () => {
  it("defaults a manifest's namespace to 'default' and knows cluster-scoped kinds", () => {
    const store = redisStateStore();
    delete store.metadata.namespace;
    const index = new DocumentIndex([k8s(store), k8s(namespaceDoc('orders'))]);
    expect(index.objects.map((o) => o.ref)).toEqual(['Component default/statestore', 'Namespace orders']);
  });

  it('indexes app-ids of Dapr-enabled Deployments and StatefulSets only', () => {
    const sts = hardenedDeployment('ledger', 3);
    sts.kind = 'StatefulSet';
    const plain = hardenedDeployment('web', 1);
    plain.spec.template.metadata.annotations['dapr.io/enabled'] = 'false';
    const index = new DocumentIndex([k8s(hardenedDeployment('order-api', 1)), k8s(sts), k8s(plain)]);
    expect(index.appIdsIn('orders')).toEqual(['ledger', 'order-api']);
    expect(index.workloads).toHaveLength(3);
  });
});

describe('resolveDaprVersion', () => {
  it('prefers the requested version, then the pinned chart version, then the newest', () => {
    const withRelease = new DocumentIndex(goodProdSet());
    expect(resolveDaprVersion(withRelease, '1.16.19').version.version).toBe('1.16.19');
    expect(resolveDaprVersion(withRelease).version.version).toBe('1.18.3');
    const old = terraformJson();
    old.resource.helm_release.dapr.version = '1.16.19';
    expect(resolveDaprVersion(new DocumentIndex([{ file: 't', index: 0, format: 'terraform', content: old }])).source).toBe(
      'chart version of helm_release.dapr',
    );
    const unsupported = terraformJson();
    unsupported.resource.helm_release.dapr.version = '1.15.0';
    expect(resolveDaprVersion(new DocumentIndex([{ file: 't', index: 0, format: 'terraform', content: unsupported }]))).toMatchObject({
      source: 'newest supported version',
    });
    expect(resolveDaprVersion(new DocumentIndex([])).version.version).toBe('1.18.3');
  });

  it('throws on an unsupported requested version', () => {
    expect(() => runRules(goodProdSet(), { profile: PROD, daprVersion: '1.15.0' })).toThrow(/not supported/);
  });
});

describe('runRules', () => {
  function brokenSet(): LoadedDocument[] {
    const docs = goodProdSet();
    delete findObject(docs, 'Component', 'statestore').scopes;
    podAnnotations(docs, 'order-api')['dapr.io/port'] = '1';
    podAnnotations(docs, 'order-worker')['dapr.io/env'] = 'GOMEMLIMIT=2GiB';
    findObject(docs, 'Subscription', 'orders-created').spec.deadLetterTopic = 'poison';
    return docs;
  }

  it('orders findings deterministically: errors first, then rule id, file, object, message', () => {
    const findings = runRules(brokenSet(), { profile: PROD });
    expect(findings.map((f) => [f.severity, f.ruleId])).toEqual([
      [Severity.ERROR, 'DAPR-COMP-001'],
      [Severity.ERROR, 'DAPR-WORK-002'],
      [Severity.ERROR, 'DAPR-WORK-007'],
      [Severity.WARNING, 'DAPR-SUB-002'],
    ]);
    const reversed = brokenSet().reverse();
    expect(runRules(reversed, { profile: PROD })).toEqual(findings);
  });

  it('fills every field of a finding from the rule and the document', () => {
    const [f] = runRules(brokenSet(), { profile: PROD });
    expect(f).toEqual<Finding>({
      ruleId: 'DAPR-COMP-001',
      severity: Severity.ERROR,
      object: 'Component orders/statestore',
      file: 'dist/prod/orders.k8s.yaml',
      message: expect.stringContaining("Component orders/statestore has no 'scopes'"),
      link: 'https://docs.dapr.io/operations/components/component-scopes/',
    });
  });

  it('runs only the rules of the profile', () => {
    const docs = goodProdSet();
    delete podAnnotations(docs, 'order-api')['dapr.io/api-token-secret'];
    expect(runRules(docs, { profile: PROD }).map((f) => f.ruleId)).toEqual(['DAPR-WORK-008']);
    expect(runRules(docs, { profile: DEV })).toEqual([]);
  });
});

describe('the rule catalogue', () => {
  it('has unique ids of the form DAPR-<AREA>-<NNN>, a description, profiles and a docs.dapr.io/kubernetes.io link', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ALL_RULES) {
      expect(r.id).toMatch(/^DAPR-(COMP|HTTP|CONF|WORK|SUB|CP|NS|NET|TF|CONTRACT)-\d{3}$/);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.profiles.length).toBeGreaterThan(0);
      // Terraform rules link Terraform's own documentation.
      expect(r.why).toMatch(r.id.startsWith('DAPR-TF-') ? /^https:\/\/developer\.hashicorp\.com\/terraform\/|^https:\/\/docs\.dapr\.io\// : /^https:\/\/(docs\.dapr\.io|kubernetes\.io)\//);
    }
  });
});

describe('reports', () => {
  it('formats findings grouped by severity with a one-line total', () => {
    const docs = goodProdSet();
    delete findObject(docs, 'Component', 'statestore').scopes;
    findObject(docs, 'Subscription', 'orders-created').spec.deadLetterTopic = 'poison';
    const text = formatText(checkDocuments(docs, { profile: 'prod' }));
    expect(text).toMatch(/^Dapr policy check: profile prod, Dapr 1\.18\.3 \(chart version of helm_release\.dapr\), 24 documents, \d+ rules\n/);
    expect(text.indexOf('Errors (1):')).toBeLessThan(text.indexOf('Warnings (1):'));
    expect(text).toContain('  DAPR-COMP-001  Component orders/statestore  [dist/prod/orders.k8s.yaml]\n');
    expect(text.trimEnd().split('\n').pop()).toBe('1 errors, 1 warnings');
  });

  it('writes a deterministic JSON report', () => {
    const docs = goodProdSet();
    delete findObject(docs, 'Component', 'statestore').scopes;
    const result = checkDocuments(docs, { profile: EnvironmentProfile.STAGING, daprVersion: '1.16.19' });
    const file = path.join(tmp, 'reports', 'report.json');
    writeJsonReport(file, result);
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(report).toEqual(JSON.parse(JSON.stringify(toJsonReport(result))));
    expect(report).toMatchObject({ profile: 'staging', daprVersion: '1.16.19', daprVersionSource: 'requested', summary: { errors: 1, warnings: 0 } });
    expect(report.findings[0].ruleId).toBe('DAPR-COMP-001');
  });

  it('rejects an unknown profile', () => {
    expect(() => checkDocuments(goodProdSet(), { profile: 'production' })).toThrow(/Unknown profile 'production'/);
  });
});

/** 1,000 Dapr workloads in 50 namespaces, each with components, PDB, Subscription...: about 10,000 documents. */
function bigSet(): LoadedDocument[] {
  const docs: LoadedDocument[] = [];
  for (let n = 0; n < 50; n++) {
    const ns = `team-${n}`;
    const apps = Array.from({ length: 20 }, (_, i) => `app-${n}-${i}`);
    const inNs = (o: Record<string, any>): Record<string, any> => ((o.metadata.namespace = ns), o);
    const vault = inNs(vaultStore());
    vault.scopes = apps;
    const config = inNs(configuration());
    config.spec.accessControl.policies[0].appId = apps[0];
    config.spec.accessControl.policies[0].namespace = ns;
    const nsDocs: Record<string, any>[] = [vault, config, inNs(defaultDeny()), inNs(allowDaprSidecars())];
    for (const app of apps) {
      const store = inNs(redisStateStore(`${app}-state`, [app]));
      const pubsub = inNs(kafkaPubSub());
      pubsub.metadata.name = `${app}-pubsub`;
      pubsub.scopes = [app];
      const sub = inNs(subscription(`${app}-sub`, `${app}-topic`, '/events', `${app}-dlq`, [app]));
      sub.spec.pubsubname = `${app}-pubsub`;
      const dlq = inNs(subscription(`${app}-dlq`, `${app}-dlq`, '/dlq', undefined, [app]));
      dlq.spec.pubsubname = `${app}-pubsub`;
      const sa = inNs({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app } });
      const svc = inNs({ apiVersion: 'v1', kind: 'Service', metadata: { name: app }, spec: { selector: { 'app.kubernetes.io/name': app } } });
      const cm = inNs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-settings` }, data: { LOG_LEVEL: 'info' } });
      const hpa = inNs({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: app },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, minReplicas: 3, maxReplicas: 6 },
      });
      nsDocs.push(inNs(hardenedDeployment(app, 3)), inNs(pdb(app)), store, pubsub, sub, dlq, sa, ...apiToken(app).map(inNs), ...apiToken(app, 'app').map(inNs), svc, cm, hpa);
    }
    nsDocs.forEach((o, i) => docs.push(k8s(o, `dist/prod/${ns}.k8s.yaml`, i)));
  }
  docs.push({ file: 'cdktf.out/stacks/prod/cdk.tf.json', index: 0, format: 'terraform', content: terraformJson() });
  return docs;
}

describe('performance', () => {
  it('checks 1,000 workloads (about 10,000 documents) in well under two seconds, with no finding on a good set', () => {
    const docs = bigSet();
    expect(docs.length).toBeGreaterThan(10000);
    const start = process.hrtime.bigint();
    const findings = runRules(docs, { profile: PROD });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(findings).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });

  it('still reports every problem on the big set', () => {
    const docs = bigSet();
    for (const d of docs) {
      if (d.content.kind === 'Deployment') delete (d.content as any).spec.template.metadata.annotations['dapr.io/api-token-secret'];
    }
    expect(runRules(docs, { profile: PROD }).filter((f) => f.ruleId === 'DAPR-WORK-008')).toHaveLength(1000);
  });
});
