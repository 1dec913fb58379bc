// Client authentication and admission: keys, model restrictions, revocation, CLI-created keys on a running
// gateway, rate limits (memory and Redis), IP deny lists and OIDC tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import OpenAI from 'openai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const started: TestGateway[] = [];
async function gateway(input: Record<string, unknown> = {}, opts: { keyModels?: string[] } = {}) {
  const g = await startTestGateway(input, opts);
  started.push(g);
  return g;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.close()));
});

async function chat(url: string, credential: string | undefined, model = 'palisade-mock', headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { error?: { code: string; type: string; message: string } } };
}

describe('API keys', () => {
  it('401 without credentials, with a provider key, or with an unknown key', async () => {
    const g = await gateway();
    const none = await chat(g.url, undefined);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ type: 'authentication_error', code: 'unauthenticated' });
    expect((await chat(g.url, 'sk-proj-abcdef0123456789')).status).toBe(401);
    expect((await chat(g.url, 'pal_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
    expect((await chat(g.url, g.key)).status).toBe(200);
  });

  it('a key limited to some models gets 403 for others and sees only its models', async () => {
    const g = await gateway({
      upstreams: [{ name: 'mock', provider: 'mock' }],
      models: [
        { match: 'palisade-mock', backends: [{ upstream: 'mock' }] },
        { match: 'other-model', backends: [{ upstream: 'mock' }] },
      ],
    }, { keyModels: ['other-*'] });
    const denied = await chat(g.url, g.key, 'palisade-mock');
    expect(denied.status).toBe(403);
    expect(denied.body.error?.code).toBe('model_not_allowed');
    expect((await chat(g.url, g.key, 'other-model')).status).toBe(200);
    const client = new OpenAI({ apiKey: g.key, baseURL: `${g.url}/v1`, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['other-model']);
  });

  it('a revoked key is refused at once', async () => {
    const g = await gateway();
    expect((await chat(g.url, g.key)).status).toBe(200);
    await g.gateway.keys.revoke('test');
    const r = await chat(g.url, g.key);
    expect(r.status).toBe(401);
  });

  it('a key created and revoked from the CLI works on the running gateway within a second', async () => {
    const g = await gateway();
    const run = (args: string[]) => runCli(g.home, args);
    const created = await run(['keys', 'create', '--name', 'from-cli', '--models', 'palisade-mock']);
    expect(created.code).toBe(0);
    const key = created.out.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    const deadline = Date.now() + 1500;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await chat(g.url, key)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    const listed = await run(['keys', 'list', '--format', 'json']);
    expect(listed.out).toContain('from-cli');
    expect(listed.out).not.toContain(key);
    const revoked = await run(['keys', 'revoke', 'from-cli']);
    expect(revoked.code).toBe(0);
    const until = Date.now() + 1500;
    while (Date.now() < until && status !== 401) {
      status = (await chat(g.url, key)).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });
});

describe('rate limits', () => {
  it('429 with Retry-After once the per-minute request limit is spent (memory)', async () => {
    const g = await gateway({ limits: { defaults: { requestsPerMinute: 2 } } });
    expect((await chat(g.url, g.key)).status).toBe(200);
    expect((await chat(g.url, g.key)).status).toBe(200);
    const third = await chat(g.url, g.key);
    expect(third.status).toBe(429);
    expect(third.body.error?.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('two gateways on Redis share one count', async () => {
    const prefix = `palisade-test:${process.pid}:${Date.now()}:`;
    const limits = { backend: 'redis', redis: { url: 'redis://127.0.0.1:6379', keyPrefix: prefix }, defaults: { requestsPerMinute: 3 } };
    const home = await gateway({ limits });
    // The second gateway shares the first one's state folder, hence its keys, like a replica on shared state.
    const replica = await gateway({ limits, state: { home: home.home } });
    expect((await chat(home.url, home.key)).status).toBe(200);
    expect((await chat(replica.url, home.key)).status).toBe(200);
    expect((await chat(home.url, home.key)).status).toBe(200);
    expect((await chat(replica.url, home.key)).status).toBe(429);
  });
});

describe('network policy', () => {
  it('a denied address gets 403 before authentication', async () => {
    const g = await gateway({ network: { deny: ['127.0.0.0/8', '::1/128'] } });
    const r = await chat(g.url, undefined);
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('ip_denied');
  });

  it('an allow list that excludes the caller refuses it; one that includes it admits it', async () => {
    const g = await gateway({ network: { allow: ['10.0.0.0/8'] } });
    expect((await chat(g.url, g.key)).status).toBe(403);
    const ok = await gateway({ network: { allow: ['127.0.0.1/32', '::1/128', '::ffff:127.0.0.1/128'] } });
    expect((await chat(ok.url, ok.key)).status).toBe(200);
  });
});

describe('OIDC bearer tokens', () => {
  let jwks: Server | undefined;
  afterAll(() => jwks?.close());

  it('accepts a valid token from the configured issuer and refuses a wrong audience and a missing role', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks?.listen(0, '127.0.0.1', () => r()));
    const port = (jwks.address() as AddressInfo).port;
    const issuer = 'https://login.example.test/tenant/v2.0';
    const g = await gateway({
      auth: {
        oidc: [
          {
            name: 'entra',
            issuer,
            audiences: ['api://palisade'],
            jwksUri: `http://127.0.0.1:${port}/keys`,
            allowedClientIds: ['04b07795-8ddb-461a-bbee-02f9e1bf7b46'],
            requiredRoles: { claim: 'roles', match: 'any', values: ['Palisade.User'] },
          },
        ],
      },
    });
    const token = (claims: Record<string, unknown>, aud = 'api://palisade') =>
      new SignJWT({ azp: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', roles: ['Palisade.User'], name: 'Ada', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(aud)
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    expect((await chat(g.url, await token({}))).status).toBe(200);
    expect((await chat(g.url, await token({}, 'api://someone-else'))).status).toBe(401);
    const noRole = await chat(g.url, await token({ roles: ['Other'] }));
    expect(noRole.status).toBe(403);
  });
});
