// Anthropic Messages: the system prompt, every content block (text with citations, tool use inputs and
// results, thinking, documents — plain text, base64 text decoded, nested content — and search results),
// tool definitions and `metadata`; answers' blocks likewise; in streams the text, JSON-input and thinking
// deltas, while block starts and citation deltas are judged whole.
import { z } from 'zod';
import { insertCanary } from '../../detect/injection/index.ts';
import { Collector, isObj, type Content, type JsonPath, type Obj } from '../content.ts';
import { isSummaryTextKey, keyPart, parseWire, roleSource, streamText } from './shared.ts';
import { eventJson, type ApiAdapter, type SseEvent, type StreamText } from './types.ts';

const schema = z.looseObject({
  messages: z
    .array(z.looseObject({ role: z.string({ error: 'messages: each message needs a role.' }) }), { error: 'messages: must be a non-empty array.' })
    .min(1, { error: 'messages: must be a non-empty array.' }),
  max_tokens: z.number({ error: 'max_tokens: must be a positive integer.' }).int({ error: 'max_tokens: must be a positive integer.' }).min(1, { error: 'max_tokens: must be a positive integer.' }).optional(),
});

type Source = Parameters<Collector['text']>[1];

/** Media types whose base64 documents are text and are decoded for inspection. */
function isTextMedia(mediaType: unknown): boolean {
  return typeof mediaType === 'string' && (mediaType.startsWith('text/') || mediaType === 'application/json' || mediaType === 'application/xml');
}

function citations(c: Collector, list: unknown, source: Source, path: JsonPath): void {
  if (!Array.isArray(list)) return;
  list.forEach((ci, j) => {
    if (!isObj(ci)) return;
    for (const key of ['cited_text', 'document_title', 'title', 'url']) c.optionalText(ci[key], source, [...path, j, key]);
  });
}

function blocks(c: Collector, content: unknown, source: Source, path: JsonPath): void {
  if (typeof content === 'string') return c.text(content, source, path);
  if (!Array.isArray(content)) {
    if (content !== undefined && content !== null) c.notInspected++;
    return;
  }
  content.forEach((block, i) => {
    if (!isObj(block)) return;
    const at = [...path, i];
    switch (block['type']) {
      case 'text':
        c.text(block['text'], source, [...at, 'text']);
        citations(c, block['citations'], source, [...at, 'citations']);
        break;
      case 'tool_result':
        blocks(c, block['content'], 'tool-result', [...at, 'content']);
        break;
      case 'tool_use':
      case 'server_tool_use':
        c.json(block['input'], source, [...at, 'input']);
        break;
      case 'thinking':
        c.text(block['thinking'], source, [...at, 'thinking']);
        break;
      case 'document': {
        c.optionalText(block['title'], 'document', [...at, 'title']);
        c.optionalText(block['context'], 'document', [...at, 'context']);
        const src = block['source'];
        if (!isObj(src)) {
          c.notInspected++;
        } else if (src['type'] === 'text') {
          c.text(src['data'], 'document', [...at, 'source', 'data']);
        } else if (src['type'] === 'base64' && isTextMedia(src['media_type'])) {
          c.base64(src['data'], 'document', [...at, 'source', 'data']);
        } else if (src['type'] === 'content') {
          blocks(c, src['content'], 'document', [...at, 'source', 'content']);
        } else {
          c.notInspected++;
        }
        break;
      }
      case 'search_result':
        c.optionalText(block['title'], 'document', [...at, 'title']);
        c.optionalText(block['source'], 'document', [...at, 'source']);
        blocks(c, block['content'], 'document', [...at, 'content']);
        break;
      case 'web_search_tool_result': {
        const results = block['content'];
        if (Array.isArray(results)) {
          results.forEach((r, j) => {
            if (!isObj(r)) return;
            c.optionalText(r['title'], 'document', [...at, 'content', j, 'title']);
            c.optionalText(r['url'], 'document', [...at, 'content', j, 'url']);
          });
        }
        break;
      }
      default:
        c.notInspected++;
    }
  });
}

function request(body: Obj): Content {
  const c = new Collector();
  blocks(c, body['system'], 'system', ['system']);
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    messages.forEach((m, i) => {
      if (isObj(m)) blocks(c, m['content'], roleSource(m['role']), ['messages', i, 'content']);
    });
  }
  const tools = body['tools'];
  if (Array.isArray(tools)) {
    tools.forEach((t, i) => {
      if (!isObj(t)) return;
      c.optionalText(t['description'], 'system', ['tools', i, 'description']);
      c.json(t['input_schema'], 'system', ['tools', i, 'input_schema']);
    });
  }
  c.json(body['metadata'], 'user', ['metadata']);
  return c.done();
}

function response(body: Obj): Content {
  const c = new Collector();
  blocks(c, body['content'], 'model-output', ['content']);
  return c.done();
}

const DELTA_FIELD: Readonly<Record<string, string>> = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking' };

function streamTexts(ev: SseEvent): StreamText[] {
  const obj = eventJson(ev);
  if (obj === undefined || obj['type'] !== 'content_block_delta' || !isObj(obj['delta'])) return [];
  const delta = obj['delta'];
  const field = DELTA_FIELD[String(delta['type'])];
  if (field === undefined || typeof delta[field] !== 'string' || delta[field] === '') return [];
  return [streamText(ev, obj, `block:${keyPart(obj['index'])}`, delta[field], (copy, t) => ((copy['delta'] as Obj)[field] = t))];
}

export const anthropicMessages: ApiAdapter = {
  api: 'anthropic.messages',
  dialect: 'anthropic',
  streams: true,
  parse: (body, opts) => parseWire(schema, body, opts, true),
  request,
  response,
  dropDerived: (body) => body,
  streamTexts,
  summaryText: isSummaryTextKey,
  withCanary(body, canary) {
    const system = body['system'];
    if (Array.isArray(system)) {
      const line = insertCanary('', canary);
      const text = system.map((b) => (isObj(b) && typeof b['text'] === 'string' ? b['text'] : '')).join('\n');
      return { body: { ...body, system: [...(system as unknown[]), { type: 'text', text: line }] }, systemPrompt: `${text}\n\n${line}` };
    }
    const systemPrompt = insertCanary(typeof system === 'string' ? system : '', canary);
    return { body: { ...body, system: systemPrompt }, systemPrompt };
  },
};
