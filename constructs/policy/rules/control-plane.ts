import { DaprVersion } from '../../model/dapr-version';
import { DocumentIndex, HelmRelease } from '../document-index';
import { Rule, RuleViolation, Severity } from '../types';
import { asObject, asString, closest, compareStrings, JsonObject, quoteList } from '../util';
import { ALL_PROFILES, PROD_ONLY, STRICT_PROFILES } from './common';

const PRODUCTION_DOC = 'https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-production/';

/** Keys the chart templates read although its values.yaml files do not list them (DAPR-NOTES §1.1, §8.2). */
export const TEMPLATE_ONLY_VALUE_PATHS: ReadonlySet<string> = new Set([
  'global.mtls.sentryAddress',
  'global.daprControlPlaneArch',
  'dapr_sidecar_injector.sidecarRunAsUser',
  'dapr_sidecar_injector.sidecarRunAsGroup',
  'dapr_scheduler.overrideBroadcastHostPort',
]);

/** Frequent wrong keys (last path segment) and what to use instead (DAPR-NOTES §1.3). */
const WRONG_KEY_HINTS: Record<string, string> = {
  nodeSelector: "use 'global.nodeSelector' (the chart has no per-component nodeSelector)",
  tolerations: "use 'global.tolerations' (the chart has no per-component tolerations)",
  affinity: 'affinity is hard-coded in the chart templates and cannot be set',
  priorityClassName: "use 'global.priorityClassName'",
  podAnnotations: "use '<component>.deploymentAnnotations' (operator, sentry, injector) or '<component>.statefulsetAnnotations' (placement, scheduler)",
  podDisruptionBudget: "use 'global.ha.disruption.minimumAvailable' / 'global.ha.disruption.maximumUnavailable'",
  sidecarResources: "sidecar resources are set per pod with the dapr.io/sidecar-cpu-*/sidecar-memory-* annotations",
  replicaCount: "placement runs 3 replicas with 'dapr_placement.ha: true' or 'global.ha.enabled: true', the scheduler always runs 3",
  minAvailable: "the key is spelled 'minimumAvailable' (global.ha.disruption.minimumAvailable)",
  maxUnavailable: "the key is spelled 'maximumUnavailable' (global.ha.disruption.maximumUnavailable)",
};

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function v(r: HelmRelease, message: string): RuleViolation {
  return { target: r, message };
}

function truthy(value: unknown): boolean {
  return value === true || asString(value)?.toLowerCase() === 'true';
}

function value(r: HelmRelease, path: string): unknown {
  return DocumentIndex.helmValue(r, path);
}

/** Where a value should be set, for messages: `values` of the release. */
function where(r: HelmRelease): string {
  return `the 'values' of ${r.ref}`;
}

export const CONTROL_PLANE_HA: Rule = {
  id: 'DAPR-CP-001',
  severity: Severity.ERROR,
  profiles: PROD_ONLY,
  description: 'The Dapr control plane runs in HA mode (`global.ha.enabled: true`) in prod.',
  why: PRODUCTION_DOC,
  check: ({ index }) =>
    index.helmReleases
      .filter((r) => !truthy(value(r, 'global.ha.enabled')))
      .map((r) =>
        v(
          r,
          `${r.ref} does not set global.ha.enabled: true, so operator, sentry, sidecar injector and placement run one replica each and a single pod loss stops certificate issuing and sidecar injection: set global.ha.enabled: true in ${where(r)}.`,
        ),
      ),
};

