// What the pipeline knows about one client API, in one place: how a request is validated at the wire,
// where the text is in requests, answers and stream events, how a summary event repeats streamed text,
// where a canary goes, and which error dialect the client reads.
import type { PalisadeError, Result, WireDialect } from '../../core/index.ts';
import type { Canary } from '../../detect/injection/index.ts';
import type { Content, JsonPath, Obj } from '../content.ts';

export type ClientApi = 'openai.chat' | 'openai.responses' | 'openai.embeddings' | 'anthropic.messages';

/** One server-sent event, in the client's API shape. */
export interface SseEvent {
  event?: string;
  data: string;
}

const parsedEvents = new WeakMap<SseEvent, Obj | null>();

/**
 * The event's data as a JSON object, parsed at most once per event whoever asks (the backend transform,
 * the stream guard, usage accounting): an event is never parsed, re-serialised and parsed again.
 */
export function eventJson(ev: SseEvent): Obj | undefined {
  const cached = parsedEvents.get(ev);
  if (cached !== undefined) return cached ?? undefined;
  const data = ev.data;
  let obj: Obj | null = null;
  if (data.length > 0 && data.charCodeAt(0) === 123 /* { */) {
    try {
      const v: unknown = JSON.parse(data);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) obj = v as Obj;
    } catch {
      obj = null;
    }
  }
  parsedEvents.set(ev, obj);
  return obj ?? undefined;
}

/** A new event with `obj` as its data; the parsed object is remembered, so nobody parses it again. */
export function eventOf(obj: Obj, name: string | undefined): SseEvent {
  const ev: SseEvent = name === undefined ? { data: JSON.stringify(obj) } : { event: name, data: JSON.stringify(obj) };
  parsedEvents.set(ev, obj);
  return ev;
}

/** One text-carrying field of one stream event. */
export interface StreamText {
  /** The channel it continues: one per choice / content block / output item / tool call. */
  readonly channel: string;
  readonly text: string;
  /** The event as it arrived (sent unchanged when its text needs no rewriting). */
  readonly original: SseEvent;
  /** The event with this field's text replaced (other fields that derive from it dropped, e.g. logprobs). */
  withText(text: string): SseEvent;
  /** For an event with several text fields: an event holding only this field, with this text. */
  isolated(text: string): SseEvent;
}

/** A validated request: the fields every step relies on. */
export interface WireRequest {
  readonly body: Obj;
  /** Absent for Azure deployment routes, where the path names the deployment. */
  readonly model: string | undefined;
  readonly stream: boolean;
}

export interface ApiAdapter {
  readonly api: ClientApi;
  readonly dialect: WireDialect;
  readonly streams: boolean;
  /** Validates the body at the wire (zod): a clear 400 naming the field, or the request. */
  parse(body: unknown, opts: { readonly modelInPath: boolean }): Result<WireRequest, PalisadeError>;
  /** Every text-bearing field of a request. */
  request(body: Obj): Content;
  /** Every text-bearing field of a complete answer. */
  response(body: Obj): Content;
  /** Fields of an answer that derive from text that was rewritten (logprob tokens): removed with it. */
  dropDerived(body: Obj, rewritten: readonly JsonPath[]): Obj;
  /** The text deltas of one stream event. */
  streamTexts(ev: SseEvent): StreamText[];
  /**
   * For an event that is not a delta, its strings that a model wrote (done/summary events repeat streamed
   * text; annotation and block-start events carry their own): the guard rewrites them whole.
   */
  summaryText(key: string): boolean;
  /** The request with a canary in its system prompt, and that system prompt's full text. */
  withCanary(body: Obj, canary: Canary): { body: Obj; systemPrompt: string } | undefined;
}
