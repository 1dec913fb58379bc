import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeUpstream, anthropicMessage, openAiChat, sendJson, startSse, writeAnthropicStream, writeOpenAiStream, writeSse } from './testing/fake-upstream.ts';
import { buildRouter, call, chatBody, type Fixture } from './testing/router-fixture.ts';
import { collect, datas, jsonOf, until } from './testing/collect.ts';
import { UpstreamStreamError } from './types.ts';
import { parseRetryAfter } from './router.ts';

const fakes: FakeUpstream[] = [];
const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.router.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(handler?: Parameters<typeof FakeUpstream.start>[0]): Promise<FakeUpstream> {
  const f = await FakeUpstream.start(handler ?? ((req, res) => sendJson(res, 200, openAiChat(`echo:${req.url}`))));
  fakes.push(f);
  return f;
}

function router(...args: Parameters<typeof buildRouter>): Fixture {
  const f = buildRouter(...args);
  fixtures.push(f);
  return f;
}

const FAST = { retry: { backoff: 100, maxBackoff: 1000 } };

describe('credentials and headers', () => {
  it('injects the OpenAI key, rewrites the model and never forwards client credentials', async () => {
    const up = await fake();
    const { router: r } = router(
      {
        upstreams: [{ name: 'oa', provider: 'openai', baseUrl: `${up.url}/v1`, credentials: { type: 'api-key', key: '${env:OA}' }, modelMap: { 'gpt-4o': 'gpt-4o-2024' } }],
        models: [{ match: 'gpt-4o', backends: [{ upstream: 'oa' }] }],
      },
      { OA: 'sk-palisade' },
    );
    const res = await r.dispatch(
      call('openai.chat', 'gpt-4o', chatBody('hi'), {
        clientHeaders: { authorization: 'Bearer client-key', 'api-key': 'client-azure', 'x-api-key': 'client-anthropic', 'openai-beta': 'assistants=v2', cookie: 'a=b' },
      }),
    );
    expect(jsonOf(res).status).toBe(200);
    expect(res.ok && res.servedBy).toEqual({ upstream: 'oa', provider: 'openai', model: 'gpt-4o-2024', attempts: 1 });
    expect(res.ok && res.kind === 'json' && res.usage).toEqual({ inputTokens: 5, outputTokens: 7 });
    const got = up.requests[0]!;
    expect(got.url).toBe('/v1/chat/completions');
    expect(got.headers.authorization).toBe('Bearer sk-palisade');
    expect(got.headers['api-key']).toBeUndefined();
    expect(got.headers['x-api-key']).toBeUndefined();
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers['openai-beta']).toBe('assistants=v2');
    expect(got.json().model).toBe('gpt-4o-2024');
  });

  it('uses api-key and deployment URLs for Azure OpenAI', async () => {
    const up = await fake((req, res) => sendJson(res, 200, req.url.includes('embeddings') ? { object: 'list', data: [], usage: { prompt_tokens: 3, total_tokens: 3 } } : openAiChat('x')));
    const { router: r } = router(
      {
        upstreams: [
          { name: 'az', provider: 'azure-openai', baseUrl: up.url, apiVersion: '2024-10-21', credentials: { type: 'api-key', key: '${env:AZ}' } },
        ],
        models: [{ match: 'chat', backends: [{ upstream: 'az', model: 'dep-gpt4o' }] }],
      },
      { AZ: 'azure-secret' },
    );
    await r.dispatch(call('openai.chat', 'chat', chatBody('hi'), { clientHeaders: { authorization: 'Bearer client' } }));
    await r.dispatch(call('openai.embeddings', 'chat', { input: 'x' }));
    await r.dispatch(call('openai.responses', 'chat', { input: 'x' }));
    expect(up.requests.map((q) => q.url)).toEqual([
      '/openai/deployments/dep-gpt4o/chat/completions?api-version=2024-10-21',
      '/openai/deployments/dep-gpt4o/embeddings?api-version=2024-10-21',
      '/openai/v1/responses',
    ]);
    for (const q of up.requests) {
      expect(q.headers['api-key']).toBe('azure-secret');
      expect(q.headers.authorization).toBeUndefined();
    }
    expect(up.requests[2]!.json().model).toBe('dep-gpt4o');
  });

  it('uses x-api-key and anthropic-version for Anthropic, a custom header and static extra headers', async () => {
    const up = await fake((_req, res) => sendJson(res, 200, anthropicMessage('hello')));
    const { router: r } = router(
      {
        upstreams: [
          { name: 'an', provider: 'anthropic', baseUrl: up.url, credentials: { type: 'api-key', key: '${env:AN}' }, headers: { 'X-Tenant': 'blue', 'X-Sub': '${env:SUB}' } },
          { name: 'apim', provider: 'openai-compatible', baseUrl: `${up.url}/gw`, credentials: { type: 'api-key', key: '${env:AN}', header: 'Ocp-Apim-Subscription-Key' } },
        ],
        models: [
          { match: 'claude', backends: [{ upstream: 'an' }] },
          { match: 'local', backends: [{ upstream: 'apim' }] },
        ],
      },
      { AN: 'anthropic-secret', SUB: 'sub-secret' },
    );
    const res = await r.dispatch(
      call('anthropic.messages', 'claude', { max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { clientHeaders: { 'x-api-key': 'client', 'anthropic-beta': 'tools-2024' } }),
    );
    expect(jsonOf(res).body).toEqual(anthropicMessage('hello'));
    const q = up.requests[0]!;
    expect(q.url).toBe('/v1/messages');
    expect(q.headers['x-api-key']).toBe('anthropic-secret');
    expect(q.headers['anthropic-version']).toBe('2023-06-01');
    expect(q.headers['anthropic-beta']).toBe('tools-2024');
    expect(q.headers['x-tenant']).toBe('blue');
    expect(q.headers['x-sub']).toBe('sub-secret');
    await r.dispatch(call('openai.chat', 'local', chatBody('hi')));
    const q2 = up.requests[1]!;
    expect(q2.url).toBe('/gw/chat/completions');
    expect(q2.headers['ocp-apim-subscription-key']).toBe('anthropic-secret');
    expect(q2.headers.authorization).toBeUndefined();
  });
});

