/*
 * Rules on what the pod needs besides its annotations to work once the webhooks have run: the Dapr
 * API token and the app token reaching both daprd and the app, and actor hosts reaching their own
 * replicas' daprd.
 */
import { DaprComponentDoc, DocumentIndex, K8sObject, Workload } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { asArray, asObject, asString, asStringMap, compareStrings, getPath, JsonObject, selectorMatches } from '../util';
import { ALL_PROFILES, inNamespace, isTrue, metadataValue, STRICT_PROFILES } from './common';

const API_TOKEN_ENV = 'DAPR_API_TOKEN';
const SERVICE_ACCOUNT_TOKEN = 'kubernetes.io/service-account-token';
/** daprd's internal gRPC port and the name Dapr's injector gives it on the daprd container. */
const INTERNAL_GRPC_PORT = 50002;
const INTERNAL_GRPC_PORT_NAME = 'dapr-internal';

function v(w: Workload, message: string): RuleViolation {
  return { target: w.object, message };
}

/** Every env entry named `envName` (default `DAPR_API_TOKEN`) of the pod's (non-init) containers. */
function apiTokenEnv(w: Workload, envName: string = API_TOKEN_ENV): { container: string; entry: JsonObject }[] {
  const out: { container: string; entry: JsonObject }[] = [];
  for (const raw of asArray(w.podSpec.containers)) {
    const c = asObject(raw);
    if (!c) continue;
    for (const e of asArray(c.env)) {
      const entry = asObject(e);
      if (entry && entry.name === envName) out.push({ container: asString(c.name) ?? '(unnamed)', entry });
    }
  }
  return out;
}

function describeSource(entry: JsonObject): string {
  const ref = asObject(getPath(entry, 'valueFrom', 'secretKeyRef'));
  if (ref) return `Secret '${asString(ref.name) ?? ''}' key '${asString(ref.key) ?? ''}'`;
  if (entry.value !== undefined) return 'a plain value (a secret written into the manifest)';
  return 'a source other than a Secret';
}

/** True for an env entry read from key `token` of Secret `name`. */
function fromTokenSecret(name: string): (e: JsonObject) => boolean {
  return (e) => {
    const ref = asObject(getPath(e, 'valueFrom', 'secretKeyRef'));
    return ref !== undefined && ref.name === name && ref.key === 'token';
  };
}

function isProvided(provided: readonly string[] | undefined, namespace: string, name: string): boolean {
  return (provided ?? []).some((p) => p === name || p === `${namespace}/${name}`);
}

export const WORKLOAD_API_TOKEN_DELIVERED: Rule = {
  id: 'DAPR-WORK-015',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'A workload with `dapr.io/api-token-secret` gives its app container `DAPR_API_TOKEN` from that Secret (key `token`), and the Secret is in the documents or declared as provided by the platform (`--provided-secret`); a service-account token Secret belongs to a ServiceAccount of its own that is in the documents, not to the pod\'s.',
  why: 'https://docs.dapr.io/operations/security/api-token/',
  check: ({ index, providedSecrets }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      const name = w.podAnnotations['dapr.io/api-token-secret'];
      if (!name) continue;
      const ns = w.object.namespace;
      const entries = apiTokenEnv(w);
      const fromSecret = fromTokenSecret(name);
      if (!entries.some((e) => fromSecret(e.entry))) {
        out.push(
          v(
            w,
            `${w.object.ref} has dapr.io/api-token-secret '${name}', so daprd answers 401 to every Dapr API call without that token, but no container gets ${API_TOKEN_ENV} from it (the injector gives app containers no token): ` +
              `add env ${API_TOKEN_ENV} with valueFrom.secretKeyRef {name: ${name}, key: token} to the app container.`,
          ),
        );
      }
      for (const e of entries.filter((x) => !fromSecret(x.entry))) {
        out.push(
          v(w, `${w.object.ref} container '${e.container}' sets ${API_TOKEN_ENV} from ${describeSource(e.entry)}, not from the Secret daprd reads ('${name}', key 'token'): use valueFrom.secretKeyRef {name: ${name}, key: token}.`),
        );
      }
      if (!index.hasSecret(ns, name) && !isProvided(providedSecrets, ns, name)) {
        out.push(
          v(
            w,
            `${w.object.ref} has dapr.io/api-token-secret '${name}', but no Secret '${name}' ${inNamespace(ns)} is among the documents or declared as provided by the platform, so daprd would fail with CreateContainerConfigError: ` +
              `render the Secret (a DaprWorkload renders '<app-id>-dapr-api-token'), or pass --provided-secret ${ns}/${name} if the platform creates it.`,
          ),
        );
      }
      const secret = index.find('Secret', ns, name);
      if (secret) out.push(...secretProblems(index, w, secret));
    }
    return out;
  },
};

const APP_TOKEN_ENV = 'APP_API_TOKEN';

