// Where the text is in each API's request and response bodies. Every text part becomes a Segment with the
// path to write it back, so redaction rewrites exactly that string and nothing else; parts that are not
// text (images, audio, files, token arrays) are counted as not inspected rather than silently passed.
import type { SegmentSource } from '../../core/index.ts';
import type { ClientApi } from '../upstreams/index.ts';

export type JsonPath = readonly (string | number)[];

export interface Segment {
  readonly text: string;
  readonly source: SegmentSource;
  /** Where the string sits in the body. */
  readonly path: JsonPath;
}

export interface Extracted {
  readonly segments: Segment[];
  /** Non-text parts that were not inspected. */
  readonly notInspected: number;
}

type Json = unknown;
type Obj = Record<string, Json>;

function isObj(v: Json): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function roleSource(role: Json): SegmentSource {
  switch (role) {
    case 'system':
    case 'developer':
      return 'system';
    case 'assistant':
      return 'assistant';
    case 'tool':
    case 'function':
      return 'tool-result';
    default:
      return 'user';
  }
}

class Collector {
  readonly segments: Segment[] = [];
  notInspected = 0;
  text(v: Json, source: SegmentSource, path: JsonPath): void {
    if (typeof v === 'string') {
      if (v.length > 0) this.segments.push({ text: v, source, path });
    } else if (v !== undefined && v !== null) {
      this.notInspected++;
    }
  }
}

/** OpenAI chat content: a string or an array of parts. */
function openaiContent(c: Collector, content: Json, source: SegmentSource, path: JsonPath): void {
  if (typeof content === 'string') return c.text(content, source, path);
  if (!Array.isArray(content)) return;
  content.forEach((part, i) => {
    if (isObj(part) && (part['type'] === 'text' || part['type'] === 'input_text' || part['type'] === 'output_text')) {
      c.text(part['text'], source, [...path, i, 'text']);
    } else if (isObj(part) && part['type'] === 'refusal') {
      c.text(part['refusal'], source, [...path, i, 'refusal']);
    } else {
      c.notInspected++;
    }
  });
}

function toolCalls(c: Collector, calls: Json, source: SegmentSource, path: JsonPath): void {
  if (!Array.isArray(calls)) return;
  calls.forEach((call, i) => {
    if (isObj(call) && isObj(call['function'])) c.text(call['function']['arguments'], source, [...path, i, 'function', 'arguments']);
  });
}

function anthropicBlocks(c: Collector, content: Json, source: SegmentSource, path: JsonPath): void {
  if (typeof content === 'string') return c.text(content, source, path);
  if (!Array.isArray(content)) return;
  content.forEach((block, i) => {
    if (!isObj(block)) return;
    switch (block['type']) {
      case 'text':
        c.text(block['text'], source, [...path, i, 'text']);
        break;
      case 'tool_result':
        anthropicBlocks(c, block['content'], 'tool-result', [...path, i, 'content']);
        break;
      case 'tool_use':
        // Tool inputs are JSON objects; they are inspected as their serialised text, not rewritten in place.
        if (block['input'] !== undefined) c.segments.push({ text: JSON.stringify(block['input']), source, path: [...path, i, 'input', '#json'] });
        break;
      case 'thinking':
        c.text(block['thinking'], source, [...path, i, 'thinking']);
        break;
      case 'document':
        if (isObj(block['source']) && block['source']['type'] === 'text') c.text(block['source']['data'], 'document', [...path, i, 'source', 'data']);
        else c.notInspected++;
        break;
      default:
        c.notInspected++;
    }
  });
}

