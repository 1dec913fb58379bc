// Rate limits and token budgets per principal: requests per minute and tokens per minute (sliding
// window), and a token budget per hour, day or month. In memory for one replica, in Redis for several.
// The gateway calls admit() before forwarding and recordTokens() once a response's usage is known.
import { InternalError, type Clock, type LimitsConfig } from '../../core/index.ts';
import type { Limiter } from './limiter.ts';
import { MemoryLimiter } from './memory.ts';
import { RedisLimiter } from './redis.ts';
import { createLimitResolver } from './resolve.ts';

export type { Limiter } from './limiter.ts';
export { createLimitResolver } from './resolve.ts';
export type { EffectiveLimits, LimitResolver } from './resolve.ts';

export interface LimiterDeps {
  readonly clock: Clock;
  /** Defaults to `config.redis`. */
  readonly redis?: { readonly url: string; readonly keyPrefix: string; readonly commandTimeoutMs?: number };
  /** Memory backend: most principals tracked at once. */
  readonly maxEntries?: number;
  /** Redis failures (the limiter applies its fail-open / fail-closed policy and carries on). */
  readonly onError?: (error: unknown) => void;
}

export function createLimiter(config: LimitsConfig, deps: LimiterDeps): Limiter {
  const resolve = createLimitResolver(config);
  switch (config.backend) {
    case 'memory':
      return new MemoryLimiter(resolve, deps.clock, deps.maxEntries !== undefined ? { maxEntries: deps.maxEntries } : {});
    case 'redis': {
      const redis = deps.redis ?? config.redis;
      if (redis === undefined) throw new InternalError('limits.backend is redis but no Redis URL was given');
      return new RedisLimiter(resolve, deps.clock, {
        url: redis.url,
        keyPrefix: redis.keyPrefix,
        ...(deps.redis?.commandTimeoutMs !== undefined ? { commandTimeoutMs: deps.redis.commandTimeoutMs } : {}),
        ...(deps.onError !== undefined ? { onError: deps.onError } : {}),
      });
    }
  }
}
