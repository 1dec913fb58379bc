// One suite for both backends, on an injected clock (for Redis the clock's time travels into the Lua
// scripts as an argument), so window roll-over needs no sleeping. Redis keys use a prefix unique to
// this run and are deleted afterwards.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configSchema, type Clock, type ConfigInput, type LimitsConfig, type PalisadeError, type Principal, type Result } from '../../core/index.ts';
import { createLimiter, type Limiter } from './index.ts';
import { MemoryLimiter } from './memory.ts';
import { createLimitResolver } from './resolve.ts';
import { msUntilAtMost, slidingCount } from './window.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RUN_PREFIX = `palisade-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
/** A window-aligned instant: 2030-01-15 10:00:00 UTC. */
const T0 = Date.UTC(2030, 0, 15, 10, 0, 0);

class ManualClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function limitsConfig(limits: NonNullable<ConfigInput['limits']>): LimitsConfig {
  const redis = limits.backend === 'redis' && limits.redis === undefined ? { redis: { url: REDIS_URL } } : {};
  return configSchema.parse({ limits: { ...limits, ...redis } }).limits;
}

let counter = 0;
function principal(extra: Partial<Principal> = {}): Principal {
  counter++;
  return { id: `key:test${counter}`, kind: 'user', name: `key-${counter}`, authMethod: 'api-key', roles: [], groups: [], ...extra };
}

function refusal(result: Result<void, PalisadeError>): PalisadeError {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

const BACKENDS = [
  { name: 'memory', backend: 'memory' as const },
  { name: 'redis', backend: 'redis' as const },
];

const opened: Limiter[] = [];
afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
});
afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${RUN_PREFIX}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
});

