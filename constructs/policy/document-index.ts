import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parse as parseYaml, parseAllDocuments } from 'yaml';
import { CONTRACT_API_VERSION, CONTRACT_KIND } from '../contract/contract-document';
import { readBlockYaml } from './block-yaml';
import { DocumentFormat, LoadedDocument, PolicyTarget } from './types';
import {
  asArray,
  asObject,
  asString,
  asStringList,
  asStringMap,
  compareStrings,
  getPath,
  JsonObject,
  selectorMatches,
} from './util';

/** A file or directory that cannot be read or parsed. The CLI reports it as a usage error. */
export class PolicyInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PolicyInputError';
  }
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads every Kubernetes manifest and Terraform JSON configuration under the given files or
 * directories. Directories are walked recursively in sorted order (skipping `node_modules`,
 * `.terraform` and hidden directories) for `*.yaml`, `*.yml` and `*.json`. YAML files may hold
 * many documents; `kind: List` objects are expanded. `cdk.tf.json` / `*.tf.json` are Terraform;
 * other JSON is Kubernetes if it has `apiVersion` and `kind`, Terraform if it has `resource`,
 * and ignored otherwise (e.g. cdktf's `manifest.json`). YAML documents without `apiVersion`/`kind`
 * are ignored too (e.g. Helm values files).
 * @throws PolicyInputError if a path does not exist or a file does not parse
 */
export function loadDocuments(paths: string[]): LoadedDocument[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new PolicyInputError(`'${p}' does not exist: pass a directory of synthesized manifests (e.g. dist/prod) or files.`);
    }
    if (stat.isDirectory()) collectFiles(p, files);
    else files.push(p);
  }
  const docs: LoadedDocument[] = [];
  for (const file of files) docs.push(...parseFile(file, fs.readFileSync(file, 'utf8')));
  return docs;
}

function collectFiles(dir: string, out: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED_DIRECTORIES.has(e.name)) collectFiles(full, out);
    } else if (e.isFile() && MANIFEST_EXTENSIONS.some((ext) => e.name.endsWith(ext))) {
      out.push(full);
    }
  }
}

/**
 * Parses the text of one file into documents (exported for callers that hold the text already).
 * @throws PolicyInputError if the text does not parse
 */
export function parseFile(file: string, text: string): LoadedDocument[] {
  const base = path.basename(file);
  if (base.endsWith('.json')) {
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (e) {
      throw new PolicyInputError(`${file}: invalid JSON: ${(e as Error).message}`);
    }
    const forced = base === 'cdk.tf.json' || base.endsWith('.tf.json') ? 'terraform' : undefined;
    return documentsFromObjects(file, [content], forced);
  }
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { prettyErrors: false, lineCounter });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const objects: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = lineCounter.linePos(err.pos[0]);
      throw new PolicyInputError(`${file}: invalid YAML (line ${pos.line}, column ${pos.col}): ${err.message}`);
    }
    objects.push(doc.toJS({ maxAliasCount: -1 }));
  }
  return documentsFromObjects(file, objects);
}

/** What a parsed object is: a Kubernetes object, Terraform JSON, or neither (undefined). */
export function classifyDocument(content: unknown): DocumentFormat | undefined {
  const o = asObject(content);
  if (!o) return undefined;
  // A platform contract (dist/<env>.contract.json) is an input of its own (--contract), never a manifest.
  if (o.kind === CONTRACT_KIND && o.apiVersion === CONTRACT_API_VERSION) return undefined;
  if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') return 'kubernetes';
  if (asObject(o.resource) || asObject(o.terraform)) return 'terraform';
  return undefined;
}

/**
 * Wraps in-memory objects (e.g. what a cdk8s chart's `toJson()` or a cdktf stack's
 * `toTerraform()` returns) as documents of a file, so `checkDocuments` can run without
 * re-reading anything. Objects that are neither Kubernetes nor Terraform are dropped;
 * `kind: List` is expanded.
 */
