// The in-process mock backend (`palisade-mock`): it echoes the last user message in every client API shape, with
// usage numbers (≈ one token per four characters) and streams that end exactly as the real APIs' streams do, so the
// official SDKs parse it. It needs no keys and no network, which is what lets `npm start` work out of the box.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientApi, SseEvent, Usage } from './types.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface MockOptions {
  chunkSize: number;
  chunkDelay: number;
}

export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** Text of a message content in any of the three APIs' shapes (string, or parts with `text`). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const p of content as unknown[]) if (isObj(p) && typeof p.text === 'string') text += p.text;
  return text;
}

/** The last user message's text, and all input characters (for input usage). */
export function echoSource(api: ClientApi, body: Json): { echo: string; inputChars: number } {
  let echo = '';
  let inputChars = 0;
  const messages: unknown = api === 'openai.responses' ? body.input : body.messages;
  if (typeof messages === 'string') return { echo: messages, inputChars: messages.length + instructionsLength(body) };
  if (Array.isArray(messages)) {
    for (const m of messages as unknown[]) {
      if (!isObj(m)) continue;
      const text = contentText(m.content);
      inputChars += text.length;
      if (m.role === 'user') echo = text;
    }
  }
  return { echo, inputChars: inputChars + instructionsLength(body) };
}

function instructionsLength(body: Json): number {
  return contentText(body.system ?? body.instructions).length;
}

