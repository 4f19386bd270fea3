/**
 * The admission webhooks of a cluster, installed from the real charts and run as local processes:
 * the Dapr sidecar injector (with the Dapr Sentry it needs for its serving certificate) and, when a
 * binary is given, the Vault Agent injector.
 *
 * Each chart is rendered by the real helm (e2e/bin/build.sh) with the values of the environment's
 * helm_release, and every object it renders is applied to the API server (RBAC, ServiceAccounts,
 * Services, Deployments whose pods the controllers create and which stay Pending, Secrets and
 * ConfigMaps, the MutatingWebhookConfiguration). The processes are started from those Pending pods
 * (local-pod.ts): the args and env the chart's Deployment gives them, their service-account tokens
 * bound to the pod, their mounted Secrets and ConfigMaps.
 *
 * The one change to a chart's object: each MutatingWebhookConfiguration's `clientConfig.service` becomes
 * `clientConfig.url: https://<service>.<namespace>.svc:<local port><path>`. The API server reaches
 * service webhooks through the Service's ClusterIP, which only a kube-proxy routes; EndpointSlices may
 * not name 127.0.0.1. The URL keeps the host name the API server verifies the serving certificate
 * against in a cluster (`<service>.<namespace>.svc`: the name Sentry puts in the Dapr injector's
 * certificate, one of AGENT_INJECT_TLS_AUTO_HOSTS for Vault's); the API server's /etc/hosts maps it to
 * 127.0.0.1. Name, rules, selectors, failurePolicy, reinvocationPolicy, sideEffects, timeoutSeconds,
 * matchPolicy and admissionReviewVersions are the chart's, unchanged; caBundle is written by the
 * injectors themselves, as in a cluster.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { Kube, KubeObject, runProgram } from './kube';
import { startLocalPod } from './local-pod';
import { HelmReleaseInput } from './platform-input';
import { freePort, httpStatus, sleep, waitFor } from './util';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

export interface ClusterContext {
  readonly kube: Kube;
  readonly clusterDir: string;
  readonly apiServerPort: number;
  readonly helm: string;
  readonly log: (line: string) => void;
}

/** Renders a chart with the values of a helm_release; returns the objects. */
export function renderChart(ctx: ClusterContext, release: HelmReleaseInput, chartDir: string,
  setFiles: Record<string, string> = {}): KubeObject[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-helm-'));
  try {
    const args = ['template', release.name, chartDir, '--namespace', release.namespace, '--kube-version', '1.34.4', '--skip-crds'];
    release.values.forEach((v, i) => {
      const f = path.join(work, `values-${i}.yaml`);
      fs.writeFileSync(f, stringify(v));
      args.push('-f', f);
    });
    for (const s of release.set) args.push(s.type === 'string' ? '--set-string' : '--set', `${s.name}=${s.value}`);
    for (const s of release.setSensitive) {
      const file = setFiles[s.name];
      if (file === undefined) {
        throw new Error(`${release.path}: set_sensitive ${s.name} = ${s.value} has no value the harness can provide`);
      }
      args.push('--set-file', `${s.name}=${file}`);
    }
    const out = runProgram(ctx.helm, args);
    return parseAllDocuments(out).map((d) => d.toJSON()).filter((o: Json) => o && o.kind) as KubeObject[];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The chart's MutatingWebhookConfiguration with service clientConfigs turned into URLs (see above). */
export function toUrlWebhooks(mwc: Json, portOf: (service: string, namespace: string) => number): Json {
  const copy = JSON.parse(JSON.stringify(mwc));
  for (const w of copy.webhooks) {
    const svc = w.clientConfig.service;
    if (!svc) continue;
    w.clientConfig = {
      url: `https://${svc.name}.${svc.namespace}.svc:${portOf(svc.name, svc.namespace)}${svc.path ?? '/'}`,
      ...(w.clientConfig.caBundle ? { caBundle: w.clientConfig.caBundle } : {}),
    };
  }
  return copy;
}

function applyObjects(ctx: ClusterContext, objects: readonly KubeObject[], what: string): void {
  const r = ctx.kube.applyServerSide(objects.map((o) => JSON.stringify(o)).join('\n'), 'helm');
  if (!r.ok) throw new Error(`applying ${what} failed:\n${r.stderr}`);
}

/** When the API server's private hosts file was last written (ms since the epoch). */
let hostsWrittenAt = 0;

function addHost(ctx: ClusterContext, name: string): void {
  fs.appendFileSync(path.join(ctx.clusterDir, 'hosts'), `127.0.0.1 ${name}\n`);
  hostsWrittenAt = Date.now();
}

/**
 * The API server is a Go program with the pure-Go resolver, which caches the hosts file and looks at
 * it again only 5 s after its last read (net/hosts.go, cacheMaxAge). A webhook whose name was added
 * within those 5 s may not resolve yet, and a webhook with failurePolicy Ignore would then let pods
 * through unmutated (seen in dev). Call this before creating the pods the webhooks must see.
 */
export function waitForHostsFile(): void {
  const settled = hostsWrittenAt + 5_500 - Date.now();
  if (settled > 0) sleep(settled);
}

function firstPod(ctx: ClusterContext, namespace: string, selector: string): KubeObject {
  return waitFor(`a pod ${selector} in ${namespace}`, 60, () => {
    const items = ctx.kube.getJson<{ items: KubeObject[] }>(['pods', '-n', namespace, '-l', selector]).items;
    return items.length ? items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))[0] : undefined;
  });
}

