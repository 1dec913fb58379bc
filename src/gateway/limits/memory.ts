// In-process limits: one small record per principal, O(1) per call with no allocation on the hot
// path. Bounded: when full, records holding nothing (idle past two windows, no budget spent in the
// current period) are dropped first, then the oldest. Replicas each count alone; use Redis to share.
import { err, ok, type Clock, type PalisadeError, type Principal, type Result } from '../../core/index.ts';
import { budgetRefused, requestsRefused, tokensRefused, type Limiter } from './limiter.ts';
import type { LimitResolver } from './resolve.ts';
import { budgetPeriod, slidingCount, WINDOW_MS } from './window.ts';

interface Counter {
  win: number;
  cur: number;
  prev: number;
}

interface Entry {
  req: Counter;
  tok: Counter;
  budgetStart: number;
  budgetEnd: number;
  budgetSpent: number;
}

/** Brings a counter forward to window `win`. */
function roll(c: Counter, win: number): void {
  if (c.win === win) return;
  c.prev = c.win === win - 1 ? c.cur : 0;
  c.cur = 0;
  c.win = win;
}

const OK: Result<void, PalisadeError> = ok(undefined);
const OK_PROMISE = Promise.resolve(OK);

export interface MemoryLimiterOptions {
  readonly maxEntries?: number;
}

export class MemoryLimiter implements Limiter {
  readonly #resolve: LimitResolver;
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(resolve: LimitResolver, clock: Clock, options: MemoryLimiterOptions = {}) {
    this.#resolve = resolve;
    this.#clock = clock;
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  #entry(id: string, win: number): Entry {
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#entries.size >= this.#maxEntries) this.#evict(win);
      entry = { req: { win, cur: 0, prev: 0 }, tok: { win, cur: 0, prev: 0 }, budgetStart: 0, budgetEnd: 0, budgetSpent: 0 };
      this.#entries.set(id, entry);
    }
    return entry;
  }

  #evict(win: number): void {
    const now = this.#clock.now();
    for (const [id, e] of this.#entries) {
      const idle = e.req.win < win - 1 && e.tok.win < win - 1;
      // A spent budget is worth keeping until its period ends; forgetting it would refill it.
      const budgetLive = e.budgetSpent > 0 && now < e.budgetEnd;
      if (idle && !budgetLive) this.#entries.delete(id);
    }
    // Still full of live records (a flood of distinct principals): drop the oldest tenth, so the
    // sweep above runs once per many insertions rather than on each. Records holding a spent budget go
    // last, and only if nothing else is left to drop.
    if (this.#entries.size >= this.#maxEntries * 0.9) {
      let drop = Math.max(1, Math.ceil(this.#maxEntries / 10));
      for (const pass of [false, true]) {
        for (const [id, e] of this.#entries) {
          if (drop <= 0) return;
          if (!pass && e.budgetSpent > 0 && now < e.budgetEnd) continue;
          this.#entries.delete(id);
          drop--;
        }
      }
    }
  }

  admit(principal: Principal): Promise<Result<void, PalisadeError>> {
    const limits = this.#resolve(principal);
    if (limits.none) return OK_PROMISE;
    const now = this.#clock.now();
    const win = Math.floor(now / WINDOW_MS);
    const elapsed = now - win * WINDOW_MS;
    const entry = this.#entry(principal.id, win);

    const budget = limits.tokenBudget;
    if (budget !== undefined) {
      const period = budgetPeriod(budget.period, now);
      if (entry.budgetStart !== period.start) {
        entry.budgetStart = period.start;
        entry.budgetEnd = period.end;
        entry.budgetSpent = 0;
      }
      if (entry.budgetSpent >= budget.tokens) return Promise.resolve(err(budgetRefused(budget.period, period.end, now)));
    }
    const tpm = limits.tokensPerMinute;
    if (tpm !== undefined) {
      const t = entry.tok;
      roll(t, win);
      if (slidingCount(t.prev, t.cur, elapsed) >= tpm) return Promise.resolve(err(tokensRefused(t.prev, t.cur, elapsed, tpm)));
    }
    const rpm = limits.requestsPerMinute;
    if (rpm !== undefined) {
      const r = entry.req;
      roll(r, win);
      if (slidingCount(r.prev, r.cur, elapsed) + 1 > rpm) return Promise.resolve(err(requestsRefused(r.prev, r.cur, elapsed, rpm)));
      r.cur++;
    }
    return OK_PROMISE;
  }

  recordTokens(principal: Principal, tokens: number): Promise<void> {
    if (!(tokens > 0)) return Promise.resolve();
    const count = Math.ceil(tokens);
    const limits = this.#resolve(principal);
    if (limits.tokensPerMinute === undefined && limits.tokenBudget === undefined) return Promise.resolve();
    const now = this.#clock.now();
    const win = Math.floor(now / WINDOW_MS);
    const entry = this.#entry(principal.id, win);
    if (limits.tokensPerMinute !== undefined) {
      roll(entry.tok, win);
      entry.tok.cur += count;
    }
    if (limits.tokenBudget !== undefined) {
      const period = budgetPeriod(limits.tokenBudget.period, now);
      if (entry.budgetStart !== period.start) {
        entry.budgetStart = period.start;
        entry.budgetEnd = period.end;
        entry.budgetSpent = 0;
      }
      entry.budgetSpent += count;
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }
}
