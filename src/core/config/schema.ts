// The palisade.yaml schema. Every object is strict (unknown keys are errors); every default is safe.
import { z } from 'zod';
import { injectionConfig } from './injection.ts';
import { auditConfig } from './audit.ts';
import { detectionConfig } from './detection.ts';
import { mcpConfig } from './mcp.ts';
import { safetyConfig } from './safety.ts';

import { byteSize, cidr, duration, secretRef } from './primitives.ts';
import { alertsConfig, inspectionConfig, policiesConfig } from './policy.ts';

export { byteSize, cidr, duration, secretRef };

const server = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest accepted request body (413 above it). */
    bodyLimit: byteSize.default(4 * 1024 * 1024),
    /** Largest accepted request head (431 above it). */
    maxHeaderSize: byteSize.default(16 * 1024),
    /** Proxies whose `X-Forwarded-For` is believed; with none, the socket address is the client. */
    trustedProxies: z.array(cidr).default([]),
    /** Base URL clients use to reach Palisade (for metadata documents); derived from host/port when absent. */
    publicUrl: z.url().optional(),
  })
  .strict();

const state = z
  .object({
    /** Folder for the embedded SQLite database and other local state. */
    home: z.string().min(1).optional(),
    driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
    postgres: z.object({ url: secretRef }).strict().optional(),
  })
  .strict()
  .refine((s) => s.driver !== 'postgres' || s.postgres !== undefined, {
    message: 'state.driver is postgres but state.postgres.url is missing',
    path: ['postgres'],
  });

const network = z
  .object({
    /** When non-empty, only these client addresses may connect (checked before authentication). */
    allow: z.array(cidr).default([]),
    /** Client addresses refused before authentication; deny wins over allow. */
    deny: z.array(cidr).default([]),
  })
  .strict();

const roleRequirement = z
  .object({
    claim: z.string().min(1).default('roles'),
    match: z.enum(['any', 'all']).default('any'),
    values: z.array(z.string().min(1)).min(1),
  })
  .strict();

const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const oidcIssuer = z
  .object({
    /** A short name used in principal ids (`<name>:<sub>`) and logs. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/i, 'letters, digits, - and _ only'),
    issuer: z.string().min(1),
    audiences: z.array(z.string().min(1)).min(1),
    /** Defaults to the issuer's discovery document (`/.well-known/openid-configuration`). */
    jwksUri: z.url().optional(),
    /** Allowed client applications (`azp` or Entra's `appid`); empty allows any. */
    allowedClientIds: z.array(z.string().min(1)).default([]),
    requiredRoles: roleRequirement.optional(),
    algorithms: z.array(z.enum(ASYMMETRIC_ALGS)).min(1).default(['RS256', 'ES256', 'PS256', 'EdDSA']),
    clockSkew: duration.default(60_000),
    /** Claims that name the principal. */
    subjectClaim: z.string().default('sub'),
    nameClaim: z.string().default('name'),
    groupsClaim: z.string().default('groups'),
    rolesClaim: z.string().default('roles'),
    /** Tokens whose `idtyp` is `app` or whose subject is in this list are agents, not users. */
    agentClaimValue: z.string().optional(),
    /** Models token holders may use; absent means every routed model. */
    models: z.array(z.string().min(1)).optional(),
    /** How long fetched keys are trusted before a refetch; an unknown `kid` refetches at most every cooldown. */
    jwksCacheMaxAge: duration.default(600_000),
    jwksCooldown: duration.default(30_000),
  })
  .strict();

const auth = z
  .object({
    apiKeys: z.object({ enabled: z.boolean().default(true) }).strict().default({ enabled: true }),
    oidc: z.array(oidcIssuer).default([]),
  })
  .strict();

const limitValues = z
  .object({
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
    /** A token budget per period; requests are refused once it is spent. */
    tokenBudget: z
      .object({ tokens: z.number().int().positive(), period: z.enum(['hour', 'day', 'month']).default('day') })
      .strict()
      .optional(),
  })
  .strict();

const limits = z
  .object({
    backend: z.enum(['memory', 'redis']).default('memory'),
    redis: z.object({ url: z.string().min(1), keyPrefix: z.string().default('palisade:') }).strict().optional(),
    /** Applied to every principal unless an override matches. */
    defaults: limitValues.default({}),
    /** First match wins; match by principal id, key name or role. */
    overrides: z
      .array(
        z
          .object({
            principals: z.array(z.string()).default([]),
            keyNames: z.array(z.string()).default([]),
            roles: z.array(z.string()).default([]),
          })
          .strict()
          .and(limitValues),
      )
      .default([]),
  })
  .strict()
  .refine((l) => l.backend !== 'redis' || l.redis !== undefined, {
    message: 'limits.backend is redis but limits.redis.url is missing',
    path: ['redis'],
  });

const timeouts = z
  .object({
    connect: duration.default(5_000),
    firstByte: duration.default(60_000),
    /** Longest silence between two chunks of a streamed answer. */
    idle: duration.default(30_000),
    total: duration.default(600_000),
  })
  .strict();

const retry = z
  .object({
    /** Extra attempts after the first (on connect errors, 429 and 5xx, before any byte reached the client). */
    attempts: z.number().int().min(0).max(10).default(2),
    backoff: duration.default(200),
    maxBackoff: duration.default(5_000),
    /** Longest `Retry-After` honoured; a longer one fails over instead of waiting. */
    maxRetryAfter: duration.default(10_000),
  })
  .strict();

