// The official OpenAI and Anthropic SDKs against an in-process Palisade serving the built-in mock backend.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
let openai: OpenAI;

beforeAll(async () => {
  gw = await startTestGateway();
  openai = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => gw.close());

describe('OpenAI SDK through Palisade (mock backend)', () => {
  it('chat completion echoes the last user message with usage', async () => {
    const res = await openai.chat.completions.create({
      model: 'palisade-mock',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'Hello, Palisade!' },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('Hello, Palisade!');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams the echo in chunks that reassemble exactly', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const stream = await openai.chat.completions.create({
      model: 'palisade-mock',
      messages: [{ role: 'user', content: text }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const parts: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) parts.push(delta);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThan(3);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('responses API, non-streaming and streaming', async () => {
    const res = await openai.responses.create({ model: 'palisade-mock', input: 'respond to me' });
    expect(res.output_text).toBe('respond to me');
    const stream = await openai.responses.create({ model: 'palisade-mock', input: 'streamed response', stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    expect(text).toBe('streamed response');
    expect(completed).toBe(true);
  });

  it('embeddings', async () => {
    const res = await openai.embeddings.create({ model: 'palisade-mock', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(res.data[0]?.embedding).not.toEqual(res.data[1]?.embedding);
  });

  it('lists the models the caller may use', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['palisade-mock']);
  });

  it('Azure OpenAI client with the api-key header', async () => {
    const azure = new AzureOpenAI({
      apiKey: gw.key,
      endpoint: gw.url,
      apiVersion: '2024-10-21',
      deployment: 'palisade-mock',
      maxRetries: 0,
    });
    const res = await azure.chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content: 'azure hi' }] });
    expect(res.choices[0]?.message.content).toBe('azure hi');
    const emb = await azure.embeddings.create({ model: 'palisade-mock', input: 'x' });
    expect(emb.data).toHaveLength(1);
  });

  it('every response carries x-request-id', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'palisade-mock', messages: [{ role: 'user', content: 'id' }] })
      .withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
  });
});

describe('Anthropic SDK through Palisade (mock backend)', () => {
  it('messages, non-streaming, with x-api-key', async () => {
    const anthropic = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: 'palisade-mock',
      max_tokens: 100,
      system: 'be brief',
      messages: [{ role: 'user', content: 'Bonjour' }],
    });
    expect(msg.content[0]?.type === 'text' && msg.content[0].text).toBe('Bonjour');
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('messages, streaming, with a bearer token', async () => {
    const anthropic = new Anthropic({ authToken: gw.key, apiKey: null, baseURL: gw.url, maxRetries: 0 });
    const stream = anthropic.messages.stream({
      model: 'palisade-mock',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'streaming through palisade' }] }],
    });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe('streaming through palisade');
    expect(final.stop_reason).toBe('end_turn');
  });

  it('errors are Anthropic-shaped on /v1/messages', async () => {
    const anthropic = new Anthropic({ apiKey: 'pal_not-a-real-key', baseURL: gw.url, maxRetries: 0 });
    const err = await anthropic.messages
      .create({ model: 'palisade-mock', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});
