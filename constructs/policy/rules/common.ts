import { EnvironmentProfile } from '../../model/profile';
import type { LoadedContract } from '../../contract/read-contract';
import type { DaprComponentDoc, DocumentIndex } from '../document-index';
import { asString, didYouMean, quoteList } from '../util';

/** Every profile. */
export const ALL_PROFILES: readonly EnvironmentProfile[] = [EnvironmentProfile.DEV, EnvironmentProfile.STAGING, EnvironmentProfile.PROD];
/** Staging and prod: the strict profiles. */
export const STRICT_PROFILES: readonly EnvironmentProfile[] = [EnvironmentProfile.STAGING, EnvironmentProfile.PROD];
/** Prod only. */
export const PROD_ONLY: readonly EnvironmentProfile[] = [EnvironmentProfile.PROD];

/** `in namespace 'x'` for messages. */
export function inNamespace(namespace: string): string {
  return `in namespace '${namespace}'`;
}

/** True if a metadata value is the text `true` (any case, trimmed). */
export function isTrue(value: unknown): boolean {
  return asString(value)?.trim().toLowerCase() === 'true';
}

/** A Component metadata entry by name (case-insensitive): whether present, its plain value, whether it comes from a secret. */
export function metadataValue(c: DaprComponentDoc, name: string): { present: boolean; value?: string; fromSecret: boolean } {
  const lower = name.toLowerCase();
  const item = c.metadata.find((m) => m.name.toLowerCase() === lower);
  if (!item) return { present: false, fromSecret: false };
  return { present: true, value: asString(item.value), fromSecret: item.secretKeyRef !== undefined || item.envRef !== undefined };
}

/** The built-in secret store every sidecar has (unless disabled): Kubernetes Secrets of the namespace. */
export const BUILTIN_SECRET_STORE = 'kubernetes';

/** The secret store Components (`secretstores.*`) of each namespace, by name: built once per check. */
export function secretStoresByNamespace(index: DocumentIndex): Map<string, string[]> {
  const byNs = new Map<string, string[]>();
  for (const x of index.components) {
    if (!x.type.startsWith('secretstores.')) continue;
    const list = byNs.get(x.object.namespace);
    if (list) list.push(x.object.name);
    else byNs.set(x.object.namespace, [x.object.name]);
  }
  return byNs;
}

/**
 * Why the `auth.secretStore` of an object (`ref`, in namespace `ns`, loaded by `apps`) cannot
 * resolve its secrets, or undefined: no such secret store, not a secret store, or not scoped to
 * every app. `failure` says what then fails (e.g. `the component fails to load`).
 */
export function secretStoreProblem(
  index: DocumentIndex,
  stores: Map<string, string[]>,
  target: { ref: string; ns: string; storeName: string | undefined; apps: readonly string[]; failure: string },
): string | undefined {
  const { ref, ns, storeName, apps, failure } = target;
  if (storeName === undefined || storeName === '' || storeName === BUILTIN_SECRET_STORE) return undefined;
  const store = index.component(ns, storeName);
  if (!store || !store.type.startsWith('secretstores.')) {
    const known = stores.get(ns) ?? [];
    return store
      ? `${ref} reads its secrets through auth.secretStore '${storeName}', but that Component has type '${store.type}', not a secretstores.* type: point auth.secretStore at a secret store.`
      : `${ref} reads its secrets through auth.secretStore '${storeName}', but there is no secret store Component '${storeName}' ${inNamespace(ns)}${didYouMean(storeName, known)}: ` +
          `add it, or use ${known.length > 0 ? `one of ${quoteList(known)}` : "'kubernetes' (Kubernetes Secrets of the namespace)"}.`;
  }
  if (store.scopes === undefined) return undefined;
  const storeApps = new Set(store.scopes);
  const missing = apps.filter((a) => !storeApps.has(a));
  if (missing.length === 0) return undefined;
  return (
    `${ref} reads its secrets through '${storeName}', but ${store.object.ref} is not scoped to ${quoteList(missing)}, ` +
    `so ${missing.length === 1 ? 'that app' : 'those apps'} cannot resolve the secretKeyRefs and ${failure}: add ${quoteList(missing)} to the scopes of '${storeName}'.`
  );
}

/**
 * The app-ids of a namespace that the platform contract knows besides the documents' workloads:
 * its apps and the apps it declares as living elsewhere (none without a contract).
 */
export function contractAppIds(contract: LoadedContract | undefined, ns: string): ReadonlySet<string> {
  if (!contract) return new Set();
  const d = contract.document;
  return new Set([...d.apps, ...d.externalApps].filter((a) => a.namespace === ns).map((a) => a.appId));
}

/** Why an object's `scopes` (`ref`, namespace `ns`) name app-ids no Dapr workload of the namespace has, or undefined. */
export function unknownScopesProblem(index: DocumentIndex, ref: string, ns: string, scopes: readonly string[] | undefined, elsewhere: ReadonlySet<string> = new Set()): string | undefined {
  const unknown = (scopes ?? []).filter((s) => !index.hasAppId(ns, s) && !elsewhere.has(s));
  if (unknown.length === 0) return undefined;
  const known = [...new Set([...index.appIdsIn(ns), ...elsewhere])].sort();
  return (
    `${ref} is scoped to ${quoteList(unknown)}, but no Dapr Deployment/StatefulSet ${inNamespace(ns)} has that dapr.io/app-id${unknown.map((u) => didYouMean(u, known)).join('')}` +
    `${elsewhere.size > 0 ? ' and the platform contract does not declare it' : ''}: ` +
    `fix the scope or the app-id, or declare an app that lives elsewhere (DaprChart.addExternalApp) (app-ids ${inNamespace(ns)}: ${known.length > 0 ? quoteList(known) : 'none'}).`
  );
}

/** The metadata keys daprd reads a pub/sub's topic scoping from (`pkg/scopes`), case-insensitively. */
export const TOPIC_SCOPE_KEYS: readonly string[] = ['publishingScopes', 'subscriptionScopes', 'allowedTopics', 'protectedTopics'];

/**
 * A pub/sub Component's topic-scoping metadata as daprd reads it (name → plain value), or undefined
 * when one of those keys comes from a secret or an environment variable: daprd resolves it, the
 * documents do not hold it, so the topic rules cannot decide and say nothing about that component.
 */
export function topicScopeMetadata(c: DaprComponentDoc): Map<string, string> | undefined {
  const keys = new Set(TOPIC_SCOPE_KEYS.map((k) => k.toLowerCase()));
  const out = new Map<string, string>();
  for (const m of c.metadata) {
    if (!keys.has(m.name.toLowerCase())) continue;
    if (m.secretKeyRef !== undefined || m.envRef !== undefined) return undefined;
    out.set(m.name, m.value === undefined || m.value === null ? '' : typeof m.value === 'string' ? m.value : String(m.value));
  }
  return out;
}
