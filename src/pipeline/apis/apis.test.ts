import { describe, expect, it } from 'vitest';
import { jsonView, rewrite, type Obj } from '../content.ts';
import { apiAdapter, type ClientApi } from './index.ts';

const extractRequest = (api: ClientApi, body: Obj) => apiAdapter(api).request(body);
const extractResponse = (api: ClientApi, body: Obj) => apiAdapter(api).response(body);

describe('request segments', () => {
  it('OpenAI chat: every role, text parts, tool calls and tool results; images counted as not inspected', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:…' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":"x"}' } }] },
        { role: 'tool', tool_call_id: 't', content: 'result text' },
      ],
    };
    const { segments, notInspected } = extractRequest('openai.chat', body);
    expect(segments.map((s) => [s.source, s.text])).toEqual([
      ['system', 'sys'],
      ['user', 'look'],
      ['assistant', 'q: x\n'],
      ['tool-result', 'result text'],
    ]);
    expect(notInspected).toBe(1);
  });

  it('Responses API input items and instructions', () => {
    const body = {
      instructions: 'be nice',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'function_call_output', call_id: 'c', output: 'tool said' },
      ],
    };
    expect(extractRequest('openai.responses', body).segments.map((s) => [s.source, s.text])).toEqual([
      ['system', 'be nice'],
      ['user', 'hi'],
      ['tool-result', 'tool said'],
    ]);
    expect(extractRequest('openai.responses', { input: 'plain' }).segments[0]?.text).toBe('plain');
  });

  it('Anthropic content blocks, tool results and tool inputs', () => {
    const body = {
      system: [{ type: 'text', text: 'sys' }],
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'x', name: 'n', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'out' }] }, { type: 'image', source: {} }] },
      ],
    };
    const { segments, notInspected } = extractRequest('anthropic.messages', body);
    expect(segments.map((s) => [s.source, s.text])).toEqual([
      ['system', 'sys'],
      ['user', 'hello'],
      ['assistant', 'a: 1\n'],
      ['tool-result', 'out'],
    ]);
    expect(notInspected).toBe(1);
  });

  it('embeddings input strings; token arrays are not inspected', () => {
    expect(extractRequest('openai.embeddings', { input: ['a', 'b', [1, 2]] })).toMatchObject({ notInspected: 1 });
  });

  it('rewrite edits a copy at the exact paths', () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'text', text: 'card 4111' }] }] };
    const { segments } = extractRequest('openai.chat', body);
    const out = rewrite(body, [{ path: segments[0]!.path, value: 'card [CREDIT_CARD_1]' }]);
    expect(out).toEqual({ messages: [{ role: 'user', content: [{ type: 'text', text: 'card [CREDIT_CARD_1]' }] }] });
    expect(body.messages[0]!.content[0]!.text).toBe('card 4111');
    const anth = { messages: [{ role: 'assistant', content: [{ type: 'tool_use', input: { k: 'secret' } }] }] };
    const seg = extractRequest('anthropic.messages', anth).segments[0]!;
    expect(seg.text).toBe('k: secret\n');
    const leaf = seg.leaves![0]!;
    expect(seg.text.slice(leaf.start, leaf.end)).toBe('secret');
    expect(rewrite(anth, [{ path: [...seg.path, ...leaf.path], value: '[SECRET_1]' }])).toEqual({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', input: { k: '[SECRET_1]' } }] }] });
    expect(anth.messages[0]!.content[0]!.input.k).toBe('secret');
  });
});

describe('response segments', () => {
  it('chat, responses and messages outputs', () => {
    expect(extractResponse('openai.chat', { choices: [{ message: { content: 'answer', tool_calls: [{ function: { arguments: '{"q":"x"}' } }] } }] }).segments.map((s) => s.text)).toEqual(['answer', 'q: x\n']);
    expect(extractResponse('openai.responses', { output: [{ type: 'message', content: [{ type: 'output_text', text: 'r' }] }] }).segments[0]?.text).toBe('r');
    expect(extractResponse('anthropic.messages', { content: [{ type: 'text', text: 'a' }] }).segments[0]?.source).toBe('model-output');
  });
});

describe('JSON views', () => {
  it('renders keys as context and records every string leaf', () => {
    const view = jsonView({ db: { password: 'hunter2', port: 5432 }, tags: ['a b', 'c'] })!;
    expect(view.text).toBe('db.password: hunter2\ndb.port: 5432\ntags[0]: a b\ntags[1]: c\n');
    expect(view.leaves.map((l) => [view.text.slice(l.start, l.end), l.path])).toEqual([
      ['hunter2', ['db', 'password']],
      ['a b', ['tags', 0]],
      ['c', ['tags', 1]],
    ]);
  });
});
