// OAuth2 client credentials against a real token endpoint: one token request under concurrency, caching until 30 s
// before expiry, refresh after, a safe 502 on failure with the secret never in messages or logs.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpstream, openAiChat, sendJson } from './testing/fake-upstream.ts';
import { buildRouter, call, chatBody, type Fixture } from './testing/router-fixture.ts';

const fakes: FakeUpstream[] = [];
const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.router.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const SECRET = 'client-secret-value-42';

async function setup(tokenHandler?: (n: number) => { status: number; body: unknown }) {
  let tokens = 0;
  const idp = await FakeUpstream.start(async (req, res) => {
    tokens++;
    const n = tokens;
    // Hold the answer a little so concurrent callers really overlap the one request.
    await new Promise((r) => setTimeout(r, 20));
    const out = tokenHandler?.(n) ?? { status: 200, body: { access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 } };
    sendJson(res, out.status, out.body);
    void req;
  });
  const backend = await FakeUpstream.start((req, res) => {
    if (req.headers.authorization === 'Bearer revoked') sendJson(res, 401, { error: { message: 'token revoked' } });
    else sendJson(res, 200, openAiChat('ok'));
  });
  fakes.push(idp, backend);
  const f = buildRouter(
    {
      upstreams: [
        {
          name: 'az',
          provider: 'azure-openai',
          baseUrl: backend.url,
          apiVersion: '2024-10-21',
          credentials: {
            type: 'oauth-client-credentials',
            tokenUrl: `${idp.url}/oauth2/v2.0/token`,
            clientId: 'palisade-app',
            clientSecret: '${env:CS}',
            scope: 'https://cognitiveservices.azure.com/.default',
            extraParams: { resource: 'https://cognitiveservices.azure.com' },
          },
        },
      ],
      models: [{ match: 'gpt-4o', backends: [{ upstream: 'az', model: 'dep' }] }],
    },
    { CS: SECRET },
  );
  fixtures.push(f);
  return { idp, backend, f, tokenCalls: () => tokens };
}

describe('OAuth client credentials', () => {
  it('fetches one token for 100 concurrent requests and sends it as a Bearer token', async () => {
    const { idp, backend, f, tokenCalls } = await setup();
    const results = await Promise.all(Array.from({ length: 100 }, () => f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenCalls()).toBe(1);
    expect(backend.requests).toHaveLength(100);
    expect(backend.requests.every((q) => q.headers.authorization === 'Bearer tok-1' && q.headers['api-key'] === undefined)).toBe(true);
    const form = new URLSearchParams(idp.requests[0]!.body);
    expect(idp.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'palisade-app',
      client_secret: SECRET,
      scope: 'https://cognitiveservices.azure.com/.default',
      resource: 'https://cognitiveservices.azure.com',
    });
  });

  it('caches the token until 30 s before expiry, then refreshes', async () => {
    const { backend, f, tokenCalls } = await setup();
    await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    f.clock.advance(3600_000 - 30_000 - 1);
    await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(tokenCalls()).toBe(1);
    f.clock.advance(1);
    await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(tokenCalls()).toBe(2);
    expect(backend.requests.map((q) => q.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('answers 502 with a safe message when the token endpoint fails, and never logs the secret', async () => {
    const { backend, f, tokenCalls } = await setup(() => ({ status: 400, body: { error: 'invalid_client', error_description: `bad secret ${SECRET}` } }));
    const res = await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(!res.ok && res.error.code).toBe('upstream_error');
    expect(!res.ok && res.error.message).toContain('authenticate');
    expect(JSON.stringify(res)).not.toContain(SECRET);
    expect(JSON.stringify(f.logs)).not.toContain(SECRET);
    expect(f.logs.some((l) => l.msg === 'upstream token request refused')).toBe(true);
    expect(backend.requests).toHaveLength(0);
    // Failures are not cached: the next request tries again.
    await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(tokenCalls()).toBe(2);
    expect(f.router.health()[0]!.state).toBe('closed');
  });

  it('forgets a token the backend refuses, so the next request fetches a fresh one', async () => {
    const { backend, f, tokenCalls } = await setup((n) => ({ status: 200, body: { access_token: n === 1 ? 'revoked' : `tok-${n}`, expires_in: '3600' } }));
    const first = await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(!first.ok && first.error.code).toBe('upstream_error');
    const second = await f.router.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(second.ok).toBe(true);
    expect(tokenCalls()).toBe(2);
    expect(backend.requests.map((q) => q.headers.authorization)).toEqual(['Bearer revoked', 'Bearer tok-2']);
  });
});