describe('routing', () => {
  it('pins by first match, maps models per backend and lists only named routes', async () => {
    const a = await fake();
    const b = await fake();
    const { router: r } = router({
      upstreams: [
        { name: 'a', provider: 'openai-compatible', baseUrl: a.url, modelMap: { 'gpt-5-mini': 'mapped-mini' } },
        { name: 'b', provider: 'openai-compatible', baseUrl: b.url },
      ],
      models: [
        { match: 'gpt-5*', backends: [{ upstream: 'a' }] },
        { match: 'gpt-4o', backends: [{ upstream: 'a', model: 'route-4o' }, { upstream: 'b' }] },
        { match: '*', backends: [{ upstream: 'b' }], listed: true },
      ],
    });
    for (let i = 0; i < 6; i++) await r.dispatch(call('openai.chat', 'gpt-5-mini', chatBody('x')));
    expect(a.requests).toHaveLength(6);
    expect(b.requests).toHaveLength(0);
    expect(a.requests.every((q) => q.json().model === 'mapped-mini')).toBe(true);
    await r.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    await r.dispatch(call('openai.chat', 'gpt-4o', chatBody('x')));
    expect(a.requests[6]!.json().model).toBe('route-4o');
    expect(b.requests[0]!.json().model).toBe('gpt-4o');
    expect(r.resolve('anything')?.match).toBe('*');
    expect(r.resolve('gpt-5')?.match).toBe('gpt-5*');
    expect(r.listModels()).toEqual(['gpt-4o']);
  });

  it('answers model_not_found for an unrouted model and unsupported_operation for Responses on Anthropic', async () => {
    const { router: r } = router({
      upstreams: [{ name: 'an', provider: 'anthropic', baseUrl: 'http://127.0.0.1:9' }],
      models: [{ match: 'claude', backends: [{ upstream: 'an' }] }],
    });
    const nf = await r.dispatch(call('openai.chat', 'nope', chatBody('x')));
    expect(!nf.ok && nf.error.code).toBe('model_not_found');
    const un = await r.dispatch(call('openai.responses', 'claude', { input: 'x' }));
    expect(!un.ok && un.error.code).toBe('unsupported_operation');
    expect(!un.ok && un.error.message).toContain('claude');
    const emb = await r.dispatch(call('openai.embeddings', 'claude', { input: 'x' }));
    expect(!emb.ok && emb.error.code).toBe('unsupported_operation');
  });

  it('skips a backend that cannot take the request in its dialect, and answers 400 when none can', async () => {
    const an = await fake((_req, res) => sendJson(res, 200, anthropicMessage('x')));
    const oa = await fake();
    const { router: r } = router({
      upstreams: [
        { name: 'an', provider: 'anthropic', baseUrl: an.url },
        { name: 'oa', provider: 'openai-compatible', baseUrl: oa.url },
      ],
      models: [
        { match: 'mixed', strategy: 'least-in-flight', backends: [{ upstream: 'an' }, { upstream: 'oa' }] },
        { match: 'claude', backends: [{ upstream: 'an' }] },
      ],
    });
    const image = { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.test/a.png' } }] }] };
    const res = await r.dispatch(call('openai.chat', 'mixed', image));
    expect(res.ok && res.servedBy).toMatchObject({ upstream: 'oa', attempts: 1 });
    const refused = await r.dispatch(call('openai.chat', 'claude', image));
    expect(!refused.ok && refused.error).toMatchObject({ code: 'invalid_request', param: 'messages.0.content' });
    expect(an.requests).toHaveLength(0);
  });

  it('spreads smooth weighted round-robin 2:1, interleaved', async () => {
    const a = await fake();
    const b = await fake();
    const { router: r } = router({
      upstreams: [
        { name: 'a', provider: 'openai-compatible', baseUrl: a.url, weight: 2 },
        { name: 'b', provider: 'openai-compatible', baseUrl: b.url },
      ],
      models: [{ match: 'm', backends: [{ upstream: 'a' }, { upstream: 'b' }] }],
    });
    const order: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
      order.push(res.ok ? res.servedBy.upstream : 'error');
    }
    expect(a.requests).toHaveLength(20);
    expect(b.requests).toHaveLength(10);
    expect(order.slice(0, 6)).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('sends to the backend with the fewest requests in flight', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const a = await fake(async (_req, res) => {
      await held;
      sendJson(res, 200, openAiChat('slow'));
    });
    const b = await fake();
    const { router: r } = router({
      upstreams: [
        { name: 'a', provider: 'openai-compatible', baseUrl: a.url },
        { name: 'b', provider: 'openai-compatible', baseUrl: b.url },
      ],
      models: [{ match: 'm', strategy: 'least-in-flight', backends: [{ upstream: 'a' }, { upstream: 'b' }] }],
    });
    const first = r.dispatch(call('openai.chat', 'm', chatBody('x')));
    await until(() => a.requests.length === 1);
    expect(r.health().find((h) => h.upstream === 'a')?.inFlight).toBe(1);
    const second = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(second.ok && second.servedBy.upstream).toBe('b');
    release();
    expect((await first).ok).toBe(true);
    const third = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(third.ok && third.servedBy.upstream).toBe('a');
    expect(r.health().every((h) => h.inFlight === 0)).toBe(true);
  });
});

describe('resilience', () => {
  it('opens the breaker, skips the backend, probes half-open and closes on success', async () => {
    let aHealthy = false;
    const a = await fake((_req, res) => (aHealthy ? sendJson(res, 200, openAiChat('a')) : sendJson(res, 500, { error: { message: 'boom' } })));
    const b = await fake();
    const f = router({
      upstreams: [
        { name: 'a', provider: 'openai-compatible', baseUrl: a.url },
        { name: 'b', provider: 'openai-compatible', baseUrl: b.url },
      ],
      models: [{ match: 'm', strategy: 'least-in-flight', backends: [{ upstream: 'a' }, { upstream: 'b' }] }],
      resilience: { retry: { attempts: 0 }, breaker: { failureThreshold: 2, window: 10_000, openFor: 5_000 } },
    });
    const r = f.router;
    for (let i = 0; i < 2; i++) {
      const res = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
      expect(res.ok && res.servedBy).toMatchObject({ upstream: 'b', attempts: 2 });
    }
    expect(r.health().find((h) => h.upstream === 'a')?.state).toBe('open');
    expect(r.healthy()).toBe(true);
    for (let i = 0; i < 3; i++) {
      const res = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
      expect(res.ok && res.servedBy).toMatchObject({ upstream: 'b', attempts: 1 });
    }
    expect(a.requests).toHaveLength(2);
    f.clock.advance(5_000);
    expect(r.health().find((h) => h.upstream === 'a')?.state).toBe('half-open');
    aHealthy = true;
    const probe = await r.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(probe.ok && probe.servedBy.upstream).toBe('a');
    expect(r.health().find((h) => h.upstream === 'a')?.state).toBe('closed');
    expect(f.metrics.states).toEqual([
      ['a', 'open'],
      ['a', 'half-open'],
      ['a', 'closed'],
    ]);
  });

  it('reopens on a failed half-open probe and answers 503 with retryAfter when every circuit is open', async () => {
    const a = await fake((_req, res) => sendJson(res, 502, { error: { message: 'bad gateway' } }));
    const f = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: a.url }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
      resilience: { retry: { attempts: 0 }, breaker: { failureThreshold: 1, openFor: 4_000 } },
    });
    const first = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(!first.ok && first.error.code).toBe('upstream_error');
    const blocked = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(!blocked.ok && blocked.error).toMatchObject({ code: 'upstream_unavailable', retryAfter: 4 });
    expect(f.router.healthy()).toBe(false);
    expect(a.requests).toHaveLength(1);
    f.clock.advance(4_000);
    await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(a.requests).toHaveLength(2);
    expect(f.router.health()[0]!.state).toBe('open');
  });

  it('retries 5xx with full-jitter exponential backoff, then answers 502 naming the model but not the backend', async () => {
    const a = await fake((_req, res) => sendJson(res, 500, { error: { message: 'internal' } }));
    const f = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: a.url, credentials: { type: 'api-key', key: '${env:K}' } }],
      models: [{ match: 'my-model', backends: [{ upstream: 'a' }] }],
      resilience: { retry: { attempts: 2, backoff: 200, maxBackoff: 5000 } },
    }, { K: 'very-secret-key' });
    const res = await f.router.dispatch(call('openai.chat', 'my-model', chatBody('x')));
    expect(a.requests).toHaveLength(3);
    expect(f.sleeps).toEqual([100, 200]);
    expect(!res.ok && res.error.code).toBe('upstream_error');
    const msg = !res.ok ? res.error.message : '';
    expect(msg).toContain('my-model');
    expect(msg).not.toContain('127.0.0.1');
    expect(msg).not.toContain('very-secret-key');
    expect(JSON.stringify(f.logs)).not.toContain('very-secret-key');
    expect(f.metrics.requests.map((m) => m[1])).toEqual(['retry', 'retry', 'error']);
  });

  it('honours Retry-After on 429 and fails over when it is longer than maxRetryAfter', async () => {
    let n = 0;
    const a = await fake((_req, res) => (n++ === 0 ? sendJson(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '2' }) : sendJson(res, 200, openAiChat('ok'))));
    const f = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: a.url }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
      resilience: FAST,
    });
    const res = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(res.ok && res.servedBy.attempts).toBe(2);
    expect(f.sleeps).toEqual([2000]);

    const slow = await fake((_req, res) => sendJson(res, 429, { error: { message: 'later' } }, { 'retry-after': '60' }));
    const b = await fake();
    const g = router({
      upstreams: [
        { name: 'slow', provider: 'openai-compatible', baseUrl: slow.url },
        { name: 'b', provider: 'openai-compatible', baseUrl: b.url },
      ],
      models: [
        { match: 'm', strategy: 'least-in-flight', backends: [{ upstream: 'slow' }, { upstream: 'b' }] },
        { match: 'only-slow', backends: [{ upstream: 'slow' }] },
      ],
      resilience: FAST,
    });
    const over = await g.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(over.ok && over.servedBy).toMatchObject({ upstream: 'b', attempts: 2 });
    expect(g.sleeps).toEqual([]);
    const limited = await g.router.dispatch(call('openai.chat', 'only-slow', chatBody('x')));
    expect(!limited.ok && limited.error).toMatchObject({ code: 'upstream_unavailable', retryAfter: 60 });
    expect(g.router.health().find((h) => h.upstream === 'slow')?.state).toBe('closed');
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('passes backend 4xx through without counting them as failures', async () => {
    const a = await fake((_req, res) => sendJson(res, 400, { error: { message: 'bad field', type: 'invalid_request_error', code: 'x', param: 'temperature' } }));
    const f = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: a.url }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
      resilience: { breaker: { failureThreshold: 1 } },
    });
    for (let i = 0; i < 3; i++) {
      const res = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
      expect(jsonOf(res)).toEqual({ status: 400, body: { error: { message: 'bad field', type: 'invalid_request_error', code: 'x', param: 'temperature' } } });
    }
    expect(a.requests).toHaveLength(3);
    expect(f.router.health()[0]!.state).toBe('closed');
  });

  it('turns invalid JSON into 502 and a silent backend into 504', async () => {
    const bad = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [');
    });
    const silent = await fake(() => undefined);
    const f = router({
      upstreams: [
        { name: 'bad', provider: 'openai-compatible', baseUrl: bad.url },
        { name: 'silent', provider: 'openai-compatible', baseUrl: silent.url, timeouts: { firstByte: 150 } },
      ],
      models: [
        { match: 'bad', backends: [{ upstream: 'bad' }] },
        { match: 'silent', backends: [{ upstream: 'silent' }] },
      ],
      resilience: FAST,
    });
    const r1 = await f.router.dispatch(call('openai.chat', 'bad', chatBody('x')));
    expect(!r1.ok && r1.error.code).toBe('upstream_error');
    expect(!r1.ok && r1.error.message).toContain('invalid response');
    const r2 = await f.router.dispatch(call('openai.chat', 'silent', chatBody('x')));
    expect(!r2.ok && r2.error.code).toBe('upstream_timeout');
    expect(silent.requests).toHaveLength(1);
    await silent.requests[0]!.closed;
  });

  it('gives up with 504 when the total timeout passes, and aborts the upstream request', async () => {
    const up = await fake(() => undefined);
    const f = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
      resilience: { timeouts: { total: 100, firstByte: 60_000 } },
    });
    const res = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(!res.ok && res.error).toMatchObject({ code: 'upstream_timeout' });
    expect(!res.ok && res.error.message).toContain('"m"');
    await up.requests[0]!.closed;
    expect(up.requests).toHaveLength(1);
    expect(f.router.health()[0]).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('retries connection failures and fails over to a live backend', async () => {
    const dead = await FakeUpstream.start();
    const deadUrl = dead.url;
    await dead.close();
    const live = await fake();
    const f = router({
      upstreams: [
        { name: 'dead', provider: 'openai-compatible', baseUrl: deadUrl },
        { name: 'live', provider: 'openai-compatible', baseUrl: live.url },
      ],
      models: [
        { match: 'm', strategy: 'least-in-flight', backends: [{ upstream: 'dead' }, { upstream: 'live' }] },
        { match: 'dead', backends: [{ upstream: 'dead' }] },
      ],
      resilience: { retry: { attempts: 1, backoff: 10 } },
    });
    const res = await f.router.dispatch(call('openai.chat', 'm', chatBody('x')));
    expect(res.ok && res.servedBy).toMatchObject({ upstream: 'live', attempts: 3 });
    expect(f.sleeps).toHaveLength(1);
    const gone = await f.router.dispatch(call('openai.chat', 'dead', chatBody('x')));
    expect(!gone.ok && gone.error.code).toBe('upstream_error');
    expect(!gone.ok && gone.error.message).toContain('could not be reached');
  });
});

