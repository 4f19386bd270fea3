/**
 * Builds the platform contract of one environment from what the platform synthesized (its
 * Kubernetes documents) plus the environment facts the documents do not hold (the Dapr version,
 * the trust domain, the control-plane namespace, the external hosts, the apps declared elsewhere).
 * A pure function: the same input gives the same bytes (`contractText`).
 */
import { DaprComponentDoc, DocumentIndex, documentsFromObjects, K8sObject } from './document-index';
import { asArray, asObject, asString, asStringList, compareStrings, getPath } from './util';
import { parseHostPorts, urlEndpoints } from '../model/host-ports';
import {
  CONTRACT_API_VERSION,
  CONTRACT_KIND,
  ContractAccessControl,
  ContractApp,
  ContractCaller,
  ContractComponent,
  ContractDocument,
  ContractEndpoint,
  ContractFacts,
  ContractSecretKey,
  ContractSecretStore,
} from '../contract/contract-document';
import { topicGrants, topicScopesOf } from '../contract/topic-scopes';


const byString = <T>(key: (t: T) => string) => (a: T, b: T) => compareStrings(key(a), key(b));
const secretKeyOrder = byString<ContractSecretKey>((s) => `${s.name}\u0000${s.key}`);

/** The contract of one environment, from its rendered Kubernetes objects and the facts. */
export function buildContractDocument(manifests: readonly unknown[], facts: ContractFacts): ContractDocument {
  const index = new DocumentIndex(documentsFromObjects(`dist/${facts.environment}`, manifests, 'kubernetes'));
  const externalApps = [...facts.externalApps].map((a) => ({ appId: a.appId, namespace: a.namespace, owner: a.owner })).sort(byString((a) => `${a.namespace}/${a.appId}`));
  const appsIn = (ns: string) => [...new Set([...index.appIdsIn(ns), ...externalApps.filter((a) => a.namespace === ns).map((a) => a.appId)])].sort(compareStrings);
  const declared = (c: DaprComponentDoc) => facts.componentEndpoints?.find((e) => e.name === c.object.name && e.namespace === c.object.namespace)?.endpoints ?? [];
  const components = index.components.map((c) => componentEntry(c, appsIn, declared(c))).sort(byString((c) => `${c.namespace}/${c.name}`));
  return {
    apiVersion: CONTRACT_API_VERSION,
    kind: CONTRACT_KIND,
    environment: facts.environment,
    profile: facts.profile,
    dapr: {
      version: facts.daprVersion,
      controlPlaneNamespace: facts.controlPlaneNamespace,
      trustDomain: facts.trustDomain,
      controlPlaneTrustDomain: facts.controlPlaneTrustDomain,
    },
    namespace: facts.namespace,
    defaultDenyIngress: index.hasDefaultDenyIngress(facts.namespace),
    externalHosts: [...facts.externalHosts].map((h) => ({ host: h.host, cidrs: [...h.cidrs].sort(compareStrings) })).sort(byString((h) => h.host)),
    components,
    secretStores: secretStores(index, components, appsIn),
    apps: apps(index),
    externalApps,
  };
}

/** The contract as its file holds it: two-space JSON and a final newline. */
export function contractText(contract: ContractDocument): string {
  return `${JSON.stringify(contract, null, 2)}\n`;
}

/** A component's contract entry; its endpoints from its documents, else those its construct declared. */
function componentEntry(c: DaprComponentDoc, appsIn: (ns: string) => string[], declaredEndpoints: readonly ContractEndpoint[]): ContractComponent {
  const plain = c.metadata.filter((m) => typeof m.value === 'string').map((m) => ({ name: m.name, value: m.value as string }));
  const value = (name: string) => plain.find((m) => m.name.toLowerCase() === name.toLowerCase())?.value;
  const secrets = c.metadata
    .filter((m) => m.secretKeyRef && asString(m.secretKeyRef.name) && asString(m.secretKeyRef.key))
    .map((m) => ({ name: asString(m.secretKeyRef!.name)!, key: asString(m.secretKeyRef!.key)! }));
  const scopes = c.scopes ? [...c.scopes].sort(compareStrings) : null;
  const fromDocuments = endpointsOf(c.type, value);
  const isPubSub = c.type.startsWith('pubsub.');
  const topics = isPubSub ? topicScopesOf(plain) : null;
  return {
    name: c.object.name,
    namespace: c.object.namespace,
    type: c.type,
    version: c.version,
    scopes,
    actorStateStore: value('actorStateStore') === 'true',
    endpoints: fromDocuments.length > 0 ? fromDocuments : [...declaredEndpoints],
    secretStore: c.secretStore ?? null,
    secrets: uniqueSecrets(secrets),
    topics,
    topicGrants: topics ? topicGrants(topics, c.object.namespace, scopes ?? appsIn(c.object.namespace)) : null,
  };
}

