/**
 * Small, dependency-free helpers the policy rules share: safe access into parsed YAML/JSON,
 * Kubernetes quantities, Go byte sizes, label selectors, image references and "did you mean".
 */
import { compareStrings } from '../model/compare-strings';

/** A parsed YAML/JSON mapping. */
export type JsonObject = Record<string, unknown>;

/** The value as a mapping, or undefined if it is not a plain object. */
export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The value as an array, or an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a string (numbers and booleans are converted, as Kubernetes and Dapr would), or undefined. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The value at a path of keys, or undefined. */
export function getPath(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const o = asObject(current);
    if (!o) return undefined;
    current = o[key];
  }
  return current;
}

/** A string-to-string map (labels, annotations); non-string values are converted, others dropped. */
export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = asObject(value);
  if (!o) return out;
  for (const [k, v] of Object.entries(o)) {
    const s = asString(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Array of strings (non-strings dropped), or undefined if the value is not an array. */
export function asStringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const v of value) {
    const s = asString(v);
    if (s !== undefined) out.push(s);
  }
  return out;
}

export { compareStrings };

const MIB = 1024 * 1024;

export { parseQuantity } from '../model/quantity';

const GO_BYTES = /^([0-9]+)(B|KiB|MiB|GiB|TiB)?$/;
const GO_BYTE_FACTORS: Record<string, number> = { '': 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/**
 * A Go runtime byte count as `GOMEMLIMIT` takes it (`460MiB`, `1GiB`, `536870912`): only the
 * binary units B/KiB/MiB/GiB/TiB exist (Go rejects `Mi`, `MB`, `G`). Returns bytes, or undefined if invalid.
 */
export function parseGoByteCount(text: string): number | undefined {
  const m = GO_BYTES.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * GO_BYTE_FACTORS[m[2] ?? ''];
}

/** Whole MiB, rounded down: the `GOMEMLIMIT` value to suggest. */
export function floorMiB(bytes: number): number {
  return Math.floor(bytes / MIB);
}

/** Parses Dapr's `dapr.io/env` annotation (`K1=v1,K2=v2`) into a map. */
export function parseDaprEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * True if a Kubernetes label selector (`matchLabels` + `matchExpressions`) selects a pod with
 * these labels. An empty selector selects everything; a missing one selects nothing.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = asObject(selector);
  if (!sel) return false;
  for (const [k, v] of Object.entries(asStringMap(sel.matchLabels))) {
    if (labels[k] !== v) return false;
  }
  for (const raw of asArray(sel.matchExpressions)) {
    const expr = asObject(raw);
    if (!expr) return false;
    const key = asString(expr.key) ?? '';
    const values = asStringList(expr.values) ?? [];
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (asString(expr.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The parts of a container image reference. */
export interface ImageReference {
  /** Everything before the tag/digest, e.g. `ghcr.io/acme/orders`. */
  readonly repository: string;
  /** The tag, if any (`1.4.2`, `latest`). */
  readonly tag?: string;
  /** The digest, if any (`sha256:...`). */
  readonly digest?: string;
}

/** Splits `registry:5000/path/name:tag@sha256:...` into repository, tag and digest. */
export function parseImage(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag: tag || undefined, digest: digest || undefined };
}

export { closest, didYouMean, quoteList } from '../model/suggest';
