// One configured upstream at run time: its keep-alive connection pool (built once, never per request), resolved
// resilience settings, breaker, credentials, and the request targets for each client API. `prepare` turns a client
// call into the backend's request (URL path, headers, body) in the backend's own dialect.
import { Pool, type Dispatcher } from 'undici';
import {
  palisadeError,
  type Secret,
  type BreakerConfig,
  type Clock,
  type PalisadeError,
  type ProviderKind,
  type Result,
  type RetryConfig,
  type TimeoutsConfig,
  type UpstreamConfig,
} from '../../core/index.ts';
import { CircuitBreaker } from './breaker.ts';
import { createCredentialProvider, type CredentialProvider } from './credentials.ts';
import type { MockOptions } from './mock.ts';
import {
  AnthropicPassThrough,
  AnthropicToChat,
  ChatPassThrough,
  ChatToAnthropic,
  ResponsesPassThrough,
  type StreamTransform,
} from './stream-transforms.ts';
import { anthropicRequestToChat, chatRequestToAnthropic } from './translate.ts';
import type { ClientApi, UpstreamCall, UpstreamLogger, UpstreamMetrics } from './types.ts';

export type Dialect = 'openai' | 'anthropic' | 'mock';

/** How a call travels: untouched, or translated between the two dialects. */
export type Translation = 'none' | 'chat-via-anthropic' | 'anthropic-via-chat';

export interface PreparedRequest {
  readonly path: string;
  readonly body: string;
  readonly backendModel: string;
  readonly translation: Translation;
  /** The client asked OpenAI for stream usage itself (so the usage chunk is theirs to see). */
  readonly clientWantsUsage: boolean;
}

const DEFAULT_BASE: Partial<Record<ProviderKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** Client headers a backend may see; everything else (credentials above all) is dropped. */
const FORWARDED: Record<Dialect, readonly string[]> = { openai: ['openai-beta'], anthropic: ['anthropic-beta'], mock: [] };