export const WORKLOAD_APP_TOKEN: Rule = {
  id: 'DAPR-WORK-017',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'In staging and prod a workload with an app channel (`dapr.io/app-port`) has `dapr.io/app-token-secret`, so daprd authenticates its calls into the app; its app container gets `APP_API_TOKEN` from that Secret (key `token`) to verify them; the Secret is in the documents (a service-account token of a ServiceAccount of its own) or declared as provided, and is not the API token\'s.',
  why: 'https://docs.dapr.io/operations/security/app-api-token/',
  check: ({ index, providedSecrets }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      const port = w.podAnnotations['dapr.io/app-port'];
      if (port === undefined) continue;
      const name = w.podAnnotations['dapr.io/app-token-secret'];
      const ns = w.object.namespace;
      if (!name) {
        out.push(
          v(
            w,
            `${w.object.ref} has app port ${port} but no dapr.io/app-token-secret, so the app cannot tell daprd's calls from anything else that reaches the port: ` +
              `set dapr.io/app-token-secret to a token Secret of its own (a DaprWorkload renders '<app-id>-dapr-app-token') and give the app ${APP_TOKEN_ENV} from it.`,
          ),
        );
        continue;
      }
      const entries = apiTokenEnv(w, APP_TOKEN_ENV);
      const fromSecret = fromTokenSecret(name);
      if (!entries.some((e) => fromSecret(e.entry))) {
        out.push(
          v(
            w,
            `${w.object.ref} has dapr.io/app-token-secret '${name}', so daprd sends that token with every call into the app, but no container gets ${APP_TOKEN_ENV} from it, so the app cannot check it: ` +
              `add env ${APP_TOKEN_ENV} with valueFrom.secretKeyRef {name: ${name}, key: token} to the app container.`,
          ),
        );
      }
      for (const e of entries.filter((x) => !fromSecret(x.entry))) {
        out.push(v(w, `${w.object.ref} container '${e.container}' sets ${APP_TOKEN_ENV} from ${describeSource(e.entry)}, not from the Secret daprd sends ('${name}', key 'token'): use valueFrom.secretKeyRef {name: ${name}, key: token}.`));
      }
      if (name === w.podAnnotations['dapr.io/api-token-secret']) {
        out.push(v(w, `${w.object.ref} uses Secret '${name}' as both its API token and its app token, so whoever holds one can call daprd and the app alike: give the app token a Secret of its own.`));
      }
      if (!index.hasSecret(ns, name) && !isProvided(providedSecrets, ns, name)) {
        out.push(
          v(
            w,
            `${w.object.ref} has dapr.io/app-token-secret '${name}', but no Secret '${name}' ${inNamespace(ns)} is among the documents or declared as provided by the platform, so daprd would fail with CreateContainerConfigError: ` +
              `render the Secret (a DaprWorkload renders '<app-id>-dapr-app-token'), or pass --provided-secret ${ns}/${name} if the platform creates it.`,
          ),
        );
      }
      const secret = index.find('Secret', ns, name);
      if (secret) out.push(...secretProblems(index, w, secret, 'app token'));
    }
    return out;
  },
};

/** A token Secret in the documents: where its `token` comes from. */
function secretProblems(index: DocumentIndex, w: Workload, secret: K8sObject, what: string = 'API token'): RuleViolation[] {
  const ns = w.object.namespace;
  const body = secret.body;
  if (body.type !== SERVICE_ACCOUNT_TOKEN) {
    const data = asObject(body.data);
    const stringData = asObject(body.stringData);
    if ((data || stringData) && data?.token === undefined && stringData?.token === undefined) {
      return [v(w, `${w.object.ref} reads its ${what} from ${secret.ref}, which has no key 'token' (the key daprd and the app read): add it.`)];
    }
    return [];
  }
  const sa = asStringMap(getPath(body, 'metadata', 'annotations'))['kubernetes.io/service-account.name'];
  if (!sa) {
    return [v(w, `${w.object.ref} reads its ${what} from ${secret.ref} of type ${SERVICE_ACCOUNT_TOKEN} without the annotation kubernetes.io/service-account.name, so the token controller never fills it: name its own ServiceAccount there.`)];
  }
  const podSa = asString(w.podSpec.serviceAccountName) ?? 'default';
  if (sa === podSa) {
    return [
      v(
        w,
        `${w.object.ref} reads its ${what} from ${secret.ref}, a token of the pod's own ServiceAccount '${sa}', which Vault roles and RBAC are bound to: a leaked ${what} would log in as the app; ` +
          `give the Secret a ServiceAccount of its own without bindings (a DaprWorkload uses '<app-id>-dapr-${what === 'API token' ? 'api' : 'app'}-token').`,
      ),
    ];
  }
  if (!index.find('ServiceAccount', ns, sa)) {
    return [v(w, `${w.object.ref} reads its ${what} from ${secret.ref}, whose ServiceAccount '${sa}' is not among the documents ${inNamespace(ns)}, so the token controller deletes the Secret instead of filling it: render ServiceAccount '${sa}'.`)];
  }
  return [];
}

