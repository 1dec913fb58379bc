// Client-address checks made before authentication: CIDR allow and deny lists (deny wins), and the
// client address itself, taken from X-Forwarded-For only when the socket peer is a trusted proxy.
// IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is treated as the IPv4 address it carries, on both sides.
import { isIP } from 'node:net';
import { err, ok, palisadeError, type PalisadeError, type Result } from '../core/index.ts';

export interface IpAddress {
  readonly family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  readonly value: bigint;
}

export interface Cidr {
  readonly family: 4 | 6;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
}

const V4_MASK = 0xffff_ffffn;

function parseV4(text: string): bigint {
  let value = 0n;
  for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

function parseV6(text: string): bigint {
  // isIP has already validated the syntax; what remains is an IPv4 tail and expanding `::`.
  let hex = text;
  const lastColon = hex.lastIndexOf(':');
  if (hex.includes('.', lastColon)) {
    const v4 = parseV4(hex.slice(lastColon + 1));
    hex = `${hex.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [left = '', right] = hex.split('::');
  const groups = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => BigInt(parseInt(g, 16))));
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const zeros = right === undefined ? 0 : 8 - leftGroups.length - rightGroups.length;
  let value = 0n;
  for (const g of [...leftGroups, ...Array<bigint>(zeros).fill(0n), ...rightGroups]) value = (value << 16n) | g;
  return value;
}

/** Parses an IPv4 or IPv6 address (a `%zone` suffix is ignored); mapped IPv4 becomes IPv4. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  const family = isIP(bare);
  if (family === 4) return { family: 4, value: parseV4(bare) };
  if (family !== 6) return undefined;
  const value = parseV6(bare);
  if (value >> 32n === 0xffffn) return { family: 4, value: value & V4_MASK };
  return { family: 6, value };
}

/** The address in its usual text form, with mapped IPv6 shown as IPv4. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) {
    const v = Number(address.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((address.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = family === 4 ? 32n : 128n;
  const all = (1n << bits) - 1n;
  return (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

/** Parses `addr` or `addr/prefix`. A mapped IPv6 range (`::ffff:10.0.0.0/104`) becomes its IPv4 range. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const bare = addrText.includes('%') ? undefined : addrText;
  if (bare === undefined) return undefined;
  const family = isIP(bare);
  if (family !== 4 && family !== 6) return undefined;
  const raw = family === 4 ? parseV4(bare) : parseV6(bare);
  let prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  if (family === 6 && prefix >= 96 && raw >> 32n === 0xffffn) {
    prefix -= 96;
    return { family: 4, network: raw & V4_MASK & mask(4, prefix), prefix };
  }
  return { family, network: raw & mask(family, prefix), prefix };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return cidr.family === address.family && (address.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

/** A list of ranges; `has` answers whether any contains the address. */
export class CidrSet {
  readonly #ranges: readonly Cidr[];
  constructor(ranges: readonly Cidr[]) {
    this.#ranges = ranges;
  }
  get size(): number {
    return this.#ranges.length;
  }
  has(address: IpAddress): boolean {
    for (const r of this.#ranges) if (cidrContains(r, address)) return true;
    return false;
  }
}

/** Parses every entry, listing all the bad ones at once. */
export function parseCidrList(entries: readonly string[], what: string): Result<CidrSet, string[]> {
  const ranges: Cidr[] = [];
  const problems: string[] = [];
  for (const [i, entry] of entries.entries()) {
    const cidr = parseCidr(entry.trim());
    if (cidr === undefined) problems.push(`${what}[${i}]: not an IP address or CIDR range: ${JSON.stringify(entry)}`);
    else ranges.push(cidr);
  }
  return problems.length > 0 ? err(problems) : ok(new CidrSet(ranges));
}

export interface IpPolicyOptions {
  /** When non-empty, only these ranges may connect. */
  readonly allow?: readonly string[];
  /** Refused even when allowed. */
  readonly deny?: readonly string[];
  /** Proxies whose X-Forwarded-For is believed. */
  readonly trustedProxies?: readonly string[];
}

export interface IpPolicy {
  /**
   * The client's address: the socket peer, unless the peer is a trusted proxy, in which case
   * X-Forwarded-For is walked from the right past trusted proxies to the first untrusted hop.
   * Any malformed entry met on the way makes the answer the socket address: a header we cannot
   * read is not believed.
   */
  clientIp(socketAddress: string, xForwardedFor: string | undefined): string;
  isAllowed(ip: string): boolean;
  /** `ip_denied` (403) when the address may not connect. */
  check(ip: string): Result<void, PalisadeError>;
}

/** Strips a port from `1.2.3.4:5678` or `[2001:db8::1]:443` (some proxies append one). */
function stripPort(entry: string): string {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    return close < 0 ? entry : entry.slice(1, close);
  }
  const colon = entry.indexOf(':');
  if (colon >= 0 && colon === entry.lastIndexOf(':') && entry.includes('.')) return entry.slice(0, colon);
  return entry;
}

/**
 * The configured address policy. The constructor throws on malformed entries (a boot-time config
 * error listing every bad entry); `createIpPolicy` is the same check answering a Result instead.
 */
export class IpFilter implements IpPolicy {
  readonly #allow: CidrSet;
  readonly #deny: CidrSet;
  readonly #trusted: CidrSet;

  constructor(options: IpPolicyOptions) {
    const allow = parseCidrList(options.allow ?? [], 'network.allow');
    const deny = parseCidrList(options.deny ?? [], 'network.deny');
    const trusted = parseCidrList(options.trustedProxies ?? [], 'server.trustedProxies');
    if (!allow.ok || !deny.ok || !trusted.ok) {
      const problems = [allow, deny, trusted].flatMap((r) => (r.ok ? [] : r.error));
      throw new IpPolicyError(problems);
    }
    this.#allow = allow.value;
    this.#deny = deny.value;
    this.#trusted = trusted.value;
  }

  isAllowed(ip: string): boolean {
    const address = parseIp(ip);
    // An address we cannot read (a socket already gone) passes only when no rule is configured.
    if (address === undefined) return this.#allow.size === 0 && this.#deny.size === 0;
    if (this.#deny.has(address)) return false;
    return this.#allow.size === 0 || this.#allow.has(address);
  }

  check(ip: string): Result<void, PalisadeError> {
    return this.isAllowed(ip) ? ok(undefined) : err(palisadeError('ip_denied', 'Client address not allowed'));
  }

  clientIp(socketAddress: string, xForwardedFor: string | undefined): string {
    const peer = parseIp(socketAddress);
    if (peer === undefined) return socketAddress;
    const peerText = formatIp(peer);
    if (xForwardedFor === undefined || this.#trusted.size === 0 || !this.#trusted.has(peer)) return peerText;
    const hops = xForwardedFor.split(',');
    let leftmost: IpAddress | undefined;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parseIp(stripPort((hops[i] ?? '').trim()));
      if (hop === undefined) return peerText;
      if (!this.#trusted.has(hop)) return formatIp(hop);
      leftmost = hop;
    }
    // Every hop is a trusted proxy: the leftmost one is the closest thing to a client we have.
    return leftmost === undefined ? peerText : formatIp(leftmost);
  }
}

export class IpPolicyError extends Error {
  override readonly name = 'IpPolicyError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

export function createIpPolicy(options: IpPolicyOptions): Result<IpPolicy, string[]> {
  try {
    return ok(new IpFilter(options));
  } catch (error) {
    if (error instanceof IpPolicyError) return err([...error.problems]);
    throw error;
  }
}