/** Per-upstream settings over the global defaults; absent keys keep the default. */
function overlay<T extends object>(defaults: T, override: { [K in keyof T]?: T[K] | undefined } | undefined): T {
  const out = { ...defaults };
  if (override === undefined) return out;
  for (const k of Object.keys(override) as (keyof T)[]) {
    const v = override[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function dialectOf(provider: ProviderKind): Dialect {
  switch (provider) {
    case 'openai':
    case 'azure-openai':
    case 'openai-compatible':
      return 'openai';
    case 'anthropic':
      return 'anthropic';
    case 'mock':
      return 'mock';
  }
}

export class Backend {
  readonly name: string;
  readonly provider: ProviderKind;
  readonly dialect: Dialect;
  readonly config: UpstreamConfig;
  readonly timeouts: TimeoutsConfig;
  readonly retry: RetryConfig;
  readonly breaker: CircuitBreaker;
  readonly credentials: CredentialProvider;
  readonly pool: Pool | undefined;
  readonly mock: MockOptions;
  inFlight = 0;
  readonly #basePath: string;
  readonly #paths: Partial<Record<ClientApi, string>> = {};
  /** Azure paths depend on the deployment; cached per deployment instead of rebuilt per request. */
  readonly #azurePaths = new Map<string, string>();
  readonly #staticHeaders: readonly (readonly [string, string | Secret])[];

  constructor(
    config: UpstreamConfig,
    defaults: { timeouts: TimeoutsConfig; retry: RetryConfig; breaker: BreakerConfig },
    deps: { clock: Clock; metrics?: UpstreamMetrics | undefined; logger?: UpstreamLogger | undefined; tokenDispatcher: Dispatcher },
  ) {
    this.name = config.name;
    this.provider = config.provider;
    this.dialect = dialectOf(config.provider);
    this.config = config;
    this.timeouts = overlay(defaults.timeouts, config.timeouts);
    this.retry = overlay(defaults.retry, config.retry);
    const breaker = overlay(defaults.breaker, config.breaker);
    this.breaker = new CircuitBreaker(breaker, deps.clock, (state) => {
      deps.metrics?.breakerState(config.name, state);
      if (state === 'open') deps.logger?.warn({ upstream: config.name, state }, 'upstream circuit breaker opened');
      else deps.logger?.info?.({ upstream: config.name, state }, 'upstream circuit breaker changed state');
    });
    this.mock = { chunkSize: config.mock?.chunkSize ?? 4, chunkDelay: config.mock?.chunkDelay ?? 0 };
    this.credentials = createCredentialProvider(config.name, config.provider, config.credentials, {
      clock: deps.clock,
      dispatcher: deps.tokenDispatcher,
      ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      tokenTimeoutMs: Math.max(1000, Math.min(this.timeouts.total, this.timeouts.connect + this.timeouts.firstByte)),
    });
    this.#staticHeaders = Object.entries(config.headers).map(([k, v]) => [k.toLowerCase(), v] as const);
    if (this.dialect === 'mock') {
      this.pool = undefined;
      this.#basePath = '';
      return;
    }
    const base = new URL(config.baseUrl ?? DEFAULT_BASE[config.provider] ?? '');
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.pool = new Pool(base.origin, {
      connections: config.maxConnections,
      connect: { timeout: this.timeouts.connect },
      headersTimeout: this.timeouts.firstByte,
      // Idle gaps are timed by the event stream per read; undici's body timer would also fire while a slow client
      // holds the stream back (back-pressure), which is not the backend's fault.
      bodyTimeout: 0,
      keepAliveTimeout: 30_000,
    });
    if (config.provider === 'anthropic') {
      this.#paths['anthropic.messages'] = `${this.#basePath}/v1/messages`;
      this.#paths['openai.chat'] = this.#paths['anthropic.messages'];
    } else if (config.provider === 'azure-openai') {
      this.#paths['openai.responses'] = `${this.#basePath}/openai/v1/responses`;
    } else {
      this.#paths['openai.chat'] = `${this.#basePath}/chat/completions`;
      this.#paths['anthropic.messages'] = this.#paths['openai.chat'];
      this.#paths['openai.responses'] = `${this.#basePath}/responses`;
      this.#paths['openai.embeddings'] = `${this.#basePath}/embeddings`;
    }
  }

  /** Whether this backend can answer the client API at all (Anthropic has no Responses or Embeddings API). */
  supports(api: ClientApi): boolean {
    return this.dialect !== 'anthropic' || api === 'openai.chat' || api === 'anthropic.messages';
  }

  backendModel(requested: string, routeModel: string | undefined): string {
    return routeModel ?? this.config.modelMap[requested] ?? requested;
  }

  #path(api: ClientApi, deployment: string): string {
    if (this.provider !== 'azure-openai' || api === 'openai.responses') return this.#paths[api] ?? '';
    const key = `${api}\u0000${deployment}`;
    let path = this.#azurePaths.get(key);
    if (path === undefined) {
      const op = api === 'openai.embeddings' ? 'embeddings' : 'chat/completions';
      path = `${this.#basePath}/openai/deployments/${encodeURIComponent(deployment)}/${op}?api-version=${encodeURIComponent(this.config.apiVersion ?? '')}`;
      this.#azurePaths.set(key, path);
    }
    return path;
  }

  prepare(call: UpstreamCall, backendModel: string): Result<PreparedRequest, PalisadeError> {
    const { api, body } = call;
    const stream = call.stream && api !== 'openai.embeddings';
    const path = this.#path(api, backendModel);
    const so = body.stream_options;
    const clientWantsUsage = typeof so === 'object' && so !== null && (so as Record<string, unknown>).include_usage === true;
    if (this.dialect === 'anthropic' && api === 'openai.chat') {
      const t = chatRequestToAnthropic(body, backendModel, stream);
      if (!t.ok) return t;
      return { ok: true, value: { path, body: JSON.stringify(t.value), backendModel, translation: 'chat-via-anthropic', clientWantsUsage } };
    }
    if (this.dialect === 'openai' && api === 'anthropic.messages') {
      const field = this.provider === 'openai-compatible' ? 'max_tokens' : 'max_completion_tokens';
      const t = anthropicRequestToChat(body, backendModel, stream, field);
      if (!t.ok) return t;
      return { ok: true, value: { path, body: JSON.stringify(t.value), backendModel, translation: 'anthropic-via-chat', clientWantsUsage: false } };
    }
    if (!this.supports(api)) {
      return { ok: false, error: palisadeError('unsupported_operation', `The ${api} API is not available for model "${call.model}"`) };
    }
    // Pass-through: one shallow copy to set the backend's model name (and ask OpenAI for stream usage).
    const out: Record<string, unknown> = { ...body, model: backendModel };
    // The call's `stream` is authoritative: a backend must never stream an answer Palisade will read as JSON.
    if (api !== 'openai.embeddings' && (stream || body.stream !== undefined)) out.stream = stream;
    if (api === 'openai.chat' && stream) {
      if (!clientWantsUsage) out.stream_options = { ...(typeof so === 'object' && so !== null ? so : {}), include_usage: true };
    }
    return { ok: true, value: { path, body: JSON.stringify(out), backendModel, translation: 'none', clientWantsUsage } };
  }

  /** Request headers built from scratch: the client's own credentials never reach the backend. */
  async headers(call: UpstreamCall, stream: boolean, signal: AbortSignal): Promise<Result<Record<string, string>, PalisadeError>> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'x-request-id': call.requestId,
    };
    for (const [k, v] of this.#staticHeaders) h[k] = typeof v === 'string' ? v : v.reveal();
    const client = call.clientHeaders;
    if (client !== undefined) {
      for (const name of FORWARDED[this.dialect]) {
        const v = client[name];
        if (typeof v === 'string') h[name] = v;
        else if (Array.isArray(v)) h[name] = v.join(',');
      }
    }
    if (this.dialect === 'anthropic') h['anthropic-version'] = this.config.anthropicVersion;
    const applied = await this.credentials.apply(h, signal);
    if (!applied.ok) return applied;
    return { ok: true, value: h };
  }

  transform(prepared: PreparedRequest, api: ClientApi, requestModel: string, createdSeconds: number, requestId: string): StreamTransform {
    switch (prepared.translation) {
      case 'chat-via-anthropic':
        return new AnthropicToChat(prepared.backendModel, prepared.clientWantsUsage, createdSeconds);
      case 'anthropic-via-chat':
        return new ChatToAnthropic(prepared.backendModel || requestModel, `msg_${requestId}`);
      case 'none':
        if (api === 'openai.responses') return new ResponsesPassThrough();
        if (api === 'anthropic.messages') return new AnthropicPassThrough();
        return new ChatPassThrough(prepared.clientWantsUsage);
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