export function documentsFromObjects(file: string, objects: readonly unknown[], format?: DocumentFormat): LoadedDocument[] {
  const docs: LoadedDocument[] = [];
  objects.forEach((content, index) => {
    const o = asObject(content);
    if (!o) return;
    const kind = format ?? classifyDocument(o);
    if (!kind) return;
    if (kind === 'kubernetes' && o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) {
        const io = asObject(item);
        if (io && classifyDocument(io) === 'kubernetes') docs.push({ file, index, format: 'kubernetes', content: io });
      }
      return;
    }
    docs.push({ file, index, format: kind, content: o });
  });
  return docs;
}

/** Kubernetes kinds that have no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'IngressClass',
  'RuntimeClass',
]);

/** A Kubernetes object from a manifest. */
export interface K8sObject extends PolicyTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** The namespace (`default` if the manifest omits it); empty for cluster-scoped kinds. */
  readonly namespace: string;
  readonly body: JsonObject;
}

/** A Deployment or StatefulSet. */
export interface Workload {
  readonly object: K8sObject;
  /** `spec.template.spec`. */
  readonly podSpec: JsonObject;
  /** `spec.template.metadata.labels`. */
  readonly podLabels: Record<string, string>;
  /** `spec.template.metadata.annotations`. */
  readonly podAnnotations: Record<string, string>;
  /** `dapr.io/enabled: "true"` on the pod template. */
  readonly daprEnabled: boolean;
  /** `dapr.io/app-id` on the pod template (only for Dapr-enabled workloads). */
  readonly appId?: string;
  /** `spec.replicas` (1 if absent). */
  readonly replicas: number;
}

/** One `spec.metadata[]` entry of a Component. */
export interface MetadataItem {
  readonly name: string;
  /** True if the entry has a `value` key. */
  readonly hasValue: boolean;
  readonly value: unknown;
  /** The `secretKeyRef`, if the entry has one. */
  readonly secretKeyRef?: JsonObject;
  readonly envRef?: string;
}

/** A Dapr Component. */
export interface DaprComponentDoc {
  readonly object: K8sObject;
  /** `spec.type`, e.g. `state.redis`. */
  readonly type: string;
  /** `spec.version`, e.g. `v1`. */
  readonly version: string;
  /** Top-level `scopes`; undefined if absent or empty (the component is loaded by every app of the namespace). */
  readonly scopes?: string[];
  /** `auth.secretStore`. */
  readonly secretStore?: string;
  readonly metadata: MetadataItem[];
}

/** A Dapr Subscription (v1alpha1 or v2alpha1). */
export interface SubscriptionDoc {
  readonly object: K8sObject;
  readonly pubsubName?: string;
  readonly topic?: string;
  readonly deadLetterTopic?: string;
  /** Top-level `scopes`; undefined if absent or empty (every app of the namespace subscribes). */
  readonly scopes?: string[];
}

/** A `helm_release` of the `dapr` chart in Terraform JSON. */
export interface HelmRelease extends PolicyTarget {
  /** Terraform logical id. */
  readonly id: string;
  readonly body: JsonObject;
  readonly chart: string;
  readonly version?: string;
  /** Release namespace (`default` if unset). */
  readonly namespace: string;
  /** Each entry of `values` that parsed as YAML (Terraform expressions are skipped). */
  readonly valueDocuments: readonly JsonObject[];
  /** `set` entries: name → value. */
  readonly set: ReadonlyMap<string, unknown>;
  /** `set_sensitive` entry names. */
  readonly setSensitive: ReadonlySet<string>;
}

/**
 * Every document, indexed once (by kind, by namespace/name, app-ids per namespace, components per
 * namespace, PodDisruptionBudgets by label, Subscriptions by topic) so that each rule is linear.
 */
export class DocumentIndex {
  public readonly documents: readonly LoadedDocument[];
  public readonly objects: readonly K8sObject[];
  public readonly workloads: readonly Workload[];
  /** Workloads with `dapr.io/enabled: "true"` on the pod template. */
  public readonly daprWorkloads: readonly Workload[];
  public readonly components: readonly DaprComponentDoc[];
  public readonly configurations: readonly K8sObject[];
  public readonly subscriptions: readonly SubscriptionDoc[];
  public readonly helmReleases: readonly HelmRelease[];

