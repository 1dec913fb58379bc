// The stream guard: sits between a backend's SSE events and the client, holding back a window of text per
// channel so that redaction is applied before any character of a match is sent, including matches split
// across events, and a block ends the stream before the offending text goes out.
//
// Security property: a character of model text is written to the client only after a scan that saw it with
// at least `window` characters after it (or the end of its channel), and never while a finding that may
// still be growing covers it. Tested in stream-guard.test.ts by splitting secrets at every position.
import type { Finding } from '../../core/index.ts';
import type { Redaction } from '../../policy/index.ts';
import { isObj, type Obj } from '../content.ts';
import { eventJson, eventOf, type ApiAdapter, type SseEvent, type StreamText } from '../apis/types.ts';

export type StreamMode = 'window' | 'buffer' | 'audit-only';

/** What the guard asks of the inspector each time it is about to release text. */
export interface StreamJudge {
  /** Scans a channel's text; offsets are relative to `text`. */
  scan(text: string): Finding[];
  /**
   * Decides on every finding so far, all channels together (offsets are `channel index × CHANNEL_SPAN` +
   * offset in the channel). Returns the spans to redact, in the same offsets, or a block.
   */
  decide(findings: readonly Finding[]): { block: false; redactions: readonly Redaction[] } | { block: true };
  /** The text that replaces a redacted value. */
  replace(value: string, redaction: Redaction): string;
  /** Restores tokenized placeholders in model output (identity when there are none). */
  restore(text: string): string;
  /** Redacts and restores a complete text that a summary event repeats. */
  rewriteWhole(text: string): string;
  /** Whether a text judged whole was blocked (the stream must end). */
  blocked?(): boolean;
}

export interface StreamGuardOptions {
  readonly mode: StreamMode;
  /** Characters held back per channel in window mode. */
  readonly window: number;
}

export type GuardOutput = { readonly events: SseEvent[]; readonly blocked: boolean };

/** Offsets of different channels never meet: channel k's text starts at k × CHANNEL_SPAN. */
export const CHANNEL_SPAN = 2 ** 32;

interface Channel {
  readonly index: number;
  text: string;
  /** Characters of `text` already released (or decided). */
  released: number;
  /** Findings (channel offsets) already reported for this channel. */
  findings: Finding[];
  /** Replacement text by finding start, decided at release time. */
  readonly replaced: { start: number; end: number; with: string }[];
}

type Item =
  | { readonly kind: 'raw'; readonly event: SseEvent }
  | { readonly kind: 'text'; readonly ref: StreamText; readonly channel: Channel; start: number; readonly end: number; split: boolean; readonly shared: boolean };

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Longest a PEM block or other multi-line secret may keep text held back before it is released anyway. */
const MAX_HOLD = 64 * 1024;
/** Characters before the released point that are rescanned, so supporting keywords stay visible. */
const LEFT_CONTEXT = 300;

export class StreamGuard {
  readonly #api: ApiAdapter;
  readonly #judge: StreamJudge;
  readonly #opts: StreamGuardOptions;
  readonly #channels = new Map<string, Channel>();
  readonly #queue: Item[] = [];
  #blocked = false;
  #scannedTo = new Map<Channel, number>();

