// The contract between the gateway routes and the upstream layer: what a route asks for (UpstreamCall) and what it
// gets back (UpstreamResult). Everything here is already in the client's API shape.
import type { PalisadeError, ProviderKind } from '../../core/index.ts';
import type { ClientApi, SseEvent } from '../../pipeline/index.ts';

export type { ClientApi, SseEvent };

export interface UpstreamCall {
  readonly api: ClientApi;
  /** The requested model, or the Azure deployment name. */
  readonly model: string;
  /** Parsed client JSON, in the client's API shape. */
  readonly body: Record<string, unknown>;
  readonly stream: boolean;
  /** Aborted when the client disconnects: the upstream request is aborted with it. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  /**
   * The client's request headers, optional. Only an allow-list (`openai-beta`, `anthropic-beta`) is forwarded;
   * the client's own credentials (Authorization, api-key, x-api-key) never reach a backend.
   */
  readonly clientHeaders?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ServedBy {
  upstream: string;
  provider: ProviderKind;
  /** The backend's model name. */
  model: string;
  attempts: number;
}

/**
 * `ok: true` with a 4xx `status` is a backend's own client error (e.g. 400 for a bad request), passed through in the
 * client's error shape; the route sends `status` and `body` as they are.
 */
export type UpstreamResult =
  | { ok: true; kind: 'json'; status: number; body: Record<string, unknown>; usage?: Usage; servedBy: ServedBy }
  | {
      ok: true;
      kind: 'stream';
      status: number;
      events: AsyncIterable<SseEvent>;
      usage(): Usage | undefined;
      servedBy: ServedBy;
    }
  | { ok: false; error: PalisadeError; servedBy?: ServedBy };

export interface UpstreamMetrics {
  upstreamRequest(upstream: string, outcome: 'ok' | 'error' | 'retry', status: number | 'network'): void;
  breakerState(upstream: string, state: BreakerState): void;
  upstreamLatency(upstream: string, seconds: number): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface UpstreamLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

/** Thrown by a stream's iterator once bytes have reached the client (idle stall, reset): end the stream with `error`. */
export class UpstreamStreamError extends Error {
  override readonly name = 'UpstreamStreamError';
  readonly error: PalisadeError;
  constructor(error: PalisadeError) {
    super(error.message);
    this.error = error;
  }
}
