// OpenAI chat ⇄ Anthropic messages: requests, answers and streams, with tools, system prompts and stop reasons.
import { describe, expect, it } from 'vitest';
import { AnthropicToChat, ChatToAnthropic } from './stream-transforms.ts';
import { anthropicRequestToChat, anthropicResponseToChat, chatRequestToAnthropic, chatResponseToAnthropic, translateErrorBody } from './translate.ts';
import type { SseEvent } from './types.ts';

describe('request translation', () => {
  it('OpenAI chat → Anthropic: system, parts, tools, tool results, stop, max_tokens default', () => {
    const r = chatRequestToAnthropic(
      {
        model: 'x',
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'No emoji.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Weather in ' }, { type: 'text', text: 'Paris?' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '18C' },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [{ type: 'function', function: { name: 'weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
        stop: 'END',
        temperature: 0.2,
        user: 'u1',
      },
      'claude-x',
      true,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        model: 'claude-x',
        system: 'Be terse.\n\nNo emoji.',
        max_tokens: 4096,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in ' }, { type: 'text', text: 'Paris?' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18C' }, { type: 'text', text: 'Thanks' }] },
        ],
        tools: [{ name: 'weather', description: 'Get weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        stop_sequences: ['END'],
        temperature: 0.2,
        metadata: { user_id: 'u1' },
        stream: true,
      },
    });
  });

  it('refuses what Anthropic cannot take with a clear 400', () => {
    const img = chatRequestToAnthropic({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] }, 'c', false);
    expect(!img.ok && img.error).toMatchObject({ code: 'invalid_request', param: 'messages.0.content' });
    const n = chatRequestToAnthropic({ messages: [], n: 2 }, 'c', false);
    expect(!n.ok && n.error.param).toBe('n');
    const args = chatRequestToAnthropic({ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{oops' } }] }] }, 'c', false);
    expect(!args.ok && args.error.code).toBe('invalid_request');
    const dataImg = chatRequestToAnthropic({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }, 'c', false);
    expect(dataImg.ok && dataImg.value.messages).toEqual([{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }]);
  });

  it('Anthropic → OpenAI chat: system blocks, tool_use, tool_result, tool choice, stream usage', () => {
    const r = anthropicRequestToChat(
      {
        model: 'x',
        max_tokens: 300,
        system: [{ type: 'text', text: 'Sys' }],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'tu1', name: 'weather', input: { city: 'Oslo' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: '-3C' }] }, { type: 'text', text: 'And?' }] },
        ],
        tools: [{ name: 'weather', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'weather' },
        stop_sequences: ['X'],
        stream: true,
      },
      'gpt-x',
      true,
      'max_completion_tokens',
    );
    expect(r).toEqual({
      ok: true,
      value: {
        model: 'gpt-x',
        messages: [
          { role: 'system', content: 'Sys' },
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'tu1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'tu1', content: '-3C' },
          { role: 'user', content: 'And?' },
        ],
        max_completion_tokens: 300,
        stop: ['X'],
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'weather' } },
        stream: true,
        stream_options: { include_usage: true },
      },
    });
  });
});

describe('answer translation', () => {
  it('Anthropic message → chat completion with tool calls and finish reason', () => {
    const chat = anthropicResponseToChat(
      {
        id: 'msg_1',
        model: 'claude',
        content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'tu', name: 'f', input: { a: 1 } }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 5 },
      },
      123,
    );
    expect(chat).toMatchObject({
      object: 'chat.completion',
      created: 123,
      choices: [{ message: { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'tu', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 15, completion_tokens: 4, total_tokens: 19 },
    });
  });

  it('chat completion → Anthropic message', () => {
    const msg = chatResponseToAnthropic({
      id: 'c1',
      model: 'gpt',
      choices: [{ message: { content: null, tool_calls: [{ id: 'call', function: { name: 'f', arguments: '{"b":2}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    expect(msg).toEqual({
      id: 'c1',
      type: 'message',
      role: 'assistant',
      model: 'gpt',
      content: [{ type: 'tool_use', id: 'call', name: 'f', input: { b: 2 } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 2 },
    });
    expect(chatResponseToAnthropic({ choices: [{ message: { content: 'x' }, finish_reason: 'length' }] }).stop_reason).toBe('max_tokens');
  });

  it('error bodies change shape, not status', () => {
    expect(translateErrorBody({ error: { message: 'bad', type: 'invalid_request_error' } }, 'anthropic', 400)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'bad' },
    });
    expect(translateErrorBody({ type: 'error', error: { type: 'not_found_error', message: 'no model' } }, 'openai', 404)).toEqual({
      error: { message: 'no model', type: 'not_found_error', code: null, param: null },
    });
  });
});

function run(t: { push(e: SseEvent, out: SseEvent[]): void; end(out: SseEvent[]): void }, events: SseEvent[]): SseEvent[] {
  const out: SseEvent[] = [];
  for (const e of events) t.push(e, out);
  t.end(out);
  return out;
}

const a = (type: string, body: Record<string, unknown>): SseEvent => ({ event: type, data: JSON.stringify({ type, ...body }) });

describe('stream translation', () => {
  it('Anthropic events with a tool call → OpenAI chunks', () => {
    const t = new AnthropicToChat('claude', true, 7);
    const out = run(t, [
      a('message_start', { message: { id: 'msg_9', model: 'claude-9', usage: { input_tokens: 12, output_tokens: 1 } } }),
      a('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      a('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }),
      a('content_block_stop', { index: 0 }),
      a('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'tu', name: 'f', input: {} } }),
      a('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"x":' } }),
      a('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } }),
      a('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } }),
      a('message_stop', {}),
    ]);
    expect(out.at(-1)).toEqual({ data: '[DONE]' });
    const chunks = out.slice(0, -1).map((e) => JSON.parse(e.data) as { id: string; model: string; choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown });
    expect(chunks.every((c) => c.id === 'msg_9' && c.model === 'claude-9')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Hi' },
      { tool_calls: [{ index: 0, id: 'tu', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 });
    expect(t.usage()).toEqual({ inputTokens: 12, outputTokens: 20 });
  });

  it('OpenAI chunks with a tool call → Anthropic events', () => {
    const t = new ChatToAnthropic('gpt', 'msg_x');
    const c = (delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null): SseEvent => ({
      data: JSON.stringify({ id: 'chatcmpl-1', model: 'gpt-4o', choices: finish === 'none' ? [] : [{ index: 0, delta, finish_reason: finish }], usage }),
    });
    const out = run(t, [
      c({ role: 'assistant', content: '' }),
      c({ content: 'Hm' }),
      c({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '{"y":2}' } }] }),
      c({}, 'tool_calls'),
      c({}, 'none', { prompt_tokens: 8, completion_tokens: 3 }),
      { data: '[DONE]' },
    ]);
    expect(out.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const parsed = out.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ message: { id: 'chatcmpl-1', model: 'gpt-4o', role: 'assistant' } });
    expect(parsed[4]).toMatchObject({ index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'f' } });
    expect(parsed[5]).toMatchObject({ index: 1, delta: { type: 'input_json_delta', partial_json: '{"y":2}' } });
    expect(parsed[7]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 3, input_tokens: 8 } });
    expect(t.usage()).toEqual({ inputTokens: 8, outputTokens: 3 });
  });
});