describe.each(BACKENDS)('limits on $name', ({ backend }) => {
  function make(limits: NonNullable<ConfigInput['limits']>, clock: Clock, prefix = `${RUN_PREFIX}${randomBytes(3).toString('hex')}:`): Limiter {
    const limiter = createLimiter(limitsConfig({ ...limits, backend }), {
      clock,
      ...(backend === 'redis' ? { redis: { url: REDIS_URL, keyPrefix: prefix } } : {}),
    });
    opened.push(limiter);
    return limiter;
  }

  it('refuses past requests per minute with a Retry-After that is honest', async () => {
    const clock = new ManualClock(T0);
    const limiter = make({ defaults: { requestsPerMinute: 3 } }, clock);
    const p = principal();
    for (let i = 0; i < 3; i++) expect(await limiter.admit(p)).toEqual({ ok: true, value: undefined });
    const refused = refusal(await limiter.admit(p));
    expect(refused.code).toBe('rate_limited');
    expect(refused.message).toMatch(/requests per minute/);
    // Three in this window; the estimate falls to two after 60 s + 20 s.
    expect(refused.retryAfter).toBe(80);
    expect((await limiter.admit(principal())).ok).toBe(true); // others are unaffected

    clock.advance(79_000);
    expect((await limiter.admit(p)).ok).toBe(false);
    clock.advance(1_000);
    expect((await limiter.admit(p)).ok).toBe(true);
    expect((await limiter.admit(p)).ok).toBe(false);
    // Two whole windows later the history has gone.
    clock.advance(120_000);
    for (let i = 0; i < 3; i++) expect((await limiter.admit(p)).ok).toBe(true);
  });

  it('refuses once tokens per minute are used up, until the window slides', async () => {
    const clock = new ManualClock(T0);
    const limiter = make({ defaults: { tokensPerMinute: 100 } }, clock);
    const p = principal();
    expect((await limiter.admit(p)).ok).toBe(true);
    await limiter.recordTokens(p, 60);
    expect((await limiter.admit(p)).ok).toBe(true);
    await limiter.recordTokens(p, 50);
    const refused = refusal(await limiter.admit(p));
    expect(refused.code).toBe('rate_limited');
    expect(refused.message).toMatch(/tokens per minute/);
    expect(refused.retryAfter).toBe(66);
    clock.advance(65_000);
    expect((await limiter.admit(p)).ok).toBe(false);
    clock.advance(1_000);
    expect((await limiter.admit(p)).ok).toBe(true);
  });

  it('spends a token budget across responses and refills it next period', async () => {
    const clock = new ManualClock(T0);
    const limiter = make({ defaults: { tokenBudget: { tokens: 1_000, period: 'day' } } }, clock);
    const p = principal();
    for (const used of [400, 300, 299]) {
      expect((await limiter.admit(p)).ok).toBe(true);
      await limiter.recordTokens(p, used);
    }
    expect((await limiter.admit(p)).ok).toBe(true); // 999 spent
    await limiter.recordTokens(p, 5);
    const refused = refusal(await limiter.admit(p));
    expect(refused.code).toBe('budget_exceeded');
    expect(refused.message).toBe('Token budget for this day is spent');
    expect(refused.retryAfter).toBe(14 * 3600); // T0 is 10:00 UTC
    clock.advance(14 * 3600_000 - 1);
    expect((await limiter.admit(p)).ok).toBe(false);
    clock.advance(1);
    expect((await limiter.admit(p)).ok).toBe(true);
  });

  it('applies the first matching override by principal id, key name or role, replacing the defaults', async () => {
    const clock = new ManualClock(T0);
    const limiter = make(
      {
        defaults: { requestsPerMinute: 1 },
        overrides: [
          { principals: ['corp:vip'], requestsPerMinute: 3 },
          { keyNames: ['batch-key'], requestsPerMinute: 2 },
          { roles: ['unlimited'], tokensPerMinute: 1_000_000 },
        ],
      },
      clock,
    );
    const admitted = async (p: Principal, n: number) => {
      let count = 0;
      for (let i = 0; i < n; i++) if ((await limiter.admit(p)).ok) count++;
      return count;
    };
    expect(await admitted(principal(), 5)).toBe(1);
    expect(await admitted(principal({ id: 'corp:vip', authMethod: 'jwt' }), 5)).toBe(3);
    expect(await admitted(principal({ name: 'batch-key' }), 5)).toBe(2);
    // A token's display name is not a key name.
    expect(await admitted(principal({ name: 'batch-key', authMethod: 'jwt', id: 'corp:x' }), 5)).toBe(1);
    expect(await admitted(principal({ roles: ['reader', 'unlimited'] }), 20)).toBe(20);
  });

  it('does not limit principals with no limits at all', async () => {
    const limiter = make({}, new ManualClock(T0));
    const p = principal();
    for (let i = 0; i < 50; i++) expect((await limiter.admit(p)).ok).toBe(true);
    await limiter.recordTokens(p, 1e9);
    expect((await limiter.admit(p)).ok).toBe(true);
  });
});

