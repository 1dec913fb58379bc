// Who is calling: a person or an agent, authenticated by a Palisade key or a bearer token.

export type PrincipalKind = 'user' | 'agent' | 'service';
export type AuthMethod = 'api-key' | 'jwt';

export interface Principal {
  /** Stable id: `key:<keyId>` for Palisade keys, `<issuerName>:<sub>` for tokens. */
  readonly id: string;
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly authMethod: AuthMethod;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  /** Models the principal may use; `undefined` means every routed model. Glob patterns allowed. */
  readonly allowedModels?: readonly string[];
  /** The Palisade key id when authenticated with a key. */
  readonly keyId?: string;
  /** The OIDC client application (azp / appid) when authenticated with a token. */
  readonly clientAppId?: string;
  /** The configured issuer's name when authenticated with a token. */
  readonly issuer?: string;
  /** A verified token's `aud` values (MCP checks that Palisade's own resource URI is among them). */
  readonly tokenAudiences?: readonly string[];
  /** A verified token's scopes (`scp` / `scope`). */
  readonly tokenScopes?: readonly string[];
}