  constructor(api: ApiAdapter, judge: StreamJudge, opts: StreamGuardOptions) {
    this.#api = api;
    this.#judge = judge;
    this.#opts = opts;
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  /** The model's text so far, channel after channel (for content capture). */
  text(): string {
    return [...this.#channels.values()].map((c) => c.text).join('\n');
  }

  /** Every finding seen so far, in channel order. */
  findings(): Finding[] {
    return [...this.#channels.values()].flatMap((c) => c.findings);
  }

  /** Every finding so far with channel-separated offsets, as `decide` sees them. */
  #globalFindings(): Finding[] {
    return [...this.#channels.values()].flatMap((c) =>
      c.findings.map((f) => ({ ...f, start: f.start + c.index * CHANNEL_SPAN, end: f.end + c.index * CHANNEL_SPAN })),
    );
  }

  push(ev: SseEvent): GuardOutput {
    if (this.#blocked) return { events: [], blocked: true };
    if (this.#opts.mode === 'audit-only') {
      for (const t of this.#api.streamTexts(ev)) this.#channel(t.channel).text += t.text;
      return { events: [ev], blocked: false };
    }
    const texts = this.#api.streamTexts(ev);
    if (texts.length === 0) {
      const event = this.#rewriteSummary(ev);
      // A summary event whose own text is blocked (a citation, a block start) ends the stream like a delta would.
      if (this.#blocked) {
        this.#queue.length = 0;
        return { events: [], blocked: true };
      }
      this.#queue.push({ kind: 'raw', event });
    } else {
      // An event with several text fields (n > 1 choices) is split into one event per field.
      for (const ref of texts) {
        const ch = this.#channel(ref.channel);
        const start = ch.text.length;
        ch.text += ref.text;
        this.#queue.push({ kind: 'text', ref, channel: ch, start, end: ch.text.length, split: false, shared: texts.length > 1 });
      }
    }
    return this.#release(false);
  }

  /** The stream ended: everything left is judged with no hold-back. */
  end(): GuardOutput {
    if (this.#blocked) return { events: [], blocked: true };
    if (this.#opts.mode === 'audit-only') {
      // Audit only: the stream already went out; judge it once so the record says what a policy would do.
      for (const ch of this.#channels.values()) ch.findings = this.#judge.scan(ch.text);
      this.#judge.decide(this.#globalFindings());
      return { events: [], blocked: false };
    }
    return this.#release(true);
  }

  #channel(key: string): Channel {
    let ch = this.#channels.get(key);
    if (ch === undefined) {
      ch = { index: this.#channels.size, text: '', released: 0, findings: [], replaced: [] };
      this.#channels.set(key, ch);
    }
    return ch;
  }

  /** Where a channel's text can be released up to now. */
  #cut(ch: Channel, final: boolean): number {
    if (final) return ch.text.length;
    if (this.#opts.mode === 'buffer') return ch.released;
    let cut = Math.max(ch.released, ch.text.length - this.#opts.window);
    // An opened private-key block is held whole (up to MAX_HOLD): it is only recognisable once complete.
    const begin = ch.text.lastIndexOf('-----BEGIN', ch.text.length);
    if (begin >= ch.released && begin < cut && ch.text.indexOf('-----END', begin) < 0 && ch.text.length - begin < MAX_HOLD) cut = begin;
    // Never cut inside a run of non-space characters that may still be growing (a token, a key, a URL): a
    // long secret is often recognisable only once complete.
    if (cut > ch.released && cut < ch.text.length && !isSpace(ch.text.charCodeAt(cut)) && !isSpace(ch.text.charCodeAt(cut - 1))) {
      let run = cut;
      while (run > ch.released && !isSpace(ch.text.charCodeAt(run - 1)) && cut - run < MAX_HOLD) run--;
      let tail = cut;
      while (tail < ch.text.length && !isSpace(ch.text.charCodeAt(tail))) tail++;
      if (tail === ch.text.length) cut = run;
    }
    // A placeholder the model echoes may be split: never cut inside `[…]` of a tokenized value.
    const open = ch.text.lastIndexOf('[', cut);
    if (open >= ch.released && cut - open < 64 && ch.text.indexOf(']', open) < 0) cut = open;
    return cut;
  }

  #release(final: boolean): GuardOutput {
    // 1. Scan every channel that has text to release, and decide on all findings so far.
    const cuts = new Map<Channel, number>();
    let newFindings = false;
    for (const ch of this.#channels.values()) {
      let cut = this.#cut(ch, final);
      if (cut <= ch.released && !final) {
        cuts.set(ch, ch.released);
        continue;
      }
      const scannedTo = this.#scannedTo.get(ch) ?? -1;
      if (cut > scannedTo || final) {
        const from = Math.max(0, ch.released - LEFT_CONTEXT);
        const found = this.#judge.scan(ch.text.slice(from)).map((f) => ({ ...f, start: f.start + from, end: f.end + from }));
        for (const f of found) {
          if (f.start < ch.released) continue; // decided when it was released
          // A finding that runs past the cut may still grow: hold it back whole.
          if (!final && f.start < cut && f.end > cut - 1 && f.end >= ch.text.length - 1) cut = f.start;
        }
        const kept = found.filter((f) => f.start >= ch.released && f.start < cut);
        if (kept.length > 0) {
          ch.findings.push(...kept);
          newFindings = true;
        }
        this.#scannedTo.set(ch, cut);
      }
      cuts.set(ch, cut);
    }
    if (newFindings || final) {
      const verdict = this.#judge.decide(this.#globalFindings());
      if (verdict.block) {
        this.#blocked = true;
        this.#queue.length = 0;
        return { events: [], blocked: true };
      }
      const byIndex = [...this.#channels.values()];
      for (const r of verdict.redactions) {
        const ch = byIndex[Math.floor(r.start / CHANNEL_SPAN)];
        if (ch === undefined) continue;
        const start = r.start - ch.index * CHANNEL_SPAN;
        const end = r.end - ch.index * CHANNEL_SPAN;
        // Text already sent cannot be recalled; redactions only ever land on text not yet released.
        if (start < ch.released || ch.replaced.some((x) => start < x.end && x.start < end)) continue;
        ch.replaced.push({ start, end, with: this.#judge.replace(ch.text.slice(start, end), r) });
        ch.replaced.sort((a, b) => a.start - b.start);
      }
    }
    for (const [ch, cut] of cuts) if (cut > ch.released) ch.released = cut;

    // 2. Release queued events in order while their text is released.
    const events: SseEvent[] = [];
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (head === undefined) break;
      if (head.kind === 'raw') {
        events.push(head.event);
        this.#queue.shift();
        continue;
      }
      const ch = head.channel;
      const upto = Math.min(head.end, ch.released);
      if (upto <= head.start) break;
      const out = this.#judge.restore(this.#render(ch, head.start, upto));
      if (upto === head.end && !head.split && out === head.ref.text) events.push(this.#original(head));
      else if (out.length > 0) events.push(head.shared ? head.ref.isolated(out) : head.ref.withText(out));
      if (upto < head.end) {
        head.start = upto;
        head.split = true;
        break;
      }
      this.#queue.shift();
    }
    return { events, blocked: false };
  }

  /** An event whose text went out unchanged: the bytes as they arrived, unless it also carried other channels. */
  #original(item: Extract<Item, { kind: 'text' }>): SseEvent {
    return item.shared ? item.ref.isolated(item.ref.text) : item.ref.original;
  }

  /** Channel text [a, b) with replacements: a replaced span is written where it starts; its rest is dropped. */
  #render(ch: Channel, a: number, b: number): string {
    let out = '';
    let at = a;
    for (const r of ch.replaced) {
      if (r.end <= at || r.start >= b) continue;
      if (r.start >= at) {
        out += ch.text.slice(at, r.start) + r.with;
      }
      at = Math.min(b, Math.max(at, r.end));
    }
    if (at < b) out += ch.text.slice(at, b);
    return out;
  }

  /**
   * An event that carries no delta: done, part, item, completed and block-start events repeat streamed text
   * whole, annotation and citation events carry their own. Every string a model wrote in it is judged and
   * rewritten; the event is rebuilt only when something changed, otherwise its bytes go out as they came.
   */
  #rewriteSummary(ev: SseEvent): SseEvent {
    const obj = eventJson(ev);
    if (obj === undefined) return ev;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) {
        const list = v as unknown[];
        let out: unknown[] | undefined;
        list.forEach((x, i) => {
          const y = walk(x);
          if (y !== x) (out ??= [...list])[i] = y;
        });
        return out ?? v;
      }
      if (!isObj(v)) return v;
      let out: Obj | undefined;
      for (const k of Object.keys(v)) {
        const x = v[k];
        let y: unknown = x;
        if (typeof x === 'string') {
          if (x.length > 0 && this.#api.summaryText(k)) y = this.#judge.rewriteWhole(x);
        } else if (x !== null && typeof x === 'object') y = walk(x);
        if (y !== x) (out ??= { ...v })[k] = y;
      }
      return out ?? v;
    };
    const rewritten = walk(obj) as Obj;
    if (this.#judge.blocked?.() === true) this.#blocked = true;
    return rewritten === obj ? ev : eventOf(rewritten, ev.event);
  }
}
