/**
 * npm run e2e:cluster: applies dist/<env>/ for each environment to a real Kubernetes API server with
 * the real Dapr sidecar injector (and, given VAULT_AGENT_INJECTOR_BIN, the real Vault Agent injector),
 * then checks the pods as the API server stored them (assertions.ts). One fresh control plane per
 * environment (they share namespace names); see NOTES/README for what it proves.
 *
 *   npm run e2e:cluster                               # dev, staging, prod
 *   npm run e2e:cluster -- --env prod --keep          # leave the control plane running (prints its dir)
 *   npm run e2e:cluster -- --env prod --cluster-dir <dir>   # reuse a control plane from e2e/cluster/start.sh
 *   npm run e2e:cluster -- --env prod --kubeconfig <dir>/admin.kubeconfig   # the same, by its kubeconfig
 *   npm run e2e:cluster -- --print-fixture            # print the stored prod orders pod
 *   npm run e2e:cluster -- --update-fixture           # rewrite e2e/cluster/fixtures/prod-orders-pod.json
 *   VAULT_AGENT_INJECTOR_BIN=<vault-k8s> npm run e2e:cluster -- --require-all   # NOT RUN checks fail the run
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifestDir } from '../../constructs/verify/verify-expectations';
import { Check, CheckStatus, checkApplyWarnings, checkControlPlaneSpread, checkPod, checkWorkloadPods, formatCheck, ObjectKeys } from './assertions';
import { Kube, KubeObject } from './kube';
import { helmRelease, PlatformInput, readPlatformInput } from './platform-input';
import { readProvidedSecrets } from './provided-secrets';
import { waitFor } from './util';
import { ClusterContext, installVaultInjector, startDaprInjector, waitForHostsFile } from './webhooks';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

// Run from its source through scripts/ts-register.js (npm run e2e:cluster), two levels below the repository.
const REPO = path.resolve(__dirname, '..', '..');
const HERE = path.join(REPO, 'e2e', 'cluster');
const SHARED = path.resolve(REPO, '..', 'shared');
export const FIXTURE = path.join(HERE, 'fixtures', 'prod-orders-pod.json');

interface Options {
  envs: string[];
  keep: boolean;
  clusterDir?: string;
  printFixture: boolean;
  updateFixture: boolean;
  /** Fail when a check could not run (the Vault checks without VAULT_AGENT_INJECTOR_BIN). */
  requireAll: boolean;
  dist: string;
  cdktfOut: string;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { envs: ['dev', 'staging', 'prod'], keep: false, printFixture: false, updateFixture: false, requireAll: false,
    dist: path.join(REPO, 'dist'), cdktfOut: path.join(REPO, 'cdktf.out') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--env') o.envs = argv[++i].split(',');
    else if (a === '--keep') o.keep = true;
    else if (a === '--cluster-dir') o.clusterDir = argv[++i];
    else if (a === '--kubeconfig') o.clusterDir = path.dirname(path.resolve(argv[++i])); // start.sh's <dir>/admin.kubeconfig
    else if (a === '--print-fixture') o.printFixture = true;
    else if (a === '--update-fixture') o.updateFixture = true;
    else if (a === '--require-all') o.requireAll = true;
    else if (a === '--dist') o.dist = path.resolve(argv[++i]);
    else if (a === '--cdktf-out') o.cdktfOut = path.resolve(argv[++i]);
    else throw new Error(`unknown option ${a}`);
  }
  if (o.clusterDir && o.envs.length !== 1) throw new Error('--cluster-dir reuses one control plane: give exactly one --env (environments share namespace names)');
  if ((o.printFixture || o.updateFixture) && !o.envs.includes('prod')) throw new Error('the fixture is the prod orders pod: include --env prod');
  return o;
}

