// Palisade's own credentials for a backend. Headers are built from scratch for every upstream request, so a client's
// Authorization / api-key / x-api-key can never reach a backend. OAuth2 client-credentials tokens are cached until
// 30 s before they expire and refreshed single-flight: any number of concurrent requests cause one token request.
// Secrets are revealed only here, at send time, and never appear in logs or error messages.
import { request, type Dispatcher } from 'undici';
import { palisadeError, type Clock, type CredentialsConfig, type PalisadeError, type ProviderKind, type Result } from '../../core/index.ts';
import type { UpstreamLogger } from './types.ts';

const REFRESH_MARGIN_MS = 30_000;
const DEFAULT_TOKEN_LIFETIME_S = 3600;

export interface CredentialProvider {
  /** Adds the authentication headers; a failure is a safe 502 to show the client. */
  apply(headers: Record<string, string>, signal: AbortSignal): Promise<Result<void, PalisadeError>> | Result<void, PalisadeError>;
  /** The backend refused the credential (401): forget a cached token so the next request fetches a new one. */
  invalidate(): void;
}

const OK: Result<void, PalisadeError> = { ok: true, value: undefined };

export function createCredentialProvider(
  upstream: string,
  provider: ProviderKind,
  config: CredentialsConfig,
  deps: { clock: Clock; dispatcher: Dispatcher; logger?: UpstreamLogger; tokenTimeoutMs: number },
): CredentialProvider {
  switch (config.type) {
    case 'none':
      return { apply: () => OK, invalidate: () => undefined };
    case 'api-key': {
      const header = (config.header ?? defaultKeyHeader(provider)).toLowerCase();
      const bearer = header === 'authorization';
      const key = config.key;
      return {
        apply(headers) {
          headers[header] = bearer ? `Bearer ${key.reveal()}` : key.reveal();
          return OK;
        },
        invalidate: () => undefined,
      };
    }
    case 'oauth-client-credentials': {
      const source = new OAuthTokenSource(upstream, config, deps);
      return {
        async apply(headers, signal) {
          const token = await source.token(signal);
          if (!token.ok) return token;
          headers.authorization = `Bearer ${token.value}`;
          return OK;
        },
        invalidate: () => source.invalidate(),
      };
    }
  }
}

function defaultKeyHeader(provider: ProviderKind): string {
  switch (provider) {
    case 'azure-openai':
      return 'api-key';
    case 'anthropic':
      return 'x-api-key';
    case 'openai':
    case 'openai-compatible':
    case 'mock':
      return 'authorization';
  }
}

type OAuthConfig = Extract<CredentialsConfig, { type: 'oauth-client-credentials' }>;

export class OAuthTokenSource {
  readonly #upstream: string;
  readonly #config: OAuthConfig;
  readonly #deps: { clock: Clock; dispatcher: Dispatcher; logger?: UpstreamLogger; tokenTimeoutMs: number };
  #cached: { token: string; refreshAt: number } | undefined;
  #inFlight: Promise<Result<string, PalisadeError>> | undefined;

  constructor(
    upstream: string,
    config: OAuthConfig,
    deps: { clock: Clock; dispatcher: Dispatcher; logger?: UpstreamLogger; tokenTimeoutMs: number },
  ) {
    this.#upstream = upstream;
    this.#config = config;
    this.#deps = deps;
  }

  /** A valid token; concurrent callers share one token request. The caller's signal only stops its own wait. */
  token(signal?: AbortSignal): Promise<Result<string, PalisadeError>> {
    const cached = this.#cached;
    if (cached !== undefined && this.#deps.clock.now() < cached.refreshAt) return Promise.resolve({ ok: true, value: cached.token });
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    if (signal === undefined) return this.#inFlight;
    return raceAbort(this.#inFlight, signal);
  }

  invalidate(): void {
    this.#cached = undefined;
  }

  async #fetch(): Promise<Result<string, PalisadeError>> {
    const failure = palisadeError('upstream_error', 'Palisade could not obtain an access token for the model backend');
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.#config.clientId,
      client_secret: this.#config.clientSecret.reveal(),
    });
    if (this.#config.scope !== undefined) form.set('scope', this.#config.scope);
    for (const [k, v] of Object.entries(this.#config.extraParams)) form.set(k, v);
    const started = this.#deps.clock.now();
    try {
      const res = await request(this.#config.tokenUrl, {
        method: 'POST',
        dispatcher: this.#deps.dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.#deps.tokenTimeoutMs),
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) {
        // The token endpoint's body may echo request fields; only its status is logged.
        this.#deps.logger?.warn({ upstream: this.#upstream, status: res.statusCode }, 'upstream token request refused');
        return { ok: false, error: failure };
      }
      const parsed = parseTokenResponse(text);
      if (parsed === undefined) {
        this.#deps.logger?.warn({ upstream: this.#upstream }, 'upstream token response has no access_token');
        return { ok: false, error: failure };
      }
      const lifetimeMs = parsed.expiresIn * 1000;
      this.#cached = { token: parsed.token, refreshAt: started + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
      return { ok: true, value: parsed.token };
    } catch (e) {
      this.#deps.logger?.warn({ upstream: this.#upstream, error: errorCode(e) }, 'upstream token request failed');
      return { ok: false, error: failure };
    }
  }
}

function parseTokenResponse(text: string): { token: string; expiresIn: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o.access_token !== 'string' || o.access_token.length === 0) return undefined;
  const raw = typeof o.expires_in === 'string' ? Number(o.expires_in) : o.expires_in;
  const expiresIn = typeof raw === 'number' && Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_TOKEN_LIFETIME_S;
  return { token: o.access_token, expiresIn };
}

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.name : 'unknown';
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
