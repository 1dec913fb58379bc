// Which limits apply to a principal: the first override naming its id, its key name or one of its
// roles, else the defaults. An override replaces the defaults whole (a field it leaves out is
// unlimited for the principals it matches), as the config schema describes.
import type { LimitsConfig, LimitValues, Principal } from '../../core/index.ts';

export interface EffectiveLimits {
  readonly requestsPerMinute: number | undefined;
  readonly tokensPerMinute: number | undefined;
  readonly tokenBudget: LimitValues['tokenBudget'];
  /** True when nothing is limited, so callers can skip all counting. */
  readonly none: boolean;
}

function effective(values: LimitValues): EffectiveLimits {
  return {
    requestsPerMinute: values.requestsPerMinute,
    tokensPerMinute: values.tokensPerMinute,
    tokenBudget: values.tokenBudget,
    none: values.requestsPerMinute === undefined && values.tokensPerMinute === undefined && values.tokenBudget === undefined,
  };
}

export type LimitResolver = (principal: Principal) => EffectiveLimits;

export function createLimitResolver(config: LimitsConfig): LimitResolver {
  const defaults = effective(config.defaults);
  const overrides = config.overrides.map((o) => ({
    principals: new Set(o.principals),
    keyNames: new Set(o.keyNames),
    roles: new Set(o.roles),
    limits: effective(o),
  }));
  return (principal) => {
    for (const o of overrides) {
      if (o.principals.has(principal.id)) return o.limits;
      if (principal.authMethod === 'api-key' && o.keyNames.has(principal.name)) return o.limits;
      for (const role of principal.roles) if (o.roles.has(role)) return o.limits;
    }
    return defaults;
  };
}
