/*
 * Synth-time checks of a DaprWorkload: its props, the graph it ended up in, and the annotations
 * it renders. Each message names the workload, the bad value and the fix.
 */
import { checkAppId, checkNamespace } from '../model/names';
import { notANumber } from '../model/number-guard';
import { isStrict } from '../model/profile';
import { TOPIC_NAME } from '../model/topic-grant';
import type { IStateStore } from './dapr-component';
import type { DaprWorkload } from './dapr-workload';
import { cpuMillis, memoryQuantity } from './resource-size';
import { WorkloadModel } from './workload-graph';
import { undeclaredExternalHosts } from './workload-network-policy';
import { podAnnotations } from './workload-pod';
import { APP_API_TOKEN_ENV, DAPR_API_TOKEN_ENV, DAPR_INTERNAL_GRPC_PORT, WorkloadRole } from './workload-types';

/**
 * Every problem of a workload. `twins` are the workloads of the tree with its app-id and namespace,
 * in construction order (the first one reports nothing about the others).
 */
export function validateWorkload(m: WorkloadModel, twins: readonly DaprWorkload[], reachersOf: (host: string) => DaprWorkload[] = () => [m.workload]): string[] {
  const p = m.props;
  const w = m.workload;
  const errors: string[] = [];
  const what = `workload '${w.appId}'`;
  const profile = m.settings.profile;
  const strict = isStrict(profile);
  const version = m.settings.daprVersion;

  const idError = checkAppId(w.appId);
  if (idError) errors.push(idError);
  if (!w.namespace) errors.push(`${what} has no namespace: pass 'namespace' or create it inside a chart that sets one.`);
  else {
    const nsError = checkNamespace(w.namespace);
    if (nsError) errors.push(nsError);
  }
  if (twins.length > 1 && twins[0] !== w) {
    errors.push(`app-id '${w.appId}' is used twice in namespace '${w.namespace}' (also at ${twins[0].node.path}): app-ids must be unique per namespace; rename one.`);
  }

  const image = parseImage(p.image);
  if (!image || (image.tag === undefined && image.digest === undefined)) {
    errors.push(`${what}: image '${p.image}' is not pinned: give a tag or a digest, e.g. 'registry.example.com/${w.appId}:1.4.2'.`);
  } else if (image.tag === 'latest') {
    errors.push(`${what}: image '${p.image}' uses 'latest', which moves under a running Deployment: pin a version tag or a digest.`);
  }
  const portType = p.appPort === undefined ? undefined : notANumber(what, 'appPort', p.appPort);
  if (portType) errors.push(portType);
  else if (p.appPort !== undefined && (!Number.isInteger(p.appPort) || p.appPort < 1 || p.appPort > 65535 || [3500, DAPR_INTERNAL_GRPC_PORT, 50001].includes(p.appPort))) {
    errors.push(`${what}: appPort ${p.appPort} is not a free port (1-65535, not daprd's 3500, 50001 or 50002).`);
  }
  const replicasType = notANumber(what, 'replicas', w.replicas);
  if (replicasType) errors.push(replicasType);
  else if (!Number.isInteger(w.replicas) || w.replicas < 1) errors.push(`${what}: replicas ${w.replicas} must be a positive integer.`);
  if (w.maxReplicas !== undefined && w.maxReplicas < w.replicas) {
    errors.push(`${what}: maxReplicas ${w.maxReplicas} is below replicas ${w.replicas}: raise it or drop autoscaling.`);
  }
  if (p.appMaxConcurrency !== undefined && (!Number.isInteger(p.appMaxConcurrency) || p.appMaxConcurrency < 1)) {
    errors.push(`${what}: appMaxConcurrency ${p.appMaxConcurrency} is not a positive integer: give the most concurrent calls the app handles, or omit it for no cap.`);
  }
  if ((p.runAsUser ?? 10001) === 0) errors.push(`${what}: runAsUser 0 is root: use a non-zero user id such as 10001.`);

  if (strict) {
    if (!w.sidecarResources.hasLimits) {
      errors.push(`${what}: the Dapr sidecar has no CPU and memory limits in a ${profile} environment: give sidecarResources with cpuLimit and memoryLimit.`);
    }
    if (!w.resources.hasLimits) errors.push(`${what}: the app container has no CPU and memory limits in a ${profile} environment: give resources with limits.`);
    if (p.appPort === undefined) errors.push(`${what}: no appPort, so the app container has no liveness and readiness probes in a ${profile} environment: give the port it serves health checks on.`);
  }
  errors.push(...apiTokenErrors(m, what));
  if (strict) errors.push(...undeclaredHostErrors(m, what, reachersOf));

  // Actor and workflow hosts need exactly one actor state store in scope.
  if (w.role !== WorkloadRole.SERVICE) {
    const actorStores = m.graph.components.filter((c) => (c as Partial<IStateStore>).isActorStateStore === true);
    if (actorStores.length === 0) {
      errors.push(`${what} is a ${w.role} but uses no actor state store: it needs exactly one; use a state store with actorStateStore: true.`);
    } else if (actorStores.length > 1) {
      // daprd 1.18.3 fails to load the second ('detected duplicate actor state store', pkg/runtime/compstore).
      const names = actorStores.map((s) => `'${s.componentName}'`).join(', ');
      errors.push(
        `${what} is a ${w.role} but uses ${actorStores.length} actor state stores (${names}), and daprd loads at most one: ` +
          `keep actorStateStore: true on the one that holds actor and workflow state and set it to false on the others (or stop using them from this workload).`,
      );
    }
  }

  errors.push(...graphErrors(m, what));

  const vault = m.graph.vaultStores();
  if (vault.length > 1 && new Set(vault.map((s) => s.kubernetesAuthPath)).size > 1) {
    errors.push(`${what} uses Vault stores with different Kubernetes auth paths (${vault.map((s) => s.kubernetesAuthPath).join(', ')}): one Vault Agent logs in once; use one auth path.`);
  }
  if (vault.length > 1 && new Set(vault.map((s) => s.agentTokenPath)).size > 1) {
    errors.push(`${what} uses Vault stores with different token paths (${vault.map((s) => `${s.componentName}: ${s.agentTokenPath}`).join(', ')}): its one Vault Agent writes one token file; give the stores the same vaultTokenMountPath.`);
  }

  // The Configuration named by dapr.io/config must exist next to the workload.
  const cfg = w.configuration;
  if (cfg.namespace !== w.namespace || cfg.node.root !== w.node.root) {
    errors.push(
      `${what}: dapr.io/config names Configuration '${cfg.configurationName}', which does not exist in namespace '${w.namespace}' ` +
        `(it is declared in '${cfg.namespace}'${cfg.node.root !== w.node.root ? ' of another app' : ''}), so daprd would exit at start: ` +
        `omit 'configuration' to get the workload's own, or declare it in '${w.namespace}'.`,
    );
  }

  // Only annotation keys the pinned version's injector reads.
  for (const key of Object.keys(podAnnotations(m))) {
    if (key.startsWith('dapr.io/') && !version.hasAnnotation(key)) {
      errors.push(`${what}: annotation '${key}' does not exist in Dapr ${version} (the injector would ignore it): remove the setting or pin a version that has it.`);
    }
  }
  const side = w.sidecarResources;
  if (side.memoryLimit && side.memoryLimit.toMebibytes() < side.memoryRequest.toMebibytes()) {
    errors.push(`${what}: sidecar memory limit ${memoryQuantity(side.memoryLimit)} is below its request ${memoryQuantity(side.memoryRequest)}.`);
  }
  if (side.cpuLimit && cpuMillis(side.cpuLimit) < cpuMillis(side.cpuRequest)) {
    errors.push(`${what}: sidecar CPU limit ${side.cpuLimit.amount} is below its request ${side.cpuRequest.amount}.`);
  }
  return errors;
}

