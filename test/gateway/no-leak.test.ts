// No leak (issue 11): a credential planted in any text-bearing field of any API shape — requests of the
// OpenAI chat, Responses, embeddings and Anthropic Messages APIs, their JSON answers and their streams —
// never appears in a byte the backend receives or the client receives when a redact or a block policy
// applies. fast-check chooses the field, the words around the secret and where a stream splits it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

/** An AWS access key id: a fixed format the secrets detector finds anywhere, with no context needed. */
const SECRET = 'AKIA2E0A8F3B244C9986';
const B64_SECRET = Buffer.from(SECRET).toString('base64');

type Obj = Record<string, unknown>;
type Api = 'chat' | 'responses' | 'embeddings' | 'messages';

// ---- the backend: records what it receives, answers with what the test planted --------------------------

let backend: Server;
const received: string[] = [];
let answer: { json?: Obj; events?: string[] } = {};

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString();
  return body;
}

beforeAll(async () => {
  backend = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push(body);
      if (answer.events !== undefined) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(answer.events.join(''));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json ?? {}));
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => backend.close());

const gateways: Record<'redact' | 'block', TestGateway | undefined> = { redact: undefined, block: undefined };

async function gateway(action: 'redact' | 'block'): Promise<TestGateway> {
  const existing = gateways[action];
  if (existing !== undefined) return existing;
  const port = (backend.address() as AddressInfo).port;
  const g = await startTestGateway({
    upstreams: [
      { name: 'oa', provider: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
      { name: 'an', provider: 'anthropic', baseUrl: `http://127.0.0.1:${port}`, credentials: { type: 'none' } },
    ],
    models: [
      { match: 'oa-model', backends: [{ upstream: 'oa' }] },
      { match: 'an-model', backends: [{ upstream: 'an' }] },
    ],
    policies: [
      {
        name: `no-secrets-${action}`,
        mode: 'enforce',
        locations: ['prompt', 'response'],
        rules: [{ name: 'secrets', conditions: [{ sit: { categories: ['secret'], minConfidence: 'medium' } }], actions: [action === 'redact' ? { redact: { style: 'placeholder' } } : { block: {} }] }],
      },
    ],
    inspection: { stream: { window: 64 } },
  });
  gateways[action] = g;
  return g;
}

afterAll(async () => {
  for (const g of Object.values(gateways)) await g?.close();
});

const PATHS: Record<Api, string> = { chat: '/v1/chat/completions', responses: '/v1/responses', embeddings: '/v1/embeddings', messages: '/v1/messages' };

async function send(g: TestGateway, api: Api, body: Obj): Promise<{ status: number; text: string }> {
  const res = await fetch(`${g.url}${PATHS[api]}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: api === 'messages' ? 'an-model' : 'oa-model', ...body }),
  });
  return { status: res.status, text: await res.text() };
}

// ---- request fields -------------------------------------------------------------------------------------

type Plant = (t: string) => Obj;

const REQUEST_FIELDS: Record<Api, Record<string, Plant>> = {
  chat: {
    'user content': (t) => ({ messages: [{ role: 'user', content: t }] }),
    'system content': (t) => ({ messages: [{ role: 'system', content: t }, { role: 'user', content: 'hi' }] }),
    'text part': (t) => ({ messages: [{ role: 'user', content: [{ type: 'text', text: t }, { type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] }),
    'message name': () => ({ messages: [{ role: 'user', name: SECRET, content: 'hello' }] }),
    'assistant refusal': (t) => ({ messages: [{ role: 'assistant', content: null, refusal: t }, { role: 'user', content: 'ok' }] }),
    'reasoning content': (t) => ({ messages: [{ role: 'assistant', content: 'x', reasoning_content: t }, { role: 'user', content: 'ok' }] }),
    'tool arguments (string)': (t) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: JSON.stringify({ query: t }) } }] }, { role: 'tool', tool_call_id: 'c1', content: 'done' }],
    }),
    'tool arguments (object)': (t) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { query: t } } }] }, { role: 'tool', tool_call_id: 'c1', content: 'done' }],
    }),
    'tool result': (t) => ({ messages: [{ role: 'tool', tool_call_id: 'c1', content: t }] }),
    'tool description': (t) => ({ messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', description: t, parameters: { type: 'object' } } }] }),
    'tool parameter schema': (t) => ({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { q: { type: 'string', description: t } } } } }],
    }),
    'response_format schema': (t) => ({
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object', properties: { a: { type: 'string', description: t } } } } },
    }),
    prediction: (t) => ({ messages: [{ role: 'user', content: 'hi' }], prediction: { type: 'content', content: t } }),
    user: () => ({ messages: [{ role: 'user', content: 'hi' }], user: SECRET }),
    metadata: (t) => ({ messages: [{ role: 'user', content: 'hi' }], metadata: { note: t } }),
  },
  responses: {
    'input string': (t) => ({ input: t }),
    instructions: (t) => ({ instructions: t, input: 'hi' }),
    'input message parts': (t) => ({ input: [{ role: 'user', content: [{ type: 'input_text', text: t }] }] }),
    'function call arguments': (t) => ({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: JSON.stringify({ q: t }) }, { type: 'function_call_output', call_id: 'c', output: 'ok' }] }),
    'function call output': (t) => ({ input: [{ type: 'function_call_output', call_id: 'c', output: t }] }),
    'reasoning summary': (t) => ({ input: [{ type: 'reasoning', id: 'r', summary: [{ type: 'summary_text', text: t }] }, { role: 'user', content: 'hi' }] }),
    'tool description': (t) => ({ input: 'hi', tools: [{ type: 'function', name: 'f', description: t, parameters: { type: 'object' } }] }),
    'text format schema': (t) => ({ input: 'hi', text: { format: { type: 'json_schema', name: 's', schema: { type: 'object', description: t } } } }),
    user: () => ({ input: 'hi', user: SECRET }),
    metadata: (t) => ({ input: 'hi', metadata: { k: t } }),
  },
  embeddings: {
    'input string': (t) => ({ input: t }),
    'input array item': (t) => ({ input: ['plain text', t] }),
    user: () => ({ input: 'x', user: SECRET }),
  },
  messages: {
    'user content': (t) => ({ max_tokens: 10, messages: [{ role: 'user', content: t }] }),
    'system string': (t) => ({ max_tokens: 10, system: t, messages: [{ role: 'user', content: 'hi' }] }),
    'system blocks': (t) => ({ max_tokens: 10, system: [{ type: 'text', text: t }], messages: [{ role: 'user', content: 'hi' }] }),
    'tool_use input': (t) => ({ max_tokens: 10, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'tu', name: 'f', input: { q: t } }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu', content: 'ok' }] }] }),
    'tool_result blocks': (t) => ({ max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu', content: [{ type: 'text', text: t }] }] }] }),
    thinking: (t) => ({ max_tokens: 10, messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: t, signature: 's' }, { type: 'text', text: 'x' }] }, { role: 'user', content: 'hi' }] }),
    'text document': (t) => ({ max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: t } }, { type: 'text', text: 'summarise' }] }] }),
    'base64 text document': (t) => ({
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'text/plain', data: Buffer.from(t).toString('base64') } }, { type: 'text', text: 'summarise' }] }],
    }),
    'search result': (t) => ({ max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'search_result', source: 'https://x.test', title: 't', content: [{ type: 'text', text: t }] }, { type: 'text', text: 'q' }] }] }),
    'tool description': (t) => ({ max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', description: t, input_schema: { type: 'object' } }] }),
    metadata: () => ({ max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: SECRET } }),
  },
};

const words = fc.array(fc.constantFrom('please', 'check', 'the', 'key', 'config', 'deploy', 'now', 'token:', 'value', '\n'), { maxLength: 6 }).map((w) => w.join(' '));
const carrier = fc.tuple(words, words).map(([a, b]) => `${a} ${SECRET} ${b}`);

function cleanAnswer(api: Api): Obj {
  switch (api) {
    case 'chat':
      return { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }] };
    case 'responses':
      return { id: 'r', object: 'response', status: 'completed', output: [{ type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: 'fine', annotations: [] }] }] };
    case 'embeddings':
      return { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } };
    case 'messages':
      return { id: 'msg', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'fine' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
  }
}

describe('no secret in any request field reaches the backend', () => {
  for (const api of Object.keys(REQUEST_FIELDS) as Api[]) {
    for (const [field, plant] of Object.entries(REQUEST_FIELDS[api])) {
      it(`${api}: ${field}`, async () => {
        const redact = await gateway('redact');
        const block = await gateway('block');
        await fc.assert(
          fc.asyncProperty(carrier, async (text) => {
            answer = { json: cleanAnswer(api) };
            received.length = 0;
            const r = await send(redact, api, plant(text));
            expect(r.status, r.text).toBe(200);
            expect(received).toHaveLength(1);
            expect(received[0]).not.toContain(SECRET);
            expect(received[0]).not.toContain(B64_SECRET);
            const b = await send(block, api, plant(text));
            expect(b.status).toBe(403);
            expect(received).toHaveLength(1);
          }),
          { numRuns: 5 },
        );
      });
    }
  }
});

// ---- answers --------------------------------------------------------------------------------------------

const RESPONSE_FIELDS: Record<Exclude<Api, 'embeddings'>, Record<string, (t: string) => Obj>> = {
  chat: {
    content: (t) => chatAnswer({ content: t }),
    refusal: (t) => chatAnswer({ content: null, refusal: t }),
    'reasoning content': (t) => chatAnswer({ content: 'x', reasoning_content: t }),
    'tool call arguments': (t) => chatAnswer({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: JSON.stringify({ q: t }) } }] }),
    'audio transcript': (t) => chatAnswer({ content: null, audio: { id: 'a', data: 'AAAA', expires_at: 1, transcript: t } }),
    'citation title and url': (t) => chatAnswer({ content: 'see link', annotations: [{ type: 'url_citation', url_citation: { title: t, url: `https://x.test/${SECRET}`, start_index: 0, end_index: 3 } }] }),
    'logprob tokens': (t) => ({
      ...chatAnswer({ content: t }),
      choices: [{ index: 0, message: { role: 'assistant', content: t }, finish_reason: 'stop', logprobs: { content: [{ token: SECRET, logprob: -0.1, bytes: [...Buffer.from(SECRET)], top_logprobs: [{ token: SECRET, logprob: -0.1, bytes: null }] }] } }],
    }),
  },
  responses: {
    'output text': (t) => responsesAnswer([{ type: 'output_text', text: t, annotations: [] }], t),
    'output_text convenience field': (t) => ({ ...responsesAnswer([{ type: 'output_text', text: 'fine', annotations: [] }], 'fine'), output_text: t }),
    refusal: (t) => responsesAnswer([{ type: 'refusal', refusal: t }], ''),
    'citation title and url': (t) => responsesAnswer([{ type: 'output_text', text: 'see', annotations: [{ type: 'url_citation', title: t, url: `https://x.test/${SECRET}`, start_index: 0, end_index: 3 }] }], 'see'),
    'function call arguments': (t) => ({ id: 'r', object: 'response', status: 'completed', output: [{ type: 'function_call', id: 'fc', call_id: 'c', name: 'f', arguments: JSON.stringify({ q: t }) }] }),
    'reasoning summary': (t) => ({ id: 'r', object: 'response', status: 'completed', output: [{ type: 'reasoning', id: 'rs', summary: [{ type: 'summary_text', text: t }] }, { type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }] }),
  },
  messages: {
    text: (t) => messagesAnswer([{ type: 'text', text: t }]),
    'citations': (t) => messagesAnswer([{ type: 'text', text: 'as cited', citations: [{ type: 'char_location', cited_text: t, document_index: 0, document_title: SECRET, start_char_index: 0, end_char_index: 1 }] }]),
    'tool_use input': (t) => messagesAnswer([{ type: 'tool_use', id: 'tu', name: 'f', input: { q: t } }]),
    thinking: (t) => messagesAnswer([{ type: 'thinking', thinking: t, signature: 's' }, { type: 'text', text: 'ok' }]),
  },
};

function chatAnswer(message: Obj): Obj {
  return { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }] };
}
function responsesAnswer(content: Obj[], outputText: string): Obj {
  return { id: 'r', object: 'response', status: 'completed', output: [{ type: 'message', id: 'm', role: 'assistant', content }], output_text: outputText };
}
function messagesAnswer(content: Obj[]): Obj {
  return { id: 'msg', type: 'message', role: 'assistant', model: 'm', content, stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
}

const REQUESTS: Record<Exclude<Api, 'embeddings'>, Obj> = {
  chat: { messages: [{ role: 'user', content: 'hello' }] },
  responses: { input: 'hello' },
  messages: { max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] },
};

