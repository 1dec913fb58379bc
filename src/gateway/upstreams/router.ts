// The upstream router: model name → route (first match wins, which is how pinning works) → backend choice (smooth
// WRR or least-in-flight, skipping open circuits) → the request, with retries (exponential backoff, full jitter,
// Retry-After), per-backend circuit breakers and failover, all before the first byte reaches the client.
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { Agent } from 'undici';
import {
  palisadeError,
  type BreakerConfig,
  type Clock,
  type ModelRouteConfig,
  type PalisadeError,
  type RetryConfig,
  type TimeoutsConfig,
  type UpstreamConfig,
} from '../../core/index.ts';
import { Backend, type PreparedRequest } from './backend.ts';
import { compileMatcher, isGlob, pickLeastInFlight, pickWeightedRoundRobin, type Candidate } from './balancer.ts';
import { UpstreamEventStream, type StreamOutcome } from './event-stream.ts';
import { mockJson, mockStream } from './mock.ts';
import {
  anthropicResponseToChat,
  anthropicUsage,
  chatResponseToAnthropic,
  chatUsage,
  responsesUsage,
  translateErrorBody,
} from './translate.ts';
import {
  UpstreamStreamError,
  type BreakerState,
  type ServedBy,
  type SseEvent,
  type UpstreamCall,
  type UpstreamLogger,
  type UpstreamMetrics,
  type UpstreamResult,
  type Usage,
} from './types.ts';

export interface UpstreamRouterConfig {
  readonly upstreams: readonly UpstreamConfig[];
  readonly models: readonly ModelRouteConfig[];
  readonly resilience: { readonly timeouts: TimeoutsConfig; readonly retry: RetryConfig; readonly breaker: BreakerConfig };
}

export interface UpstreamRouterDeps {
  readonly clock: Clock;
  readonly metrics?: UpstreamMetrics;
  readonly logger?: UpstreamLogger;
  /** Waits between retries; injectable so tests need not sleep. Rejects when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter. */
  readonly random?: () => number;
}

interface RouteBackend extends Candidate {
  readonly backend: Backend;
  readonly model: string | undefined;
}

interface Route {
  readonly config: ModelRouteConfig;
  readonly matches: (model: string) => boolean;
  readonly backends: readonly RouteBackend[];
}

type FailureKind = 'connect' | 'connect-timeout' | 'first-byte-timeout' | 'network' | 'status' | 'invalid-response' | 'credentials';

interface Failure {
  readonly kind: FailureKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** Try the same backend again (after backoff); otherwise only failover. */
  readonly retrySame: boolean;
  /** Counts toward the backend's breaker. */
  readonly breaker: boolean;
}

type AttemptOutcome = { readonly type: 'result'; readonly result: UpstreamResult } | { readonly type: 'failure'; readonly failure: Failure };

const NETWORK_CONNECT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

const DIGITS = /^\s*\d+\s*$/;

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => sleepTimer(ms, undefined, { signal });

/** Per-dispatch abort plumbing: the client's signal plus the total timeout, and which of them fired. */
class DispatchScope {
  readonly controller = new AbortController();
  cause: 'client' | 'total-timeout' | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #clientSignal: AbortSignal;
  readonly #onClientAbort = (): void => {
    this.cause ??= 'client';
    this.controller.abort();
  };

  constructor(clientSignal: AbortSignal, totalMs: number) {
    this.#clientSignal = clientSignal;
    if (clientSignal.aborted) this.#onClientAbort();
    else clientSignal.addEventListener('abort', this.#onClientAbort, { once: true });
    this.#timer =
      totalMs > 0
        ? setTimeout(() => {
            this.cause ??= 'total-timeout';
            this.controller.abort();
          }, totalMs)
        : undefined;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#clientSignal.removeEventListener('abort', this.#onClientAbort);
  }
}

export class UpstreamRouter {
  readonly #routes: readonly Route[];
  readonly #backends: readonly Backend[];
  readonly #listed: readonly string[];
  readonly #clock: Clock;
  readonly #metrics: UpstreamMetrics | undefined;
  readonly #logger: UpstreamLogger | undefined;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #tokenAgent = new Agent({ connections: 4, keepAliveTimeout: 10_000 });
  readonly #totalMs: number;