describe('streaming', () => {
  it('asks for usage, strips the usage chunk the client did not ask for, and reports usage', async () => {
    const up = await fake((req, res) => writeOpenAiStream(res, req, ['Hel', 'lo']));
    const { router: r } = router({ upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url }], models: [{ match: 'm', backends: [{ upstream: 'a' }] }] });
    const res = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true })));
    const events = await collect(res);
    expect(up.requests[0]!.json().stream_options).toEqual({ include_usage: true });
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = datas(events);
    expect(chunks.every((c) => Array.isArray(c.choices) && c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => (c.choices as { delta: { content?: string } }[])[0]!.delta.content ?? '').join('')).toBe('Hello');
    expect(res.ok && res.kind === 'stream' && res.usage()).toEqual({ inputTokens: 11, outputTokens: 13 });

    const withUsage = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true, stream_options: { include_usage: true } })));
    const ev2 = datas(await collect(withUsage));
    expect(ev2.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 11 } });
    expect(r.health()[0]!.inFlight).toBe(0);
  });

  it('throws UpstreamStreamError when the connection resets mid-stream', async () => {
    let socket: Socket | undefined;
    const up = await fake((_req, res, raw) => {
      socket = raw.socket;
      startSse(res);
      writeSse(res, { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] });
    });
    const { router: r } = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
      resilience: { breaker: { failureThreshold: 1 } },
    });
    const res = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true })));
    if (!res.ok || res.kind !== 'stream') throw new Error('expected a stream');
    const it = res.events[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    socket?.destroy();
    const err = await it.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamStreamError);
    expect((err as UpstreamStreamError).error.code).toBe('upstream_error');
    expect((err as UpstreamStreamError).error.message).toContain('mid-stream');
    expect(r.health()[0]).toMatchObject({ state: 'open', inFlight: 0 });
  });

  it('times out an idle stream and aborts the upstream request', async () => {
    const up = await fake((_req, res) => {
      startSse(res);
      writeSse(res, { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] });
    });
    const { router: r } = router({
      upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url, timeouts: { idle: 150 } }],
      models: [{ match: 'm', backends: [{ upstream: 'a' }] }],
    });
    const res = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true })));
    const err = await collect(res).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamStreamError);
    expect((err as UpstreamStreamError).error.code).toBe('upstream_timeout');
    await up.requests[0]!.closed;
  });

  it('aborts the upstream request when the consumer stops early or the client disconnects', async () => {
    const up = await fake((_req, res) => {
      startSse(res);
      writeSse(res, { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] });
    });
    const { router: r } = router({ upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url }], models: [{ match: 'm', backends: [{ upstream: 'a' }] }] });
    const res = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true })));
    if (!res.ok || res.kind !== 'stream') throw new Error('expected a stream');
    for await (const _e of res.events) break; // return() after the first event
    await up.requests[0]!.closed;
    expect(r.health()[0]!.inFlight).toBe(0);

    const client = new AbortController();
    const res2 = await r.dispatch(call('openai.chat', 'm', chatBody('x', { stream: true }), { signal: client.signal }));
    if (!res2.ok || res2.kind !== 'stream') throw new Error('expected a stream');
    const it = res2.events[Symbol.asyncIterator]();
    await it.next();
    client.abort();
    await up.requests[1]!.closed;
    expect(r.health()[0]!.inFlight).toBe(0);
    await expect(it.next()).rejects.toBeInstanceOf(UpstreamStreamError);
    expect(r.health()[0]!.state).toBe('closed');
  });

  it('aborts a pending non-streamed request when the client disconnects', async () => {
    const up = await fake(() => undefined);
    const { router: r } = router({ upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: up.url }], models: [{ match: 'm', backends: [{ upstream: 'a' }] }] });
    const client = new AbortController();
    const pending = r.dispatch(call('openai.chat', 'm', chatBody('x'), { signal: client.signal }));
    await until(() => up.requests.length === 1);
    client.abort();
    await up.requests[0]!.closed;
    const res = await pending;
    expect(!res.ok && res.error.code).toBe('upstream_error');
    expect(up.requests).toHaveLength(1);
    expect(r.health()[0]).toMatchObject({ state: 'closed', inFlight: 0 });
  });

  it('translates a streamed Anthropic backend for an OpenAI client and a backend 400 into the client error shape', async () => {
    const up = await fake((req, res) => {
      const body = req.json();
      if (body.temperature === 0.5) sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'temperature: bad' } });
      else writeAnthropicStream(res, ['Hi ', 'there']);
    });
    const { router: r } = router({ upstreams: [{ name: 'an', provider: 'anthropic', baseUrl: up.url }], models: [{ match: 'claude', backends: [{ upstream: 'an' }] }] });
    const res = await r.dispatch(call('openai.chat', 'claude', chatBody('x', { stream: true })));
    const events = await collect(res);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const text = datas(events)
      .map((c) => (c.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Hi there');
    expect(datas(events).some((c) => Array.isArray(c.choices) && c.choices.length === 0)).toBe(false);
    expect(res.ok && res.kind === 'stream' && res.usage()).toEqual({ inputTokens: 21, outputTokens: 9 });
    const bad = await r.dispatch(call('openai.chat', 'claude', chatBody('x', { temperature: 0.5 })));
    expect(jsonOf(bad)).toEqual({ status: 400, body: { error: { message: 'temperature: bad', type: 'invalid_request_error', code: null, param: null } } });
  });

  it('streams the mock in chunks and stops it when the consumer returns', async () => {
    const { router: r } = router({
      upstreams: [{ name: 'mock', provider: 'mock', mock: { chunkSize: 2, chunkDelay: 1 } }],
      models: [{ match: 'palisade-mock', backends: [{ upstream: 'mock' }] }],
    });
    const res = await r.dispatch(call('anthropic.messages', 'palisade-mock', { max_tokens: 5, messages: [{ role: 'user', content: 'abcdef' }], stream: true }));
    const events = await collect(res);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(res.ok && res.kind === 'stream' && res.usage()).toEqual({ inputTokens: 2, outputTokens: 2 });
    const res2 = await r.dispatch(call('openai.chat', 'palisade-mock', chatBody('abcdefgh', { stream: true })));
    if (!res2.ok || res2.kind !== 'stream') throw new Error('expected a stream');
    for await (const _e of res2.events) break;
    expect(r.health()[0]).toMatchObject({ upstream: 'mock', inFlight: 0 });
  });
});
