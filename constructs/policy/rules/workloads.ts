import { checkAppId } from '../../model/names';
import { isStrict } from '../../model/profile';
import { Workload } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import {
  asArray,
  asObject,
  asString,
  compareStrings,
  didYouMean,
  floorMiB,
  getPath,
  JsonObject,
  parseDaprEnv,
  parseGoByteCount,
  parseImage,
  parseQuantity,
  quoteList,
  selectorMatches,
} from '../util';
import { ALL_PROFILES, inNamespace, PROD_ONLY, STRICT_PROFILES } from './common';
import { WORKLOAD_ACTOR_PEERS, WORKLOAD_API_TOKEN_DELIVERED, WORKLOAD_APP_TOKEN } from './workload-wiring';

const ANNOTATIONS_DOC = 'https://docs.dapr.io/reference/arguments-annotations-overview/';
const PRODUCTION_DOC = 'https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-production/';

/** Annotations the Dapr chart puts on control-plane pods; valid although the injector does not read them. */
const CONTROL_PLANE_ANNOTATIONS = new Set(['dapr.io/control-plane']);

/** Sidecar resource annotations and the Dapr production guide's starting values. */
const SIDECAR_RESOURCES: readonly [string, string][] = [
  ['dapr.io/sidecar-cpu-request', '100m'],
  ['dapr.io/sidecar-cpu-limit', '300m'],
  ['dapr.io/sidecar-memory-request', '250Mi'],
  ['dapr.io/sidecar-memory-limit', '1000Mi'],
];

/** GOMEMLIMIT should be about 90% of the sidecar memory limit; accepted band. */
const GOMEMLIMIT_TARGET = 0.9;
const GOMEMLIMIT_MIN = 0.8;
const GOMEMLIMIT_MAX = 0.95;

function v(w: Workload, message: string): RuleViolation {
  return { target: w.object, message };
}

/** App containers and init containers of the pod, with which list they are in. */
function containersOf(w: Workload, withInit: boolean): { c: JsonObject; label: string }[] {
  const out: { c: JsonObject; label: string }[] = [];
  const lists: [string, unknown][] = [['container', w.podSpec.containers]];
  if (withInit) lists.push(['init container', w.podSpec.initContainers]);
  for (const [what, list] of lists) {
    for (const raw of asArray(list)) {
      const c = asObject(raw);
      if (c) out.push({ c, label: `${what} '${asString(c.name) ?? '(unnamed)'}'` });
    }
  }
  return out;
}

export const WORKLOAD_ANNOTATIONS_ON_TEMPLATE: Rule = {
  id: 'DAPR-WORK-001',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'dapr.io/* annotations are on the pod template (`spec.template.metadata.annotations`), not on the Deployment/StatefulSet metadata, where the injector never sees them.',
  why: 'https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-overview/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.workloads) {
      const keys = Object.keys(asObject(getPath(w.object.body, 'metadata', 'annotations')) ?? {})
        .filter((k) => k.startsWith('dapr.io/'))
        .sort(compareStrings);
      if (keys.length === 0) continue;
      out.push(
        v(
          w,
          `${w.object.ref} has ${quoteList(keys)} on its own metadata.annotations, where the sidecar injector does not read them (it only sees pod annotations): move them to spec.template.metadata.annotations.`,
        ),
      );
    }
    return out;
  },
};

export const WORKLOAD_KNOWN_ANNOTATIONS: Rule = {
  id: 'DAPR-WORK-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Every dapr.io/* pod-template annotation is one the sidecar injector of the pinned Dapr version reads.',
  why: ANNOTATIONS_DOC,
  check: ({ index, daprVersion }) => {
    const out: RuleViolation[] = [];
    const known = daprVersion.annotationKeys;
    for (const w of index.workloads) {
      for (const key of Object.keys(w.podAnnotations).sort(compareStrings)) {
        if (!key.startsWith('dapr.io/') || CONTROL_PLANE_ANNOTATIONS.has(key) || daprVersion.hasAnnotation(key)) continue;
        out.push(
          v(
            w,
            `${w.object.ref} has pod annotation '${key}', which the Dapr ${daprVersion.version} sidecar injector does not read, so it has no effect${didYouMean(key, known)}: fix the name or remove it.`,
          ),
        );
      }
    }
    return out;
  },
};