  private readonly byKind = new Map<string, K8sObject[]>();
  private readonly byKey = new Map<string, K8sObject>();
  private readonly appIds = new Map<string, Map<string, Workload[]>>();
  private readonly sortedAppIds = new Map<string, readonly string[]>();
  private readonly componentsByNs = new Map<string, Map<string, DaprComponentDoc>>();
  private readonly subscriptionsByTopic = new Map<string, SubscriptionDoc[]>();
  private readonly pdbs = new PodSelectorIndex(['spec', 'selector']);
  private readonly networkPolicies = new PodSelectorIndex(['spec', 'podSelector']);
  private readonly terraformSecrets = new Set<string>();
  private readonly defaultDeny = new Set<string>();
  private readonly componentScopeSets = new Map<DaprComponentDoc, ReadonlySet<string>>();

  public constructor(documents: readonly LoadedDocument[]) {
    this.documents = documents;
    const objects: K8sObject[] = [];
    const releases: HelmRelease[] = [];
    for (const doc of documents) {
      if (doc.format === 'kubernetes') {
        const o = toK8sObject(doc);
        if (o) objects.push(o);
      } else {
        releases.push(...daprReleases(doc));
        for (const key of terraformSecretKeys(doc)) this.terraformSecrets.add(key);
      }
    }
    objects.sort(compareTargets);
    releases.sort(compareTargets);
    this.objects = objects;
    this.helmReleases = releases;

    const workloads: Workload[] = [];
    const components: DaprComponentDoc[] = [];
    const subscriptions: SubscriptionDoc[] = [];
    for (const o of objects) {
      push(this.byKind, o.kind, o);
      const key = objectKey(o.kind, o.namespace, o.name);
      if (!this.byKey.has(key)) this.byKey.set(key, o);
      if (o.kind === 'Deployment' || o.kind === 'StatefulSet') workloads.push(toWorkload(o));
      else if (o.kind === 'Component' && o.apiVersion.startsWith('dapr.io/')) components.push(toComponent(o));
      else if (o.kind === 'Subscription' && o.apiVersion.startsWith('dapr.io/')) subscriptions.push(toSubscription(o));
      else if (o.kind === 'PodDisruptionBudget') this.pdbs.add(o);
      else if (o.kind === 'NetworkPolicy') {
        this.networkPolicies.add(o);
        if (isDefaultDenyIngress(o)) this.defaultDeny.add(o.namespace);
      }
    }
    this.workloads = workloads;
    this.daprWorkloads = workloads.filter((w) => w.daprEnabled);
    for (const w of this.daprWorkloads) {
      if (w.appId === undefined) continue;
      let m = this.appIds.get(w.object.namespace);
      if (!m) this.appIds.set(w.object.namespace, (m = new Map()));
      push(m, w.appId, w);
    }
    this.components = components;
    for (const c of components) {
      let m = this.componentsByNs.get(c.object.namespace);
      if (!m) this.componentsByNs.set(c.object.namespace, (m = new Map()));
      if (!m.has(c.object.name)) m.set(c.object.name, c);
    }
    this.configurations = this.ofKind('Configuration').filter((o) => o.apiVersion.startsWith('dapr.io/'));
    this.subscriptions = subscriptions;
    for (const s of subscriptions) {
      if (s.topic !== undefined) push(this.subscriptionsByTopic, topicKey(s.object.namespace, s.pubsubName ?? '', s.topic), s);
    }
  }

  /** Every object of a kind, sorted by namespace, name and file. */
  public ofKind(kind: string): readonly K8sObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object of a kind with this namespace and name. */
  public find(kind: string, namespace: string, name: string): K8sObject | undefined {
    return this.byKey.get(objectKey(kind, namespace, name));
  }

