// Data protection end to end: the official SDKs through Palisade, with the echoing mock backend (and a
// recording echo backend where the test must see what the backend received).
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const CARD = '4111 1111 1111 1111';
const SSN = '536-22-8726';
// A GitHub token shape: prefix + 36 base62 characters.
const SECRET = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';

const started: TestGateway[] = [];
async function gateway(input: Record<string, unknown>, opts: { keyModels?: string[] } = {}) {
  const g = await startTestGateway({ upstreams: [{ name: 'mock', provider: 'mock', mock: { chunkSize: 4 } }], ...input }, opts);
  started.push(g);
  return g;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.close()));
});
const client = (g: TestGateway, key = g.key) => new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 });
const ask = (g: TestGateway, content: string, headers: Record<string, string> = {}) =>
  client(g).chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content }] }, { headers });

async function streamed(g: TestGateway, content: string): Promise<{ text: string; error: unknown; raw: string[] }> {
  const stream = await client(g).chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content }], stream: true });
  const raw: string[] = [];
  let error: unknown;
  try {
    for await (const c of stream) raw.push(c.choices[0]?.delta.content ?? '');
  } catch (e) {
    error = e;
  }
  return { text: raw.join(''), error, raw };
}

const redactCards = {
  name: 'redact-cards',
  locations: ['prompt'],
  rules: [{ name: 'cards', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ redact: { style: 'placeholder' } }] }],
};

