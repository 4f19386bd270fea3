/** Host and port parsing of component addresses (plain data: the components and the contract builder use it). */

/** A host and TCP port (the shape of `ComponentEndpoint`). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port[,host:port]`; returns [] if any entry is malformed. */
export function parseHostPorts(s: string): HostPort[] {
  const out: HostPort[] = [];
  for (const part of s.split(',')) {
    const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(part.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return [];
    out.push({ host: m[1], port: Number(m[2]) });
  }
  return out;
}

/** The host and port of a URL (the default port of its scheme when it has none), or [] if it does not parse. */
export function urlEndpoints(address: string): HostPort[] {
  const url = parseUrl(address);
  return url ? [{ host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) }] : [];
}

/** A URL, or undefined if the text is not one. */
export function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}
