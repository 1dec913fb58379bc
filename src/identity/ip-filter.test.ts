import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, createIpPolicy, formatIp, IpFilter, parseCidr, parseIp, type IpPolicy } from './ip-filter.ts';

function policy(options: Parameters<typeof createIpPolicy>[0]): IpPolicy {
  const result = createIpPolicy(options);
  if (!result.ok) throw new Error(result.error.join('; '));
  return result.value;
}

describe('parsing', () => {
  it('reads IPv4, IPv6, embedded and mapped IPv4, and zones', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('2001:db8::1')).toEqual({ family: 6, value: (0x20010db8n << 96n) | 1n });
    expect(parseIp('::ffff:10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('::ffff:a01:203')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('::10.1.2.3')).toEqual({ family: 6, value: 0x0a010203n });
    expect(parseIp('fe80::1%eth0')).toEqual({ family: 6, value: (0xfe80n << 112n) | 1n });
    for (const bad of ['', 'localhost', '1.2.3', '1.2.3.256', '::g', '1.2.3.4/8', ' 1.2.3.4']) expect(parseIp(bad)).toBeUndefined();
  });

  it('reads CIDR ranges and rejects malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('10.9.9.9/8')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('192.168.1.1')).toEqual({ family: 4, network: 0xc0a80101n, prefix: 32 });
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ family: 4, network: 0x0a000000n, prefix: 8 });
    expect(parseCidr('2001:db8::/32')?.prefix).toBe(32);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'x/8', '1.2.3.4/ 8']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it('lists every malformed entry at once', () => {
    const result = createIpPolicy({ allow: ['10.0.0.0/8', 'nope'], deny: ['1.2.3.4/40'], trustedProxies: ['x'] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toHaveLength(3);
    expect(() => new IpFilter({ deny: ['10.0.0.0/8', '300.0.0.0/8'] })).toThrow(/network\.deny\[1\]/);
    expect(new IpFilter({ deny: ['10.0.0.0/8'] }).isAllowed('10.2.3.4')).toBe(false);
  });

  it('formats addresses canonically (RFC 5952 zero compression)', () => {
    expect(formatIp({ family: 6, value: (0x20010db8n << 96n) | 1n })).toBe('2001:db8::1');
    expect(formatIp({ family: 6, value: 0n })).toBe('::');
    expect(formatIp({ family: 6, value: 1n })).toBe('::1');
    expect(formatIp(parseIp('1:0:0:2:0:0:0:3') ?? { family: 6, value: 0n })).toBe('1:0:0:2::3');
    expect(formatIp(parseIp('1:2:3:4:5:6:7:8') ?? { family: 6, value: 0n })).toBe('1:2:3:4:5:6:7:8');
  });
});

describe('properties (node:net BlockList as the oracle)', () => {
  it('IPv4 CIDR membership agrees with BlockList', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (addr, net, prefix) => {
        const list = new BlockList();
        list.addSubnet(net, prefix, 'ipv4');
        const cidr = parseCidr(`${net}/${prefix}`);
        const ip = parseIp(addr);
        expect(cidr && ip && cidrContains(cidr, ip)).toBe(list.check(addr, 'ipv4'));
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv4 addresses inside a range always match it', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.nat(), (net, prefix, offset) => {
        const cidr = parseCidr(`${net}/${prefix}`);
        if (cidr === undefined) throw new Error('unparsed');
        const hostBits = 32 - prefix;
        const host = hostBits === 0 ? 0n : BigInt(offset) % (1n << BigInt(hostBits));
        expect(cidrContains(cidr, { family: 4, value: cidr.network | host })).toBe(true);
      }),
    );
  });

  it('IPv6 CIDR membership agrees with BlockList', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }), (addr, net, prefix) => {
        const ip = parseIp(addr);
        const cidr = parseCidr(`${net}/${prefix}`);
        fc.pre(ip?.family === 6 && cidr?.family === 6);
        const list = new BlockList();
        list.addSubnet(net, prefix, 'ipv6');
        expect(cidrContains(cidr, ip)).toBe(list.check(addr, 'ipv6'));
      }),
      { numRuns: 2000 },
    );
  });

  it('formatting round-trips, and mapped IPv6 equals its IPv4 address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (addr) => {
        const ip = parseIp(addr);
        expect(ip).toBeDefined();
        expect(parseIp(formatIp(ip!))).toEqual(ip);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        expect(parseIp(`::ffff:${v4}`)).toEqual(parseIp(v4));
        expect(formatIp(parseIp(`::FFFF:${v4}`)!)).toBe(formatIp(parseIp(v4)!));
      }),
    );
  });

  it('deny wins over allow, and an empty allow list allows everything not denied', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), (addr, pa, pd) => {
        const both = policy({ allow: [`${addr}/${pa}`], deny: [`${addr}/${pd}`] });
        expect(both.isAllowed(addr)).toBe(false);
        expect(both.isAllowed(`::ffff:${addr}`)).toBe(false);
        expect(policy({ allow: [`${addr}/${pa}`] }).isAllowed(addr)).toBe(true);
        expect(policy({}).isAllowed(addr)).toBe(true);
      }),
    );
  });

  it('an untrusted peer is the client whatever X-Forwarded-For says', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.string(), (peer, header) => {
        fc.pre(!peer.startsWith('10.'));
        expect(policy({ trustedProxies: ['10.0.0.0/8'] }).clientIp(peer, header)).toBe(peer);
      }),
    );
  });

  it('a chain of trusted proxies resolves to the first untrusted hop from the right', () => {
    const trustedHop = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `10.${a}.${b}.${c}`);
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { maxLength: 3 }), fc.ipV4(), fc.array(trustedHop, { maxLength: 4 }), trustedHop, (spoofed, client, proxies, peer) => {
        fc.pre(!client.startsWith('10.'));
        const header = [...spoofed, client, ...proxies].join(', ');
        expect(policy({ trustedProxies: ['10.0.0.0/8'] }).clientIp(peer, header)).toBe(client);
      }),
    );
  });
});

