// Bad input of every kind gets a clear OpenAI-style error, and the process keeps serving.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ server: { bodyLimit: '64KiB', maxHeaderSize: '8KiB' } });
});
afterAll(async () => gw.close());

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as { error: { message: string; type: string; code: string } } };
}

const chat = (content: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'palisade-mock', messages: [{ role: 'user', content }], ...extra });

async function stillServing() {
  const r = await post('/v1/chat/completions', chat('alive?'));
  expect(r.status).toBe(200);
}

describe('bad input', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const r = await post('/v1/chat/completions', '{"model": "palisade-mock", "messages": [');
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
    await stillServing();
  });

  it('wrong content type → 415', async () => {
    const r = await post('/v1/chat/completions', chat('x'), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json.error.code).toBe('unsupported_media_type');
  });

  it('body over the limit → 413', async () => {
    const r = await post('/v1/chat/completions', chat('a'.repeat(70 * 1024)));
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('body_too_large');
    await stillServing();
  });

  it('unknown model → 404 model_not_found', async () => {
    const r = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-nonexistent', messages: [{ role: 'user', content: 'x' }] }));
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(r.json.error.message).toContain('gpt-nonexistent');
  });

  it('missing or wrongly typed fields → 400 naming the field', async () => {
    const noModel = await post('/v1/chat/completions', JSON.stringify({ messages: [] }));
    expect(noModel.status).toBe(400);
    expect(noModel.json.error.message).toContain('model');
    const noMessages = await post('/v1/chat/completions', JSON.stringify({ model: 'palisade-mock' }));
    expect(noMessages.status).toBe(400);
    expect(noMessages.json.error.message).toContain('messages');
    const badStream = await post('/v1/chat/completions', chat('x', { stream: 'yes' }));
    expect(badStream.status).toBe(400);
    const arrayBody = await post('/v1/chat/completions', '[1,2,3]');
    expect(arrayBody.status).toBe(400);
    const empty = await post('/v1/chat/completions', '');
    expect(empty.status).toBe(400);
  });

  it('invalid UTF-8 → 400 invalid_encoding', async () => {
    const bytes = Buffer.concat([Buffer.from('{"model":"palisade-mock","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    const r = await post('/v1/chat/completions', bytes);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_encoding');
    await stillServing();
  });

  it('huge headers → 431 with a JSON body, and the server keeps serving', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const port = new URL(gw.url).port;
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(16 * 1024)}\r\n\r\n`);
      });
      let data = '';
      sock.on('data', (d) => (data += d.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1.1 431/);
    expect(raw).toContain('"code":"headers_too_large"');
    await stillServing();
  });

  it('unknown route → 404 JSON; Azure route without api-version → 400', async () => {
    const r = await post('/v1/nothing-here', '{}');
    expect(r.status).toBe(404);
    expect(r.json.error.type).toBe('invalid_request_error');
    const azure = await post('/openai/deployments/palisade-mock/chat/completions', chat('x'));
    expect(azure.status).toBe(400);
    expect(azure.json.error.message).toContain('api-version');
  });

  it('garbage on the socket does not crash the server', async () => {
    await new Promise<void>((resolve) => {
      const sock = connect(Number(new URL(gw.url).port), '127.0.0.1', () => sock.write('NOT HTTP AT ALL\r\n\r\n'));
      sock.on('data', () => undefined);
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
    });
    await stillServing();
  });
});
