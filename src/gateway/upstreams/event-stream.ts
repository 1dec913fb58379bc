// The pull-based iterator behind a streamed answer. Each `next()` reads at most one more chunk from the backend's
// body, so a slow client slows the backend down (back-pressure) instead of Palisade buffering the answer. Stopping
// early (`return()`) or the client's signal aborting aborts the upstream request; silence longer than the idle
// timeout and broken connections surface as UpstreamStreamError so the route can end the client's stream cleanly.
import { palisadeError, type PalisadeError } from '../../core/index.ts';
import { SseParser } from './sse.ts';
import type { StreamTransform } from './stream-transforms.ts';
import { UpstreamStreamError, type SseEvent, type Usage } from './types.ts';

export type StreamOutcome = 'ok' | 'failure' | 'cancel';

export interface EventStreamOptions {
  readonly idleMs: number;
  /** The model name for error messages (never a backend URL). */
  readonly model: string;
  /** Aborts the upstream request. */
  abort(): void;
  /** Why the upstream request was aborted, if Palisade or the client aborted it. */
  abortCause(): 'client' | 'total-timeout' | undefined;
  /** Called once, when the stream ends for any reason. */
  finish(outcome: StreamOutcome): void;
}

export class UpstreamEventStream implements AsyncIterableIterator<SseEvent> {
  readonly #source: AsyncIterator<Uint8Array>;
  readonly #transform: StreamTransform;
  readonly #options: EventStreamOptions;
  readonly #parser = new SseParser();
  readonly #queue: SseEvent[] = [];
  #head = 0;
  #ended = false;
  #finished = false;
  #cancelled: UpstreamStreamError | undefined;
  readonly #emit: (event: SseEvent) => void;

  constructor(source: AsyncIterable<Uint8Array>, transform: StreamTransform, options: EventStreamOptions) {
    this.#source = source[Symbol.asyncIterator]();
    this.#transform = transform;
    this.#options = options;
    this.#emit = (event) => transform.push(event, this.#queue);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  usage(): Usage | undefined {
    return this.#transform.usage();
  }

  async next(): Promise<IteratorResult<SseEvent, undefined>> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const value = this.#queue[this.#head++] as SseEvent;
        return { done: false, value };
      }
      if (this.#cancelled !== undefined) throw this.#cancelled;
      if (this.#ended || this.#finished) {
        this.#finish('ok');
        return { done: true, value: undefined };
      }
      this.#queue.length = 0;
      this.#head = 0;
      let chunk: IteratorResult<Uint8Array>;
      try {
        chunk = await this.#read();
      } catch (e) {
        throw this.#failure(e);
      }
      if (chunk.done === true) {
        this.#ended = true;
        this.#parser.end(this.#emit);
        this.#transform.end(this.#queue);
      } else {
        this.#parser.push(chunk.value, this.#emit);
      }
    }
  }

  /** The consumer stopped early: abort the upstream request. */
  return(): Promise<IteratorResult<SseEvent, undefined>> {
    if (!this.#finished) {
      this.#options.abort();
      this.#finish('cancel');
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(e?: unknown): Promise<IteratorResult<SseEvent, undefined>> {
    if (!this.#finished) {
      this.#options.abort();
      this.#finish('cancel');
    }
    return Promise.reject(e instanceof Error ? e : new Error('stream consumer failed'));
  }

  /** The client went away while nobody was reading: release the backend now; a later read reports the cancellation. */
  cancel(): void {
    if (this.#finished) return;
    this.#cancelled = new UpstreamStreamError(palisadeError('upstream_error', 'The request was cancelled'));
    this.#finish('cancel');
  }

  #read(): Promise<IteratorResult<Uint8Array>> {
    const idle = this.#options.idleMs;
    if (idle <= 0) return this.#source.next();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#options.abort();
        reject(new UpstreamStreamError(palisadeError('upstream_timeout', `The model backend for "${this.#options.model}" stalled mid-stream`)));
      }, idle);
      this.#source.next().then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  #failure(e: unknown): UpstreamStreamError {
    if (e instanceof UpstreamStreamError) {
      this.#finish('failure');
      return e;
    }
    const cause = this.#options.abortCause();
    let error: PalisadeError;
    if (cause === 'client') {
      this.#finish('cancel');
      error = palisadeError('upstream_error', 'The request was cancelled');
    } else if (cause === 'total-timeout') {
      this.#finish('failure');
      error = palisadeError('upstream_timeout', `The model backend for "${this.#options.model}" did not finish in time`);
    } else {
      this.#finish('failure');
      error = palisadeError('upstream_error', `The connection to the model backend for "${this.#options.model}" broke mid-stream`);
    }
    return new UpstreamStreamError(error);
  }

  #finish(outcome: StreamOutcome): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#options.finish(outcome);
  }
}
