// A local fake upstream that the test controls, behind Palisade, called with the official OpenAI SDK.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let upstream: Server;
let handler: Handler;
let seen: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
let gw: TestGateway;
let client: OpenAI;

const completion = (text: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'backend-model',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = (upstream.address() as AddressInfo).port;
  gw = await startTestGateway(
    {
      upstreams: [
        {
          name: 'fake',
          provider: 'openai-compatible',
          baseUrl: `http://127.0.0.1:${port}/v1`,
          credentials: { type: 'api-key', key: '${env:FAKE_UPSTREAM_KEY}' },
          modelMap: { 'fake-model': 'backend-model' },
          breaker: { failureThreshold: 1000 },
        },
      ],
      models: [{ match: 'fake-*', backends: [{ upstream: 'fake' }] }],
      resilience: { retry: { attempts: 2, backoff: 5, maxBackoff: 20 }, timeouts: { firstByte: 400, idle: 400, connect: 1000, total: 5000 } },
    },
    { env: { FAKE_UPSTREAM_KEY: 'upstream-secret-123' } },
  );
  client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  upstream.closeAllConnections();
  upstream.close();
});
beforeEach(() => {
  seen = [];
});

const ask = () => client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hello' }] });

describe('through a controlled upstream', () => {
  it('injects the backend credential, maps the model, and never forwards the client key', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion('hi there')));
    const res = await ask();
    expect(res.choices[0]?.message.content).toBe('hi there');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBe('Bearer upstream-secret-123');
    expect(JSON.stringify(seen[0]?.headers)).not.toContain(gw.key);
    expect(seen[0]?.body['model']).toBe('backend-model');
  });

  it('retries a 429 that carries Retry-After, then succeeds', async () => {
    let n = 0;
    handler = (_req, res) => {
      n++;
      if (n === 1) res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":{"message":"slow down"}}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion('after retry')));
    };
    const res = await ask();
    expect(res.choices[0]?.message.content).toBe('after retry');
    expect(seen).toHaveLength(2);
  });

  it('a backend that keeps failing with 500 → 502 after the configured retries', async () => {
    handler = (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(seen).toHaveLength(3);
  });

  it('a slow first byte → 504', async () => {
    handler = (_req, res) => {
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion('late')));
      }, 2000);
    };
    const err = await ask().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
  });

  it('invalid JSON from the backend → 502', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", "choices": [');
    const err = await ask().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
  });

  it('a backend 400 is passed to the client as a 400', async () => {
    handler = (_req, res) =>
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad temperature","type":"invalid_request_error","code":null}}');
    const err = await ask().catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(seen).toHaveLength(1);
  });

  it('a connection reset mid-stream ends the client stream with an error', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'backend-model', choices: [{ index: 0, delta: { content: 'partial ' }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const stream = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const parts: string[] = [];
    const err = await (async () => {
      for await (const c of stream) parts.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(parts.join('')).toBe('partial ');
    expect(err).toBeInstanceOf(Error);
  });

  it('streams pass through chunk by chunk', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const word of ['one ', 'two ', 'three']) {
        const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'backend-model', choices: [{ index: 0, delta: { content: word }, finish_reason: null }] };
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    };
    const stream = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const parts: string[] = [];
    for await (const c of stream) if (c.choices[0]?.delta.content) parts.push(c.choices[0].delta.content);
    expect(parts).toEqual(['one ', 'two ', 'three']);
    expect(seen[0]?.headers.accept ?? '').not.toContain(gw.key);
  });

  it('metrics count upstream errors and retries; readyz reports backends', async () => {
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/palisade_upstream_requests_total\{upstream="fake",outcome="retry"/);
    expect(metrics).toMatch(/palisade_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200"\} \d+/);
    expect(metrics).toContain('palisade_http_request_duration_seconds_bucket');
    expect(metrics).toContain('palisade_tokens_total');
    expect(metrics).toContain('palisade_circuit_breaker_state');
    const ready = await fetch(`${gw.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { store: true, backends: true } });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});
