/**
 * HTTP header names that carry credentials: `Authorization`, `Proxy-Authorization`, `Cookie`, and
 * any name containing `token`, `key`, `secret`, `password`, `passwd`, `credential`, `session`,
 * `signature` or `auth` (e.g. `X-Api-Key`, `X-Auth-Token`, `X-Client-Secret`). The HttpEndpoint
 * construct and policy rule DAPR-HTTP-004 accept them only from a secret reference.
 */
const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie)$|token|key|secret|passw(or)?d|credential|session|signature|auth/i;

/** True if an HTTP header of this name carries a credential, so its value must come from a secret store. */
export function isSensitiveHeaderName(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** A header name as RFC 9110 allows it (a `token`). */
export function isValidHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}
