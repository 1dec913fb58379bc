export { configSchema, secretRef, byteSize, duration, cidr } from './schema.ts';
export type {
  ConfigInput,
  ParsedConfig,
  UpstreamConfig,
  ModelRouteConfig,
  OidcIssuerConfig,
  LimitsConfig,
  LimitValues,
  TimeoutsConfig,
  RetryConfig,
  BreakerConfig,
  CredentialsConfig,
  ServerConfig,
  ProviderKind,
} from './schema.ts';
export { Secret, isSecretRef } from './secret.ts';
export { loadConfigFile, parseConfig, zodProblems } from './load.ts';
export type { Config, ConfigProblem, LoadOptions } from './load.ts';