describe('DLP on prompts', () => {
  it('a card number in a prompt is redacted before the backend sees it', async () => {
    const g = await gateway({ policies: [redactCards] });
    const res = await ask(g, `Please charge my card ${CARD} for the order.`);
    // The mock echoes what it received: the backend saw the placeholder, never the number.
    expect(res.choices[0]?.message.content).toBe('Please charge my card [CREDIT_CARD_1] for the order.');
    const events = await auditEvents(g);
    const interaction = events.find((e) => e.recordType === 'AIInteraction');
    expect(interaction).toMatchObject({ outcome: 'redacted', findings: [expect.objectContaining({ type: 'CREDIT_CARD' })] });
    expect(JSON.stringify(events)).not.toContain('4111');
  });

  it('most restrictive wins across two policies, and both matches are recorded', async () => {
    const g = await gateway({
      policies: [
        redactCards,
        { name: 'block-ssn-and-cards', rules: [{ name: 'both', match: 'all', conditions: [{ sit: { types: ['CREDIT_CARD'] } }, { sit: { types: ['US_SSN'] } }], actions: [{ block: { tip: 'Do not send card numbers with SSNs.' } }] }] },
      ],
    });
    expect((await ask(g, `card ${CARD}`)).choices[0]?.message.content).toBe('card [CREDIT_CARD_1]');
    const err = await ask(g, `card ${CARD} and social security number ${SSN}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as Error).message).toContain('Do not send card numbers with SSNs.');
    const matches = (await auditEvents(g)).filter((e) => e.recordType === 'PolicyMatch').map((e) => e.operation);
    expect(matches).toEqual(expect.arrayContaining(['redact-cards/cards', 'block-ssn-and-cards/both']));
  });

  it('simulate changes nothing but records what would have happened', async () => {
    const g = await gateway({ policies: [{ ...redactCards, name: 'sim', mode: 'simulate', rules: [{ name: 'r', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: ['block'] }] }] });
    const res = await ask(g, `card ${CARD}`);
    expect(res.choices[0]?.message.content).toBe(`card ${CARD}`);
    const match = (await auditEvents(g)).find((e) => e.recordType === 'PolicyMatch');
    expect(match?.policyMatches[0]).toMatchObject({ policy: 'sim', action: 'block', mode: 'simulate' });
  });

  it('block-with-override: refused, then allowed with a justification that is audited', async () => {
    const g = await gateway({
      policies: [{ name: 'bwo', rules: [{ name: 'cards', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ 'block-with-override': { tip: 'Cards need a reason.' } }] }] }],
    });
    const err = await ask(g, `card ${CARD}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('content_blocked_overridable');
    const ok = await ask(g, `card ${CARD}`, { 'x-palisade-override-justification': 'Customer asked for a refund on this card' });
    expect(ok.choices[0]?.message.content).toBe(`card ${CARD}`);
    const override = (await auditEvents(g)).find((e) => e.recordType === 'PolicyMatch' && e.policyMatches[0]?.action === 'override');
    expect(override).toMatchObject({ justification: 'Customer asked for a refund on this card' });
  });

  it('a policy scoped to one agent does not touch another caller', async () => {
    const g = await gateway({ policies: [{ ...redactCards, scope: { include: { keys: ['billing-agent'] } } }] });
    const { key: agentKey } = await g.gateway.keys.create({ name: 'billing-agent', roles: ['agent'] });
    const agent = await client(g, agentKey).chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content: `card ${CARD}` }] });
    expect(agent.choices[0]?.message.content).toBe('card [CREDIT_CARD_1]');
    expect((await ask(g, `card ${CARD}`)).choices[0]?.message.content).toBe(`card ${CARD}`);
  });

  it('Anthropic messages are inspected too, and blocks answer in Anthropic shape', async () => {
    const g = await gateway({ policies: [{ name: 'no-secrets', rules: [{ name: 's', conditions: [{ sit: { categories: ['secret'] } }], actions: [{ block: { tip: 'No credentials.' } }] }] }] });
    const anthropic = new Anthropic({ apiKey: g.key, baseURL: g.url, maxRetries: 0 });
    const err = await anthropic.messages
      .create({ model: 'palisade-mock', max_tokens: 50, messages: [{ role: 'user', content: [{ type: 'text', text: `my token is ${SECRET}` }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });
});

describe('DLP on streamed responses', () => {
  const secretsInResponses = {
    name: 'secrets-out',
    locations: ['response'],
    rules: [{ name: 's', conditions: [{ sit: { categories: ['secret'] } }], actions: [{ redact: { style: 'placeholder' } }] }],
  };

  it('a secret in a streamed response, split across chunks, never reaches the client', async () => {
    const g = await gateway({ policies: [secretsInResponses] });
    const { text, raw } = await streamed(g, `Here is the token you asked for: ${SECRET} — keep it safe, it grants access.`);
    expect(text).toMatch(/^Here is the token you asked for: \[[A-Z_]+_1\] — keep it safe, it grants access\.$/);
    expect(raw.join('')).not.toContain('ghp_');
    for (const chunk of raw) expect(chunk).not.toMatch(/aB3dE5|ghp_/);
  });

  it('a block mid-stream ends the stream with an error, before the offending text', async () => {
    const g = await gateway({ policies: [{ ...secretsInResponses, rules: [{ name: 's', conditions: [{ sit: { categories: ['secret'] } }], actions: ['block'] }] }] });
    const { text, error } = await streamed(g, `Some harmless preamble that is long enough to be sent before anything else happens here. Then ${SECRET} and more.`);
    expect(error).toBeInstanceOf(Error);
    expect(text).not.toContain('ghp_');
    const interaction = (await auditEvents(g)).find((e) => e.recordType === 'AIInteraction');
    expect(interaction?.outcome).toBe('blocked');
  });

  it('non-streamed responses are inspected before returning', async () => {
    const g = await gateway({ policies: [secretsInResponses] });
    const res = await ask(g, `token ${SECRET}`);
    expect(res.choices[0]?.message.content).toMatch(/^token \[[A-Z_]+_1\]$/);
  });
});

describe('reversible tokenization', () => {
  let backend: Server;
  const received: string[] = [];
  beforeAll(async () => {
    // An echo backend that records what it received.
    backend = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(body);
        const parsed = JSON.parse(body) as { messages: { content: string }[] };
        const text = parsed.messages.at(-1)?.content ?? '';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: `You said: ${text}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => backend.close());

  it('the backend sees a token; the caller gets the original back', async () => {
    const port = (backend.address() as AddressInfo).port;
    const g = await startTestGateway({
      upstreams: [{ name: 'echo', provider: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }],
      models: [{ match: 'echo', backends: [{ upstream: 'echo' }] }],
      policies: [{ name: 'tokenize-ssn', locations: ['prompt', 'response'], rules: [{ name: 'ssn', conditions: [{ sit: { types: ['US_SSN'] } }], actions: [{ redact: { style: 'tokenize' } }] }] }],
    });
    started.push(g);
    const res = await client(g).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: `My SSN is ${SSN}.` }] });
    expect(received.at(-1)).toContain('[US_SSN_1]');
    expect(received.at(-1)).not.toContain(SSN);
    expect(res.choices[0]?.message.content).toBe(`You said: My SSN is ${SSN}.`);
  });
});

describe('policy alerts', () => {
  it('are sent to the webhook, HMAC-signed, retried after a failure, and never carry content', async () => {
    const received: { body: string; signature: string | undefined; timestamp: string | undefined }[] = [];
    let calls = 0;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.writeHead(503).end();
          return;
        }
        received.push({ body, signature: req.headers['x-palisade-signature'] as string | undefined, timestamp: req.headers['x-palisade-timestamp'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (hook.address() as AddressInfo).port;
      const g = await startTestGateway(
        {
          alerts: { webhooks: [{ url: `http://127.0.0.1:${port}/alerts`, secret: '${env:ALERT_SECRET}', minSeverity: 'medium' }] },
          policies: [{ name: 'alert-cards', locations: ['prompt'], rules: [{ name: 'cards', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ alert: { severity: 'high' } }] }] }],
        },
        { env: { ALERT_SECRET: 'hook-secret' } },
      );
      started.push(g);
      await ask(g, `card ${CARD}`);
      for (const until = Date.now() + 5000; received.length === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      expect(calls).toBeGreaterThanOrEqual(2);
      const [first] = received;
      expect(first?.signature).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(`${first?.timestamp}.${first?.body}`).digest('hex')}`);
      const alert = (JSON.parse(first?.body ?? '{}') as { alerts: Record<string, unknown>[] }).alerts[0];
      expect(alert).toMatchObject({ severity: 'high', policy: 'alert-cards', rule: 'cards', location: 'prompt', findings: [{ type: 'CREDIT_CARD', count: 1 }] });
      expect(first?.body).not.toContain('4111');
      let metrics = '';
      for (const until = Date.now() + 2000; !/palisade_alerts_sent_total 1/.test(metrics) && Date.now() < until; ) {
        metrics = await (await fetch(`${g.url}/metrics`)).text();
      }
      expect(metrics).toMatch(/palisade_alerts_sent_total 1/);
      expect(metrics).toMatch(/palisade_alerts_failures_total 1/);
    } finally {
      hook.close();
    }
  });
});
