// A real identity provider in miniature: a node:http server on 127.0.0.1:0 serving a discovery document
// and a JWKS built from locally generated keys, which tests can rotate.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput, type OidcIssuerConfig } from '../core/index.ts';
import { OidcAuthenticator } from './oidc.ts';

interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

class TestIdp {
  server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      this.discoveryHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/keys` }));
    } else if (req.url === '/keys') {
      this.jwksHits++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: this.published.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  issuer = '';
  published: SigningKey[] = [];
  jwksHits = 0;
  discoveryHits = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  sign(key: SigningKey, claims: JWTPayload, options: { iss?: string; aud?: string; exp?: number | string } = {}): Promise<string> {
    return new SignJWT({ sub: 'user-1', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.iss ?? this.issuer)
      .setAudience(options.aud ?? 'api://palisade')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(key.privateKey);
  }
}

function issuers(oidc: NonNullable<NonNullable<ConfigInput['auth']>['oidc']>): OidcIssuerConfig[] {
  return configSchema.parse({ auth: { oidc } }).auth.oidc;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('OidcAuthenticator', () => {
  let idp: TestIdp;
  let other: TestIdp;
  let k1: SigningKey;
  let k2: SigningKey;
  let rsa: SigningKey;
  let stranger: SigningKey;

  beforeAll(async () => {
    [idp, other] = await Promise.all([new TestIdp().start(), new TestIdp().start()]);
    [k1, k2, rsa, stranger] = await Promise.all([makeKey('k1'), makeKey('k2'), makeKey('r1', 'RS256'), makeKey('k1')]);
    idp.published = [k1, rsa];
    other.published = [k2];
  });
  afterAll(async () => {
    await Promise.all([idp.stop(), other.stop()]);
  });

  function auth(extra: Record<string, unknown> = {}, jwks = true): OidcAuthenticator {
    return new OidcAuthenticator(
      issuers([
        {
          name: 'corp',
          issuer: idp.issuer,
          audiences: ['api://palisade', 'palisade-client'],
          ...(jwks ? { jwksUri: `${idp.issuer}/keys` } : {}),
          models: ['gpt-5*'],
          jwksCooldown: 0,
          ...extra,
        },
      ]),
    );
  }

  it('accepts a valid token and builds the principal', async () => {
    const token = await idp.sign(k1, {
      name: 'Alice Example',
      roles: ['Palisade.User'],
      groups: ['g1', 'g2'],
      azp: 'client-app',
      scp: 'access_as_user',
    });
    expect(await auth().authenticate(token)).toEqual({
      ok: true,
      value: {
        id: 'corp:user-1',
        kind: 'user',
        name: 'Alice Example',
        authMethod: 'jwt',
        roles: ['Palisade.User'],
        groups: ['g1', 'g2'],
        allowedModels: ['gpt-5*'],
        clientAppId: 'client-app',
        issuer: 'corp',
        tokenAudiences: ['api://palisade'],
        tokenScopes: ['access_as_user'],
      },
    });
    const rsaToken = await idp.sign(rsa, { preferred_username: 'alice@example.com' }, { aud: 'palisade-client' });
    const r = await auth().authenticate(rsaToken);
    expect(r.ok && r.value.name).toBe('alice@example.com');
  });

  it('rejects an expired token, but honours the clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await idp.sign(k1, {}, { exp: now - 600 });
    expect(await auth().authenticate(expired)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token expired' } });
    const justExpired = await idp.sign(k1, {}, { exp: now - 10 });
    expect((await auth().authenticate(justExpired)).ok).toBe(true);
    expect((await auth({ clockSkew: 0 }).authenticate(justExpired)).ok).toBe(false);
  });

  it('rejects a token not valid yet, and one with no expiry', async () => {
    const future = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience('api://palisade')
      .setNotBefore(Math.floor(Date.now() / 1000) + 3600)
      .setExpirationTime('2h')
      .sign(k1.privateKey);
    expect(await auth().authenticate(future)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token not yet valid' } });
    const forever = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(idp.issuer)
      .setAudience('api://palisade')
      .sign(k1.privateKey);
    expect(await auth().authenticate(forever)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token has no valid expiry' } });
  });

  it('rejects a wrong audience and an unconfigured issuer', async () => {
    const wrongAud = await idp.sign(k1, {}, { aud: 'api://someone-else' });
    expect(await auth().authenticate(wrongAud)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token audience not accepted' } });
    const wrongIss = await idp.sign(k1, {}, { iss: 'https://evil.example.com' });
    expect(await auth().authenticate(wrongIss)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token issuer not accepted' } });
  });

  it('rejects a token signed by a key the issuer does not publish', async () => {
    // Same kid as a published key, different key: the signature fails.
    const forged = await idp.sign(stranger, {});
    expect(await auth().authenticate(forged)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token signature invalid' } });
    const unknownKid = await idp.sign({ ...stranger, kid: 'nobody' }, {});
    expect(await auth().authenticate(unknownKid)).toEqual({
      ok: false,
      error: { code: 'invalid_token', message: 'Token signing key not recognised' },
    });
  });

  it('enforces required roles, any and all, as 403', async () => {
    const reader = await idp.sign(k1, { roles: ['reader'] });
    const both = await idp.sign(k1, { roles: ['reader', 'writer'] });
    const single = await idp.sign(k1, { roles: 'writer' });
    const noRoles = await idp.sign(k1, {});
    const anyOf = auth({ requiredRoles: { values: ['writer', 'admin'] } });
    const allOf = auth({ requiredRoles: { values: ['reader', 'writer'], match: 'all' } });
    const denied = { ok: false, error: { code: 'forbidden', message: 'Token lacks a required role' } };
    expect(await anyOf.authenticate(reader)).toEqual(denied);
    expect(await anyOf.authenticate(noRoles)).toEqual(denied);
    expect((await anyOf.authenticate(single)).ok).toBe(true);
    expect((await anyOf.authenticate(both)).ok).toBe(true);
    expect(await allOf.authenticate(reader)).toEqual(denied);
    expect((await allOf.authenticate(both)).ok).toBe(true);
    const nested = auth({ requiredRoles: { claim: 'realm_access.roles', values: ['gateway'] } });
    expect((await nested.authenticate(await idp.sign(k1, { realm_access: { roles: ['gateway'] } }))).ok).toBe(true);
    expect(await nested.authenticate(both)).toEqual(denied);
  });

  it('allows only the configured client applications (azp or Entra appid)', async () => {
    const a = auth({ allowedClientIds: ['good-app'] });
    const denied = { ok: false, error: { code: 'forbidden', message: 'Client application not allowed' } };
    expect((await a.authenticate(await idp.sign(k1, { azp: 'good-app' }))).ok).toBe(true);
    expect((await a.authenticate(await idp.sign(k1, { appid: 'good-app' }))).ok).toBe(true);
    expect(await a.authenticate(await idp.sign(k1, { azp: 'bad-app' }))).toEqual(denied);
    expect(await a.authenticate(await idp.sign(k1, {}))).toEqual(denied);
  });

  it('rejects alg none and HS256 signed with the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: idp.issuer, aud: 'api://palisade', sub: 'admin', exp: now + 300 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const notAllowed = { ok: false, error: { code: 'invalid_token', message: 'Token algorithm not allowed' } };
    expect(await auth().authenticate(none)).toEqual(notAllowed);
    const pem = await exportSPKI(rsa.publicKey);
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'r1' }).sign(new TextEncoder().encode(pem));
    expect(await auth().authenticate(hs)).toEqual(notAllowed);
    // Allowed by the issuer's list only: an RS256 token is refused when only ES256 is configured.
    expect(await auth({ algorithms: ['ES256'] }).authenticate(await idp.sign(rsa, {}))).toEqual(notAllowed);
  });

  it('rejects malformed tokens', async () => {
    for (const junk of ['', 'abc', 'a.b.c', `${b64url({ alg: 'ES256' })}.notjson.sig`]) {
      expect(await auth().authenticate(junk)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Malformed token' } });
    }
  });

  it('follows key rotation: a new kid is fetched, rate-limited by the cooldown', async () => {
    const rotating = await new TestIdp().start();
    try {
      const [old, next] = await Promise.all([makeKey('old'), makeKey('new')]);
      rotating.published = [old];
      const config = (cooldown: number) =>
        new OidcAuthenticator(issuers([{ name: 'rot', issuer: rotating.issuer, audiences: ['api://palisade'], jwksCooldown: cooldown }]));
      const fast = config(0);
      const slow = config(3_600_000);
      expect((await fast.authenticate(await rotating.sign(old, {}))).ok).toBe(true);
      expect((await slow.authenticate(await rotating.sign(old, {}))).ok).toBe(true);
      const hitsBefore = rotating.jwksHits;

      rotating.published = [next]; // the provider rotates
      const fresh = await rotating.sign(next, {});
      expect((await fast.authenticate(fresh)).ok).toBe(true);
      expect(rotating.jwksHits).toBe(hitsBefore + 1);
      // Within the cooldown an unknown kid is refused without asking the provider again.
      expect(await slow.authenticate(fresh)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token signing key not recognised' } });
      expect(await slow.authenticate(fresh)).toEqual({ ok: false, error: { code: 'invalid_token', message: 'Token signing key not recognised' } });
      expect(rotating.jwksHits).toBe(hitsBefore + 1);
      // The old key is gone from the set: its tokens stop working once the set is refetched.
      expect((await fast.authenticate(await rotating.sign(old, {}))).ok).toBe(false);
      // Discovery happened once per authenticator, however many tokens.
      expect(rotating.discoveryHits).toBe(2);
    } finally {
      await rotating.stop();
    }
  });

  it('serves two issuers at once, each with its own keys and rules', async () => {
    const both = new OidcAuthenticator(
      issuers([
        { name: 'corp', issuer: idp.issuer, audiences: ['api://palisade'], jwksUri: `${idp.issuer}/keys` },
        { name: 'partner', issuer: other.issuer, audiences: ['api://palisade'], requiredRoles: { values: ['partner'] } },
      ]),
    );
    const a = await both.authenticate(await idp.sign(k1, { sub: 'alice' }));
    expect(a.ok && [a.value.id, a.value.issuer]).toEqual(['corp:alice', 'corp']);
    const b = await both.authenticate(await other.sign(k2, { sub: 'bob', roles: ['partner'] }));
    expect(b.ok && [b.value.id, b.value.issuer, b.value.allowedModels]).toEqual(['partner:bob', 'partner', undefined]);
    expect((await both.authenticate(await other.sign(k2, { sub: 'bob' }))).ok).toBe(false);
    // One issuer's key cannot sign for the other.
    const crossed = await idp.sign(k1, {}, { iss: other.issuer });
    expect((await both.authenticate(crossed)).ok).toBe(false);
    expect(other.discoveryHits).toBeGreaterThanOrEqual(1);
  });

  it('tells agents (app-only tokens) from users', async () => {
    const a = auth();
    const kind = async (claims: JWTPayload) => {
      const r = await a.authenticate(await idp.sign(k1, claims));
      return r.ok ? r.value.kind : r.error.message;
    };
    expect(await kind({ idtyp: 'app', sub: 'sp-object', oid: 'sp-object', azp: 'app-id' })).toBe('agent');
    expect(await kind({ sub: 'svc-client', azp: 'svc-client' })).toBe('agent');
    expect(await kind({ sub: 'sp-object', oid: 'sp-object', appid: 'sp-object' })).toBe('agent');
    expect(await kind({ sub: 'user-1', azp: 'user-1', scp: 'read' })).toBe('user');
    expect(await kind({ sub: 'user-1', azp: 'spa-client', scp: 'read' })).toBe('user');
    expect(await kind({ sub: 'user-1' })).toBe('user');
    const b = auth({ agentClaimValue: 'Agent' });
    const r = await b.authenticate(await idp.sign(k1, { roles: ['Agent'] }));
    expect(r.ok && r.value.kind).toBe('agent');
  });

  it('answers 503 when the provider cannot be reached (discovery or JWKS)', async () => {
    const down = await new TestIdp().start();
    const key = await makeKey('d1');
    down.published = [key];
    const issuer = down.issuer;
    const token = await down.sign(key, {});
    await down.stop();
    const a = new OidcAuthenticator(issuers([{ name: 'down', issuer, audiences: ['api://palisade'], jwksCooldown: 0 }]), { fetchTimeoutMs: 2000 });
    const unavailable = { ok: false, error: { code: 'upstream_unavailable', message: 'Identity provider signing keys unavailable', retryAfter: 5 } };
    expect(await a.authenticate(token)).toEqual(unavailable);
    const direct = new OidcAuthenticator(issuers([{ name: 'down', issuer, audiences: ['api://palisade'], jwksUri: `${issuer}/keys` }]));
    expect(await direct.authenticate(token)).toEqual(unavailable);
  });
});