describe('redis specifics', () => {
  it('two limiter instances (two replicas) share one count', async () => {
    const clock = new ManualClock(T0);
    const prefix = `${RUN_PREFIX}shared:`;
    const config = limitsConfig({ backend: 'redis', defaults: { requestsPerMinute: 4, tokenBudget: { tokens: 100, period: 'hour' } } });
    const a = createLimiter(config, { clock, redis: { url: REDIS_URL, keyPrefix: prefix } });
    const b = createLimiter(config, { clock, redis: { url: REDIS_URL, keyPrefix: prefix } });
    opened.push(a, b);
    const p = principal();
    const results = await Promise.all([a.admit(p), b.admit(p), a.admit(p), b.admit(p), a.admit(p), b.admit(p)]);
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    clock.advance(120_000);
    await a.recordTokens(p, 60);
    await b.recordTokens(p, 40);
    expect(refusal(await a.admit(p)).code).toBe('budget_exceeded');
    expect(refusal(await b.admit(p)).retryAfter).toBe(58 * 60);
  });

  it('keeps every key under the prefix, with a TTL', async () => {
    const clock = new ManualClock(T0);
    const prefix = `${RUN_PREFIX}ttl:`;
    const limiter = createLimiter(
      limitsConfig({ backend: 'redis', defaults: { requestsPerMinute: 5, tokensPerMinute: 50, tokenBudget: { tokens: 100, period: 'month' } } }),
      { clock, redis: { url: REDIS_URL, keyPrefix: prefix } },
    );
    opened.push(limiter);
    const p = principal();
    await limiter.admit(p);
    await limiter.recordTokens(p, 10);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBe(3);
      for (const key of keys) {
        expect(key).toContain(`{${p.id}}`);
        expect(await redis.pttl(key)).toBeGreaterThan(0);
      }
    } finally {
      await redis.quit();
    }
  });

  it('fails closed for budgets and open for rate limits when Redis is unreachable', async () => {
    const errors: unknown[] = [];
    const config = limitsConfig({
      backend: 'redis',
      defaults: { requestsPerMinute: 1 },
      overrides: [{ roles: ['metered'], tokenBudget: { tokens: 10, period: 'day' } }],
    });
    const limiter = createLimiter(config, {
      clock: new ManualClock(T0),
      redis: { url: 'redis://127.0.0.1:1', keyPrefix: RUN_PREFIX, commandTimeoutMs: 500 },
      onError: (e) => errors.push(e),
    });
    opened.push(limiter);
    const rateLimited = principal();
    expect(await limiter.admit(rateLimited)).toEqual({ ok: true, value: undefined });
    expect(await limiter.admit(rateLimited)).toEqual({ ok: true, value: undefined });
    const metered = principal({ roles: ['metered'] });
    expect(refusal(await limiter.admit(metered))).toEqual({
      code: 'not_ready',
      message: 'Usage accounting is unavailable; try again shortly',
      retryAfter: 5,
    });
    await expect(limiter.recordTokens(metered, 5)).resolves.toBeUndefined();
    expect(errors.length).toBe(4);
  });
});

describe('memory specifics', () => {
  it('stays bounded, dropping idle principals first and spent budgets last', async () => {
    const clock = new ManualClock(T0);
    const config = limitsConfig({ defaults: { requestsPerMinute: 10, tokenBudget: { tokens: 10, period: 'day' } } });
    const limiter = new MemoryLimiter(createLimitResolver(config), clock, { maxEntries: 20 });
    const spender = principal();
    await limiter.admit(spender);
    await limiter.recordTokens(spender, 10);
    clock.advance(180_000);
    for (let i = 0; i < 200; i++) await limiter.admit(principal());
    expect(limiter.size).toBeLessThanOrEqual(20);
    expect(refusal(await limiter.admit(spender)).code).toBe('budget_exceeded');
  });

  it('never admits more than the limit within one fixed window, and Retry-After is always enough', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 120 }),
        async (limit, gaps) => {
          const clock = new ManualClock(T0);
          const limiter = new MemoryLimiter(createLimitResolver(limitsConfig({ defaults: { requestsPerMinute: limit } })), clock);
          const p = principal();
          const perWindow = new Map<number, number>();
          let last: Result<void, PalisadeError> = { ok: true, value: undefined };
          for (const gap of gaps) {
            clock.advance(gap);
            last = await limiter.admit(p);
            if (last.ok) {
              const win = Math.floor(clock.t / 60_000);
              perWindow.set(win, (perWindow.get(win) ?? 0) + 1);
            }
          }
          for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(limit);
          if (!last.ok) {
            // Waiting the advertised time, with no other traffic, is enough for one more request.
            expect(last.error.retryAfter).toBeGreaterThanOrEqual(1);
            clock.advance((last.error.retryAfter ?? 0) * 1000);
            expect((await limiter.admit(p)).ok).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the advertised wait brings the estimate down to the threshold, and no earlier', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 59_999 }),
        fc.integer({ min: 0, max: 10_000 }),
        (prev, cur, elapsed, threshold) => {
          const wait = msUntilAtMost(prev, cur, elapsed, threshold);
          expect(wait).toBeGreaterThanOrEqual(0);
          const at = (t: number) => {
            const e = elapsed + t;
            // Into the next window: the current count becomes "previous".
            return e < 60_000 ? slidingCount(prev, cur, e) : slidingCount(cur, 0, Math.min(e - 60_000, 60_000));
          };
          expect(at(wait)).toBeLessThanOrEqual(threshold + 1e-6);
          if (wait > 1) expect(at(wait - 1)).toBeGreaterThan(threshold - 1e-6);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