const breaker = z
  .object({
    /** Failures within `window` that open the circuit. */
    failureThreshold: z.number().int().positive().default(5),
    window: duration.default(30_000),
    /** How long the circuit stays open before half-open probes. */
    openFor: duration.default(15_000),
    halfOpenProbes: z.number().int().positive().default(1),
  })
  .strict();

const credentials = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z
    .object({
      type: z.literal('api-key'),
      key: secretRef,
      /** Defaults per provider: `Authorization: Bearer` (openai), `api-key` (azure), `x-api-key` (anthropic). */
      header: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('oauth-client-credentials'),
      tokenUrl: z.url(),
      clientId: z.string().min(1),
      clientSecret: secretRef,
      scope: z.string().min(1).optional(),
      /** Extra form fields (e.g. Entra's `resource`). */
      extraParams: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
]);

const PROVIDERS = ['openai', 'azure-openai', 'anthropic', 'openai-compatible', 'mock'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

const upstream = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-_.]*$/i, 'letters, digits, -, _ and . only'),
    provider: z.enum(PROVIDERS),
    /** e.g. https://api.openai.com/v1, https://NAME.openai.azure.com, https://api.anthropic.com */
    baseUrl: z.url().optional(),
    /** Azure OpenAI `api-version`. */
    apiVersion: z.string().optional(),
    /** Anthropic `anthropic-version`. */
    anthropicVersion: z.string().default('2023-06-01'),
    credentials: credentials.default({ type: 'none' }),
    /** Public model name → the backend's name for it (an Azure deployment, a local model tag). */
    modelMap: z.record(z.string(), z.string()).default({}),
    weight: z.number().int().min(1).max(1000).default(1),
    maxConnections: z.number().int().positive().default(128),
    timeouts: timeouts.partial().optional(),
    retry: retry.partial().optional(),
    breaker: breaker.partial().optional(),
    /** Extra static headers; values are secret references when they carry credentials. */
    headers: z.record(z.string(), z.union([secretRef, z.string()])).default({}),
    /** Mock provider only: characters per streamed chunk and delay between chunks. */
    mock: z
      .object({ chunkSize: z.number().int().positive().default(4), chunkDelay: duration.default(0) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.provider !== 'mock' && u.baseUrl === undefined && u.provider !== 'openai' && u.provider !== 'anthropic') {
      ctx.addIssue({ code: 'custom', message: `provider ${u.provider} needs baseUrl`, path: ['baseUrl'] });
    }
    if (u.provider === 'azure-openai' && u.apiVersion === undefined) {
      ctx.addIssue({ code: 'custom', message: 'azure-openai needs apiVersion', path: ['apiVersion'] });
    }
  });

const routeBackend = z
  .object({
    upstream: z.string().min(1),
    /** The backend's model name for this route (overrides the upstream's modelMap). */
    model: z.string().min(1).optional(),
    weight: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

const modelRoute = z
  .object({
    /** A model name, an Azure deployment name, or a glob (`gpt-5*`). Routes are tried in order: first match wins. */
    match: z.string().min(1),
    backends: z.array(routeBackend).min(1),
    strategy: z.enum(['weighted-round-robin', 'least-in-flight']).default('weighted-round-robin'),
    /** Listed by `GET /v1/models`; globs are not listed. */
    listed: z.boolean().default(true),
  })
  .strict();

const logging = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    server: server.default(server.parse({})),
    state: state.default({ driver: 'sqlite' }),
    logging: logging.default({ level: 'info' }),
    network: network.default({ allow: [], deny: [] }),
    auth: auth.default({ apiKeys: { enabled: true }, oidc: [] }),
    limits: limits.default({ backend: 'memory', defaults: {}, overrides: [] }),
    upstreams: z.array(upstream).optional(),
    models: z.array(modelRoute).optional(),
    resilience: z
      .object({ timeouts: timeouts.default(timeouts.parse({})), retry: retry.default(retry.parse({})), breaker: breaker.default(breaker.parse({})) })
      .strict()
      .default({ timeouts: timeouts.parse({}), retry: retry.parse({}), breaker: breaker.parse({}) }),
    injection: injectionConfig.default(() => injectionConfig.parse({})),
    safety: safetyConfig.default(() => safetyConfig.parse({})),
    audit: auditConfig.default(() => auditConfig.parse({})),
    detection: detectionConfig.default(() => detectionConfig.parse({})),
    policies: policiesConfig,
    inspection: inspectionConfig.default(() => inspectionConfig.parse({})),
    alerts: alertsConfig.default(() => alertsConfig.parse({})),
    mcp: mcpConfig.default(() => mcpConfig.parse({})),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type UpstreamConfig = z.output<typeof upstream>;
export type ModelRouteConfig = z.output<typeof modelRoute>;
export type OidcIssuerConfig = z.output<typeof oidcIssuer>;
export type LimitsConfig = z.output<typeof limits>;
export type LimitValues = z.output<typeof limitValues>;
export type TimeoutsConfig = z.output<typeof timeouts>;
export type RetryConfig = z.output<typeof retry>;
export type BreakerConfig = z.output<typeof breaker>;
export type CredentialsConfig = z.output<typeof credentials>;
export type ServerConfig = z.output<typeof server>;