export const WORKLOAD_CONFIG_EXISTS: Rule = {
  id: 'DAPR-WORK-003',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    '`dapr.io/config` names a Configuration that exists in the namespace (in prod it must be set, or the sidecar runs without access control).',
  why: 'https://docs.dapr.io/operations/configuration/configuration-overview/',
  check: ({ index, profile }) => {
    const out: RuleViolation[] = [];
    const namesByNs = new Map<string, string[]>();
    for (const c of index.configurations) {
      const list = namesByNs.get(c.namespace);
      if (list) list.push(c.name);
      else namesByNs.set(c.namespace, [c.name]);
    }
    for (const w of index.daprWorkloads) {
      const ns = w.object.namespace;
      const name = w.podAnnotations['dapr.io/config'];
      if (name === undefined || name === '') {
        if (PROD_ONLY.includes(profile)) {
          out.push(
            v(
              w,
              `${w.object.ref} has no dapr.io/config annotation, so its sidecar runs with Dapr's defaults (no access control, no tracing): set dapr.io/config to a Configuration ${inNamespace(ns)}.`,
            ),
          );
        }
        continue;
      }
      if (index.find('Configuration', ns, name)) continue;
      const candidates = namesByNs.get(ns) ?? [];
      out.push(
        v(
          w,
          `${w.object.ref} has dapr.io/config '${name}', but there is no Configuration '${name}' ${inNamespace(ns)}${didYouMean(name, candidates)}; the sidecar fails to start: create it or fix the annotation.`,
        ),
      );
    }
    return out;
  },
};

export const WORKLOAD_APP_ID_VALID: Rule = {
  id: 'DAPR-WORK-004',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Every Dapr workload sets `dapr.io/app-id` to a DNS-1123 label of at most 58 characters.',
  why: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      if (w.appId === undefined || w.appId === '') {
        out.push(
          v(
            w,
            `${w.object.ref} enables Dapr but has no dapr.io/app-id, so the app-id falls back to the pod name, which changes with every pod: set dapr.io/app-id: ${w.object.name}.`,
          ),
        );
        continue;
      }
      const problem = checkAppId(w.appId);
      if (problem) out.push(v(w, `${w.object.ref}: ${problem}`));
    }
    return out;
  },
};

export const WORKLOAD_APP_ID_UNIQUE: Rule = {
  id: 'DAPR-WORK-005',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'Dapr app-ids are unique within a namespace.',
  why: ANNOTATIONS_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      if (w.appId === undefined) continue;
      const same = index.workloadsWithAppId(w.object.namespace, w.appId);
      if (same.length < 2 || same[0] === w) continue;
      out.push(
        v(
          w,
          `${w.object.ref} uses dapr.io/app-id '${w.appId}', which ${same[0].object.ref} already uses; service invocation, state and pub/sub would mix the two apps: give each workload its own app-id.`,
        ),
      );
    }
    return out;
  },
};

export const WORKLOAD_SIDECAR_RESOURCES: Rule = {
  id: 'DAPR-WORK-006',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Dapr workloads set `dapr.io/sidecar-cpu-request`, `-cpu-limit`, `-memory-request` and `-memory-limit` to valid quantities (request <= limit) in staging and prod.',
  why: PRODUCTION_DOC,
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      const missing = SIDECAR_RESOURCES.filter(([k]) => !w.podAnnotations[k]);
      if (missing.length > 0) {
        out.push(
          v(
            w,
            `${w.object.ref} does not set ${quoteList(missing.map(([k]) => k))}, so the daprd sidecar runs without resource requests/limits: add e.g. ${missing.map(([k, d]) => `${k}: "${d}"`).join(', ')} to the pod template annotations.`,
          ),
        );
        continue;
      }
      const parsed = new Map<string, number | undefined>(SIDECAR_RESOURCES.map(([k]) => [k, parseQuantity(w.podAnnotations[k])]));
      const invalid = SIDECAR_RESOURCES.filter(([k]) => parsed.get(k) === undefined);
      if (invalid.length > 0) {
        out.push(
          v(
            w,
            `${w.object.ref} has ${invalid.map(([k]) => `${k} '${w.podAnnotations[k]}'`).join(', ')}, which ${invalid.length === 1 ? 'is not a Kubernetes quantity' : 'are not Kubernetes quantities'}: use e.g. ${invalid.map(([k, d]) => `${k}: "${d}"`).join(', ')}.`,
          ),
        );
        continue;
      }
      for (const res of ['cpu', 'memory']) {
        const req = parsed.get(`dapr.io/sidecar-${res}-request`) as number;
        const lim = parsed.get(`dapr.io/sidecar-${res}-limit`) as number;
        if (req <= lim) continue;
        out.push(
          v(
            w,
            `${w.object.ref} has dapr.io/sidecar-${res}-request '${w.podAnnotations[`dapr.io/sidecar-${res}-request`]}' above dapr.io/sidecar-${res}-limit '${w.podAnnotations[`dapr.io/sidecar-${res}-limit`]}', which Kubernetes rejects: lower the request or raise the limit.`,
          ),
        );
      }
    }
    return out;
  },
};

