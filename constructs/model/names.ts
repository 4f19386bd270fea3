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
