// OpenAI Chat Completions (also Azure OpenAI deployments): every text-bearing field of requests, answers
// and stream chunks — message content and parts, names, refusals, reasoning content, audio transcripts,
// citations, tool calls (arguments as strings or objects), tool and function definitions, response-format
// schemas, predicted outputs, `user` and `metadata`.
import { z } from 'zod';
import { insertCanary } from '../../detect/injection/index.ts';
import { Collector, isObj, type Content, type JsonPath, type Obj } from '../content.ts';
import { dropLogprobs, isSummaryTextKey, parseWire, roleSource, streamText } from './shared.ts';
import { eventJson, type ApiAdapter, type SseEvent, type StreamText } from './types.ts';

const schema = z.looseObject({
  messages: z
    .array(z.looseObject({ role: z.string({ error: '"messages[].role" must be a string.' }) }), { error: '"messages" must be a non-empty array.' })
    .min(1, { error: '"messages" must be a non-empty array.' }),
});

type Source = Parameters<Collector['text']>[1];

/** Message content: a string or an array of parts; text, refusal and file text are inspected. */
export function chatContent(c: Collector, content: unknown, source: Source, path: JsonPath): void {
  if (typeof content === 'string') return c.text(content, source, path);
  if (!Array.isArray(content)) {
    if (content !== undefined && content !== null) c.notInspected++;
    return;
  }
  content.forEach((part, i) => {
    if (!isObj(part)) return;
    switch (part['type']) {
      case 'text':
      case 'input_text':
      case 'output_text':
        c.text(part['text'], source, [...path, i, 'text']);
        break;
      case 'refusal':
        c.text(part['refusal'], source, [...path, i, 'refusal']);
        break;
      default:
        c.notInspected++;
    }
  });
}

/** Tool calls: arguments are a JSON string by the spec; some clients send an object. */
function toolCalls(c: Collector, calls: unknown, source: Source, path: JsonPath): void {
  if (!Array.isArray(calls)) return;
  calls.forEach((call, i) => {
    if (!isObj(call)) return;
    const fn = call['function'];
    if (isObj(fn)) c.json(fn['arguments'], source, [...path, i, 'function', 'arguments']);
    else if (isObj(call['custom'])) c.optionalText(call['custom']['input'], source, [...path, i, 'custom', 'input']);
  });
}

/** Tool and function definitions: their descriptions and schemas are instructions the model reads. */
export function chatTools(c: Collector, body: Obj): void {
  const tools = body['tools'];
  if (Array.isArray(tools)) {
    tools.forEach((t, i) => {
      if (!isObj(t)) return;
      const fn = t['function'];
      if (isObj(fn)) {
        c.optionalText(fn['description'], 'system', ['tools', i, 'function', 'description']);
        c.json(fn['parameters'], 'system', ['tools', i, 'function', 'parameters']);
      } else if (isObj(t['custom'])) {
        c.optionalText(t['custom']['description'], 'system', ['tools', i, 'custom', 'description']);
      }
    });
  }
  const functions = body['functions'];
  if (Array.isArray(functions)) {
    functions.forEach((f, i) => {
      if (!isObj(f)) return;
      c.optionalText(f['description'], 'system', ['functions', i, 'description']);
      c.json(f['parameters'], 'system', ['functions', i, 'parameters']);
    });
  }
}

function request(body: Obj): Content {
  const c = new Collector();
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    messages.forEach((m, i) => {
      if (!isObj(m)) return;
      const source = roleSource(m['role']);
      const base = ['messages', i];
      chatContent(c, m['content'], source, [...base, 'content']);
      c.optionalText(m['name'], source, [...base, 'name']);
      c.optionalText(m['refusal'], source, [...base, 'refusal']);
      c.optionalText(m['reasoning_content'], source, [...base, 'reasoning_content']);
      toolCalls(c, m['tool_calls'], source, [...base, 'tool_calls']);
      if (isObj(m['function_call'])) c.json(m['function_call']['arguments'], source, [...base, 'function_call', 'arguments']);
      if (isObj(m['audio'])) c.optionalText(m['audio']['transcript'], source, [...base, 'audio', 'transcript']);
    });
  }
  chatTools(c, body);
  const rf = body['response_format'];
  if (isObj(rf) && isObj(rf['json_schema'])) {
    c.optionalText(rf['json_schema']['description'], 'system', ['response_format', 'json_schema', 'description']);
    c.json(rf['json_schema']['schema'], 'system', ['response_format', 'json_schema', 'schema']);
  }
  const prediction = body['prediction'];
  if (isObj(prediction)) chatContent(c, prediction['content'], 'user', ['prediction', 'content']);
  c.optionalText(body['user'], 'user', ['user']);
  c.json(body['metadata'], 'user', ['metadata']);
  return c.done();
}