export const WORKLOAD_GOMEMLIMIT: Rule = {
  id: 'DAPR-WORK-007',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    '`GOMEMLIMIT` in `dapr.io/env` is about 90% (80%–95%) of `dapr.io/sidecar-memory-limit` and never above it; staging and prod must set it whenever a memory limit is set.',
  why: PRODUCTION_DOC,
  check: ({ index, profile }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      const limitText = w.podAnnotations['dapr.io/sidecar-memory-limit'];
      const limit = limitText === undefined ? undefined : parseQuantity(limitText);
      if (limit === undefined || limit <= 0) continue; // no (valid) limit: DAPR-WORK-006 reports it
      const suggested = `GOMEMLIMIT=${floorMiB(limit * GOMEMLIMIT_TARGET)}MiB`;
      const env = parseDaprEnv(w.podAnnotations['dapr.io/env'] ?? '');
      const raw = env.get('GOMEMLIMIT');
      const fix = `set dapr.io/env to include ${suggested} (90% of ${limitText})`;
      if (raw === undefined) {
        if (isStrict(profile)) {
          out.push(
            v(
              w,
              `${w.object.ref} limits the sidecar to ${limitText} but sets no GOMEMLIMIT, so daprd's garbage collector ignores the limit and the sidecar can be OOM-killed: ${fix}.`,
            ),
          );
        }
        continue;
      }
      const bytes = raw === 'off' ? undefined : parseGoByteCount(raw);
      let problem: string | undefined;
      if (raw === 'off') problem = 'turns the soft memory limit off';
      else if (bytes === undefined) problem = 'is not a Go byte count (Go accepts a whole number with B, KiB, MiB, GiB or TiB, not Mi, M or G)';
      else if (bytes > limit) problem = `is above the sidecar memory limit ${limitText}, so the container is OOM-killed before the garbage collector reacts`;
      else if (bytes / limit > GOMEMLIMIT_MAX)
        problem = `is ${Math.round((bytes / limit) * 100)}% of the sidecar memory limit ${limitText}, leaving no headroom for non-heap memory`;
      else if (bytes / limit < GOMEMLIMIT_MIN)
        problem = `is only ${Math.round((bytes / limit) * 100)}% of the sidecar memory limit ${limitText}, so the garbage collector runs far more often than needed`;
      if (problem) out.push(v(w, `${w.object.ref} has GOMEMLIMIT '${raw}' in dapr.io/env, which ${problem}: ${fix}.`));
    }
    return out;
  },
};

export const WORKLOAD_API_TOKEN: Rule = {
  id: 'DAPR-WORK-008',
  severity: Severity.ERROR,
  profiles: PROD_ONLY,
  description:
    'Dapr workloads set `dapr.io/api-token-secret` in prod, so only the app can call its sidecar (DAPR-WORK-015 checks that the app gets the token and the Secret exists).',
  why: 'https://docs.dapr.io/operations/security/api-token/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      if (w.podAnnotations['dapr.io/api-token-secret']) continue;
      out.push(
        v(
          w,
          `${w.object.ref} has no dapr.io/api-token-secret, so any process that reaches the sidecar's ports can call the Dapr API as this app: ` +
            `give the app a Secret of its own with a 'token' key ${inNamespace(w.object.namespace)} (a DaprWorkload renders '<app-id>-dapr-api-token', a service-account token of a dedicated ServiceAccount), ` +
            `set dapr.io/api-token-secret to its name, and give the app container DAPR_API_TOKEN from it by valueFrom.secretKeyRef (key 'token').`,
        ),
      );
    }
    return out;
  },
};

