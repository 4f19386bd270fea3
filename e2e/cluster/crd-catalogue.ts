/**
 * npm run e2e:crds: the Dapr objects of the issue-16 constructs (HttpEndpoint, PostgresStateStore v1
 * and v2, GenericComponent) and their callers' NetworkPolicy, applied to a real kube-apiserver (our
 * build, e2e/cluster/start.sh) with the Dapr CRDs of every supported version, one version after the
 * other: each object must be accepted (strict field validation, no warning) and read back exactly as
 * sent (nothing pruned or defaulted away), and each broken variant must be refused with the API
 * server's reason. What daprd then does with the objects is not covered (daprd cannot be built here).
 *
 *   npm run e2e:crds                                   # starts and stops its own control plane
 *   npm run e2e:crds -- --cluster-dir <dir>            # reuse one from e2e/cluster/start.sh (left running)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { DaprChart } from '../../constructs/k8s/dapr-chart';
import { DaprWorkload } from '../../constructs/k8s/dapr-workload';
import { GenericComponent } from '../../constructs/k8s/generic-component';
import { HttpEndpoint, HttpHeader, TlsRenegotiation } from '../../constructs/k8s/http-endpoint';
import { PostgresComponentVersion, PostgresStateStore } from '../../constructs/k8s/postgres-state-store';
import { VaultAuth, VaultSecretStore } from '../../constructs/k8s/vault-secret-store';
import { DaprVersion } from '../../constructs/model/dapr-version';
import { assertValid } from '../../constructs/model/validation';
import { Kube } from './kube';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const REPO = path.resolve(__dirname, '..', '..');
const HERE = path.join(REPO, 'e2e', 'cluster');
const REFERENCE = path.resolve(REPO, '..', 'shared', 'dapr-reference');
const KINDS = ['Component', 'HTTPEndpoint', 'NetworkPolicy'];

/** The catalogue of one Dapr version, in namespace `catalogue-<version with dashes>`. */
function catalogue(version: DaprVersion): Json[] {
  const app: App = Testing.app();
  const chart = new DaprChart(app, 'catalogue', {
    namespace: `catalogue-${version.version.replace(/\./g, '-')}`,
    daprVersion: version,
    // Hosts outside the cluster need their address ranges in a strict profile (the egress names them).
    externalHosts: [{ host: 'vault.example.com', cidrs: ['10.0.0.16/28'] }, { host: 'ledger-db.example.com', cidrs: ['10.0.16.0/28'] }],
  });
  const vault = new VaultSecretStore(chart, 'vault', { name: 'vault', vaultAddr: 'https://vault.example.com:8200', vaultKvPrefix: 'payments', auth: VaultAuth.tokenFile() });
  const payments = new DaprWorkload(chart, 'payments', { appId: 'payments', image: 'registry.example.com/payments:1.0.0', appPort: 8080 });
  const pg = { connectionString: vault.secret('ledger', 'dsn'), endpoint: 'ledger-db.example.com:5432', timeout: Duration.seconds(20), maxConns: 4 };
  payments.uses(new PostgresStateStore(chart, 'pg-v1', { name: 'ledger-v1', componentVersion: PostgresComponentVersion.V1, tableName: 'ledger', ...pg }));
  payments.uses(new PostgresStateStore(chart, 'pg-v2', { name: 'ledger-v2', tablePrefix: 'ledger_', cleanupInterval: Duration.minutes(10), actorStateStore: true, ...pg }));
  payments.uses(
    new GenericComponent(chart, 'pg-generic', {
      name: 'ledger-generic',
      componentType: 'state.postgresql',
      componentVersion: 'v2',
      metadata: [{ name: 'connectionString', secretRef: vault.secret('ledger', 'dsn') }, { name: 'tablePrefix', value: 'generic_' }],
      endpoints: [{ host: 'ledger-db.example.com', port: 5432 }],
    }),
  );
  payments.invokesEndpoint(
    new HttpEndpoint(chart, 'card-api', {
      name: 'card-api',
      baseUrl: 'https://api.cards.example.com/v2',
      headers: [HttpHeader.fromValue('Accept', 'application/json'), HttpHeader.fromSecret('Authorization', vault.secret('card-api', 'bearer'))],
      clientTls: { rootCa: vault.secret('card-api', 'ca'), certificate: vault.secret('card-api', 'cert'), privateKey: vault.secret('card-api', 'key'), renegotiation: TlsRenegotiation.ONCE_AS_CLIENT },
      cidrs: ['203.0.113.0/24'],
    }),
  );
  assertValid(chart);
  return Testing.synth(chart).filter((o: Json) => KINDS.includes(o.kind));
}