  constructor(config: UpstreamRouterConfig, deps: UpstreamRouterDeps) {
    this.#clock = deps.clock;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
    this.#sleep = deps.sleep ?? defaultSleep;
    this.#random = deps.random ?? Math.random;
    this.#totalMs = config.resilience.timeouts.total;
    const byName = new Map<string, Backend>();
    for (const u of config.upstreams) {
      if (byName.has(u.name)) throw new Error(`duplicate upstream "${u.name}"`);
      byName.set(
        u.name,
        new Backend(u, config.resilience, { clock: deps.clock, metrics: deps.metrics, logger: deps.logger, tokenDispatcher: this.#tokenAgent }),
      );
    }
    this.#backends = [...byName.values()];
    this.#routes = config.models.map((m) => ({
      config: m,
      matches: compileMatcher(m.match),
      backends: m.backends.map((b) => {
        const backend = byName.get(b.upstream);
        if (backend === undefined) throw new Error(`model route "${m.match}" names unknown upstream "${b.upstream}"`);
        return { backend, model: b.model, weight: b.weight ?? backend.config.weight, current: 0, inFlight: () => backend.inFlight };
      }),
    }));
    this.#listed = [...new Set(config.models.filter((m) => m.listed && !isGlob(m.match)).map((m) => m.match))];
  }

  resolve(model: string): ModelRouteConfig | undefined {
    return this.#route(model)?.config;
  }

  listModels(): string[] {
    return [...this.#listed];
  }

  health(): { upstream: string; state: BreakerState; inFlight: number }[] {
    return this.#backends.map((b) => ({ upstream: b.name, state: b.breaker.state(), inFlight: b.inFlight }));
  }

  healthy(): boolean {
    return this.#backends.some((b) => b.breaker.state() !== 'open');
  }

  async close(): Promise<void> {
    await Promise.all([...this.#backends.map((b) => b.close()), this.#tokenAgent.close()]);
  }

  #route(model: string): Route | undefined {
    for (const r of this.#routes) if (r.matches(model)) return r;
    return undefined;
  }

  /** The chosen backend first, then the other available ones in list order (the failover order). */
  #order(route: Route, candidates: RouteBackend[]): RouteBackend[] {
    const first = route.config.strategy === 'least-in-flight' ? pickLeastInFlight(candidates) : pickWeightedRoundRobin(candidates);
    if (first === undefined) return [];
    const order = [first];
    for (const c of candidates) if (c !== first) order.push(c);
    return order;
  }

  async dispatch(call: UpstreamCall): Promise<UpstreamResult> {
    const route = this.#route(call.model);
    if (route === undefined) return { ok: false, error: palisadeError('model_not_found', `The model "${call.model}" does not exist`, { param: 'model' }) };
    const compatible = route.backends.filter((b) => b.backend.supports(call.api));
    if (compatible.length === 0) {
      return { ok: false, error: palisadeError('unsupported_operation', `The ${call.api} API is not available for model "${call.model}"`) };
    }
    const available = compatible.filter((b) => b.backend.breaker.available());
    if (available.length === 0) return { ok: false, error: this.#allOpen(call.model, compatible) };

    const scope = new DispatchScope(call.signal, this.#totalMs);
    let keepScope = false;
    try {
      const order = this.#order(route, available);
      const failures: Failure[] = [];
      let attempts = 0;
      let requestError: PalisadeError | undefined;
      let lastServedBy: ServedBy | undefined;
      for (let bi = 0; bi < order.length; bi++) {
        const rb = order[bi] as RouteBackend;
        const backend = rb.backend;
        const backendModel = backend.backendModel(call.model, rb.model);
        let prepared: PreparedRequest | undefined;
        if (backend.dialect !== 'mock') {
          const p = backend.prepare(call, backendModel);
          if (!p.ok) {
            // The request cannot be put in this backend's dialect (e.g. an image Anthropic cannot take); another
            // backend of the pool may speak the client's own dialect.
            requestError ??= p.error;
            continue;
          }
          prepared = p.value;
        }
        for (let retry = 0; retry <= backend.retry.attempts; retry++) {
          const permit = backend.breaker.acquire();
          if (permit === undefined) break;
          attempts++;
          const servedBy: ServedBy = { upstream: backend.name, provider: backend.provider, model: backendModel, attempts };
          lastServedBy = servedBy;
          const outcome =
            prepared === undefined
              ? this.#mockAttempt(backend, call, backendModel, servedBy, permit, scope)
              : await this.#httpAttempt(backend, call, prepared, servedBy, permit, scope);
          if (outcome.type === 'result') {
            keepScope = outcome.result.ok && outcome.result.kind === 'stream';
            return outcome.result;
          }
          const failure = outcome.failure;
          failures.push(failure);
          if (scope.cause !== undefined) return { ok: false, error: this.#abortError(call.model, scope), servedBy };
          const moreHere = failure.retrySame && retry < backend.retry.attempts && backend.breaker.state() !== 'open';
          const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > backend.retry.maxRetryAfter;
          const again = (moreHere && !tooLong) || bi < order.length - 1;
          this.#metrics?.upstreamRequest(backend.name, again ? 'retry' : 'error', failure.status ?? 'network');
          this.#logger?.warn(
            { upstream: backend.name, requestId: call.requestId, kind: failure.kind, status: failure.status, attempt: attempts },
            'upstream attempt failed',
          );
          if (!moreHere || tooLong) break;
          const delay = failure.retryAfterMs ?? this.#backoff(backend.retry, retry);
          try {
            await this.#sleep(delay, scope.signal);
          } catch {
            return { ok: false, error: this.#abortError(call.model, scope), servedBy };
          }
        }
      }
      if (attempts === 0 && requestError !== undefined) return { ok: false, error: requestError };
      const error = failures.length === 0 ? this.#allOpen(call.model, compatible) : this.#finalError(call.model, failures);
      return lastServedBy === undefined ? { ok: false, error } : { ok: false, error, servedBy: lastServedBy };
    } finally {
      if (!keepScope) scope.dispose();
    }
  }

  /** Full jitter: uniform in [0, min(maxBackoff, backoff · 2^retry)]. */
  #backoff(retry: RetryConfig, n: number): number {
    return Math.floor(this.#random() * Math.min(retry.maxBackoff, retry.backoff * 2 ** n));
  }

  #allOpen(model: string, backends: readonly RouteBackend[]): PalisadeError {
    const waitMs = Math.min(...backends.map((b) => b.backend.breaker.retryInMs()));
    return palisadeError('upstream_unavailable', `Every backend for model "${model}" is temporarily unavailable`, {
      retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  }

  #abortError(model: string, scope: DispatchScope): PalisadeError {
    return scope.cause === 'total-timeout'
      ? palisadeError('upstream_timeout', `The model backend for "${model}" did not answer in time`)
      : palisadeError('upstream_error', 'The request was cancelled');
  }

  #finalError(model: string, failures: readonly Failure[]): PalisadeError {
    const n = failures.length;
    const attempts = n === 1 ? '1 attempt' : `${n} attempts`;
    if (failures.every((f) => f.kind === 'status' && (f.status === 429 || f.status === 503))) {
      const waits = failures.map((f) => f.retryAfterMs ?? 1000);
      return palisadeError('upstream_unavailable', `The model backends for "${model}" are overloaded or rate-limited (${attempts})`, {
        retryAfter: Math.max(1, Math.ceil(Math.min(...waits) / 1000)),
      });
    }
    const last = failures[n - 1] as Failure;
    switch (last.kind) {
      case 'connect-timeout':
      case 'first-byte-timeout':
        return palisadeError('upstream_timeout', `The model backend for "${model}" did not answer in time (${attempts})`);
      case 'credentials':
        return palisadeError('upstream_error', `Palisade could not authenticate to the model backend for "${model}"`);
      case 'connect':
      case 'network':
        return palisadeError('upstream_error', `The model backend for "${model}" could not be reached (${attempts})`);
      case 'invalid-response':
        return palisadeError('upstream_error', `The model backend for "${model}" sent an invalid response (${attempts})`);
      case 'status':
        return palisadeError('upstream_error', `The model backend for "${model}" failed with HTTP ${last.status ?? 0} (${attempts})`);
    }
  }

  #mockAttempt(
    backend: Backend,
    call: UpstreamCall,
    model: string,
    servedBy: ServedBy,
    permit: { probe: boolean },
    scope: DispatchScope,
  ): AttemptOutcome {
    backend.breaker.success(permit);
    const created = Math.floor(this.#clock.now() / 1000);
    const id = call.requestId.startsWith('req_') ? call.requestId.slice(4) : call.requestId;
    if (!call.stream || call.api === 'openai.embeddings') {
      const { body, usage } = mockJson(call.api, call.body, model, id, created);
      this.#metrics?.upstreamRequest(backend.name, 'ok', 200);
      return { type: 'result', result: { ok: true, kind: 'json', status: 200, body, usage, servedBy } };
    }
    const s = mockStream(call.api, call.body, model, id, created, backend.mock, scope.signal);
    backend.inFlight++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      backend.inFlight--;
      scope.dispose();
    };
    const events: AsyncIterable<SseEvent> = {
      [Symbol.asyncIterator]: () => {
        const it = s.events[Symbol.asyncIterator]();
        return {
          next: async () => {
            try {
              const r = await it.next();
              if (r.done === true) finish();
              return r;
            } catch {
              finish();
              throw new UpstreamStreamError(this.#abortError(call.model, scope));
            }
          },
          return: async () => {
            finish();
            await it.return?.();
            return { done: true, value: undefined };
          },
        };
      },
    };
    this.#metrics?.upstreamRequest(backend.name, 'ok', 200);
    return { type: 'result', result: { ok: true, kind: 'stream', status: 200, events, usage: () => s.usage(), servedBy } };
  }

  async #httpAttempt(
    backend: Backend,
    call: UpstreamCall,
    prepared: PreparedRequest,
    servedBy: ServedBy,
    permit: { probe: boolean },
    scope: DispatchScope,
  ): Promise<AttemptOutcome> {
    const pool = backend.pool;
    if (pool === undefined) throw new Error('http attempt on a backend without a pool');
    const stream = call.stream && call.api !== 'openai.embeddings';
    let headers: Record<string, string>;
    try {
      const h = await backend.headers(call, stream, scope.signal);
      if (!h.ok) {
        backend.breaker.release(permit);
        return { type: 'failure', failure: { kind: 'credentials', retrySame: false, breaker: false } };
      }
      headers = h.value;
    } catch {
      backend.breaker.release(permit);
      return { type: 'failure', failure: { kind: 'network', retrySame: false, breaker: false } };
    }
    // Each attempt has its own controller so a finished stream can abort just its own request.
    const attempt = new AbortController();
    const onScopeAbort = (): void => attempt.abort();
    scope.signal.addEventListener('abort', onScopeAbort, { once: true });
    const started = performance.now();
    backend.inFlight++;
    let released = false;
    const release = (outcome: StreamOutcome): void => {
      if (released) return;
      released = true;
      backend.inFlight--;
      scope.signal.removeEventListener('abort', onScopeAbort);
      if (outcome === 'ok') backend.breaker.success(permit);
      else if (outcome === 'failure') backend.breaker.failure(permit);
      else backend.breaker.release(permit);
    };
    const fail = (failure: Failure): AttemptOutcome => {
      release(scope.cause !== undefined ? 'cancel' : failure.breaker ? 'failure' : 'ok');
      return { type: 'failure', failure };
    };

    let res: Awaited<ReturnType<typeof pool.request>>;
    try {
      res = await pool.request({
        method: 'POST',
        path: prepared.path,
        headers,
        body: prepared.body,
        signal: attempt.signal,
        headersTimeout: backend.timeouts.firstByte,
        bodyTimeout: 0,
      });
    } catch (e) {
      return fail(classifyNetworkError(e));
    }
    const status = res.statusCode;
    this.#metrics?.upstreamLatency(backend.name, (performance.now() - started) / 1000);
    const created = Math.floor(this.#clock.now() / 1000);
    const clientDialect = call.api === 'anthropic.messages' ? 'anthropic' : 'openai';

    if (status >= 200 && status < 300) {
      if (stream) {
        const contentType = String(res.headers['content-type'] ?? '');
        if (!contentType.includes('text/event-stream')) {
          res.body.destroy();
          attempt.abort();
          return fail({ kind: 'invalid-response', status, retrySame: false, breaker: true });
        }
        const transform = backend.transform(prepared, call.api, call.model, created, call.requestId);
        const events = new UpstreamEventStream(res.body, transform, {
          idleMs: backend.timeouts.idle,
          model: call.model,
          abort: () => attempt.abort(),
          abortCause: () => scope.cause,
          finish: (outcome) => {
            release(outcome);
            scope.dispose();
            scope.signal.removeEventListener('abort', onStreamAbort);
          },
        });
        // A client that disconnects while nobody reads still frees the backend at once.
        const onStreamAbort = (): void => events.cancel();
        scope.signal.addEventListener('abort', onStreamAbort, { once: true });
        this.#metrics?.upstreamRequest(backend.name, 'ok', status);
        return { type: 'result', result: { ok: true, kind: 'stream', status, events, usage: () => events.usage(), servedBy } };
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        return fail(classifyNetworkError(e, true));
      }
      const json = parseObject(text);
      if (json === undefined) return fail({ kind: 'invalid-response', status, retrySame: false, breaker: true });
      release('ok');
      this.#metrics?.upstreamRequest(backend.name, 'ok', status);
      let body = json;
      let usage: Usage | undefined;
      switch (prepared.translation) {
        case 'chat-via-anthropic':
          usage = anthropicUsage(json.usage);
          body = anthropicResponseToChat(json, created);
          break;
        case 'anthropic-via-chat':
          usage = chatUsage(json.usage);
          body = chatResponseToAnthropic(json);
          break;
        case 'none':
          usage =
            call.api === 'anthropic.messages' ? anthropicUsage(json.usage) : call.api === 'openai.responses' ? responsesUsage(json.usage) : chatUsage(json.usage);
          break;
      }
      return { type: 'result', result: usage === undefined ? { ok: true, kind: 'json', status, body, servedBy } : { ok: true, kind: 'json', status, body, usage, servedBy } };
    }

    // An error status: read the (small) body so the connection can be reused.
    let text: string;
    try {
      text = await res.body.text();
    } catch {
      text = '';
    }
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.#clock.now());
      const failure: Failure = {
        kind: 'status',
        status,
        retrySame: true,
        breaker: status !== 429,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
      return fail(failure);
    }
    if (status === 401) {
      // The backend refused Palisade's credential, not the client's: a cached token may have been revoked.
      backend.credentials.invalidate();
      return fail({ kind: 'credentials', status, retrySame: false, breaker: false });
    }
    release('ok');
    this.#metrics?.upstreamRequest(backend.name, 'error', status);
    const parsed = parseObject(text);
    const backendDialect = backend.dialect === 'anthropic' ? 'anthropic' : 'openai';
    let body: Record<string, unknown>;
    if (parsed === undefined) body = translateErrorBody({}, clientDialect, status);
    else if (backendDialect !== clientDialect) body = translateErrorBody(parsed, clientDialect, status);
    else body = parsed;
    return { type: 'result', result: { ok: true, kind: 'json', status, body, servedBy } };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function errorCodeOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    if (typeof cur === 'object' && 'code' in cur && typeof cur.code === 'string') return cur.code;
    cur = typeof cur === 'object' && 'cause' in cur ? cur.cause : undefined;
  }
  return undefined;
}

function classifyNetworkError(e: unknown, afterHeaders = false): Failure {
  const code = errorCodeOf(e);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'connect-timeout', retrySame: true, breaker: true };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { kind: 'first-byte-timeout', retrySame: false, breaker: true };
  if (code !== undefined && NETWORK_CONNECT.has(code)) return { kind: 'connect', retrySame: true, breaker: true };
  // A reset before the answer began is retried like a connect error; one in the middle of a body is not.
  return { kind: 'network', retrySame: !afterHeaders, breaker: true };
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.length === 0) return undefined;
  if (DIGITS.test(v)) return Number(v.trim()) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
