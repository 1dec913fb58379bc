// Limits shared by every replica: the same sliding-window counters and budgets as the memory
// backend, kept in Redis and changed only inside Lua scripts, so check-and-count is atomic across
// replicas. Time comes from the caller's clock as a script argument (never Redis's own TIME), which
// keeps replicas and tests on one timeline. Every key has a TTL; nothing needs cleaning up.
//
// When Redis cannot be reached:
//  - budgets FAIL CLOSED: a principal with a token budget is refused (503 not_ready) because spend
//    we cannot count is spend we cannot stop, and the security team owns that risk;
//  - per-minute rate limits FAIL OPEN: they protect capacity, and refusing everyone during a Redis
//    blip would turn a cache outage into a full gateway outage;
//  - tokens used while Redis is down are not counted (recordTokens reports the error and returns).
// Every failure is passed to `onError` so it reaches logs and metrics.
import { Redis } from 'ioredis';
import { err, ok, palisadeError, type Clock, type PalisadeError, type Principal, type Result } from '../../core/index.ts';
import { budgetRefused, requestsRefused, tokensRefused, type Limiter } from './limiter.ts';
import type { LimitResolver } from './resolve.ts';
import { budgetPeriod, WINDOW_MS } from './window.ts';

// KEYS: request counter (current window, previous window), token counter (current, previous), budget.
// ARGV: ms into the window, window length, request limit, token limit, budget (0 = not limited), counter TTL.
// Returns {0} when admitted, else {1 = requests | 2 = tokens | 3 = budget, prev-or-spent, cur}.
const ADMIT_LUA = `
local elapsed = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local function count(key) return tonumber(redis.call('GET', key) or '0') end
local budget = tonumber(ARGV[5])
if budget > 0 then
  local spent = count(KEYS[5])
  if spent >= budget then return {3, spent, 0} end
end
local tpm = tonumber(ARGV[4])
if tpm > 0 then
  local prev = count(KEYS[4])
  local cur = count(KEYS[3])
  if prev * (window - elapsed) / window + cur >= tpm then return {2, prev, cur} end
end
local rpm = tonumber(ARGV[3])
if rpm > 0 then
  local prev = count(KEYS[2])
  local cur = count(KEYS[1])
  if prev * (window - elapsed) / window + cur + 1 > rpm then return {1, prev, cur} end
  redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return {0, 0, 0}
`;

// KEYS: token counter (current window), budget. ARGV: tokens, counter TTL, budget TTL, count tokens?, count budget?
const RECORD_LUA = `
if ARGV[4] == '1' then
  redis.call('INCRBY', KEYS[1], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if ARGV[5] == '1' then
  redis.call('INCRBY', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 0
`;

type Arg = string | number;
interface LimiterCommands {
  palisadeAdmit(...args: Arg[]): Promise<[number, number, number]>;
  palisadeRecord(...args: Arg[]): Promise<number>;
}

/** Counters live two windows (the current one is read as "previous" during the next), plus slack. */
const COUNTER_TTL_MS = 2 * WINDOW_MS + 5_000;
/** Budget keys outlive their period a little so clock differences between replicas cannot reset them early. */
const BUDGET_SLACK_MS = 3_600_000;

export interface RedisLimiterOptions {
  readonly url: string;
  readonly keyPrefix: string;
  /** Longest wait for Redis per call before the failure policy applies. */
  readonly commandTimeoutMs?: number;
  readonly onError?: (error: unknown) => void;
}

export class RedisLimiter implements Limiter {
  readonly #resolve: LimitResolver;
  readonly #clock: Clock;
  readonly #redis: Redis & LimiterCommands;
  readonly #prefix: string;
  readonly #onError: (error: unknown) => void;

  constructor(resolve: LimitResolver, clock: Clock, options: RedisLimiterOptions) {
    this.#resolve = resolve;
    this.#clock = clock;
    this.#prefix = options.keyPrefix;
    this.#onError = options.onError ?? (() => undefined);
    const redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 100, 2_000),
    });
    // Connection errors surface through the commands that fail; without a listener ioredis would
    // print them for every reconnection attempt.
    redis.on('error', () => undefined);
    redis.defineCommand('palisadeAdmit', { numberOfKeys: 5, lua: ADMIT_LUA });
    redis.defineCommand('palisadeRecord', { numberOfKeys: 2, lua: RECORD_LUA });
    this.#redis = redis as Redis & LimiterCommands;
  }

  /** All of one principal's keys share a hash tag, so the scripts also work on Redis Cluster. */
  #key(principal: Principal, suffix: string): string {
    return `${this.#prefix}limits:{${principal.id}}:${suffix}`;
  }

  async admit(principal: Principal): Promise<Result<void, PalisadeError>> {
    const limits = this.#resolve(principal);
    if (limits.none) return ok(undefined);
    const now = this.#clock.now();
    const win = Math.floor(now / WINDOW_MS);
    const elapsed = now - win * WINDOW_MS;
    const budget = limits.tokenBudget;
    const period = budget === undefined ? undefined : budgetPeriod(budget.period, now);
    let reply: [number, number, number];
    try {
      reply = await this.#redis.palisadeAdmit(
        this.#key(principal, `r:${win}`),
        this.#key(principal, `r:${win - 1}`),
        this.#key(principal, `t:${win}`),
        this.#key(principal, `t:${win - 1}`),
        this.#key(principal, `b:${budget?.period ?? 'none'}:${period?.start ?? 0}`),
        elapsed,
        WINDOW_MS,
        limits.requestsPerMinute ?? 0,
        limits.tokensPerMinute ?? 0,
        budget?.tokens ?? 0,
        COUNTER_TTL_MS,
      );
    } catch (error) {
      this.#onError(error);
      if (budget !== undefined) {
        return err(palisadeError('not_ready', 'Usage accounting is unavailable; try again shortly', { retryAfter: 5 }));
      }
      return ok(undefined);
    }
    const [code, a, b] = reply;
    switch (code) {
      case 0:
        return ok(undefined);
      case 1:
        return err(requestsRefused(a, b, elapsed, limits.requestsPerMinute ?? 0));
      case 2:
        return err(tokensRefused(a, b, elapsed, limits.tokensPerMinute ?? 0));
      default:
        if (budget === undefined || period === undefined) return ok(undefined);
        return err(budgetRefused(budget.period, period.end, now));
    }
  }

  async recordTokens(principal: Principal, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    const limits = this.#resolve(principal);
    const budget = limits.tokenBudget;
    if (limits.tokensPerMinute === undefined && budget === undefined) return;
    const now = this.#clock.now();
    const win = Math.floor(now / WINDOW_MS);
    const period = budget === undefined ? undefined : budgetPeriod(budget.period, now);
    try {
      await this.#redis.palisadeRecord(
        this.#key(principal, `t:${win}`),
        this.#key(principal, `b:${budget?.period ?? 'none'}:${period?.start ?? 0}`),
        Math.ceil(tokens),
        COUNTER_TTL_MS,
        period === undefined ? 0 : period.end - now + BUDGET_SLACK_MS,
        limits.tokensPerMinute === undefined ? 0 : 1,
        budget === undefined ? 0 : 1,
      );
    } catch (error) {
      this.#onError(error);
    }
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'ready') {
      await this.#redis.quit().catch(() => this.#redis.disconnect());
    } else {
      this.#redis.disconnect();
    }
  }
}
