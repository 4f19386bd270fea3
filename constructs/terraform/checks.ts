import { Token } from 'cdktf';
import { parseQuantity } from '@dapr-platform/constructs/internal';

export { parseQuantity };

/**
 * Small input checks shared by the Terraform-plane constructs. Each returns an error message
 * (naming the bad value and the fix) or undefined. Internal: not part of the public API.
 */

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