function sentryPki(dir: string, trustDomain: string): Record<string, string> {
  // The environments take Sentry's root and issuer from Vault PKI (set_sensitive); the harness makes a
  // root and an issuer CA the same shape with openssl.
  const p = (f: string) => path.join(dir, f);
  const ossl = (...a: string[]) => runProgram('openssl', a);
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p('root.key'));
  ossl('req', '-x509', '-new', '-key', p('root.key'), '-days', '2', '-subj', `/O=${trustDomain}/CN=cluster.local`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', p('root.crt'));
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p('issuer.ec.key'));
  ossl('pkcs8', '-topk8', '-nocrypt', '-in', p('issuer.ec.key'), '-out', p('issuer.key'));
  ossl('req', '-new', '-key', p('issuer.key'), '-subj', `/O=${trustDomain}/CN=cluster.local`, '-out', p('issuer.csr'));
  fs.writeFileSync(p('issuer.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  ossl('x509', '-req', '-in', p('issuer.csr'), '-CA', p('root.crt'), '-CAkey', p('root.key'), '-CAcreateserial',
    '-days', '2', '-extfile', p('issuer.ext'), '-out', p('issuer.crt'));
  return {
    'dapr_sentry.tls.root.certPEM': p('root.crt'),
    'dapr_sentry.tls.issuer.certPEM': p('issuer.crt'),
    'dapr_sentry.tls.issuer.keyPEM': p('issuer.key'),
  };
}

export interface DaprInjectorSetup {
  /** Every object the chart rendered (applied; the webhook configuration as a URL webhook). */
  readonly objects: readonly KubeObject[];
  readonly injectorPort: number;
  readonly sentryPort: number;
  readonly webhookConfiguration: Json;
  readonly injectorArgs: readonly string[];
  readonly injectorEnv: Readonly<Record<string, string>>;
}

/** Installs the rendered Dapr chart and runs Sentry and the sidecar injector from their pods. */
export function startDaprInjector(ctx: ClusterContext, release: HelmReleaseInput, chartDir: string,
  binaries: { injector: string; sentry: string }): DaprInjectorSetup {
  const pkiDir = path.join(ctx.clusterDir, 'sentry-pki');
  fs.mkdirSync(pkiDir, { recursive: true });
  const merged = Object.assign({}, ...release.values) as Json;
  const trustDomain = merged.global?.mtls?.controlPlaneTrustDomain ?? 'cluster.local';
  const setFiles = release.setSensitive.length ? sentryPki(pkiDir, trustDomain) : {};
  const objects = renderChart(ctx, release, chartDir, setFiles);
  const injectorPort = freePort();
  const sentryPort = freePort();
  const mwc = objects.find((o) => o.kind === 'MutatingWebhookConfiguration' && o.metadata.name === 'dapr-sidecar-injector');
  if (!mwc) throw new Error(`${release.path}: the rendered Dapr chart has no MutatingWebhookConfiguration dapr-sidecar-injector`);
  const webhook = toUrlWebhooks(mwc, () => injectorPort);
  applyObjects(ctx, objects.filter((o) => o !== mwc), `the Dapr chart ${release.version}`);
  applyObjects(ctx, [webhook], 'the Dapr sidecar injector webhook configuration');
  const ns = release.namespace;

  const sentryPod = firstPod(ctx, ns, 'app=dapr-sentry');
  const sentryHealth = freePort();
  startLocalPod({
    kube: ctx.kube, clusterDir: ctx.clusterDir, apiServerPort: ctx.apiServerPort, pod: sentryPod, container: 'dapr-sentry',
    binary: binaries.sentry, name: 'dapr-sentry',
    argOverrides: { '--port': String(sentryPort), '--healthz-port': String(sentryHealth), '--metrics-port': String(freePort()) },
  });
  waitFor('Dapr Sentry healthz', 60, () => httpStatus(`http://127.0.0.1:${sentryHealth}/healthz`) === 200 || undefined);
  waitFor('the dapr-trust-bundle ConfigMap', 30, () => (ctx.kube.tryGet('configmap', 'dapr-trust-bundle', ns) as Json)?.data?.['ca.crt'] || undefined);
  ctx.log(`  Dapr Sentry ${release.version} running from pod ${ns}/${sentryPod.metadata.name} on 127.0.0.1:${sentryPort}`);

  addHost(ctx, `dapr-sidecar-injector.${ns}.svc`);
  const injectorPod = firstPod(ctx, ns, 'app=dapr-sidecar-injector');
  const injectorHealth = freePort();
  const inj = startLocalPod({
    kube: ctx.kube, clusterDir: ctx.clusterDir, apiServerPort: ctx.apiServerPort, pod: injectorPod, container: 'dapr-sidecar-injector',
    binary: binaries.injector, name: 'dapr-sidecar-injector',
    argOverrides: { '--port': String(injectorPort), '--healthz-port': String(injectorHealth), '--metrics-port': String(freePort()) },
    envOverrides: { DAPR_SENTRY_ADDRESS: `127.0.0.1:${sentryPort}` },
  });
  waitFor('the Dapr sidecar injector healthz (serving cert from Sentry, caBundle patched)', 90,
    () => httpStatus(`http://127.0.0.1:${injectorHealth}/healthz`) === 200 || undefined);
  const stored = waitFor('caBundle in dapr-sidecar-injector', 30, () => {
    const m = ctx.kube.tryGet('mutatingwebhookconfiguration', 'dapr-sidecar-injector') as Json;
    return m?.webhooks?.[0]?.clientConfig?.caBundle ? m : undefined;
  });
  ctx.log(`  Dapr sidecar injector ${release.version} running from pod ${ns}/${injectorPod.metadata.name}, webhook ${stored.webhooks[0].clientConfig.url}`);
  return { objects, injectorPort, sentryPort, webhookConfiguration: stored, injectorArgs: inj.args, injectorEnv: inj.env };
}

