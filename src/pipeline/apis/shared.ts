// Pieces the API adapters share: wire validation with zod, roles to segment sources, and stream-text
// construction (an event rebuilt with one field replaced, or isolated to that one field).
import { z } from 'zod';
import { palisadeError, type PalisadeError, type Result, type SegmentSource } from '../../core/index.ts';
import { isObj, rewrite, valueAt, type Obj } from '../content.ts';
import { eventOf, type SseEvent, type StreamText, type WireRequest } from './types.ts';

export function roleSource(role: unknown): SegmentSource {
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

/** A zod issue as an OpenAI-style 400: the field's path as `param`, never the field's value. */
export function wireError(issue: z.core.$ZodIssue | undefined, fallback: string): PalisadeError {
  if (issue === undefined) return palisadeError('invalid_request', fallback);
  const param = issue.path.map(String).join('.');
  const message = issue.message.startsWith('"') ? issue.message : `"${param || 'body'}": ${issue.message}`;
  return palisadeError('invalid_request', message, param === '' ? {} : { param });
}

export const modelField = z
  .string({ error: '"model" must be a non-empty string.' })
  .refine((m) => m.trim() !== '', { error: '"model" must be a non-empty string.' });
export const streamField = z.boolean({ error: '"stream" must be a boolean.' }).nullish();

/** Validates a request body with `schema` (a loose object: unknown fields travel on untouched). */
export function parseWire(
  schema: z.ZodType<Obj>,
  body: unknown,
  opts: { readonly modelInPath: boolean },
  streams: boolean,
): Result<WireRequest, PalisadeError> {
  if (!isObj(body)) return { ok: false, error: palisadeError('invalid_request', 'Request body must be a JSON object.') };
  if (!opts.modelInPath) {
    const m = modelField.safeParse(body['model']);
    if (!m.success) return { ok: false, error: palisadeError('invalid_request', '"model" must be a non-empty string.', { param: 'model' }) };
  }
  const r = schema.safeParse(body);
  if (!r.success) return { ok: false, error: wireError(r.error.issues[0], 'Invalid request body.') };
  const s = streamField.safeParse(body['stream']);
  if (!s.success) return { ok: false, error: palisadeError('invalid_request', '"stream" must be a boolean.', { param: 'stream' }) };
  const stream = s.data === true;
  if (stream && !streams) return { ok: false, error: palisadeError('invalid_request', 'This endpoint does not stream.', { param: 'stream' }) };
  // The validated object is the body itself (zod's loose parse copies it; the original keeps key order and travels on).
  return { ok: true, value: { body, model: opts.modelInPath ? undefined : (body['model'] as string), stream } };
}

/** A StreamText over one field of a parsed event: `set` writes the field into a copy, `isolate` builds a one-field event. */
export function streamText(
  ev: SseEvent,
  obj: Obj,
  channel: string,
  text: string,
  set: (copy: Obj, text: string) => void,
  isolate: (copy: Obj, text: string) => void = set,
): StreamText {
  return {
    original: ev,
    channel,
    text,
    withText: (t) => {
      const copy = structuredClone(obj);
      set(copy, t);
      return eventOf(copy, ev.event);
    },
    isolated: (t) => {
      const copy = structuredClone(obj);
      isolate(copy, t);
      return eventOf(copy, ev.event);
    },
  };
}

/** A short key part from an id or index field (anything else counts as absent). */
export function keyPart(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '0';
}

/**
 * Keys whose string values are structure, not text a model wrote or a person reads: never rewritten in
 * summary events. Everything else that is a string in a summary event is judged.
 */
const STRUCTURAL = new Set([
  'id',
  'type',
  'object',
  'model',
  'role',
  'status',
  'call_id',
  'item_id',
  'event_id',
  'response_id',
  'previous_response_id',
  'tool_use_id',
  'finish_reason',
  'stop_reason',
  'stop_sequence',
  'system_fingerprint',
  'service_tier',
  'signature',
  'encrypted_content',
  'media_type',
  'format',
  'name',
  'tool_choice',
  'truncation',
  'voice',
  'detail',
  'file_id',
]);

export function isSummaryTextKey(key: string): boolean {
  return !STRUCTURAL.has(key);
}

/**
 * Clears the `logprobs` of every item (a choice, a content part) that holds a rewritten path: its tokens
 * spell the original text. `depth` is the length of the item's path (`choices.0` is 2).
 */
export function dropLogprobs(body: Obj, rewritten: readonly (readonly (string | number)[])[], depth: number): Obj {
  const edits: { path: (string | number)[]; value: unknown }[] = [];
  const seen = new Set<string>();
  for (const p of rewritten) {
    if (p.length <= depth) continue;
    const item = p.slice(0, depth);
    const key = item.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    const v = valueAt(body, item);
    if (isObj(v) && v['logprobs'] !== undefined && v['logprobs'] !== null) edits.push({ path: [...item, 'logprobs'], value: Array.isArray(v['logprobs']) ? [] : null });
  }
  return rewrite(body, edits);
}
