// Bearer tokens from configured OIDC issuers (Entra ID, Okta, Keycloak, Auth0...), checked the way
// APIM's validate-azure-ad-token does: signature against the issuer's JWKS, iss, aud, exp/nbf with a
// clock skew, an asymmetric-only algorithm allowlist, allowed client apps and required roles.
// Error messages say which check failed, never what the token contained.
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { err, ok, palisadeError, SYSTEM_CLOCK, type Clock, type OidcIssuerConfig, type PalisadeError, type Principal, type Result } from '../core/index.ts';

export interface OidcAuthenticatorOptions {
  readonly clock?: Clock;
  /** Longest wait for a discovery document or a JWKS. */
  readonly fetchTimeoutMs?: number;
}

const DEFAULT_FETCH_TIMEOUT_MS = 5_000;

const invalid = (message: string): PalisadeError => palisadeError('invalid_token', message);
const forbidden = (message: string): PalisadeError => palisadeError('forbidden', message);
// The identity provider being unreachable says nothing about the token; 401 would send clients off
// to refresh a token that is fine, so this is a 503 they should retry.
const keysUnavailable = (): PalisadeError =>
  palisadeError('upstream_unavailable', 'Identity provider signing keys unavailable', { retryAfter: 5 });

/** Reads a claim by name, or by a dotted path into nested objects (Keycloak's `realm_access.roles`). */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = claim(payload, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function joseCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps jose's failures to safe, specific messages. */
function verificationError(error: unknown): PalisadeError {
  switch (joseCode(error) ?? '') {
    case 'ERR_JWT_EXPIRED':
      return invalid('Token expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const failed = (error as { claim?: unknown }).claim;
      if (failed === 'aud') return invalid('Token audience not accepted');
      if (failed === 'iss') return invalid('Token issuer not accepted');
      if (failed === 'nbf') return invalid('Token not yet valid');
      if (failed === 'exp') return invalid('Token has no valid expiry');
      if (failed === 'iat') return invalid('Token issued-at time invalid');
      return invalid('Token claims not accepted');
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalid('Token algorithm not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalid('Token signature invalid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalid('Token signing key not recognised');
    // jose's own fetch failures (a non-200 answer, an unparsable body) carry the generic code.
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return keysUnavailable();
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return invalid('Malformed token');
    default:
      // fetch() itself rejects with a TypeError when the provider cannot be reached.
      return error instanceof TypeError ? keysUnavailable() : invalid('Token rejected');
  }
}

/** One configured issuer: its config, and its key set, fetched lazily and cached by jose. */
class IssuerVerifier {
  readonly config: OidcIssuerConfig;
  readonly #fetchTimeoutMs: number;
  #keys: JWTVerifyGetKey | undefined;
  #discovery: Promise<Result<JWTVerifyGetKey, PalisadeError>> | undefined;
  #discoveryFailedAt = -Infinity;

  constructor(config: OidcIssuerConfig, fetchTimeoutMs: number) {
    this.config = config;
    this.#fetchTimeoutMs = fetchTimeoutMs;
    if (config.jwksUri !== undefined) this.#keys = this.#remoteSet(new URL(config.jwksUri));
  }

  #remoteSet(url: URL): JWTVerifyGetKey {
    // jose refetches on an unknown `kid` at most once per cooldown, and after cacheMaxAge regardless:
    // key rotation works without restarts, and junk `kid`s cannot make us hammer the provider.
    return createRemoteJWKSet(url, {
      cacheMaxAge: this.config.jwksCacheMaxAge,
      cooldownDuration: this.config.jwksCooldown,
      timeoutDuration: this.#fetchTimeoutMs,
    });
  }

  async keys(): Promise<Result<JWTVerifyGetKey, PalisadeError>> {
    if (this.#keys !== undefined) return ok(this.#keys);
    if (this.#discovery === undefined) {
      // A failed discovery is retried, but not more often than the JWKS cooldown. Network pacing uses
      // wall time, as jose's own cache does; the injected clock governs token validity only.
      if (Date.now() - this.#discoveryFailedAt < this.config.jwksCooldown) return err(keysUnavailable());
      this.#discovery = this.#discover().then((result) => {
        if (result.ok) this.#keys = result.value;
        else this.#discoveryFailedAt = Date.now();
        this.#discovery = undefined;
        return result;
      });
    }
    return this.#discovery;
  }

  async #discover(): Promise<Result<JWTVerifyGetKey, PalisadeError>> {
    const url = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#fetchTimeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) return err(keysUnavailable());
      const doc = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
      // OIDC Discovery §4.3: the document must name the issuer we asked about.
      if (doc.issuer !== this.config.issuer || typeof doc.jwks_uri !== 'string') return err(keysUnavailable());
      return ok(this.#remoteSet(new URL(doc.jwks_uri)));
    } catch {
      return err(keysUnavailable());
    }
  }

  async verify(token: string, clock: Clock): Promise<Result<Principal, PalisadeError>> {
    const keys = await this.keys();
    if (!keys.ok) return keys;
    const config = this.config;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.value, {
        issuer: config.issuer,
        audience: config.audiences,
        algorithms: config.algorithms,
        clockTolerance: Math.floor(config.clockSkew / 1000),
        currentDate: new Date(clock.now()),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return err(verificationError(error));
    }

    const subject = stringClaim(payload, config.subjectClaim);
    if (subject === undefined) return err(invalid('Token has no subject'));

    const clientAppId = stringClaim(payload, 'azp') ?? stringClaim(payload, 'appid');
    if (config.allowedClientIds.length > 0 && (clientAppId === undefined || !config.allowedClientIds.includes(clientAppId))) {
      return err(forbidden('Client application not allowed'));
    }

    if (config.requiredRoles !== undefined) {
      const held = new Set(stringList(claim(payload, config.requiredRoles.claim)));
      const wanted = config.requiredRoles.values;
      const satisfied = config.requiredRoles.match === 'all' ? wanted.every((r) => held.has(r)) : wanted.some((r) => held.has(r));
      if (!satisfied) return err(forbidden('Token lacks a required role'));
    }

    const roles = stringList(claim(payload, config.rolesClaim));
    const groups = stringList(claim(payload, config.groupsClaim));
    const objectId = stringClaim(payload, 'oid');
    // App-only tokens are agents: Entra marks them `idtyp: app`; elsewhere a client-credentials token
    // has no delegated scopes and names the client itself as its subject.
    const appOnly =
      payload['idtyp'] === 'app' ||
      (payload['scp'] === undefined && clientAppId !== undefined && (clientAppId === payload.sub || clientAppId === objectId)) ||
      (config.agentClaimValue !== undefined && roles.includes(config.agentClaimValue));
    const name = stringClaim(payload, config.nameClaim) ?? stringClaim(payload, 'preferred_username') ?? stringClaim(payload, 'upn') ?? subject;

    const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
    const scopeClaim = payload['scp'] ?? payload['scope'];
    const scopes = typeof scopeClaim === 'string' ? scopeClaim.split(' ').filter((x) => x !== '') : stringList(scopeClaim);
    return ok({
      id: `${config.name}:${subject}`,
      kind: appOnly ? 'agent' : 'user',
      tokenAudiences: audiences,
      tokenScopes: scopes,
      name,
      authMethod: 'jwt',
      roles,
      groups,
      ...(config.models !== undefined ? { allowedModels: config.models } : {}),
      ...(clientAppId !== undefined ? { clientAppId } : {}),
      issuer: config.name,
    });
  }
}

export class OidcAuthenticator {
  readonly #byIssuer = new Map<string, IssuerVerifier[]>();
  readonly #clock: Clock;

  constructor(issuers: readonly OidcIssuerConfig[], options: OidcAuthenticatorOptions = {}) {
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    const timeout = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    for (const config of issuers) {
      const list = this.#byIssuer.get(config.issuer) ?? [];
      list.push(new IssuerVerifier(config, timeout));
      this.#byIssuer.set(config.issuer, list);
    }
  }

  get enabled(): boolean {
    return this.#byIssuer.size > 0;
  }

  /** Verifies a bearer token (without the `Bearer ` prefix). */
  async authenticate(token: string): Promise<Result<Principal, PalisadeError>> {
    let iss: unknown;
    let alg: unknown;
    try {
      // Unverified reads, used only to choose which issuer's rules and keys apply.
      iss = decodeJwt(token).iss;
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return err(invalid('Malformed token'));
    }
    const candidates = typeof iss === 'string' ? this.#byIssuer.get(iss) : undefined;
    if (candidates === undefined) return err(invalid('Token issuer not accepted'));
    let first: PalisadeError | undefined;
    for (const verifier of candidates) {
      // Checked before any key lookup so `alg: none` and HS256 never reach the key set.
      if (typeof alg !== 'string' || !(verifier.config.algorithms as readonly string[]).includes(alg)) {
        first ??= invalid('Token algorithm not allowed');
        continue;
      }
      const result = await verifier.verify(token, this.#clock);
      if (result.ok) return result;
      first ??= result.error;
    }
    return err(first ?? invalid('Token rejected'));
  }
}