export const CONTROL_PLANE_PLACEMENT_QUORUM: Rule = {
  id: 'DAPR-CP-002',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    'Placement runs an odd number of replicas while actors are enabled (3 under HA or `dapr_placement.ha`, 1 otherwise; never 0 via `scaleZero`); staging and prod need 3 for a raft quorum.',
  why: 'https://docs.dapr.io/concepts/dapr-services/placement/',
  check: ({ index, profile }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      const actors = value(r, 'global.actors.enabled');
      if (actors === false || asString(actors) === 'false') continue;
      const scaleZero = truthy(value(r, 'dapr_placement.scaleZero'));
      const ha = truthy(value(r, 'global.ha.enabled')) || truthy(value(r, 'dapr_placement.ha'));
      const replicas = scaleZero ? 0 : ha ? 3 : 1;
      if (replicas % 2 === 0) {
        out.push(
          v(
            r,
            `${r.ref} sets dapr_placement.scaleZero, so placement runs ${replicas} replicas while global.actors.enabled is true and no actor can be placed: remove dapr_placement.scaleZero (or set global.actors.enabled: false if no app uses actors).`,
          ),
        );
      } else if (STRICT_PROFILES.includes(profile) && replicas < 3) {
        out.push(
          v(
            r,
            `${r.ref} runs placement with ${replicas} replica (global.ha.enabled and dapr_placement.ha are off), so its raft log has no quorum and actors stop when that pod restarts: set dapr_placement.ha: true (or global.ha.enabled: true) for 3 replicas.`,
          ),
        );
      }
    }
    return out;
  },
};

export const CONTROL_PLANE_WEBHOOK_FAIL: Rule = {
  id: 'DAPR-CP-003',
  severity: Severity.ERROR,
  profiles: PROD_ONLY,
  description: 'The sidecar injector webhook fails closed (`dapr_sidecar_injector.webhookFailurePolicy: Fail`) in prod.',
  why: 'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      const policy = asString(value(r, 'dapr_sidecar_injector.webhookFailurePolicy'));
      if (policy === 'Fail') continue;
      out.push(
        v(
          r,
          `${r.ref} has dapr_sidecar_injector.webhookFailurePolicy ${policy === undefined ? "unset (chart default 'Ignore')" : `'${policy}'`}, so pods created while the injector is down start without their Dapr sidecar and fail silently: set dapr_sidecar_injector.webhookFailurePolicy: Fail in ${where(r)}.`,
        ),
      );
    }
    return out;
  },
};

const CA_KEYS = ['dapr_sentry.tls.root.certPEM', 'dapr_sentry.tls.issuer.certPEM', 'dapr_sentry.tls.issuer.keyPEM'] as const;

export const CONTROL_PLANE_BYO_CA: Rule = {
  id: 'DAPR-CP-004',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Sentry uses a bring-your-own CA in staging and prod: `dapr_sentry.tls.root.certPEM`, `issuer.certPEM` and `issuer.keyPEM` all set (the key through `set_sensitive`).',
  why: 'https://docs.dapr.io/operations/security/mtls/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      const missing = CA_KEYS.filter((k) => {
        const val = value(r, k);
        return val === undefined || asString(val) === '';
      });
      if (missing.length > 0) {
        out.push(
          v(
            r,
            `${r.ref} does not set ${quoteList(missing)}, so Sentry generates a self-signed CA that lives only in the cluster (no rotation plan, trust lost on reinstall): ` +
              `pass the root certificate and an issuer certificate/key from your PKI with set_sensitive { name = "${missing[0]}" ... } (all three are needed).`,
          ),
        );
      }
      const key = 'dapr_sentry.tls.issuer.keyPEM';
      if (!r.setSensitive.has(key) && (asString(value(r, key)) ?? '').includes('PRIVATE KEY')) {
        out.push(
          v(
            r,
            `${r.ref} has the issuer private key (${key}) as a literal in 'values'/'set', so it is written into the synthesized Terraform JSON: pass it with set_sensitive from a sensitive variable or a secret manager data source.`,
          ),
        );
      }
    }
    return out;
  },
};

