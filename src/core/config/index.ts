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
export {
  policyConfig,
  closest,
  policiesConfig,
  inspectionConfig,
  alertsConfig,
  policyRule,
  policyCondition,
  policyAction,
  POLICY_LOCATIONS,
  POLICY_MODES,
  RISK_LEVELS,
  REDACTION_STYLES,
  ALERT_SEVERITIES,
  DETECTOR_CONDITION_TYPES,
  SEVERITIES,
} from './policy.ts';
export type {
  PolicyLocation,
  PolicyMode,
  RiskLevel,
  RedactionStyle,
  DetectorConditionType,
  Severity,
  PolicyConfig,
  PolicyConfigInput,
  PolicyRuleConfig,
  PolicyConditionConfig,
  PolicyActionConfig,
  PolicyScopeSet,
  InspectionConfig,
  AlertsConfig,
} from './policy.ts';
export type { DetectionConfig, LabelConfig, CustomTypeConfig } from './detection.ts';
export type { InjectionConfig, InjectionThresholds, ShieldConfig } from './injection.ts';
export type { SafetyConfig, SafetyCheckConfig } from './safety.ts';
export type { AuditConfig } from './audit.ts';