/** Where daprd connects, for the types whose address metadata we know. */
function endpointsOf(type: string, value: (name: string) => string | undefined): ContractEndpoint[] {
  const text = (name: string) => value(name) ?? '';
  if (type === 'pubsub.kafka') return parseHostPorts(text('brokers'));
  if (type === 'state.redis' || type === 'pubsub.redis') return parseHostPorts(text('redisHost'));
  if (type === 'secretstores.hashicorp.vault') return urlEndpoints(text('vaultAddr'));
  return [];
}

function uniqueSecrets(secrets: readonly ContractSecretKey[]): ContractSecretKey[] {
  const seen = new Map(secrets.map((s) => [`${s.name}\u0000${s.key}`, s]));
  return [...seen.values()].sort(secretKeyOrder);
}

function secretStores(index: DocumentIndex, components: readonly ContractComponent[], appsIn: (ns: string) => string[]): ContractSecretStore[] {
  return components
    .filter((s) => s.type.startsWith('secretstores.'))
    .map((store) => {
      const readers = new Map<string, ContractSecretKey[]>();
      for (const app of store.scopes ?? appsIn(store.namespace)) readers.set(app, []);
      for (const c of components) {
        if (c.secretStore !== store.name || c.namespace !== store.namespace) continue;
        for (const app of c.scopes ?? appsIn(c.namespace)) readers.set(app, [...(readers.get(app) ?? []), ...c.secrets]);
      }
      return {
        name: store.name,
        namespace: store.namespace,
        type: store.type,
        vault: store.type === 'secretstores.hashicorp.vault' ? vaultSettings(index, store) : null,
        readers: [...readers.keys()].sort(compareStrings).map((appId) => ({ appId, secrets: uniqueSecrets(readers.get(appId)!) })),
      };
    });
}

function vaultSettings(index: DocumentIndex, store: ContractComponent): ContractSecretStore['vault'] {
  const doc = index.components.find((c) => c.object.name === store.name && c.object.namespace === store.namespace)!;
  const value = (name: string) => {
    const m = doc.metadata.find((e) => e.name.toLowerCase() === name.toLowerCase());
    return typeof m?.value === 'string' ? m.value : undefined;
  };
  // The auth mount the apps' Vault Agents log in at is on their pods, not on the Component.
  const authPaths = new Set(
    index.daprWorkloads
      .filter((w) => w.object.namespace === store.namespace && w.appId && (store.scopes === null || store.scopes.includes(w.appId)))
      .map((w) => w.podAnnotations['vault.hashicorp.com/auth-path'])
      .filter((p): p is string => typeof p === 'string'),
  );
  return {
    address: value('vaultAddr') ?? '',
    enginePath: value('enginePath') ?? 'secret',
    kvPrefix: value('vaultKVPrefix') ?? 'dapr',
    kvUsePrefix: (value('vaultKVUsePrefix') ?? 'true') === 'true',
    tokenMountPath: value('vaultTokenMountPath') ?? null,
    kubernetesAuthPath: authPaths.size === 1 ? [...authPaths][0] : null,
  };
}

function apps(index: DocumentIndex): ContractApp[] {
  const configs = new Map(index.configurations.map((c) => [`${c.namespace}/${c.name}`, c]));
  const seen = new Map<string, ContractApp>();
  for (const w of index.daprWorkloads) {
    if (!w.appId) continue;
    const ns = w.object.namespace;
    const configuration = w.podAnnotations['dapr.io/config'] ?? null;
    const config = configuration === null ? undefined : configs.get(`${ns}/${configuration}`);
    seen.set(`${ns}/${w.appId}`, { appId: w.appId, namespace: ns, configuration, accessControl: config ? accessControl(config) : null });
  }
  return [...seen.keys()].sort(compareStrings).map((k) => seen.get(k)!);
}

function accessControl(config: K8sObject): ContractAccessControl | null {
  const acl = asObject(getPath(config.body, 'spec', 'accessControl'));
  if (!acl) return null;
  const trustDomain = asString(acl.trustDomain) ?? 'public';
  const callers: ContractCaller[] = asArray(acl.policies)
    .map((raw) => asObject(raw))
    .filter((p): p is NonNullable<typeof p> => !!p)
    .map((p) => ({
      appId: asString(p.appId) ?? '',
      namespace: asString(p.namespace) ?? '',
      trustDomain: asString(p.trustDomain) ?? 'public',
      defaultAction: asString(p.defaultAction) ?? '',
      operations: asArray(p.operations)
        .map((o) => asObject(o))
        .filter((o): o is NonNullable<typeof o> => !!o)
        // In the Configuration's order: for two operations of the same name daprd keeps the first.
        .map((o) => ({ name: asString(o.name) ?? '', httpVerb: [...(asStringList(o.httpVerb) ?? [])].sort(compareStrings), action: asString(o.action) ?? '' })),
    }))
    .sort(byString((p) => `${p.namespace}/${p.appId}`));
  // daprd: no global defaultAction is deny when there are policies, allow when there are none.
  return { defaultAction: asString(acl.defaultAction) || (callers.length > 0 ? 'deny' : 'allow'), trustDomain, callers };
}