export const WORKLOAD_SECURITY_CONTEXT: Rule = {
  id: 'DAPR-WORK-009',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'App containers of Dapr workloads run as non-root with a non-zero runAsUser, a read-only root filesystem, no privilege escalation and not privileged.',
  why: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      const pod = asObject(w.podSpec.securityContext) ?? {};
      for (const { c, label } of containersOf(w, true)) {
        const sc = asObject(c.securityContext) ?? {};
        const problems: string[] = [];
        const fixes: string[] = [];
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
          problems.push('runAsNonRoot is not true');
          fixes.push('runAsNonRoot: true');
        }
        const uid = sc.runAsUser ?? pod.runAsUser;
        if (typeof uid !== 'number' || uid <= 0) {
          problems.push(uid === undefined ? 'runAsUser is not set' : `runAsUser is ${String(uid)}`);
          fixes.push('runAsUser: 10001');
        }
        if (sc.readOnlyRootFilesystem !== true) {
          problems.push('readOnlyRootFilesystem is not true');
          fixes.push('readOnlyRootFilesystem: true (mount an emptyDir for scratch space)');
        }
        if (sc.allowPrivilegeEscalation !== false) {
          problems.push('allowPrivilegeEscalation is not false');
          fixes.push('allowPrivilegeEscalation: false');
        }
        if (sc.privileged === true) {
          problems.push('privileged is true');
          fixes.push('privileged: false');
        }
        if (problems.length === 0) continue;
        out.push(v(w, `${w.object.ref} ${label}: ${problems.join(', ')}: set securityContext ${fixes.join(', ')}.`));
      }
    }
    return out;
  },
};

export const WORKLOAD_PROBES: Rule = {
  id: 'DAPR-WORK-010',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description: 'App containers of Dapr workloads have liveness and readiness probes in staging and prod.',
  why: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      for (const { c, label } of containersOf(w, false)) {
        const missing = ['livenessProbe', 'readinessProbe'].filter((p) => asObject(c[p]) === undefined);
        if (missing.length === 0) continue;
        out.push(
          v(
            w,
            `${w.object.ref} ${label} has no ${missing.join(' and no ')}, so Kubernetes ${missing.includes('readinessProbe') ? 'sends traffic before the app is ready' : 'never restarts a hung app'}: add ${missing.join(' and ')} (e.g. httpGet on the app's health endpoint).`,
          ),
        );
      }
    }
    return out;
  },
};

export const WORKLOAD_RESOURCE_LIMITS: Rule = {
  id: 'DAPR-WORK-011',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description: 'App containers of Dapr workloads set cpu and memory limits in staging and prod.',
  why: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      for (const { c, label } of containersOf(w, false)) {
        const limits = asObject(getPath(c, 'resources', 'limits')) ?? {};
        const missing = ['cpu', 'memory'].filter((r) => asString(limits[r]) === undefined);
        if (missing.length === 0) continue;
        out.push(
          v(
            w,
            `${w.object.ref} ${label} has no ${missing.join('/')} limit, so one pod can starve its node: set resources.limits.${missing.join(' and resources.limits.')} (and matching requests).`,
          ),
        );
      }
    }
    return out;
  },
};

export const WORKLOAD_IMAGE_PINNED: Rule = {
  id: 'DAPR-WORK-012',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description: 'Container images of Dapr workloads are pinned by a version tag or digest (no `:latest`, no untagged image) in staging and prod.',
  why: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      for (const { c, label } of containersOf(w, true)) {
        const image = asString(c.image);
        if (image === undefined || image === '') {
          out.push(v(w, `${w.object.ref} ${label} has no image: set image to a pinned reference such as 'registry.example.com/app:1.2.3'.`));
          continue;
        }
        const ref = parseImage(image);
        if (ref.digest || (ref.tag && ref.tag !== 'latest')) continue;
        out.push(
          v(
            w,
            `${w.object.ref} ${label} uses image '${image}'${ref.tag ? " with tag 'latest'" : ' without a tag (which means latest)'}, so every pull can run different code: pin a version tag or digest, e.g. '${ref.repository}:1.2.3' or '${ref.repository}@sha256:<digest>'.`,
          ),
        );
      }
    }
    return out;
  },
};