function bin(name: string): string {
  return execFileSync('bash', [path.join(REPO, 'e2e', 'bin', 'build.sh'), '--print-path', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * The Prometheus Operator release whose CRDs (monitoring.coreos.com/v1) the monitoring objects in
 * dist/<env>/monitoring.yaml are applied against: a cluster prerequisite, like the operator itself.
 * The CRDs ship in the operator's published Go module (example/prometheus-operator-crd/), which the
 * Go module proxy serves; `go mod download` puts them in the module cache, nothing is copied here.
 */
const PROMETHEUS_OPERATOR_MODULE = 'github.com/prometheus-operator/prometheus-operator@v0.85.0';

/** Installs the CRDs of the monitoring.coreos.com kinds the documents use (none when they use none). */
function installPrometheusOperatorCrds(kube: Kube, docs: readonly KubeObject[], env: string, log: (s: string) => void): void {
  const kinds = [...new Set(docs.filter((d) => String(d.apiVersion).startsWith('monitoring.coreos.com/')).map((d) => d.kind))].sort();
  if (kinds.length === 0) return;
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', PROMETHEUS_OPERATOR_MODULE], { encoding: 'utf8' }));
  if (!info.Dir) throw new Error(`go mod download ${PROMETHEUS_OPERATOR_MODULE}: ${info.Error ?? 'no Dir'}`);
  const dir = path.join(info.Dir, 'example', 'prometheus-operator-crd');
  const files = kinds.map((k) => path.join(dir, `monitoring.coreos.com_${k.toLowerCase()}s.yaml`));
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`${env}: no CRD for monitoring.coreos.com kind in ${f}`);
  const r = kube.applyServerSide(files.map((f) => fs.readFileSync(f, 'utf8')).join('\n---\n'), 'prometheus-operator-crds');
  if (!r.ok) throw new Error(`${env}: applying the Prometheus Operator CRDs failed: ${r.stderr}`);
  kube.must(['wait', '--for=condition=Established', '--timeout=60s', ...kinds.map((k) => `crd/${k.toLowerCase()}s.monitoring.coreos.com`)]);
  log(`[${env}] Prometheus Operator CRDs (${kinds.join(', ')}) from ${PROMETHEUS_OPERATOR_MODULE} (a cluster prerequisite)`);
}

function readEnvFile(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(dir, 'cluster.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function readDocs(dir: string): KubeObject[] {
  return readManifestDir(dir) as KubeObject[];
}

function keysOf(kube: Kube, kind: 'secrets' | 'configmaps', namespace: string): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const o of kube.list(kind, namespace) as Json[]) {
    m.set(`${namespace}/${o.metadata.name}`, new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.binaryData ?? {})]));
  }
  return m;
}

/** The vaultTokenMountPath of the HashiCorp Vault secret store Component scoped to an app. */
function vaultTokenMountPathFor(docs: readonly KubeObject[], namespace: string, appId: string): string | undefined {
  for (const c of docs as Json[]) {
    if (c.kind !== 'Component' || c.spec?.type !== 'secretstores.hashicorp.vault' || c.metadata.namespace !== namespace) continue;
    if (c.scopes && !c.scopes.includes(appId)) continue;
    const m = (c.spec.metadata ?? []).find((x: Json) => x.name === 'vaultTokenMountPath');
    if (m?.value) return m.value;
  }
  return undefined;
}

