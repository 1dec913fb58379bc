// Turns the credential a client presents into a Principal. Palisade keys (`pal_…`) are checked in memory;
// anything shaped like a JWT goes to the configured OIDC issuers. Which header carried the credential does
// not matter (OpenAI SDKs send Authorization, Azure SDKs `api-key`, Anthropic SDKs `x-api-key`).
import type { IncomingHttpHeaders } from 'node:http';
import { palisadeError, type PalisadeError, type Principal, type Result } from '../core/index.ts';

export interface KeyAuthenticator {
  authenticate(presented: string): Result<Principal, PalisadeError>;
}

export interface TokenAuthenticator {
  authenticate(token: string): Promise<Result<Principal, PalisadeError>>;
}

export const API_KEY_PREFIX = 'pal_';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function headerValue(v: string | string[] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v;
}

/** The credential in a request, from `Authorization: Bearer`, `api-key` or `x-api-key` (in that order). */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const authz = headerValue(headers.authorization);
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (m?.[1]) return m[1];
  }
  const apiKey = headerValue(headers['api-key']) ?? headerValue(headers['x-api-key']);
  if (apiKey !== undefined && apiKey.trim() !== '') return apiKey.trim();
  return undefined;
}

export class ClientAuthenticator {
  readonly #keys: KeyAuthenticator | undefined;
  readonly #tokens: TokenAuthenticator | undefined;

  constructor(keys: KeyAuthenticator | undefined, tokens: TokenAuthenticator | undefined) {
    this.#keys = keys;
    this.#tokens = tokens;
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Result<Principal, PalisadeError>> {
    const credential = presentedCredential(headers);
    if (credential === undefined) {
      return {
        ok: false,
        error: palisadeError(
          'unauthenticated',
          'Missing credentials: send a Palisade API key or an access token as "Authorization: Bearer …" (or in the api-key / x-api-key header).',
        ),
      };
    }
    if (credential.startsWith(API_KEY_PREFIX) && this.#keys !== undefined) {
      return this.#keys.authenticate(credential);
    }
    if (JWT_SHAPE.test(credential) && this.#tokens !== undefined) {
      return this.#tokens.authenticate(credential);
    }
    // Provider keys (sk-…) land here too: clients never need one, and we never forward it.
    return { ok: false, error: palisadeError('invalid_api_key', 'Invalid API key or access token.') };
  }
}
