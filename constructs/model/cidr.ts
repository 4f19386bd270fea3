import { isIPv4, isIPv6 } from 'net';

/** An error message if `cidr` is not an IPv4 or IPv6 CIDR (`203.0.113.0/24`, `2001:db8::/32`), else undefined. */
export function checkCidr(cidr: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const max = m && isIPv4(m[1]) ? 32 : m && isIPv6(m[1]) ? 128 : undefined;
  if (!m || max === undefined || Number(m[2]) > max) {
    return `'${cidr}' is not a CIDR: write an address and a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'.`;
  }
  return undefined;
}