  /** The Dapr app-ids of a namespace, sorted (computed once per namespace). */
  public appIdsIn(namespace: string): readonly string[] {
    let sorted = this.sortedAppIds.get(namespace);
    if (!sorted) {
      sorted = Object.freeze([...(this.appIds.get(namespace)?.keys() ?? [])].sort(compareStrings));
      this.sortedAppIds.set(namespace, sorted);
    }
    return sorted;
  }

  /** True if a Dapr-enabled workload in the namespace has this app-id. */
  public hasAppId(namespace: string, appId: string): boolean {
    return this.appIds.get(namespace)?.has(appId) ?? false;
  }

  /** The Dapr-enabled workloads of a namespace with this app-id. */
  public workloadsWithAppId(namespace: string, appId: string): readonly Workload[] {
    return this.appIds.get(namespace)?.get(appId) ?? [];
  }

  /** The Component with this name in the namespace. */
  public component(namespace: string, name: string): DaprComponentDoc | undefined {
    return this.componentsByNs.get(namespace)?.get(name);
  }

  /**
   * The app-ids in a Component's `scopes` as a set, built once per Component (a pub/sub is looked
   * up by every Subscription); undefined when the Component is unscoped.
   */
  public scopeSetOf(component: DaprComponentDoc): ReadonlySet<string> | undefined {
    if (component.scopes === undefined) return undefined;
    let set = this.componentScopeSets.get(component);
    if (!set) this.componentScopeSets.set(component, (set = new Set(component.scopes)));
    return set;
  }

  /** Subscriptions of a namespace to a topic of a pub/sub component. */
  public subscriptionsTo(namespace: string, pubsubName: string, topic: string): readonly SubscriptionDoc[] {
    return this.subscriptionsByTopic.get(topicKey(namespace, pubsubName, topic)) ?? [];
  }

  /** PodDisruptionBudgets in the workload's namespace whose selector selects its pods. */
  public pdbsSelecting(w: Workload): K8sObject[] {
    return this.pdbs.selecting(w.object.namespace, w.podLabels);
  }

  /** NetworkPolicies in the workload's namespace whose podSelector selects its pods. */
  public networkPoliciesSelecting(w: Workload): K8sObject[] {
    return this.networkPolicies.selecting(w.object.namespace, w.podLabels);
  }

  /**
   * True if a Secret of this namespace and name is among the documents: a Kubernetes `Secret`, or a
   * Terraform `kubernetes_secret(_v1)` resource (whose namespace, if a Terraform expression, matches any).
   */
  public hasSecret(namespace: string, name: string): boolean {
    return this.find('Secret', namespace, name) !== undefined || this.terraformSecrets.has(`${namespace}/${name}`) || this.terraformSecrets.has(`*/${name}`);
  }

  /** True if the namespace has a NetworkPolicy with an empty podSelector that denies all ingress. */
  public hasDefaultDenyIngress(namespace: string): boolean {
    return this.defaultDeny.has(namespace);
  }

  /**
   * A Helm value of a release, as Helm resolves it: `set_sensitive`/`set` override `values`,
   * later `values` entries override earlier ones. Undefined if not set anywhere.
   */
  public static helmValue(release: HelmRelease, dottedPath: string): unknown {
    if (release.setSensitive.has(dottedPath)) return '(sensitive)';
    if (release.set.has(dottedPath)) return release.set.get(dottedPath);
    const keys = dottedPath.split('.');
    for (let i = release.valueDocuments.length - 1; i >= 0; i--) {
      const v = getPath(release.valueDocuments[i], ...keys);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  }
}

/**
 * Objects with a pod selector (PodDisruptionBudgets, NetworkPolicies), indexed by namespace and the
 * first pair of their `matchLabels`, so finding those that select a workload's pods stays linear.
 */
class PodSelectorIndex {
  private readonly byLabel = new Map<string, K8sObject[]>();
  private readonly unindexed = new Map<string, K8sObject[]>();

  public constructor(private readonly selectorPath: readonly string[]) {}