function response(body: Obj): Content {
  const c = new Collector();
  const choices = body['choices'];
  if (Array.isArray(choices)) {
    choices.forEach((ch, i) => {
      if (!isObj(ch) || !isObj(ch['message'])) return;
      const m = ch['message'];
      const base = ['choices', i, 'message'];
      chatContent(c, m['content'], 'model-output', [...base, 'content']);
      c.optionalText(m['refusal'], 'model-output', [...base, 'refusal']);
      c.optionalText(m['reasoning_content'], 'model-output', [...base, 'reasoning_content']);
      c.optionalText(m['reasoning'], 'model-output', [...base, 'reasoning']);
      toolCalls(c, m['tool_calls'], 'model-output', [...base, 'tool_calls']);
      if (isObj(m['function_call'])) c.json(m['function_call']['arguments'], 'model-output', [...base, 'function_call', 'arguments']);
      if (isObj(m['audio'])) c.optionalText(m['audio']['transcript'], 'model-output', [...base, 'audio', 'transcript']);
      const annotations = m['annotations'];
      if (Array.isArray(annotations)) {
        annotations.forEach((a, j) => {
          if (!isObj(a) || !isObj(a['url_citation'])) return;
          c.optionalText(a['url_citation']['title'], 'model-output', [...base, 'annotations', j, 'url_citation', 'title']);
          c.optionalText(a['url_citation']['url'], 'model-output', [...base, 'annotations', j, 'url_citation', 'url']);
        });
      }
    });
  }
  return c.done();
}

/** The delta fields that stream text, each its own channel per choice. */
const DELTA_FIELDS = ['content', 'refusal', 'reasoning_content', 'reasoning'] as const;

function streamTexts(ev: SseEvent): StreamText[] {
  const obj = eventJson(ev);
  if (obj === undefined) return [];
  const choices = obj['choices'];
  if (!Array.isArray(choices)) return [];
  const out: StreamText[] = [];
  const choiceAt = (copy: Obj, ci: number): Obj => (copy['choices'] as Obj[])[ci] as Obj;
  /** A rewritten chunk keeps no logprobs: their tokens spell the original text. */
  const scrub = (choice: Obj): void => {
    if (choice['logprobs'] !== undefined && choice['logprobs'] !== null) choice['logprobs'] = null;
  };
  choices.forEach((ch, ci) => {
    if (!isObj(ch) || !isObj(ch['delta'])) return;
    const delta = ch['delta'];
    const idx = typeof ch['index'] === 'number' ? ch['index'] : ci;
    const only = (copy: Obj, d: Obj): void => {
      const choice = { ...choiceAt(copy, ci), delta: d };
      scrub(choice);
      copy['choices'] = [choice];
    };
    for (const field of DELTA_FIELDS) {
      const text = delta[field];
      if (typeof text !== 'string' || text.length === 0) continue;
      out.push(
        streamText(
          ev,
          obj,
          `choice:${idx}:${field}`,
          text,
          (copy, t) => {
            const choice = choiceAt(copy, ci);
            (choice['delta'] as Obj)[field] = t;
            scrub(choice);
          },
          (copy, t) => only(copy, { ...(typeof delta['role'] === 'string' ? { role: delta['role'] } : {}), [field]: t }),
        ),
      );
    }
    const audio = delta['audio'];
    if (isObj(audio) && typeof audio['transcript'] === 'string' && audio['transcript'] !== '') {
      out.push(
        streamText(
          ev,
          obj,
          `choice:${idx}:audio`,
          audio['transcript'],
          (copy, t) => {
            ((choiceAt(copy, ci)['delta'] as Obj)['audio'] as Obj)['transcript'] = t;
            scrub(choiceAt(copy, ci));
          },
          (copy, t) => only(copy, { audio: { ...audio, transcript: t } }),
        ),
      );
    }
    const fc = delta['function_call'];
    if (isObj(fc) && typeof fc['arguments'] === 'string' && fc['arguments'] !== '') {
      out.push(
        streamText(
          ev,
          obj,
          `choice:${idx}:function_call`,
          fc['arguments'],
          (copy, t) => (((choiceAt(copy, ci)['delta'] as Obj)['function_call'] as Obj)['arguments'] = t),
          (copy, t) => only(copy, { function_call: { ...fc, arguments: t } }),
        ),
      );
    }
    const calls = delta['tool_calls'];
    if (Array.isArray(calls)) {
      calls.forEach((call, ti) => {
        if (!isObj(call) || !isObj(call['function']) || typeof call['function']['arguments'] !== 'string' || call['function']['arguments'] === '') return;
        const fn = call['function'];
        const tIdx = typeof call['index'] === 'number' ? call['index'] : ti;
        out.push(
          streamText(
            ev,
            obj,
            `choice:${idx}:tool:${tIdx}`,
            fn['arguments'] as string,
            (copy, t) => ((((choiceAt(copy, ci)['delta'] as Obj)['tool_calls'] as Obj[])[ti] as Obj)['function'] as Obj)['arguments'] = t,
            (copy, t) => only(copy, { tool_calls: [{ ...call, function: { ...fn, arguments: t } }] }),
          ),
        );
      });
    }
  });
  return out;
}

export const openaiChat: ApiAdapter = {
  api: 'openai.chat',
  dialect: 'openai',
  streams: true,
  parse: (body, opts) => parseWire(schema, body, opts, true),
  request,
  response,
  dropDerived: (body, rewritten) => dropLogprobs(body, rewritten, 2),
  streamTexts,
  summaryText: isSummaryTextKey,
  withCanary(body, canary) {
    const messages = Array.isArray(body['messages']) ? [...(body['messages'] as unknown[])] : [];
    const first = messages[0];
    if (isObj(first) && (first['role'] === 'system' || first['role'] === 'developer') && typeof first['content'] === 'string') {
      const systemPrompt = insertCanary(first['content'], canary);
      messages[0] = { ...first, content: systemPrompt };
      return { body: { ...body, messages }, systemPrompt };
    }
    const systemPrompt = insertCanary('', canary);
    return { body: { ...body, messages: [{ role: 'system', content: systemPrompt }, ...messages] }, systemPrompt };
  },
};
