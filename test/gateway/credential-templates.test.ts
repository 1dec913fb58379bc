// The credential templates through the official OpenAI SDK: `never-send-credentials` and
// `block-sensitive-info` (in enforce) stop the worst credentials — a private key, an AWS key pair (the
// key id AND the secret key), a database URL with a password and a generic password — on the prompt
// (what the backend receives) and on the response (what the caller receives). Their types come from the
// detectors' own category declarations (issue 11: only some secret types used to be in `secret`).
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_TEMPLATES } from '../../src/policy/index.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const AWS_KEY_ID = 'AKIA2E0A8F3B244C9986';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9v8T3k2L';
const DB_URL = 'postgres://orders_app:Vq8kLz2pWm9xR4@db.corp.internal:5432/orders';
const PASSWORD = 'T7#qLm2!xZ9wRv4k';

/** Each credential in the context a person pastes it in, and the bytes that must never get through. */
const CASES: readonly { name: string; text: string; secrets: readonly string[] }[] = [
  { name: 'a private key', text: `Why does ssh reject this key?\n${PRIVATE_KEY}`, secrets: [PRIVATE_KEY.split('\n')[1] ?? 'missing', PRIVATE_KEY.split('\n')[5] ?? 'missing'] },
  { name: 'an AWS key pair', text: `aws_access_key_id = ${AWS_KEY_ID}\naws_secret_access_key = ${AWS_SECRET}\nregion = eu-west-1`, secrets: [AWS_KEY_ID, AWS_SECRET] },
  { name: 'a database URL with a password', text: `The service fails to start with DATABASE_URL=${DB_URL} — why?`, secrets: ['Vq8kLz2pWm9xR4'] },
  { name: 'a generic password', text: `config.yaml has:\n  password: "${PASSWORD}"\nIs that safe?`, secrets: [PASSWORD] },
];

function template(id: string): Record<string, unknown> {
  const t = POLICY_TEMPLATES.find((x) => x.id === id);
  if (t === undefined) throw new Error(`no template ${id}`);
  return { ...t.policy, mode: 'enforce' };
}

const started: TestGateway[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.close()));
});

// A backend that records what it received and answers with whatever the test planted.
let backend: Server;
const received: string[] = [];
let reply = '';
beforeAll(async () => {
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => backend.close());

async function gatewayWith(templateId: string): Promise<OpenAI> {
  const port = (backend.address() as AddressInfo).port;
  const g = await startTestGateway({
    upstreams: [{ name: 'recorder', provider: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }],
    models: [{ match: 'recorder', backends: [{ upstream: 'recorder' }] }],
    policies: [template(templateId)],
  });
  started.push(g);
  return new OpenAI({ apiKey: g.key, baseURL: `${g.url}/v1`, maxRetries: 0 });
}

const ask = (client: OpenAI, content: string) => client.chat.completions.create({ model: 'recorder', messages: [{ role: 'user', content }] });

describe.each(['never-send-credentials', 'block-sensitive-info'])('template %s (enforce)', (templateId) => {
  it.each(CASES)('stops $name in a prompt before the backend sees it', async ({ text, secrets }) => {
    const client = await gatewayWith(templateId);
    reply = 'ok';
    received.length = 0;
    const outcome = await ask(client, text).then(
      (r) => r.choices[0]?.message.content ?? '',
      (e: unknown) => e,
    );
    if (templateId === 'block-sensitive-info') {
      expect(outcome).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(received).toEqual([]);
    } else {
      expect(received).toHaveLength(1);
    }
    for (const s of secrets) expect(received.join('\n')).not.toContain(s);
  });

  it.each(CASES)('stops $name in a response before the caller sees it', async ({ text, secrets }) => {
    const client = await gatewayWith(templateId);
    reply = `Here it is: ${text}`;
    const outcome = await ask(client, 'What was in the config I shared yesterday?').then(
      (r) => r.choices[0]?.message.content ?? '',
      (e: unknown) => e,
    );
    if (templateId === 'block-sensitive-info') expect(outcome).toBeInstanceOf(OpenAI.APIError);
    else expect(typeof outcome === 'string' && outcome.startsWith('Here it is:')).toBe(true);
    const seen = typeof outcome === 'string' ? outcome : JSON.stringify(outcome);
    for (const s of secrets) expect(seen).not.toContain(s);
  });
});