export const CONTROL_PLANE_SCHEDULER_STORAGE: Rule = {
  id: 'DAPR-CP-005',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'The scheduler storage size is pinned (`dapr_scheduler.cluster.storageSize`) in staging and prod (its default changed from 1Gi to 16Gi in 1.17, and the PVC size is immutable).',
  why: 'https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-persisting-scheduler/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      if (asString(value(r, 'dapr_scheduler.cluster.storageSize'))) continue;
      if (truthy(value(r, 'dapr_scheduler.cluster.inMemoryStorage'))) {
        out.push(
          v(
            r,
            `${r.ref} sets dapr_scheduler.cluster.inMemoryStorage, so all jobs, actor reminders and workflow timers are lost when a scheduler pod restarts: remove it and set dapr_scheduler.cluster.storageSize (e.g. 16Gi).`,
          ),
        );
        continue;
      }
      out.push(
        v(
          r,
          `${r.ref} does not set dapr_scheduler.cluster.storageSize, so the scheduler PVC size follows the chart default (1Gi up to 1.16, 16Gi from 1.17) and an upgrade or offline render can try to change an immutable volumeClaimTemplate: set dapr_scheduler.cluster.storageSize explicitly (e.g. 16Gi, or the live PVC size).`,
        ),
      );
    }
    return out;
  },
};

export const CONTROL_PLANE_CHART_PINNED: Rule = {
  id: 'DAPR-CP-006',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description: 'The dapr helm_release pins an exact chart `version` (x.y.z), not a range and not missing.',
  why: 'https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-deploy/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      if (r.version !== undefined && EXACT_VERSION.test(r.version)) continue;
      const latest = DaprVersion.supported().slice(-1)[0].version;
      out.push(
        v(
          r,
          `${r.ref} ${r.version === undefined ? 'has no chart version, so every apply installs whatever is newest' : `has chart version '${r.version}', a range that can upgrade Dapr on any apply`}: pin an exact version, e.g. version = "${latest}".`,
        ),
      );
    }
    return out;
  },
};

/** The parent key of each chart value path, to suggest siblings of a misspelt key. */
const childrenCache = new Map<string, Map<string, string[]>>();

function childrenByParent(version: DaprVersion): Map<string, string[]> {
  let m = childrenCache.get(version.version);
  if (m) return m;
  m = new Map();
  for (const p of Object.keys(version.chartValuePaths)) {
    const dot = p.lastIndexOf('.');
    const parent = dot < 0 ? '' : p.slice(0, dot);
    const list = m.get(parent);
    if (list) list.push(p.slice(dot + 1));
    else m.set(parent, [p.slice(dot + 1)]);
  }
  childrenCache.set(version.version, m);
  return m;
}

/** A hint for an unknown value path: a close sibling key or a known replacement. */
function hintFor(path: string, version: DaprVersion): string {
  const dot = path.lastIndexOf('.');
  const parent = dot < 0 ? '' : path.slice(0, dot);
  const leaf = path.slice(dot + 1);
  const sibling = closest(leaf, childrenByParent(version).get(parent) ?? []);
  if (sibling !== undefined) return `rename it to '${parent ? `${parent}.` : ''}${sibling}'`;
  if (WRONG_KEY_HINTS[leaf]) return WRONG_KEY_HINTS[leaf];
  return `remove it or use a key from the chart's values.yaml of Dapr ${version.version}`;
}

/** Unknown paths in a values document: walks objects the chart knows, stops at free-form maps and leaves. */
function unknownValuePaths(values: JsonObject, paths: Record<string, string>): string[] {
  const out: string[] = [];
  const walk = (node: JsonObject, prefix: string): void => {
    for (const key of Object.keys(node).sort(compareStrings)) {
      const p = prefix ? `${prefix}.${key}` : key;
      if (TEMPLATE_ONLY_VALUE_PATHS.has(p)) continue;
      const kind = paths[p];
      if (kind === undefined) out.push(p);
      else if (kind === 'object') {
        const child = asObject(node[key]);
        if (child) walk(child, p);
      }
    }
  };
  walk(values, '');
  return out;
}

