import { Token } from 'cdktf';

/**
 * Small input checks shared by the Terraform-plane constructs. Each returns an error message
 * (naming the bad value and the fix) or undefined. Internal: not part of the public API.
 */

const QUANTITY = /^(\d+(\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const FACTORS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes resource quantity (`250m` → 0.25, `1Gi` → 1073741824), or undefined if malformed. */
export function parseQuantity(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * FACTORS[m[3] ?? ''];
}

/** A storage size: a quantity with a binary or decimal byte suffix, e.g. `16Gi`. */
export function checkStorageSize(what: string, size: string): string | undefined {
  if (!/^\d+(Mi|Gi|Ti|M|G|T)$/.test(size) || Number(size.replace(/\D+$/, '')) === 0) {
    return `${what} '${size}' is not a storage size: write a whole number with a unit, e.g. '16Gi'.`;
  }
  return undefined;
}

/** A resource quantity such as `100m` or `128Mi`. */
export function checkQuantity(what: string, q: string): string | undefined {
  if (parseQuantity(q) === undefined) {
    return `${what} '${q}' is not a Kubernetes quantity: use e.g. '100m' for CPU or '128Mi' for memory.`;
  }
  return undefined;
}

const SHELL_SAFE = /^[A-Za-z0-9_.@:/~+=-]+$/;

/** A value that is pasted into a shell command (a kubeconfig path or context name). */
export function checkShellSafe(what: string, value: string): string | undefined {
  if (!SHELL_SAFE.test(value)) {
    return `${what} '${value}' contains characters that are unsafe in a shell command: use only letters, digits and '_.@:/~+=-'.`;
  }
  return undefined;
}

/** A Vault mount path: no leading/trailing slash, no whitespace. */
export function checkMountPath(what: string, path: string): string | undefined {
  if (Token.isUnresolved(path)) return undefined;
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(path)) {
    return `${what} '${path}' is not a Vault mount path: use letters, digits, '-', '_' and inner '/', without leading or trailing '/', e.g. 'pki-dapr-prod'.`;
  }
  return undefined;
}
