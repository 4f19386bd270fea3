/** Checks on names that Kubernetes and Dapr impose. Each returns an error message or undefined. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Longest app-id: the sidecar's `<app-id>-dapr` Service name must stay within 63 characters. */
export const MAX_APP_ID_LENGTH = 58;

export function checkAppId(appId: string): string | undefined {
  if (!DNS_LABEL.test(appId) || appId.length > MAX_APP_ID_LENGTH) {
    return (
      `app-id '${appId}' is not a DNS-1123 label of at most ${MAX_APP_ID_LENGTH} characters ` +
      `(lowercase letters, digits and '-', starting and ending with a letter or digit; the sidecar's ` +
      `'<app-id>-dapr' Service must fit in 63). Rename it, e.g. '${suggestLabel(appId, MAX_APP_ID_LENGTH)}'.`
    );
  }
  return undefined;
}

/**
 * The app-id check for an app referenced elsewhere (a scope, a subscriber, a caller): undefined when
 * the app is declared in the construct tree (a DaprWorkload), which reports its own app-id, so that a
 * bad app-id is one error, not one per component, Subscription and Configuration it appears in.
 */
export function checkReferencedAppId(app: { readonly appId: string }): string | undefined {
  return declaresItself(app) ? undefined : checkAppId(app.appId);
}

/**
 * True when `scope` is an app declared in the construct tree whose app-id is invalid: names derived
 * from that app-id (its Configuration, its Subscriptions) are then errors of the same root cause,
 * which the app reports.
 */
export function derivedFromInvalidAppId(scope: unknown): boolean {
  const app = scope as { readonly appId?: unknown };
  return declaresItself(scope) && typeof app.appId === 'string' && checkAppId(app.appId) !== undefined;
}

/** A construct (it has a `node`) that is an app: it validates its own app-id. */
function declaresItself(app: unknown): boolean {
  const a = app as { readonly node?: unknown; readonly appId?: unknown };
  return typeof a === 'object' && a !== null && typeof a.node === 'object' && a.node !== null && typeof a.appId === 'string';
}

/** A Kubernetes object name (DNS-1123 subdomain, at most 253 characters). */
export function checkObjectName(what: string, name: string): string | undefined {
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    return `${what} '${name}' is not a valid Kubernetes name (DNS-1123 subdomain: lowercase letters, digits, '-' and '.'). Use e.g. '${suggestLabel(name, 63)}'.`;
  }
  return undefined;
}

/** A namespace name (DNS-1123 label). */
export function checkNamespace(namespace: string): string | undefined {
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    return `namespace '${namespace}' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63). Use e.g. '${suggestLabel(namespace, 63)}'.`;
  }
  return undefined;
}

function suggestLabel(s: string, max: number): string {
  const cleaned = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return cleaned || 'my-app';
}
