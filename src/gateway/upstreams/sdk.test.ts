// The official SDKs parse what Palisade answers: the mock provider in every API shape, and translated answers from
// real (fake) backends in the other dialect, streamed and not.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { mockEmbedding } from './mock.ts';
import { FakeUpstream, anthropicMessage, openAiChat, sendJson, writeAnthropicStream, writeOpenAiStream } from './testing/fake-upstream.ts';
import { buildRouter, type Fixture } from './testing/router-fixture.ts';
import { routerFetch } from './testing/sdk-fetch.ts';

const fixtures: Fixture[] = [];
const fakes: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.router.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

function clients(f: Fixture): { openai: OpenAI; anthropic: Anthropic } {
  fixtures.push(f);
  const fetch = routerFetch(f.router);
  return {
    openai: new OpenAI({ apiKey: 'client-key', baseURL: 'http://palisade.test/v1', fetch, maxRetries: 0 }),
    anthropic: new Anthropic({ apiKey: 'client-key', baseURL: 'http://palisade.test', fetch, maxRetries: 0 }),
  };
}

const mockRouter = (chunkSize = 4): Fixture =>
  buildRouter({
    upstreams: [{ name: 'mock', provider: 'mock', mock: { chunkSize } }],
    models: [{ match: 'palisade-mock', backends: [{ upstream: 'mock' }] }],
  });

const TEXT = 'The quick brown fox jumps over the lazy dog';

describe('mock provider through the official SDKs', () => {
  it('chat completions, whole and streamed', async () => {
    const { openai } = clients(mockRouter(5));
    const whole = await openai.chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: TEXT }] });
    expect(whole.choices[0]?.message.content).toBe(TEXT);
    expect(whole.usage).toEqual({ prompt_tokens: Math.ceil((TEXT.length + 8) / 4), completion_tokens: Math.ceil(TEXT.length / 4), total_tokens: Math.ceil((TEXT.length + 8) / 4) + Math.ceil(TEXT.length / 4) });

    const stream = await openai.chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content: TEXT }], stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.join('')).toBe(TEXT);
    expect(pieces[0]).toHaveLength(5);
    expect(usage).toMatchObject({ completion_tokens: Math.ceil(TEXT.length / 4) });

    const helper = openai.chat.completions.stream({ model: 'palisade-mock', messages: [{ role: 'user', content: [{ type: 'text', text: TEXT }] }] });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(TEXT);
    expect(final.choices[0]?.finish_reason).toBe('stop');
  });

  it('responses, whole and streamed', async () => {
    const { openai } = clients(mockRouter());
    const r = await openai.responses.create({ model: 'palisade-mock', input: TEXT });
    expect(r.output_text).toBe(TEXT);
    const s = openai.responses.stream({ model: 'palisade-mock', input: [{ role: 'user', content: TEXT }] });
    let deltas = '';
    s.on('response.output_text.delta', (e) => (deltas += e.delta));
    const final = await s.finalResponse();
    expect(deltas).toBe(TEXT);
    expect(final.output_text).toBe(TEXT);
    expect(final.usage?.output_tokens).toBe(Math.ceil(TEXT.length / 4));
  });

  it('embeddings: deterministic 16-float vectors, as floats or base64', async () => {
    const { openai } = clients(mockRouter());
    const b64 = await openai.embeddings.create({ model: 'palisade-mock', input: ['a', 'b'] });
    const floats = await openai.embeddings.create({ model: 'palisade-mock', input: 'a', encoding_format: 'float' });
    expect(b64.data).toHaveLength(2);
    expect(b64.data[0]?.embedding).toHaveLength(16);
    expect(floats.data[0]?.embedding).toEqual(mockEmbedding('a'));
    b64.data[0]!.embedding.forEach((x, i) => expect(x).toBeCloseTo(mockEmbedding('a')[i]!, 5));
    expect(mockEmbedding('a')).not.toEqual(mockEmbedding('b'));
    expect(Math.hypot(...mockEmbedding('a'))).toBeCloseTo(1, 5);
  });

  it('anthropic messages, whole and streamed', async () => {
    const { anthropic } = clients(mockRouter(3));
    const m = await anthropic.messages.create({ model: 'palisade-mock', max_tokens: 100, messages: [{ role: 'user', content: TEXT }] });
    expect(m.content).toEqual([{ type: 'text', text: TEXT }]);
    expect(m.usage.output_tokens).toBe(Math.ceil(TEXT.length / 4));
    const s = anthropic.messages.stream({ model: 'palisade-mock', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'text', text: TEXT }] }] });
    let text = '';
    s.on('text', (t) => (text += t));
    const final = await s.finalMessage();
    expect(text).toBe(TEXT);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(Math.ceil(TEXT.length / 4));
  });
});

describe('translation through the official SDKs', () => {
  it('an OpenAI client talks to an Anthropic backend', async () => {
    const up = await FakeUpstream.start((req, res) => {
      if (req.json().stream === true) writeAnthropicStream(res, ['Bon', 'jour']);
      else sendJson(res, 200, anthropicMessage('Bonjour'));
    });
    fakes.push(up);
    const { openai } = clients(
      buildRouter({ upstreams: [{ name: 'an', provider: 'anthropic', baseUrl: up.url }], models: [{ match: 'claude', backends: [{ upstream: 'an', model: 'claude-sonnet' }] }] }),
    );
    const whole = await openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.choices[0]?.message.content).toBe('Bonjour');
    expect(whole.usage?.prompt_tokens).toBe(5);
    const final = await openai.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Bonjour');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(up.requests[1]!.json()).toMatchObject({ model: 'claude-sonnet', stream: true, max_tokens: 4096 });
    expect(up.requests[1]!.headers['x-api-key']).toBeUndefined();
    expect(up.requests[1]!.headers.authorization).toBeUndefined();
  });

  it('an Anthropic client talks to an OpenAI backend', async () => {
    const up = await FakeUpstream.start((req, res) => {
      if (req.json().stream === true) writeOpenAiStream(res, req, ['Hal', 'lo']);
      else sendJson(res, 200, openAiChat('Hallo'));
    });
    fakes.push(up);
    const { anthropic } = clients(
      buildRouter({ upstreams: [{ name: 'oa', provider: 'openai', baseUrl: `${up.url}/v1` }], models: [{ match: 'gpt', backends: [{ upstream: 'oa' }] }] }),
    );
    const whole = await anthropic.messages.create({ model: 'gpt', max_tokens: 50, system: 'sys', messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.content).toEqual([{ type: 'text', text: 'Hallo' }]);
    expect(whole.usage).toMatchObject({ input_tokens: 5, output_tokens: 7 });
    expect(up.requests[0]!.json()).toMatchObject({ messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'hi' }], max_completion_tokens: 50 });
    const s = anthropic.messages.stream({ model: 'gpt', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const final = await s.finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hallo' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(13);
    expect(up.requests[1]!.json().stream_options).toEqual({ include_usage: true });
  });

  it('SDK errors: an unknown model is a 404 the SDK raises', async () => {
    const { openai, anthropic } = clients(mockRouter());
    await expect(openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
    await expect(anthropic.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
  });
});
