// OpenAI Responses: instructions, input items (messages, function calls and outputs, reasoning), tool
// definitions and text-format schemas, `user` and `metadata`; in answers every output item (message text
// with citation titles and URLs, refusals, function and custom tool calls, reasoning summaries) and the
// convenience `output_text`; in streams every `*.delta` event, while done, part, item and completed events
// repeat the text whole and are judged as summaries.
import { z } from 'zod';
import { insertCanary } from '../../detect/injection/index.ts';
import { Collector, isObj, type Content, type JsonPath, type Obj } from '../content.ts';
import { chatContent } from './openai-chat.ts';
import { dropLogprobs, isSummaryTextKey, keyPart, parseWire, roleSource, streamText } from './shared.ts';
import { eventJson, type ApiAdapter, type SseEvent, type StreamText } from './types.ts';

const schema = z.looseObject({
  input: z.union([z.string(), z.array(z.unknown())], { error: '"input" must be a string or an array of input items.' }),
});

type Source = Parameters<Collector['text']>[1];

/** One input or output item. */
function item(c: Collector, it: unknown, source: Source | undefined, path: JsonPath): void {
  if (!isObj(it)) return;
  const own = source ?? roleSource(it['role']);
  switch (it['type']) {
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'computer_call_output':
    case 'local_shell_call_output':
      if (typeof it['output'] === 'string' || it['output'] === undefined) c.text(it['output'], 'tool-result', [...path, 'output']);
      else chatContent(c, it['output'], 'tool-result', [...path, 'output']);
      return;
    case 'function_call':
      c.json(it['arguments'], source ?? 'assistant', [...path, 'arguments']);
      return;
    case 'custom_tool_call':
      c.optionalText(it['input'], source ?? 'assistant', [...path, 'input']);
      return;
    case 'reasoning': {
      const summary = it['summary'];
      if (Array.isArray(summary)) summary.forEach((s, i) => isObj(s) && c.optionalText(s['text'], source ?? 'assistant', [...path, 'summary', i, 'text']));
      const content = it['content'];
      if (Array.isArray(content)) content.forEach((s, i) => isObj(s) && c.optionalText(s['text'], source ?? 'assistant', [...path, 'content', i, 'text']));
      return;
    }
    case 'message':
    case undefined:
      if (it['role'] === undefined && it['type'] === undefined) {
        c.notInspected++;
        return;
      }
      messageContent(c, it['content'], own, [...path, 'content']);
      return;
    default:
      c.notInspected++;
  }
}

/** Message content parts, including output text annotations (citation titles and URLs). */
function messageContent(c: Collector, content: unknown, source: Source, path: JsonPath): void {
  chatContent(c, content, source, path);
  if (!Array.isArray(content)) return;
  content.forEach((part, i) => {
    if (!isObj(part) || !Array.isArray(part['annotations'])) return;
    part['annotations'].forEach((a, j) => {
      if (!isObj(a)) return;
      c.optionalText(a['title'], source, [...path, i, 'annotations', j, 'title']);
      c.optionalText(a['url'], source, [...path, i, 'annotations', j, 'url']);
    });
  });
}

function request(body: Obj): Content {
  const c = new Collector();
  c.text(body['instructions'], 'system', ['instructions']);
  const input = body['input'];
  if (typeof input === 'string') c.text(input, 'user', ['input']);
  else if (Array.isArray(input)) input.forEach((it, i) => item(c, it, undefined, ['input', i]));
  const tools = body['tools'];
  if (Array.isArray(tools)) {
    tools.forEach((t, i) => {
      if (!isObj(t)) return;
      c.optionalText(t['description'], 'system', ['tools', i, 'description']);
      c.json(t['parameters'], 'system', ['tools', i, 'parameters']);
    });
  }
  const text = body['text'];
  if (isObj(text) && isObj(text['format'])) {
    c.optionalText(text['format']['description'], 'system', ['text', 'format', 'description']);
    c.json(text['format']['schema'], 'system', ['text', 'format', 'schema']);
  }
  c.optionalText(body['user'], 'user', ['user']);
  c.json(body['metadata'], 'user', ['metadata']);
  return c.done();
}

function response(body: Obj): Content {
  const c = new Collector();
  const output = body['output'];
  if (Array.isArray(output)) output.forEach((it, i) => item(c, it, 'model-output', ['output', i]));
  c.optionalText(body['output_text'], 'model-output', ['output_text']);
  return c.done();
}

/** Delta events and the channel key each continues. */
const DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
  'response.audio.transcript.delta',
]);

function streamTexts(ev: SseEvent): StreamText[] {
  const obj = eventJson(ev);
  if (obj === undefined) return [];
  const type = obj['type'];
  if (typeof type !== 'string' || !DELTAS.has(type) || typeof obj['delta'] !== 'string' || obj['delta'] === '') return [];
  const index = obj['summary_index'] ?? obj['content_index'];
  const channel = `item:${keyPart(obj['item_id'] ?? obj['output_index'])}:${keyPart(index)}:${type}`;
  const set = (copy: Obj, t: string): void => {
    copy['delta'] = t;
    if (Array.isArray(copy['logprobs'])) copy['logprobs'] = [];
  };
  return [streamText(ev, obj, channel, obj['delta'], set)];
}

export const openaiResponses: ApiAdapter = {
  api: 'openai.responses',
  dialect: 'openai',
  streams: true,
  parse: (body, opts) => parseWire(schema, body, opts, true),
  request,
  response,
  dropDerived: (body, rewritten) => dropLogprobs(body, rewritten, 4),
  streamTexts,
  summaryText: isSummaryTextKey,
  withCanary(body, canary) {
    const instructions = body['instructions'];
    const systemPrompt = insertCanary(typeof instructions === 'string' ? instructions : '', canary);
    return { body: { ...body, instructions: systemPrompt }, systemPrompt };
  },
};