/** The actor state stores of each namespace (computed once per check). */
function actorStoresByNamespace(index: DocumentIndex): Map<string, DaprComponentDoc[]> {
  const byNs = new Map<string, DaprComponentDoc[]>();
  for (const c of index.components) {
    if (!c.type.startsWith('state.') || !isTrue(metadataValue(c, 'actorStateStore').value)) continue;
    byNs.set(c.object.namespace, [...(byNs.get(c.object.namespace) ?? []), c]);
  }
  return byNs;
}

type Direction = 'Ingress' | 'Egress';

/** The policy types of a NetworkPolicy, with Kubernetes' defaults when absent. */
function policyTypes(np: K8sObject): string[] {
  const declared = asArray(getPath(np.body, 'spec', 'policyTypes')).map(asString);
  if (declared.length) return declared.filter((t): t is string => t !== undefined);
  return getPath(np.body, 'spec', 'egress') === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

/** True if a rule's peers include the workload's own pods (no peers: everything). */
function peersIncludeSelf(rule: JsonObject, key: 'from' | 'to', w: Workload, index: DocumentIndex): boolean {
  const peers = asArray(rule[key]);
  if (peers.length === 0) return true;
  const ns = w.object.namespace;
  const nsLabels = { ...asStringMap(getPath(index.find('Namespace', '', ns)?.body, 'metadata', 'labels')), 'kubernetes.io/metadata.name': ns };
  return peers.some((raw) => {
    const p = asObject(raw);
    if (!p || p.ipBlock !== undefined) return false;
    if (p.namespaceSelector !== undefined && !selectorMatches(p.namespaceSelector, nsLabels)) return false;
    return p.podSelector === undefined || selectorMatches(p.podSelector, w.podLabels);
  });
}

/** True if a rule's ports include daprd's internal gRPC port (no ports: all). */
function portsInclude(rule: JsonObject, port: number): boolean {
  const ports = asArray(rule.ports);
  if (ports.length === 0) return true;
  return ports.some((raw) => {
    const p = asObject(raw);
    if (!p || (p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined || p.port === port || p.port === String(port) || p.port === INTERNAL_GRPC_PORT_NAME) return true;
    return typeof p.port === 'number' && typeof p.endPort === 'number' && p.port <= port && port <= p.endPort;
  });
}

export const WORKLOAD_ACTOR_PEERS: Rule = {
  id: 'DAPR-WORK-016',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'A workload that loads an actor state store (an actor or workflow host) is allowed by the NetworkPolicies that select its pods to reach its own pods on daprd\'s internal gRPC port (50002, or `dapr.io/internal-grpc-port`), ingress and egress.',
  why: 'https://docs.dapr.io/developing-applications/building-blocks/actors/actors-features-concepts/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    const actorStores = actorStoresByNamespace(index);
    for (const w of index.daprWorkloads) {
      // The actor state stores its daprd loads: scoped to it, or unscoped in its namespace.
      const stores = (actorStores.get(w.object.namespace) ?? [])
        .filter((c) => c.scopes === undefined || (w.appId !== undefined && c.scopes.includes(w.appId)))
        .map((c) => c.object.name);
      if (stores.length === 0) continue;
      const port = Number(w.podAnnotations['dapr.io/internal-grpc-port'] ?? INTERNAL_GRPC_PORT);
      const policies = index.networkPoliciesSelecting(w);
      const labels = Object.entries(w.podLabels)
        .map(([k, val]) => `${k}: ${val}`)
        .join(', ');
      for (const dir of ['Ingress', 'Egress'] as Direction[]) {
        const isolating = policies.filter((np) => policyTypes(np).includes(dir));
        if (isolating.length === 0) continue;
        const [listKey, peerKey] = dir === 'Ingress' ? (['ingress', 'from'] as const) : (['egress', 'to'] as const);
        const allowed = isolating.some((np) =>
          asArray(getPath(np.body, 'spec', listKey)).some((raw) => {
            const rule = asObject(raw);
            return rule !== undefined && peersIncludeSelf(rule, peerKey, w, index) && portsInclude(rule, port);
          }),
        );
        if (allowed) continue;
        out.push(
          v(
            w,
            `${w.object.ref} loads actor state store ${stores.map((s) => `'${s}'`).join(', ')}, so its replicas call each other's daprd on ${port} (an actor call goes to the replica that hosts the actor), ` +
              `but ${isolating.map((np) => np.ref).sort(compareStrings).join(', ')} ${isolating.length === 1 ? 'isolates' : 'isolate'} its pods for ${dir.toLowerCase()} and none allows its own pods on TCP ${port}: actor and workflow calls placed on another replica time out; ` +
              `add an ${dir.toLowerCase()} rule ${peerKey} podSelector.matchLabels {${labels}} on TCP ${port}.`,
          ),
        );
      }
    }
    return out;
  },
};