export interface VaultInjectorSetup {
  /** Every object the chart rendered; all but the webhook configuration are applied without a binary. */
  readonly objects: readonly KubeObject[];
  /** The stored webhook configuration, when the injector runs. */
  readonly webhookConfiguration?: Json;
}

/**
 * Installs the rendered vault chart's injector (its pod is created and admitted either way) and, given
 * a vault-k8s binary, registers its webhook and runs it from its pod. Without a binary the webhook
 * configuration is not applied (with the chart's failurePolicy Ignore, a registered webhook that
 * nothing serves would let every pod through unmutated).
 */
export function installVaultInjector(ctx: ClusterContext, release: HelmReleaseInput, chartDir: string, binary: string | undefined): VaultInjectorSetup {
  const objects = renderChart(ctx, release, chartDir);
  const mwc = objects.find((o) => o.kind === 'MutatingWebhookConfiguration');
  if (!mwc) throw new Error(`${release.path}: the rendered vault chart has no MutatingWebhookConfiguration`);
  applyObjects(ctx, objects.filter((o) => o !== mwc), `the vault chart ${release.version}`);
  if (binary === undefined) return { objects };
  const port = freePort();
  const webhook = toUrlWebhooks(mwc, () => port);
  applyObjects(ctx, [webhook], 'the Vault Agent injector webhook configuration');
  const svc = (webhook as Json).webhooks[0].clientConfig.url.replace(/^https:\/\/([^:/]+).*$/, '$1');
  addHost(ctx, svc);
  const ns = release.namespace;
  const pod = firstPod(ctx, ns, 'app.kubernetes.io/name=vault-agent-injector');
  startLocalPod({
    kube: ctx.kube, clusterDir: ctx.clusterDir, apiServerPort: ctx.apiServerPort, pod, container: 'sidecar-injector',
    binary, name: 'vault-agent-injector', envOverrides: { AGENT_INJECT_LISTEN: `127.0.0.1:${port}` },
  });
  waitFor('the Vault Agent injector /health/ready', 90, () => (Math.floor(httpStatus(`https://127.0.0.1:${port}/health/ready`) / 100) === 2) || undefined);
  const stored = waitFor(`caBundle in ${mwc.metadata.name}`, 30, () => {
    const m = ctx.kube.tryGet('mutatingwebhookconfiguration', mwc.metadata.name) as Json;
    return m?.webhooks?.[0]?.clientConfig?.caBundle ? m : undefined;
  });
  ctx.log(`  Vault Agent injector running from pod ${ns}/${pod.metadata.name}, webhook ${stored.webhooks[0].clientConfig.url}`);
  return { objects, webhookConfiguration: stored };
}