  public add(o: K8sObject): void {
    const matchLabels = Object.entries(asStringMap(getPath(o.body, ...this.selectorPath, 'matchLabels'))).sort((a, b) => compareStrings(a[0], b[0]));
    if (matchLabels.length > 0) push(this.byLabel, labelKey(o.namespace, matchLabels[0][0], matchLabels[0][1]), o);
    else push(this.unindexed, o.namespace, o);
  }

  /** The objects of the namespace whose selector selects pods with these labels, in index order. */
  public selecting(namespace: string, podLabels: Record<string, string>): K8sObject[] {
    const seen = new Set<K8sObject>();
    const out: K8sObject[] = [];
    const consider = (o: K8sObject): void => {
      if (seen.has(o)) return;
      seen.add(o);
      if (selectorMatches(getPath(o.body, ...this.selectorPath), podLabels)) out.push(o);
    };
    for (const [k, v] of Object.entries(podLabels)) for (const o of this.byLabel.get(labelKey(namespace, k, v)) ?? []) consider(o);
    for (const o of this.unindexed.get(namespace) ?? []) consider(o);
    return out;
  }
}

/** `namespace/name` of each `kubernetes_secret(_v1)` resource of a Terraform JSON document (`*` for a computed namespace). */
function terraformSecretKeys(doc: LoadedDocument): string[] {
  const keys: string[] = [];
  for (const type of ['kubernetes_secret_v1', 'kubernetes_secret']) {
    const resources = asObject(getPath(doc.content, 'resource', type)) ?? {};
    for (const body of Object.values(resources)) {
      const raw = getPath(body, 'metadata');
      const metadata = asObject(Array.isArray(raw) ? raw[0] : raw);
      const name = asString(metadata?.name);
      if (!name || name.includes('${')) continue;
      const ns = asString(metadata?.namespace) ?? 'default';
      keys.push(`${ns.includes('${') ? '*' : ns}/${name}`);
    }
  }
  return keys;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

function topicKey(namespace: string, pubsub: string, topic: string): string {
  return `${namespace}\u0000${pubsub}\u0000${topic}`;
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function compareTargets(a: PolicyTarget, b: PolicyTarget): number {
  return compareStrings(a.ref, b.ref) || compareStrings(a.doc.file, b.doc.file) || a.doc.index - b.doc.index;
}

function toK8sObject(doc: LoadedDocument): K8sObject | undefined {
  const c = doc.content;
  const apiVersion = asString(c.apiVersion);
  const kind = asString(c.kind);
  if (!apiVersion || !kind) return undefined;
  const name = asString(getPath(c, 'metadata', 'name')) ?? '(unnamed)';
  const namespace = CLUSTER_SCOPED.has(kind) ? '' : (asString(getPath(c, 'metadata', 'namespace')) ?? 'default');
  const ref = namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
  return { apiVersion, kind, name, namespace, body: c, ref, doc };
}

function toWorkload(o: K8sObject): Workload {
  const template = asObject(getPath(o.body, 'spec', 'template')) ?? {};
  const podAnnotations = asStringMap(getPath(template, 'metadata', 'annotations'));
  const daprEnabled = podAnnotations['dapr.io/enabled'] === 'true';
  const replicasRaw = getPath(o.body, 'spec', 'replicas');
  return {
    object: o,
    podSpec: asObject(template.spec) ?? {},
    podLabels: asStringMap(getPath(template, 'metadata', 'labels')),
    podAnnotations,
    daprEnabled,
    appId: daprEnabled ? podAnnotations['dapr.io/app-id'] : undefined,
    replicas: typeof replicasRaw === 'number' ? replicasRaw : 1,
  };
}

function toComponent(o: K8sObject): DaprComponentDoc {
  const metadata: MetadataItem[] = [];
  for (const raw of asArray(getPath(o.body, 'spec', 'metadata'))) {
    const item = asObject(raw);
    if (!item) continue;
    metadata.push({
      name: asString(item.name) ?? '',
      hasValue: Object.prototype.hasOwnProperty.call(item, 'value'),
      value: item.value,
      secretKeyRef: asObject(item.secretKeyRef),
      envRef: asString(item.envRef),
    });
  }
  return {
    object: o,
    type: asString(getPath(o.body, 'spec', 'type')) ?? '',
    version: asString(getPath(o.body, 'spec', 'version')) ?? '',
    scopes: nonEmpty(asStringList(o.body.scopes)),
    secretStore: asString(getPath(o.body, 'auth', 'secretStore')),
    metadata,
  };
}

function toSubscription(o: K8sObject): SubscriptionDoc {
  return {
    object: o,
    pubsubName: asString(getPath(o.body, 'spec', 'pubsubname')),
    topic: asString(getPath(o.body, 'spec', 'topic')),
    deadLetterTopic: asString(getPath(o.body, 'spec', 'deadLetterTopic')),
    scopes: nonEmpty(asStringList(o.body.scopes)),
  };
}

/** Dapr treats an empty `scopes` list like a missing one: every app of the namespace. */
function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/** Default deny of ingress: empty podSelector, Ingress among the policy types, no ingress rule. */
function isDefaultDenyIngress(o: K8sObject): boolean {
  const spec = asObject(o.body.spec);
  if (!spec) return false;
  const selector = asObject(spec.podSelector);
  if (!selector || Object.keys(asObject(selector.matchLabels) ?? {}).length > 0 || asArray(selector.matchExpressions).length > 0) {
    return false;
  }
  const types = asStringList(spec.policyTypes);
  const ingressType = types === undefined ? true : types.includes('Ingress');
  return ingressType && asArray(spec.ingress).length === 0;
}

/** True if a Helm chart reference is the Dapr chart (`dapr`, `dapr/dapr`, `.../dapr-1.18.3.tgz`). */
export function isDaprChart(chart: string): boolean {
  return chart === 'dapr' || chart.endsWith('/dapr') || /(^|\/)dapr-\d[^/]*\.tgz$/.test(chart);
}

function daprReleases(doc: LoadedDocument): HelmRelease[] {
  const out: HelmRelease[] = [];
  const resources = asObject(getPath(doc.content, 'resource', 'helm_release'));
  if (!resources) return out;
  for (const id of Object.keys(resources).sort(compareStrings)) {
    const body = asObject(resources[id]);
    if (!body) continue;
    const chart = asString(body.chart) ?? '';
    if (!isDaprChart(chart)) continue;
    const valueDocuments: JsonObject[] = [];
    for (const v of asArray(body.values)) {
      const text = asString(v);
      if (text === undefined || text.includes('${')) continue;
      // Our constructs' values are block YAML of JSON data: read without yaml's full parser when it is.
      let parsed = readBlockYaml(text);
      if (parsed === undefined) {
        try {
          parsed = parseYaml(text);
        } catch (e) {
          throw new PolicyInputError(`${doc.file}: helm_release.${id}: a 'values' entry is not valid YAML: ${(e as Error).message}`);
        }
      }
      const po = asObject(parsed);
      if (po) valueDocuments.push(po);
    }
    const set = new Map<string, unknown>();
    for (const s of asArray(body.set)) {
      const so = asObject(s);
      const name = asString(so?.name);
      if (so && name) set.set(unescapeHelmPath(name), so.value);
    }
    const setSensitive = new Set<string>();
    for (const s of asArray(body.set_sensitive)) {
      const name = asString(asObject(s)?.name);
      if (name) setSensitive.add(unescapeHelmPath(name));
    }
    out.push({
      id,
      ref: `helm_release.${id}`,
      doc,
      body,
      chart,
      version: asString(body.version),
      namespace: asString(body.namespace) ?? 'default',
      valueDocuments,
      set,
      setSensitive,
    });
  }
  return out;
}

/** Helm `--set` names escape literal dots as `\.`; the index keeps them as plain dotted paths. */
function unescapeHelmPath(name: string): string {
  return name.replace(/\\\./g, '.');
}
