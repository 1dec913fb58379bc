// Who is calling and from where: Palisade API keys, OIDC/JWT bearer tokens, and client-address
// allow/deny lists. Everything here answers a Principal or a PalisadeError; nothing here does HTTP serving.
export { ApiKeyService, hashApiKey, looksLikeApiKey, principalFromKey, API_KEY_PREFIX, VISIBLE_PREFIX_LENGTH } from './api-keys.ts';
export type { KeyRecord, KeyStore, CreateKeyOptions, ApiKeyServiceOptions } from './api-keys.ts';
export { OidcAuthenticator } from './oidc.ts';
export type { OidcAuthenticatorOptions } from './oidc.ts';
export { IpFilter, IpPolicyError, createIpPolicy, parseIp, parseCidr, parseCidrList, formatIp, cidrContains, CidrSet } from './ip-filter.ts';
export type { IpPolicy, IpPolicyOptions, IpAddress, Cidr } from './ip-filter.ts';