/** True if a `set`/`set_sensitive` name is a known path (or lies under a free-form map or list). */
function knownSetPath(name: string, paths: Record<string, string>): boolean {
  const path = name.split('[')[0];
  if (paths[path] !== undefined || TEMPLATE_ONLY_VALUE_PATHS.has(path)) return true;
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    const kind = paths[prefix];
    if (TEMPLATE_ONLY_VALUE_PATHS.has(prefix)) return true;
    if (kind !== undefined) return kind === 'map' || kind === 'list';
  }
  return false;
}

export const CONTROL_PLANE_KNOWN_VALUES: Rule = {
  id: 'DAPR-CP-007',
  severity: Severity.ERROR,
  profiles: ALL_PROFILES,
  description:
    "Every Helm value key of the dapr helm_release (`values`, `set`, `set_sensitive`) exists in the chart of the pinned Dapr version (free-form maps and the template-only keys are allowed).",
  why: PRODUCTION_DOC,
  check: ({ index, daprVersion }) => {
    const out: RuleViolation[] = [];
    const paths = daprVersion.chartValuePaths;
    for (const r of index.helmReleases) {
      const unknown = new Set<string>();
      for (const doc of r.valueDocuments) for (const p of unknownValuePaths(doc, paths)) unknown.add(p);
      for (const name of [...r.set.keys(), ...r.setSensitive]) if (!knownSetPath(name, paths)) unknown.add(name.split('[')[0]);
      for (const p of [...unknown].sort(compareStrings)) {
        out.push(
          v(r, `${r.ref} sets Helm value '${p}', which the dapr chart ${daprVersion.version} does not have, so it is silently ignored: ${hintFor(p, daprVersion)}.`),
        );
      }
    }
    return out;
  },
};

/** Injector values that harden every daprd sidecar: key, chart default, what turning it off does. */
const SIDECAR_HARDENING: readonly [string, boolean, string][] = [
  ['dapr_sidecar_injector.sidecarRunAsNonRoot', true, 'lets daprd run as root'],
  ['dapr_sidecar_injector.sidecarReadOnlyRootFilesystem', true, 'gives daprd a writable root filesystem'],
  ['dapr_sidecar_injector.sidecarDropALLCapabilities', false, "keeps the container runtime's default Linux capabilities in daprd"],
];

export const CONTROL_PLANE_SIDECAR_HARDENING: Rule = {
  id: 'DAPR-CP-008',
  severity: Severity.ERROR,
  profiles: STRICT_PROFILES,
  description:
    'Injected daprd sidecars are hardened in staging and prod: `dapr_sidecar_injector.sidecarDropALLCapabilities: true`, and `sidecarRunAsNonRoot`/`sidecarReadOnlyRootFilesystem` not turned off (Checkov cannot see injected sidecars).',
  why: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  check: ({ index }) => {
    const out: RuleViolation[] = [];
    for (const r of index.helmReleases) {
      const bad = SIDECAR_HARDENING.filter(([key, defaultValue]) => {
        const raw = value(r, key);
        const effective = raw === undefined ? defaultValue : truthy(raw);
        return !effective;
      });
      if (bad.length === 0) continue;
      out.push(
        v(
          r,
          `${r.ref}: ${bad.map(([key, , harm]) => `${key} is ${value(r, key) === undefined ? 'unset (chart default false)' : 'false'}, which ${harm}`).join('; ')}: ` +
            `set ${bad.map(([key]) => `${key}: true`).join(', ')} in ${where(r)}.`,
        ),
      );
    }
    return out;
  },
};

export const CONTROL_PLANE_RULES: readonly Rule[] = [
  CONTROL_PLANE_HA,
  CONTROL_PLANE_PLACEMENT_QUORUM,
  CONTROL_PLANE_WEBHOOK_FAIL,
  CONTROL_PLANE_BYO_CA,
  CONTROL_PLANE_SCHEDULER_STORAGE,
  CONTROL_PLANE_CHART_PINNED,
  CONTROL_PLANE_KNOWN_VALUES,
  CONTROL_PLANE_SIDECAR_HARDENING,
];
