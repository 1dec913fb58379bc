// Incremental server-sent-events parser (WHATWG rules for line endings, `data` joining, comments). It keeps only the
// unfinished tail between chunks, so parsing a stream is linear in its size however the bytes are split.
import { errorBody, type PalisadeError, type WireDialect } from '../../core/index.ts';
import type { SseEvent } from './types.ts';

export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  #buffer = '';
  /** The previous chunk ended in `\r`: a `\n` opening the next one belongs to the same line ending. */
  #skipLf = false;
  #event: string | undefined;
  #data: string[] = [];

  /** Feeds bytes; calls `emit` for every completed event. */
  push(chunk: Uint8Array, emit: (event: SseEvent) => void): void {
    this.#feed(this.#decoder.decode(chunk, { stream: true }), emit);
  }

  /** Ends the stream: a final event without its blank line is still delivered (as browsers do not, but servers forget). */
  end(emit: (event: SseEvent) => void): void {
    this.#feed(this.#decoder.decode(), emit);
    if (this.#buffer.length > 0) {
      this.#line(this.#buffer, emit);
      this.#buffer = '';
    }
    this.#dispatch(emit);
  }

  #feed(text: string, emit: (event: SseEvent) => void): void {
    if (text.length === 0) return;
    let start = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    let buf = this.#buffer;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = buf.length > 0 ? buf + text.slice(start, i) : text.slice(start, i);
      buf = '';
      this.#line(line, emit);
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#skipLf = true;
        }
      }
      start = i + 1;
    }
    this.#buffer = start < text.length ? buf + text.slice(start) : buf;
  }

  #line(line: string, emit: (event: SseEvent) => void): void {
    if (line.length === 0) {
      this.#dispatch(emit);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }

  #dispatch(emit: (event: SseEvent) => void): void {
    if (this.#data.length === 0) {
      this.#event = undefined;
      return;
    }
    const data = this.#data.length === 1 ? (this.#data[0] ?? '') : this.#data.join('\n');
    const event: SseEvent = this.#event === undefined ? { data } : { event: this.#event, data };
    this.#data = [];
    this.#event = undefined;
    emit(event);
  }
}

/** Serialises one event for the wire (`data` lines split on newlines, as the format requires). */
export function formatSse(event: SseEvent): string {
  const head = event.event === undefined ? '' : `event: ${event.event}\n`;
  if (!event.data.includes('\n')) return `${head}data: ${event.data}\n\n`;
  return `${head}${event.data
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n')}\n\n`;
}

/**
 * The event that ends a client's stream after an UpstreamStreamError, in the client's dialect: Anthropic clients
 * expect `event: error`; OpenAI clients read a `data:` object with an `error` key (the official SDK throws on it).
 */
export function streamErrorEvent(error: PalisadeError, dialect: WireDialect): SseEvent {
  const data = JSON.stringify(errorBody(error, dialect));
  return dialect === 'anthropic' ? { event: 'error', data } : { data };
}