/** Broken variants of the catalogue's HTTPEndpoint and what the API server must say. */
function broken(objects: Json[]): { what: string; object: Json; refusal: RegExp }[] {
  const endpoint = objects.find((o) => o.kind === 'HTTPEndpoint');
  const variant = (name: string, edit: (o: Json) => void): Json => {
    const o = structuredClone(endpoint);
    o.metadata.name = name;
    edit(o);
    return o;
  };
  return [
    { what: 'HTTPEndpoint without spec.baseUrl', object: variant('no-base-url', (o) => delete o.spec.baseUrl), refusal: /spec\.baseUrl: Required value/ },
    { what: 'HTTPEndpoint with clientTls (not clientTLS)', object: variant('client-tls', (o) => ((o.spec.clientTls = o.spec.clientTLS), delete o.spec.clientTLS)), refusal: /\.spec\.clientTls: field not declared in schema/ },
    { what: 'HTTPEndpoint with renegotiation Always', object: variant('renegotiation', (o) => (o.spec.clientTLS.renegotiation = 'Always')), refusal: /spec\.clientTLS\.renegotiation: Unsupported value: "Always"/ },
    { what: 'HTTPEndpoint with auth but no secretStore', object: variant('auth', (o) => (o.auth = {})), refusal: /auth\.secretStore: Required value/ },
  ];
}

function main(): number {
  const args = process.argv.slice(2);
  const i = args.indexOf('--cluster-dir');
  let clusterDir = i >= 0 ? path.resolve(args[i + 1]) : undefined;
  const started = clusterDir === undefined;
  if (!fs.existsSync(REFERENCE)) {
    console.error(`error: ${REFERENCE} is missing: the CRDs of each version come from ../shared/dapr-reference.`);
    return 1;
  }
  const kubectl = execFileSync('bash', [path.join(REPO, 'e2e', 'bin', 'build.sh'), '--print-path', 'kubectl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  if (started) clusterDir = execFileSync('bash', [path.join(HERE, 'start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const kube = new Kube(path.join(clusterDir!, 'admin.kubeconfig'), kubectl);
  let failed = 0;
  let passed = 0;
  const report = (ok: boolean, line: string) => {
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? 'pass' : 'FAIL'}    ${line}`);
  };
  try {
    for (const version of DaprVersion.supported()) {
      const crdDir = path.join(REFERENCE, version.version, 'crds');
      const crds = fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => fs.readFileSync(path.join(crdDir, f), 'utf8')).join('\n---\n');
      const applied = kube.applyServerSide(crds, 'dapr-platform-crds');
      if (!applied.ok) throw new Error(`applying the Dapr ${version} CRDs failed: ${applied.stderr}`);
      kube.must(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=dapr']);
      const objects = catalogue(version);
      const ns = objects[0].metadata.namespace;
      kube.must(['create', 'namespace', ns]);
      for (const o of objects) {
        const what = `${version} ${o.kind} ${ns}/${o.metadata.name}`;
        const r = kube.applyServerSide(stringify(o), 'catalogue');
        const warnings = r.stderr.split('\n').filter((l) => /^Warning/.test(l));
        if (!r.ok || warnings.length) {
          report(false, `${what}: ${r.ok ? warnings.join('; ') : r.stderr.trim()}`);
          continue;
        }
        const stored = kube.getJson<Json>([o.kind === 'NetworkPolicy' ? 'networkpolicy' : `${o.kind.toLowerCase()}.dapr.io`, o.metadata.name, '-n', ns]);
        const differs = ['spec', 'scopes', 'auth'].filter((k) => !sameJson(stored[k], o[k]));
        report(differs.length === 0, `${what}: ${differs.length ? `stored ${differs.join(', ')} differ: ${differs.map((k) => JSON.stringify(stored[k])).join(' ')}` : 'accepted and stored as sent'}`);
      }
      for (const b of broken(objects)) {
        const r = kube.applyServerSide(stringify(b.object), 'catalogue');
        report(!r.ok && b.refusal.test(r.stderr), `${version} ${b.what}: ${r.ok ? 'accepted' : `refused: ${r.stderr.trim().split('\n').pop()}`}`);
      }
    }
  } finally {
    if (started) execFileSync('bash', [path.join(HERE, 'stop.sh'), clusterDir!], { stdio: 'inherit' });
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Deep equality regardless of key order (as JSON). */
function sameJson(a: Json, b: Json): boolean {
  const canon = (x: Json): Json => (Array.isArray(x) ? x.map(canon) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon(x[k])])) : x);
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

process.exitCode = main();