describe('allow / deny / client address', () => {
  const p = policy({
    allow: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'],
    deny: ['10.66.0.0/16', '2001:db8:bad::/48'],
    trustedProxies: ['127.0.0.1', '::1', '172.16.0.0/12'],
  });

  it('applies allow and deny to both families and to mapped addresses', () => {
    expect(p.isAllowed('10.1.2.3')).toBe(true);
    expect(p.isAllowed('::ffff:10.1.2.3')).toBe(true);
    expect(p.isAllowed('10.66.1.1')).toBe(false);
    expect(p.isAllowed('::ffff:10.66.1.1')).toBe(false);
    expect(p.isAllowed('192.168.1.7')).toBe(true);
    expect(p.isAllowed('192.168.1.8')).toBe(false);
    expect(p.isAllowed('2001:db8:1::5')).toBe(true);
    expect(p.isAllowed('2001:db8:bad::5')).toBe(false);
    expect(p.isAllowed('2001:db9::1')).toBe(false);
    expect(p.isAllowed('garbage')).toBe(false);
    expect(policy({}).isAllowed('garbage')).toBe(true);
    expect(p.check('8.8.8.8')).toEqual({ ok: false, error: { code: 'ip_denied', message: 'Client address not allowed' } });
    expect(p.check('10.1.1.1')).toEqual({ ok: true, value: undefined });
  });

  it('walks X-Forwarded-For only behind a trusted proxy', () => {
    expect(p.clientIp('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(p.clientIp('127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(p.clientIp('::ffff:127.0.0.1', '203.0.113.9, 172.16.3.4')).toBe('203.0.113.9');
    expect(p.clientIp('::1', '198.51.100.1, 203.0.113.9, 172.16.3.4')).toBe('203.0.113.9');
    expect(p.clientIp('8.8.8.8', '203.0.113.9')).toBe('8.8.8.8');
    expect(p.clientIp('::ffff:8.8.8.8', '203.0.113.9')).toBe('8.8.8.8');
    expect(p.clientIp('127.0.0.1', '172.16.0.1, 172.16.0.2')).toBe('172.16.0.1');
    expect(p.clientIp('127.0.0.1', '203.0.113.9:51234')).toBe('203.0.113.9');
    expect(p.clientIp('127.0.0.1', '[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(p.clientIp('127.0.0.1', '2001:DB8:0::7')).toBe('2001:db8::7');
  });

  it('falls back to the socket address on malformed entries', () => {
    expect(p.clientIp('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
    expect(p.clientIp('127.0.0.1', '203.0.113.9, garbage')).toBe('127.0.0.1');
    expect(p.clientIp('127.0.0.1', '203.0.113.9,, 172.16.0.1')).toBe('127.0.0.1');
    expect(p.clientIp('127.0.0.1', '')).toBe('127.0.0.1');
    expect(p.clientIp('127.0.0.1', 'unknown')).toBe('127.0.0.1');
    expect(policy({}).clientIp('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
  });
});