/**
 * External hosts without declared CIDRs (strict profiles): reported once per host, by the first
 * workload (in construction order) that reaches it, naming the others.
 */
function undeclaredHostErrors(m: WorkloadModel, what: string, reachersOf: (host: string) => DaprWorkload[]): string[] {
  const errors: string[] = [];
  for (const host of undeclaredExternalHosts(m)) {
    const reachers = reachersOf(host);
    if (reachers[0] !== m.workload) continue;
    const others = reachers.slice(1).map((o) => o.appId);
    errors.push(
      `${what} reaches external host '${host}'${others.length ? ` (as do ${others.map((o) => `'${o}'`).join(', ')})` : ''}, whose address ranges the ${m.settings.profile} environment does not declare, ` +
        `so its NetworkPolicy egress could only be open to every address: add { host: '${host}', cidrs: ['<range>'] } to the DaprChart's externalHosts.`,
    );
  }
  return errors;
}

/** The API token and the app container's env. */
function apiTokenErrors(m: WorkloadModel, what: string): string[] {
  const p = m.props;
  const errors: string[] = [];
  const profile = m.settings.profile;
  if (p.apiToken === false && isStrict(profile)) {
    errors.push(`${what}: apiToken is false in a ${profile} environment, so any process that reaches daprd can call the Dapr API as this app: drop 'apiToken: false' (the workload then gets its own token Secret).`);
  }
  if (p.apiToken === false && p.apiTokenSecret) {
    errors.push(`${what}: apiToken is false but apiTokenSecret '${p.apiTokenSecret}' is given: drop one of them.`);
  }
  if (p.apiTokenSecret && (p.apiTokenSecret.store !== undefined || p.apiTokenSecret.key !== 'token')) {
    errors.push(`${what}: apiTokenSecret '${p.apiTokenSecret}' must be a Kubernetes Secret with key 'token' (daprd reads that key): use SecretRef.fromKubernetesSecret('<name>', 'token').`);
  }
  const env = p.env ?? {};
  for (const name of Object.keys(env).sort()) {
    const problem = env[name].problem(name);
    if (problem) errors.push(`${what}: ${problem}`);
  }
  if (env[DAPR_API_TOKEN_ENV] && m.workload.apiTokenSecret) {
    errors.push(`${what}: env sets ${DAPR_API_TOKEN_ENV}, which the workload sets itself from its API token Secret '${m.workload.apiTokenSecret.secretName}': remove it from env.`);
  }
  return [...errors, ...appTokenErrors(m, what)];
}

