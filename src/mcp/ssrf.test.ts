import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUrl, createSafeFetch, isPrivateAddress, SsrfError } from './ssrf.ts';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
    ['not-an-ip', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('checkUrl', () => {
  it('refuses non-http schemes, private literals and localhost unless allowed', () => {
    expect(() => checkUrl(new URL('file:///etc/passwd'), true)).toThrow(SsrfError);
    expect(() => checkUrl(new URL('http://169.254.169.254/latest/meta-data'), false)).toThrow(SsrfError);
    expect(() => checkUrl(new URL('http://[::1]:8080/'), false)).toThrow(SsrfError);
    expect(() => checkUrl(new URL('http://localhost:8080/'), false)).toThrow(SsrfError);
    expect(() => checkUrl(new URL('http://127.0.0.1/'), true)).not.toThrow();
    expect(() => checkUrl(new URL('https://8.8.8.8/'), false)).not.toThrow();
  });
});

describe('createSafeFetch', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/to-literal') res.writeHead(302, { location: `http://127.0.0.2:${port}/secret` }).end();
      else if (req.url === '/to-name') res.writeHead(302, { location: `http://evil.test:${port}/secret` }).end();
      else if (req.url === '/same') res.writeHead(302, { location: '/ok' }).end();
      else res.writeHead(200).end('ok');
    });
    // Every loopback address reaches it, so only the guard can stop a request to 127.0.0.2.
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  // A resolver for the test names: public.test is "public" (127.0.0.1, allowed by the test's block rule),
  // evil.test resolves to 127.0.0.2, which the rule treats as the private network.
  const lookup = ((hostname: string, _opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    cb(null, [{ address: hostname === 'evil.test' ? '127.0.0.2' : '127.0.0.1', family: 4 }]);
  }) as never;
  const isBlocked = (a: string): boolean => a === '127.0.0.2';

  it('fetches an allowed host and follows a same-origin redirect', async () => {
    const f = createSafeFetch({ allowPrivateNetwork: false, lookup, isBlocked });
    const res = await f.fetch(`http://public.test:${port}/same`);
    expect(await res.text()).toBe('ok');
    await f.close();
  });

  it('re-checks every redirect hop: a literal or a name resolving to a blocked address is refused', async () => {
    const f = createSafeFetch({ allowPrivateNetwork: false, lookup, isBlocked });
    await expect(f.fetch(`http://public.test:${port}/to-literal`)).rejects.toThrow(SsrfError);
    await expect(f.fetch(`http://public.test:${port}/to-name`)).rejects.toMatchObject({ cause: expect.any(SsrfError) as unknown });
    await expect(f.fetch(`http://evil.test:${port}/`)).rejects.toMatchObject({ cause: expect.any(SsrfError) as unknown });
    const direct = createSafeFetch({ allowPrivateNetwork: true, lookup });
    expect((await direct.fetch(`http://evil.test:${port}/`)).status).toBe(200);
    await direct.close();
    await f.close();
  });

  it('refuses loopback with the default rule and allows it when the server entry says so', async () => {
    const strict = createSafeFetch({ allowPrivateNetwork: false });
    await expect(strict.fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(SsrfError);
    await strict.close();
    const open = createSafeFetch({ allowPrivateNetwork: true });
    expect((await open.fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await open.close();
  });
});