/** Strips what changes between runs (uids, times, generated names, tokens' cluster CA) from a stored pod. */
export function normalizePod(pod: Json): Json {
  const p = JSON.parse(JSON.stringify(pod));
  const gen: string = p.metadata.name;
  const stable = `${p.metadata.labels?.['app.kubernetes.io/name'] ?? 'pod'}-<replicaset>-<pod>`;
  delete p.metadata.uid; delete p.metadata.resourceVersion; delete p.metadata.creationTimestamp; delete p.metadata.managedFields;
  delete p.metadata.generateName;
  p.metadata.name = stable;
  for (const r of p.metadata.ownerReferences ?? []) { delete r.uid; r.name = r.name.replace(/-[a-z0-9]+$/, '-<replicaset>'); }
  if (p.metadata.labels?.['pod-template-hash']) p.metadata.labels['pod-template-hash'] = '<hash>';
  delete p.status;
  let s = JSON.stringify(p, null, 2);
  s = s.split(gen).join(stable).replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-<id>')
    .replace(/-----BEGIN CERTIFICATE-----[^"]*?-----END CERTIFICATE-----\\n/g, '<the Sentry trust anchors of the run>');
  return JSON.parse(s);
}

/**
 * Waits until a Deployment or StatefulSet has its pods, or the API server refused one: the reason the
 * controller got (a ReplicaSet's ReplicaFailure condition, a StatefulSet's FailedCreate event).
 */
function waitForWorkloadPods(kube: Kube, w: Json): { pods: Json[]; failure?: string } {
  const ns = w.metadata.namespace;
  const wanted: number = w.spec.replicas ?? 1;
  const selector = Object.entries<string>(w.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const creationFailure = (): string | undefined => {
    if (w.kind === 'Deployment') {
      for (const rs of kube.getJson<{ items: Json[] }>(['rs', '-n', ns, '-l', selector]).items) {
        const c = (rs.status?.conditions ?? []).find((x: Json) => x.type === 'ReplicaFailure' && x.status === 'True');
        if (c) return c.message;
      }
      return undefined;
    }
    const events = kube.getJson<{ items: Json[] }>(['events', '-n', ns, '--field-selector', `involvedObject.name=${w.metadata.name},reason=FailedCreate`]).items;
    return events.length ? events[events.length - 1].message : undefined;
  };
  let pods: Json[] = [];
  let failure: string | undefined;
  try {
    waitFor(`pods of ${w.kind} ${ns}/${w.metadata.name}`, 60, () => {
      pods = kube.getJson<{ items: Json[] }>(['pods', '-n', ns, '-l', selector]).items;
      failure = creationFailure();
      return pods.length >= wanted || failure ? true : undefined;
    });
  } catch { /* reported by the caller's check */ }
  return { pods, failure };
}

function envRun(o: Options, env: string, log: (s: string) => void): { checks: Check[]; ordersPod?: Json } {
  const checks: Check[] = [];
  const input: PlatformInput = readPlatformInput(o.cdktfOut, env);
  const distDir = path.join(o.dist, env);
  const docs = readDocs(distDir);
  const dapr = helmRelease(input, 'dapr');
  if (!dapr) throw new Error(`${env}: no helm_release of the dapr chart in cdk.tf.json`);
  const vault = helmRelease(input, 'vault');

  let phaseStart = Date.now();
  const phase = (name: string) => { log(`[${env}] phase ${name}: ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`); phaseStart = Date.now(); };
  let clusterDir = o.clusterDir;
  const started = clusterDir === undefined;
  if (started) {
    log(`[${env}] starting the control plane (e2e/cluster/start.sh)`);
    clusterDir = execFileSync('bash', [path.join(HERE, 'start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  }
  const ce = readEnvFile(clusterDir!);
  phase('control plane');
  const kube = new Kube(ce.KUBECONFIG, bin('kubectl'));
  const ctx: ClusterContext = { kube, clusterDir: clusterDir!, apiServerPort: Number(ce.E2E_APISERVER_PORT), helm: bin('helm'), log };
  try {
    log(`[${env}] control plane ${ce.E2E_APISERVER_URL} (state ${clusterDir}; KUBECONFIG=${ce.KUBECONFIG})`);
    // Dapr CRDs of the pinned version, applied as the stack's terraform_data applies them.
    const crdDir = [path.join(SHARED, 'charts', 'dapr', dapr.version, 'crds'), path.join(SHARED, 'dapr-reference', dapr.version, 'crds')].find((d) => fs.existsSync(d));
    if (!crdDir) throw new Error(`${env}: no CRDs for Dapr ${dapr.version} under ${SHARED}/charts/dapr or dapr-reference`);
    const crds = fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => fs.readFileSync(path.join(crdDir, f), 'utf8')).join('\n---\n');
    let r = kube.applyServerSide(crds, 'dapr-platform-crds');
    if (!r.ok) throw new Error(`${env}: applying the Dapr ${dapr.version} CRDs failed: ${r.stderr}`);
    kube.must(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=dapr']);
    log(`[${env}] Dapr ${dapr.version} CRDs from ${path.relative(REPO, crdDir)}`);
    installPrometheusOperatorCrds(kube, docs, env, log);

    // Namespaces and labels as Terraform creates them.
    const nsDocs = input.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } }));
    r = kube.applyServerSide(nsDocs.map((d) => JSON.stringify(d)).join('\n'), 'dapr-platform');
    if (!r.ok) throw new Error(`${env}: namespaces: ${r.stderr}`);
    log(`[${env}] namespaces from cdk.tf.json: ${input.namespaces.map((n) => `${n.name} (enforce ${n.labels['pod-security.kubernetes.io/enforce'] ?? 'none'})`).join(', ')}`);

    // Secrets: Terraform's kubernetes_secret_v1, and those the platform documents as provided.
    const provided = readProvidedSecrets(REPO, env);
    const secretDocs = [
      ...input.secrets.map((s) => ({ name: s.name, namespace: s.namespace, keys: s.keys, source: `terraform ${s.path}` })),
      ...provided.secrets.map((s) => ({ ...s, source: `documented in ${provided.source}` })),
    ];
    for (const s of secretDocs) {
      const data = Object.fromEntries(s.keys.map((k) => [k, Buffer.from(`e2e-${s.name}-${k}`).toString('base64')]));
      kube.must(['apply', '--server-side', '--field-manager=e2e-provided', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: s.name, namespace: s.namespace }, type: 'Opaque', data }));
      log(`[${env}] Secret ${s.namespace}/${s.name} (${s.keys.join(', ')}): ${s.source}`);
    }
    for (const line of provided.notes) log(`[${env}] ${line}`);
    phase('CRDs, namespaces, Secrets');

    // The webhooks.
    const chartDir = path.join(SHARED, 'charts', 'dapr', dapr.version);
    const chartObjects = [...startDaprInjector(ctx, dapr, chartDir, { injector: bin('dapr-injector'), sentry: bin('dapr-sentry') }).objects];
    checks.push(...checkControlPlaneSpread(env, chartObjects, (Object.assign({}, ...dapr.values.map((v) => v.global ?? {})) as Json).ha));
    const vaultBin = process.env.VAULT_AGENT_INJECTOR_BIN || undefined;
    const vaultRan = vault !== undefined && vaultBin !== undefined;
    if (vault) {
      chartObjects.push(...installVaultInjector(ctx, vault, path.join(SHARED, 'charts', 'vault', vault.version), vaultBin).objects);
      if (!vaultRan) log(`[${env}] NOT RUN: Vault Agent injector (vault chart ${vault.version}, vault-k8s) — VAULT_AGENT_INJECTOR_BIN is not set (vault-k8s is not served by the Go module proxy); the chart is installed without its webhook and the checks that need it are reported NOT RUN`);
    }
    // The charts' own workloads: their pods are admitted in namespaces with our PodSecurity labels.
    for (const w of chartObjects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet') as Json[]) {
      const { pods, failure } = waitForWorkloadPods(kube, w);
      checks.push(checkWorkloadPods(env, `${w.kind} ${w.metadata.namespace}/${w.metadata.name} (chart)`, w.spec.replicas ?? 1, pods.length, failure));
    }

    waitForHostsFile();
    phase('webhooks');
    // dist/<env>/ through the real API: schemas, defaulting, pruning, PodSecurity, the webhooks.
    r = kube.applyServerSide(docs.map((d) => JSON.stringify(d)).join('\n'), 'argocd-controller');
    phase(`server-side apply of dist/${env}/`);
    checks.push({ id: 'server-side-apply', env, object: `dist/${env}/`, field: '(apply)', status: r.ok ? CheckStatus.PASS : CheckStatus.FAIL,
      message: r.ok ? `${docs.length} objects applied server-side` : r.stderr.trim() });
    checks.push(...checkApplyWarnings(env, `dist/${env}/`, r.stderr));

    // Service-account token Secrets in the documents are filled by the token controller: wait for it.
    for (const s of docs.filter((d) => d.kind === 'Secret' && (d as Json).type === 'kubernetes.io/service-account-token') as Json[]) {
      try {
        waitFor(`the token controller to fill Secret ${s.metadata.namespace}/${s.metadata.name}`, 30,
          () => (kube.tryGet('secret', s.metadata.name, s.metadata.namespace) as Json)?.data?.token ? true : undefined);
      } catch (e) { log(`[${env}] ${(e as Error).message}`); }
    }
    const deployments = docs.filter((d) => d.kind === 'Deployment') as Json[];
    let ordersPod: Json | undefined;
    for (const dep of deployments) {
      const ns = dep.metadata.namespace;
      const { pods, failure } = waitForWorkloadPods(kube, dep);
      checks.push(checkWorkloadPods(env, `Deployment ${ns}/${dep.metadata.name}`, dep.spec.replicas ?? 1, pods.length, failure));
      const secrets: ObjectKeys = keysOf(kube, 'secrets', ns);
      const configMaps: ObjectKeys = keysOf(kube, 'configmaps', ns);
      const appId = dep.spec.template.metadata.annotations?.['dapr.io/app-id'] ?? dep.metadata.name;
      for (const pod of pods) {
        checks.push(...checkPod({
          env, pod, owner: `Deployment ${dep.metadata.name}`, appContainers: dep.spec.template.spec.containers.map((c: Json) => c.name),
          secrets, configMaps, vaultTokenMountPath: vaultTokenMountPathFor(docs, ns, appId), vaultInjectorRan: vaultRan,
        }));
      }
      if (env === 'prod' && dep.metadata.name === 'orders' && pods.length) ordersPod = pods[0];
    }
    phase('pods and checks');
    return { checks, ordersPod };
  } finally {
    if (started && !o.keep) { execFileSync('bash', [path.join(HERE, 'stop.sh'), clusterDir!], { stdio: 'inherit' }); phase('stop'); }
    else log(`[${env}] control plane left running: KUBECONFIG=${ce.KUBECONFIG}; stop with: bash e2e/cluster/stop.sh ${clusterDir}`);
  }
}

function main(): number {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string) => console.log(s);
  const all: Check[] = [];
  const errors: string[] = [];
  const t0 = Date.now();
  for (const env of o.envs) {
    const t = Date.now();
    try {
      const { checks, ordersPod } = envRun(o, env, log);
      all.push(...checks);
      if (ordersPod) {
        const fixture = normalizePod(ordersPod);
        if (o.updateFixture) { fs.mkdirSync(path.dirname(FIXTURE), { recursive: true }); fs.writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 2)}\n`); log(`wrote ${path.relative(REPO, FIXTURE)}`); }
        if (o.printFixture) log(JSON.stringify(fixture, null, 2));
      }
    } catch (e) {
      errors.push(`${env}: ${(e as Error).message}`);
    }
    log(`[${env}] done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  log('');
  for (const c of all) log(formatCheck(c));
  const failed = all.filter((c) => c.status === CheckStatus.FAIL);
  const notRun = all.filter((c) => c.status === CheckStatus.NOT_RUN);
  log('');
  for (const e of errors) log(`ERROR   ${e}`);
  if (notRun.length) log(`NOT RUN: ${notRun.length} check(s) need the Vault Agent injector (VAULT_AGENT_INJECTOR_BIN unset: vault-k8s is not served by the Go module proxy)`);
  log(`${all.length - failed.length - notRun.length} passed, ${failed.length} failed, ${notRun.length} not run, ${errors.length} error(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s (${o.envs.join(', ')})`);
  if (o.requireAll && notRun.length) log('ERROR   --require-all: checks were not run');
  return failed.length || errors.length || (o.requireAll && notRun.length) ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