/** True if a PodDisruptionBudget allows no voluntary disruption of a workload with this many replicas. */
function blocksAllEvictions(pdb: JsonObject, replicas: number): boolean {
  const maxUnavailable = getPath(pdb, 'spec', 'maxUnavailable');
  const minAvailable = getPath(pdb, 'spec', 'minAvailable');
  if (maxUnavailable === 0 || maxUnavailable === '0%' || maxUnavailable === '0') return true;
  if (typeof minAvailable === 'number') return minAvailable >= replicas;
  return minAvailable === '100%';
}

export const WORKLOAD_PDB: Rule = {
  id: 'DAPR-WORK-013',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Dapr workloads with more than one replica are selected by a PodDisruptionBudget that still allows an eviction, in staging and prod.',
  why: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      if (w.replicas <= 1) continue;
      const pdbs = index.pdbsSelecting(w);
      if (pdbs.length === 0) {
        out.push(
          v(
            w,
            `${w.object.ref} runs ${w.replicas} replicas but no PodDisruptionBudget ${inNamespace(w.object.namespace)} selects its pods, so a node drain can evict all of them at once: add a PodDisruptionBudget with maxUnavailable: 1 and selector.matchLabels from the pod template labels.`,
          ),
        );
      } else if (pdbs.every((p) => blocksAllEvictions(p.body, w.replicas))) {
        out.push(
          v(
            w,
            `${w.object.ref} runs ${w.replicas} replicas and ${pdbs.map((p) => p.ref).join(', ')} allows no eviction at all, so node drains hang: use maxUnavailable: 1 (or minAvailable below ${w.replicas}).`,
          ),
        );
      }
    }
    return out;
  },
};

export const WORKLOAD_TOPOLOGY_SPREAD: Rule = {
  id: 'DAPR-WORK-014',
  severity: Severity.WARNING,
  profiles: STRICT_PROFILES,
  description:
    'Dapr workloads with more than one replica have a topologySpreadConstraint whose labelSelector selects their own pods, in staging and prod.',
  why: 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const w of index.daprWorkloads) {
      if (w.replicas <= 1) continue;
      const constraints = asArray(w.podSpec.topologySpreadConstraints).map(asObject);
      if (constraints.some((c) => c !== undefined && selectorMatches(c.labelSelector, w.podLabels))) continue;
      const labels = Object.entries(w.podLabels)
        .map(([k, val]) => `${k}: ${val}`)
        .join(', ');
      out.push(
        v(
          w,
          constraints.length === 0
            ? `${w.object.ref} runs ${w.replicas} replicas without topologySpreadConstraints, so they may all land on one node or zone: add one with topologyKey topology.kubernetes.io/zone, maxSkew 1, whenUnsatisfiable ScheduleAnyway and labelSelector.matchLabels {${labels}}.`
            : `${w.object.ref} has topologySpreadConstraints, but none has a labelSelector that selects its own pods {${labels}}, so they spread nothing: set labelSelector.matchLabels to the pod template labels.`,
        ),
      );
    }
    return out;
  },
};

export const WORKLOAD_RULES: readonly Rule[] = [
  WORKLOAD_ANNOTATIONS_ON_TEMPLATE,
  WORKLOAD_KNOWN_ANNOTATIONS,
  WORKLOAD_CONFIG_EXISTS,
  WORKLOAD_APP_ID_VALID,
  WORKLOAD_APP_ID_UNIQUE,
  WORKLOAD_SIDECAR_RESOURCES,
  WORKLOAD_GOMEMLIMIT,
  WORKLOAD_API_TOKEN,
  WORKLOAD_SECURITY_CONTEXT,
  WORKLOAD_PROBES,
  WORKLOAD_RESOURCE_LIMITS,
  WORKLOAD_IMAGE_PINNED,
  WORKLOAD_PDB,
  WORKLOAD_TOPOLOGY_SPREAD,
  WORKLOAD_API_TOKEN_DELIVERED,
  WORKLOAD_ACTOR_PEERS,
  WORKLOAD_APP_TOKEN,
];