/** The token daprd sends the app (`dapr.io/app-token-secret`, `APP_API_TOKEN`). */
function appTokenErrors(m: WorkloadModel, what: string): string[] {
  const p = m.props;
  const errors: string[] = [];
  const profile = m.settings.profile;
  if (p.appPort === undefined) {
    if (p.appTokenSecret) errors.push(`${what}: appTokenSecret '${p.appTokenSecret}' is given but there is no appPort, so daprd never calls the app: drop appTokenSecret or give the appPort.`);
    return errors;
  }
  if (p.appToken === false && isStrict(profile)) {
    errors.push(
      `${what}: appToken is false in a ${profile} environment, so the app cannot tell daprd's calls from anything else that reaches port ${p.appPort}: ` +
        `drop 'appToken: false' (the workload then gets its own token Secret and the app ${APP_API_TOKEN_ENV}).`,
    );
  }
  if (p.appToken === false && p.appTokenSecret) errors.push(`${what}: appToken is false but appTokenSecret '${p.appTokenSecret}' is given: drop one of them.`);
  if (p.appTokenSecret && (p.appTokenSecret.store !== undefined || p.appTokenSecret.key !== 'token')) {
    errors.push(`${what}: appTokenSecret '${p.appTokenSecret}' must be a Kubernetes Secret with key 'token' (daprd reads that key): use SecretRef.fromKubernetesSecret('<name>', 'token').`);
  }
  const api = m.workload.apiTokenSecret;
  const app = m.workload.appTokenSecret;
  if (api && app && api.secretName === app.secretName) {
    errors.push(`${what}: the app token and the Dapr API token are both Secret '${app.secretName}', so whoever holds one can call daprd and the app alike: give each its own Secret (or drop appTokenSecret).`);
  }
  if ((p.env ?? {})[APP_API_TOKEN_ENV] && app) {
    errors.push(`${what}: env sets ${APP_API_TOKEN_ENV}, which the workload sets itself from its app token Secret '${app.secretName}': remove it from env.`);
  }
  return errors;
}

/** The components and the callees must be in the workload's namespace unless declared otherwise. */
function graphErrors(m: WorkloadModel, what: string): string[] {
  const w = m.workload;
  const g = m.graph;
  const errors: string[] = [];
  for (const c of g.usedComponents.values()) {
    if (c.namespace !== w.namespace) {
      errors.push(`${what} in namespace '${w.namespace}' uses component '${c.componentName}' of namespace '${c.namespace}': a sidecar loads only components of its own namespace.`);
    }
  }
  for (const e of g.outgoing) {
    if (e.callee.namespace !== w.namespace && !g.crossNamespaceCallees.has(e.callee)) {
      errors.push(
        `${what} (namespace '${w.namespace}') invokes '${e.callee.appId}' in namespace '${e.callee.namespace}' without saying so: ` +
          `pass { crossNamespace: true } to invokes() (callers then use the app-id '${e.callee.appId}.${e.callee.namespace}').`,
      );
    }
    if (e.operations.length === 0) errors.push(`${what} invokes '${e.callee.appId}' with no operations: list the paths and verbs it calls.`);
  }
  for (const e of g.publishEdges) {
    if (!TOPIC_NAME.test(e.topic)) {
      errors.push(
        `${what} publishes to topic '${e.topic}' of pub/sub '${e.pubsub.componentName}', which is not a valid topic name (letters, digits, '.', '_', '-', at most 249): ` +
          `daprd splits its publishingScopes on ';', '=' and ',' and drops spaces, so the grant would name other topics; rename the topic.`,
      );
    }
  }
  for (const e of [...g.externalOutgoing, ...g.externalIncoming]) {
    const outgoing = g.externalOutgoing.includes(e);
    const idError = checkAppId(e.app.appId);
    if (idError) errors.push(`${what}: ${outgoing ? 'callee' : 'caller'} ${idError}`);
    if (e.app.namespace !== w.namespace && !e.crossNamespace) {
      errors.push(
        `${what} (namespace '${w.namespace}') ${outgoing ? 'invokes' : 'is invoked by'} '${e.app.appId}' in namespace '${e.app.namespace}' without saying so: ` +
          `pass { crossNamespace: true } to ${outgoing ? 'invokesApp' : 'allowsInvocationFrom'}().`,
      );
    }
    if (e.operations.length === 0) {
      errors.push(`${what} ${outgoing ? 'invokes' : 'is invoked by'} '${e.app.appId}' with no operations: list the paths and verbs.`);
    }
  }
  return errors;
}

/** Splits `registry[:port]/path/name[:tag][@sha256:digest]`; undefined if malformed. */
function parseImage(image: string): { tag?: string; digest?: string } | undefined {
  const [ref, digest, extra] = image.split('@');
  if (extra !== undefined || !ref || /\s/.test(image)) return undefined;
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  return { tag, digest };
}