/** A deterministic unit vector of 16 floats from the text's SHA-256. */
export function mockEmbedding(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const v: number[] = [];
  let norm = 0;
  for (let i = 0; i < 16; i++) {
    const x = digest.readUInt16BE(i * 2) / 32767.5 - 1;
    v.push(x);
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return v.map((x) => Math.round(x * scale * 1e6) / 1e6);
}

export interface MockJson {
  body: Json;
  usage: Usage;
}

export function mockJson(api: ClientApi, body: Json, model: string, id: string, createdSeconds: number): MockJson {
  if (api === 'openai.embeddings') {
    const input = body.input;
    const texts: string[] = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as unknown[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [];
    const tokens = texts.reduce((n, t) => n + tokensOf(t), 0);
    return {
      body: {
        object: 'list',
        // The official SDK asks for base64 (little-endian float32) by default and decodes it itself.
        data: texts.map((t, index) => ({
          object: 'embedding',
          index,
          embedding: body.encoding_format === 'base64' ? Buffer.from(new Float32Array(mockEmbedding(t)).buffer).toString('base64') : mockEmbedding(t),
        })),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      usage: { inputTokens: tokens, outputTokens: 0 },
    };
  }
  const { echo, inputChars } = echoSource(api, body);
  const usage = { inputTokens: Math.ceil(inputChars / 4), outputTokens: tokensOf(echo) };
  switch (api) {
    case 'openai.chat':
      return {
        body: {
          id: `chatcmpl-${id}`,
          object: 'chat.completion',
          created: createdSeconds,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: echo, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
        },
        usage,
      };
    case 'openai.responses':
      return { body: responsesObject(id, model, createdSeconds, echo, usage, 'completed'), usage };
    case 'anthropic.messages':
      return {
        body: {
          id: `msg_${id}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text: echo }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
        },
        usage,
      };
  }
}

function responsesObject(id: string, model: string, created: number, text: string, usage: Usage | null, status: string): Json {
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: created,
    status,
    model,
    output:
      status === 'completed'
        ? [{ id: `msg_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }]
        : [],
    output_text: status === 'completed' ? text : '',
    error: null,
    incomplete_details: null,
    usage:
      usage === null
        ? null
        : {
            input_tokens: usage.inputTokens,
            output_tokens: usage.outputTokens,
            total_tokens: usage.inputTokens + usage.outputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens_details: { reasoning_tokens: 0 },
          },
  };
}

export interface MockStream {
  events: AsyncIterable<SseEvent>;
  usage(): Usage | undefined;
}

/** A streamed echo in `chunkSize`-character pieces, `chunkDelay` ms apart; stops when `signal` aborts. */
export function mockStream(
  api: ClientApi,
  body: Json,
  model: string,
  id: string,
  createdSeconds: number,
  options: MockOptions,
  signal: AbortSignal,
): MockStream {
  const { echo, inputChars } = echoSource(api, body);
  const usage: Usage = { inputTokens: Math.ceil(inputChars / 4), outputTokens: tokensOf(echo) };
  let finished = false;
  const pieces: string[] = [];
  for (let i = 0; i < echo.length; i += options.chunkSize) pieces.push(echo.slice(i, i + options.chunkSize));
  const streamOptions = body.stream_options;
  const includeUsage = isObj(streamOptions) && streamOptions.include_usage === true;

  async function* generate(): AsyncGenerator<SseEvent> {
    const ev = (event: string | undefined, data: Json | string): SseEvent => {
      const d = typeof data === 'string' ? data : JSON.stringify(data);
      return event === undefined ? { data: d } : { event, data: d };
    };
    const pause = async (): Promise<void> => {
      if (options.chunkDelay > 0) await sleep(options.chunkDelay, undefined, { signal });
      if (signal.aborted) throw signal.reason;
    };
    switch (api) {
      case 'openai.chat':
      case 'openai.embeddings': {
        const chunk = (delta: Json, finish: string | null): Json => ({
          id: `chatcmpl-${id}`,
          object: 'chat.completion.chunk',
          created: createdSeconds,
          model,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
          ...(includeUsage ? { usage: null } : {}),
        });
        yield ev(undefined, chunk({ role: 'assistant', content: '', refusal: null }, null));
        for (const p of pieces) {
          await pause();
          yield ev(undefined, chunk({ content: p }, null));
        }
        yield ev(undefined, chunk({}, 'stop'));
        if (includeUsage) {
          yield ev(undefined, {
            id: `chatcmpl-${id}`,
            object: 'chat.completion.chunk',
            created: createdSeconds,
            model,
            choices: [],
            usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens },
          });
        }
        finished = true;
        yield ev(undefined, '[DONE]');
        return;
      }
      case 'openai.responses': {
        let seq = 0;
        const r = (type: string, body: Json): SseEvent => ev(type, { type, sequence_number: seq++, ...body });
        const itemId = `msg_${id}`;
        yield r('response.created', { response: responsesObject(id, model, createdSeconds, '', null, 'in_progress') });
        yield r('response.in_progress', { response: responsesObject(id, model, createdSeconds, '', null, 'in_progress') });
        yield r('response.output_item.added', {
          output_index: 0,
          item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
        });
        yield r('response.content_part.added', {
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
        for (const p of pieces) {
          await pause();
          yield r('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: p, logprobs: [] });
        }
        yield r('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: echo, logprobs: [] });
        yield r('response.content_part.done', {
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          part: { type: 'output_text', text: echo, annotations: [] },
        });
        yield r('response.output_item.done', {
          output_index: 0,
          item: { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: echo, annotations: [] }] },
        });
        finished = true;
        yield r('response.completed', { response: responsesObject(id, model, createdSeconds, echo, usage, 'completed') });
        return;
      }
      case 'anthropic.messages': {
        const a = (type: string, body: Json): SseEvent => ev(type, { type, ...body });
        yield a('message_start', {
          message: {
            id: `msg_${id}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
          },
        });
        yield a('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
        yield a('ping', {});
        for (const p of pieces) {
          await pause();
          yield a('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } });
        }
        yield a('content_block_stop', { index: 0 });
        yield a('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.outputTokens } });
        finished = true;
        yield a('message_stop', {});
        return;
      }
    }
  }
  return { events: { [Symbol.asyncIterator]: generate }, usage: () => (finished ? usage : undefined) };
}
