// Where the model's text is inside each API's stream events, and how to put rewritten text back.
import type { ClientApi, SseEvent } from '../upstreams/index.ts';

export interface StreamText {
  /** The text-carrying field: one channel per choice / content block / output item / tool call. */
  readonly channel: string;
  readonly text: string;
  /** The event as it arrived (sent unchanged when its text needs no rewriting). */
  readonly original: SseEvent;
  /** The event with its text replaced. */
  withText(text: string): SseEvent;
  /**
   * For an event carrying several text fields (n > 1 choices, parallel tool calls): an event holding only this
   * field, with this text, so that each field is released on its own and none leaks with another.
   */
  isolated(text: string): SseEvent;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A short key part from an id or index field (anything else counts as absent). */
const part = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '0');

function parse(data: string): Obj | undefined {
  if (data === '[DONE]' || data.length === 0 || data.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text fields of one event. An event carries at most a few (one per choice for n > 1); each gets its
 * own channel so that a value split across two events of the same channel is seen whole.
 */
export function streamTexts(api: ClientApi, ev: SseEvent): StreamText[] {
  const obj = parse(ev.data);
  if (obj === undefined) return [];
  const out: StreamText[] = [];
  const rebuild = (mutate: (copy: Obj) => void): SseEvent => {
    const copy = structuredClone(obj);
    mutate(copy);
    return ev.event === undefined ? { data: JSON.stringify(copy) } : { event: ev.event, data: JSON.stringify(copy) };
  };
  switch (api) {
    case 'openai.chat': {
      const choices = obj['choices'];
      if (!Array.isArray(choices)) break;
      choices.forEach((ch, ci) => {
        if (!isObj(ch) || !isObj(ch['delta'])) return;
        const delta = ch['delta'];
        const idx = typeof ch['index'] === 'number' ? ch['index'] : ci;
        if (typeof delta['content'] === 'string' && delta['content'].length > 0) {
          out.push({
            original: ev,
            channel: `choice:${idx}:content`,
            text: delta['content'],
            withText: (t) => rebuild((c) => (((c['choices'] as Obj[])[ci] as Obj)['delta'] as Obj)['content'] = t),
            isolated: (t) =>
              rebuild((c) => {
                const choice = { ...((c['choices'] as Obj[])[ci] as Obj) };
                const { tool_calls: _calls, ...rest } = choice['delta'] as Obj;
                c['choices'] = [{ ...choice, delta: { ...rest, content: t } }];
              }),
          });
        }
        const calls = delta['tool_calls'];
        if (Array.isArray(calls)) {
          calls.forEach((call, ti) => {
            if (!isObj(call) || !isObj(call['function']) || typeof call['function']['arguments'] !== 'string' || call['function']['arguments'] === '') return;
            const tIdx = typeof call['index'] === 'number' ? call['index'] : ti;
            out.push({
              original: ev,
              channel: `choice:${idx}:tool:${tIdx}`,
              text: call['function']['arguments'],
              withText: (t) =>
                rebuild((c) => {
                  const d = ((c['choices'] as Obj[])[ci] as Obj)['delta'] as Obj;
                  (((d['tool_calls'] as Obj[])[ti] as Obj)['function'] as Obj)['arguments'] = t;
                }),
              isolated: (t) =>
                rebuild((c) => {
                  const choice = (c['choices'] as Obj[])[ci] as Obj;
                  const d = choice['delta'] as Obj;
                  const one = (d['tool_calls'] as Obj[])[ti] as Obj;
                  c['choices'] = [{ ...choice, delta: { tool_calls: [{ ...one, function: { ...(one['function'] as Obj), arguments: t } }] } }];
                }),
            });
          });
        }
      });
      break;
    }
    case 'openai.responses': {
      const type = obj['type'];
      if ((type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta' || type === 'response.refusal.delta') && typeof obj['delta'] === 'string') {
        out.push({
          original: ev,
          channel: `item:${part(obj['item_id'] ?? obj['output_index'])}:${part(obj['content_index'])}:${type}`,
          text: obj['delta'],
          withText: (t) => rebuild((c) => (c['delta'] = t)),
          isolated: (t) => rebuild((c) => (c['delta'] = t)),
        });
      }
      break;
    }
    case 'anthropic.messages': {
      if (obj['type'] !== 'content_block_delta' || !isObj(obj['delta'])) break;
      const delta = obj['delta'];
      const field = delta['type'] === 'text_delta' ? 'text' : delta['type'] === 'input_json_delta' ? 'partial_json' : delta['type'] === 'thinking_delta' ? 'thinking' : undefined;
      if (field === undefined || typeof delta[field] !== 'string') break;
      out.push({
        original: ev,
        channel: `block:${part(obj['index'])}`,
        text: delta[field],
        withText: (t) => rebuild((c) => ((c['delta'] as Obj)[field] = t)),
        isolated: (t) => rebuild((c) => ((c['delta'] as Obj)[field] = t)),
      });
      break;
    }
    case 'openai.embeddings':
      break;
  }
  return out;
}

/**
 * Complete texts that streams also deliver whole (the final `response.completed` object of the Responses API,
 * `response.output_text.done`, Anthropic's `content_block_start` with initial text): these repeat text already
 * streamed, so they must be rewritten consistently or they would leak what the deltas redacted.
 */
export function isSummaryEvent(api: ClientApi, ev: SseEvent): boolean {
  if (api === 'openai.responses') {
    const obj = parse(ev.data);
    const type = obj?.['type'];
    return type === 'response.output_text.done' || type === 'response.content_part.done' || type === 'response.output_item.done' || type === 'response.completed' || type === 'response.function_call_arguments.done';
  }
  if (api === 'anthropic.messages') {
    const obj = parse(ev.data);
    return obj?.['type'] === 'content_block_start' && isObj(obj['content_block']) && typeof obj['content_block']['text'] === 'string' && obj['content_block']['text'] !== '';
  }
  return false;
}