describe('no secret in any answer field reaches the client', () => {
  for (const api of Object.keys(RESPONSE_FIELDS) as (keyof typeof RESPONSE_FIELDS)[]) {
    for (const [field, plant] of Object.entries(RESPONSE_FIELDS[api])) {
      it(`${api}: ${field}`, async () => {
        const redact = await gateway('redact');
        const block = await gateway('block');
        await fc.assert(
          fc.asyncProperty(carrier, async (text) => {
            answer = { json: plant(text) };
            const r = await send(redact, api, REQUESTS[api]);
            expect(r.status, r.text).toBe(200);
            expect(r.text).not.toContain(SECRET);
            const b = await send(block, api, REQUESTS[api]);
            expect(b.status).toBe(403);
            expect(b.text).not.toContain(SECRET);
          }),
          { numRuns: 4 },
        );
      });
    }
  }
});

// ---- streams --------------------------------------------------------------------------------------------

const sse = (data: Obj | string, event?: string): string => `${event !== undefined ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Splits `text` into pieces at the given cut points. */
function pieces(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out.filter((p) => p.length > 0);
}

const chunk = (delta: Obj): Obj => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] });

const STREAMS: Record<string, { api: Exclude<Api, 'embeddings'>; events(text: string, cuts: readonly number[]): string[] }> = {
  'chat content deltas': { api: 'chat', events: (t, cuts) => [...pieces(t, cuts).map((p) => sse(chunk({ content: p }))), sse('[DONE]')] },
  'chat tool-call argument deltas': {
    api: 'chat',
    events: (t, cuts) => [
      sse(chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] })),
      ...pieces(JSON.stringify({ q: t }), cuts).map((p) => sse(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }))),
      sse('[DONE]'),
    ],
  },
  'chat reasoning and refusal deltas': {
    api: 'chat',
    events: (t, cuts) => [...pieces(t, cuts).map((p) => sse(chunk({ reasoning_content: p }))), ...pieces(t, cuts).map((p) => sse(chunk({ refusal: p }))), sse('[DONE]')],
  },
  'chat audio transcript deltas': { api: 'chat', events: (t, cuts) => [...pieces(t, cuts).map((p) => sse(chunk({ audio: { transcript: p } }))), sse('[DONE]')] },
  'responses text deltas with done and completed events': {
    api: 'responses',
    events: (t, cuts) => [
      sse({ type: 'response.created', response: { id: 'r', status: 'in_progress', output: [] } }, 'response.created'),
      ...pieces(t, cuts).map((p) => sse({ type: 'response.output_text.delta', item_id: 'm', output_index: 0, content_index: 0, delta: p }, 'response.output_text.delta')),
      sse({ type: 'response.output_text.done', item_id: 'm', output_index: 0, content_index: 0, text: t }, 'response.output_text.done'),
      sse({ type: 'response.content_part.done', item_id: 'm', output_index: 0, content_index: 0, part: { type: 'output_text', text: t, annotations: [] } }, 'response.content_part.done'),
      sse({ type: 'response.output_item.done', output_index: 0, item: { type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: t, annotations: [] }] } }, 'response.output_item.done'),
      sse({ type: 'response.completed', response: { ...responsesAnswer([{ type: 'output_text', text: t, annotations: [] }], t) } }, 'response.completed'),
    ],
  },
  'responses function arguments, reasoning summary, refusal and transcript': {
    api: 'responses',
    events: (t, cuts) => [
      ...pieces(JSON.stringify({ q: t }), cuts).map((p) => sse({ type: 'response.function_call_arguments.delta', item_id: 'fc', output_index: 0, delta: p }, 'response.function_call_arguments.delta')),
      sse({ type: 'response.function_call_arguments.done', item_id: 'fc', output_index: 0, arguments: JSON.stringify({ q: t }) }, 'response.function_call_arguments.done'),
      ...pieces(t, cuts).map((p) => sse({ type: 'response.reasoning_summary_text.delta', item_id: 'rs', output_index: 1, summary_index: 0, delta: p }, 'response.reasoning_summary_text.delta')),
      sse({ type: 'response.reasoning_summary_text.done', item_id: 'rs', output_index: 1, summary_index: 0, text: t }, 'response.reasoning_summary_text.done'),
      ...pieces(t, cuts).map((p) => sse({ type: 'response.refusal.delta', item_id: 'm', output_index: 2, content_index: 0, delta: p }, 'response.refusal.delta')),
      sse({ type: 'response.refusal.done', item_id: 'm', output_index: 2, content_index: 0, refusal: t }, 'response.refusal.done'),
      ...pieces(t, cuts).map((p) => sse({ type: 'response.audio.transcript.delta', delta: p }, 'response.audio.transcript.delta')),
      sse({ type: 'response.audio.transcript.done' }, 'response.audio.transcript.done'),
      sse({ type: 'response.output_text.annotation.added', item_id: 'm', output_index: 3, content_index: 0, annotation: { type: 'url_citation', title: t, url: `https://x.test/${SECRET}` } }, 'response.output_text.annotation.added'),
      sse({ type: 'response.completed', response: { id: 'r', object: 'response', status: 'completed', output: [] } }, 'response.completed'),
    ],
  },
  'anthropic text, input JSON and thinking deltas, block start and citations': {
    api: 'messages',
    events: (t, cuts) => [
      sse({ type: 'message_start', message: { id: 'msg', type: 'message', role: 'assistant', model: 'm', content: [], usage: { input_tokens: 1, output_tokens: 0 } } }, 'message_start'),
      sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...pieces(t, cuts).map((p) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta')),
      sse({ type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: t, document_title: SECRET } } }, 'content_block_delta'),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'tu', name: 'f', input: {} } }, 'content_block_start'),
      ...pieces(JSON.stringify({ q: t }), cuts).map((p) => sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: p } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop'),
      sse({ type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '' } }, 'content_block_start'),
      ...pieces(t, cuts).map((p) => sse({ type: 'content_block_delta', index: 2, delta: { type: 'thinking_delta', thinking: p } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 2 }, 'content_block_stop'),
      sse({ type: 'content_block_start', index: 3, content_block: { type: 'text', text: t } }, 'content_block_start'),
      sse({ type: 'content_block_stop', index: 3 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop'),
    ],
  },
};

describe('no secret in any streamed field reaches the client, however the stream splits it', () => {
  for (const [name, s] of Object.entries(STREAMS)) {
    it(name, async () => {
      const redact = await gateway('redact');
      const block = await gateway('block');
      await fc.assert(
        fc.asyncProperty(carrier, fc.array(fc.nat(200), { maxLength: 6 }), async (text, cuts) => {
          answer = { events: s.events(text, cuts) };
          const r = await send(redact, s.api, { ...REQUESTS[s.api], stream: true });
          expect(r.status).toBe(200);
          expect(r.text).not.toContain(SECRET);
          const b = await send(block, s.api, { ...REQUESTS[s.api], stream: true });
          expect(b.text).not.toContain(SECRET);
        }),
        { numRuns: 8 },
      );
    });
  }
});
