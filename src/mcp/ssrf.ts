// Outbound HTTP to remote MCP servers, SSRF-safe: http(s) only; private, loopback, link-local (cloud metadata)
// and other special-use addresses refused unless the server entry allows them. The address is checked when
// the connection is made (in the DNS lookup undici uses), so a name that re-resolves between a check and the
// connect (DNS rebinding) cannot slip through, and every redirect hop is checked again.
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';

const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses an outbound request must not reach by default. IPv4-mapped and NAT64 forms are unwrapped. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1] !== undefined) return BLOCKED.check(mapped[1], 'ipv4');
  const hexMapped = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped?.[1] !== undefined && hexMapped[2] !== undefined) {
    const hi = parseInt(hexMapped[1], 16);
    const lo = parseInt(hexMapped[2], 16);
    return BLOCKED.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return BLOCKED.check(address, 'ipv6');
}

export class SsrfError extends Error {
  override readonly name = 'SsrfError';
}

export interface SafeFetchOptions {
  readonly allowPrivateNetwork: boolean;
  readonly maxRedirects?: number;
  /** The resolver (defaults to the system's). */
  readonly lookup?: typeof dnsLookup;
  /** Which addresses are refused (defaults to isPrivateAddress). */
  readonly isBlocked?: (address: string) => boolean;
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Checks a URL before any connection: scheme, and an IP-literal host (which skips DNS lookup). */
export function checkUrl(url: URL, allowPrivateNetwork: boolean, isBlocked: (address: string) => boolean = isPrivateAddress): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SsrfError(`refused ${url.protocol} URL: http(s) only`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && isIP(host) !== 0 && isBlocked(host)) {
    throw new SsrfError(`refused a private, loopback or link-local address (${url.host}); set allowPrivateNetwork to allow it`);
  }
  if (!allowPrivateNetwork && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new SsrfError(`refused ${url.host}: loopback; set allowPrivateNetwork to allow it`);
  }
}

export interface SafeFetch {
  readonly fetch: FetchLike;
  close(): Promise<void>;
}

export function createSafeFetch(opts: SafeFetchOptions): SafeFetch {
  const resolve = opts.lookup ?? dnsLookup;
  const isBlocked = opts.isBlocked ?? isPrivateAddress;
  const agent = new Agent({
    connect: {
      lookup: (hostname, options, callback) => {
        resolve(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) {
            callback(error, '', 0);
            return;
          }
          const list = (Array.isArray(addresses) ? addresses : []);
          const allowed = opts.allowPrivateNetwork ? list : list.filter((a) => !isBlocked(a.address));
          if (allowed.length === 0) {
            callback(new SsrfError(`refused ${hostname}: it resolves only to private, loopback or link-local addresses`), '', 0);
            return;
          }
          if ((options as { all?: boolean }).all === true) {
            (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
          } else {
            const first = allowed[0] as LookupAddress;
            callback(null, first.address, first.family);
          }
        });
      },
    },
  });
  const maxRedirects = opts.maxRedirects ?? 5;

  const safeFetch: FetchLike = async (input, init) => {
    let url = new URL(typeof input === 'string' ? input : input.href);
    let method = init?.method ?? 'GET';
    let body = init?.body;
    for (let hop = 0; ; hop++) {
      checkUrl(url, opts.allowPrivateNetwork, isBlocked);
      const request: UndiciInit = { ...(init as unknown as UndiciInit), method, redirect: 'manual', dispatcher: agent };
      if (body !== undefined && body !== null) request.body = body as NonNullable<UndiciInit['body']>;
      else delete request.body;
      const response = await undiciFetch(url, request);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return response;
      if (hop >= maxRedirects) throw new SsrfError('too many redirects');
      await response.body?.cancel();
      const next = new URL(location, url);
      // Credentials stay with the origin they were configured for.
      if (next.origin !== url.origin && init?.headers !== undefined) {
        init = { ...init, headers: {} };
      }
      url = next;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  };
  return { fetch: safeFetch, close: () => agent.close() };
}