export function extractRequest(api: ClientApi, body: Obj): Extracted {
  const c = new Collector();
  switch (api) {
    case 'openai.chat': {
      const messages = body['messages'];
      if (Array.isArray(messages)) {
        messages.forEach((m, i) => {
          if (!isObj(m)) return;
          const source = roleSource(m['role']);
          openaiContent(c, m['content'], source, ['messages', i, 'content']);
          toolCalls(c, m['tool_calls'], source, ['messages', i, 'tool_calls']);
        });
      }
      break;
    }
    case 'openai.responses': {
      c.text(body['instructions'], 'system', ['instructions']);
      const input = body['input'];
      if (typeof input === 'string') c.text(input, 'user', ['input']);
      else if (Array.isArray(input)) {
        input.forEach((item, i) => {
          if (!isObj(item)) return;
          if (item['type'] === 'function_call_output') c.text(item['output'], 'tool-result', ['input', i, 'output']);
          else if (item['type'] === 'function_call') c.text(item['arguments'], 'assistant', ['input', i, 'arguments']);
          else if (item['role'] !== undefined) openaiContent(c, item['content'], roleSource(item['role']), ['input', i, 'content']);
          else c.notInspected++;
        });
      }
      break;
    }
    case 'openai.embeddings': {
      const input = body['input'];
      if (typeof input === 'string') c.text(input, 'user', ['input']);
      else if (Array.isArray(input)) input.forEach((v, i) => c.text(typeof v === 'string' ? v : (v as Json), 'user', ['input', i]));
      break;
    }
    case 'anthropic.messages': {
      anthropicBlocks(c, body['system'], 'system', ['system']);
      const messages = body['messages'];
      if (Array.isArray(messages)) {
        messages.forEach((m, i) => {
          if (isObj(m)) anthropicBlocks(c, m['content'], roleSource(m['role']), ['messages', i, 'content']);
        });
      }
      break;
    }
  }
  return { segments: c.segments, notInspected: c.notInspected };
}

/** Text a model produced in a complete (non-streamed) response. */
export function extractResponse(api: ClientApi, body: Obj): Extracted {
  const c = new Collector();
  switch (api) {
    case 'openai.chat': {
      const choices = body['choices'];
      if (Array.isArray(choices)) {
        choices.forEach((ch, i) => {
          if (!isObj(ch) || !isObj(ch['message'])) return;
          openaiContent(c, ch['message']['content'], 'model-output', ['choices', i, 'message', 'content']);
          toolCalls(c, ch['message']['tool_calls'], 'model-output', ['choices', i, 'message', 'tool_calls']);
        });
      }
      break;
    }
    case 'openai.responses': {
      const output = body['output'];
      if (Array.isArray(output)) {
        output.forEach((item, i) => {
          if (!isObj(item)) return;
          if (item['type'] === 'message') openaiContent(c, item['content'], 'model-output', ['output', i, 'content']);
          else if (item['type'] === 'function_call') c.text(item['arguments'], 'model-output', ['output', i, 'arguments']);
        });
      }
      break;
    }
    case 'anthropic.messages':
      anthropicBlocks(c, body['content'], 'model-output', ['content']);
      break;
    case 'openai.embeddings':
      break;
  }
  return { segments: c.segments, notInspected: c.notInspected };
}

/** Writes `value` at `path` in a deep copy of `body` (the original is never mutated). */
export function rewrite(body: Obj, edits: readonly { path: JsonPath; value: string }[]): Obj {
  if (edits.length === 0) return body;
  const copy = structuredClone(body);
  for (const { path, value } of edits) {
    const last = path.at(-1);
    if (last === '#json') {
      // A JSON-valued field inspected as text: keep it only if the rewritten text still parses.
      const target = path.slice(0, -1);
      let parsed: Json;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = { redacted: value };
      }
      setAt(copy, target, parsed);
    } else {
      setAt(copy, path, value);
    }
  }
  return copy;
}

function setAt(root: Json, path: JsonPath, value: Json): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    node = (node as Record<string | number, Json>)[key];
    if (node === null || typeof node !== 'object') return;
  }
  const last = path.at(-1);
  if (last !== undefined) (node as Record<string | number, Json>)[last] = value;
}
