// The arithmetic both backends share, so memory and Redis decide identically: a sliding-window
// counter (Cloudflare's: the previous fixed window weighted by how much of it still overlaps the last
// minute, plus the current window) and calendar budget periods in UTC.
import type { LimitValues } from '../../core/index.ts';

export const WINDOW_MS = 60_000;

/** The estimated count over the last minute, `elapsed` ms into the current window. */
export function slidingCount(prev: number, cur: number, elapsed: number): number {
  return (prev * (WINDOW_MS - elapsed)) / WINDOW_MS + cur;
}

/**
 * Milliseconds until the estimate falls to `threshold` or below with no new traffic: first the
 * previous window's weight drains during the current window, then the current window's in the next.
 */
export function msUntilAtMost(prev: number, cur: number, elapsed: number, threshold: number): number {
  if (slidingCount(prev, cur, elapsed) <= threshold) return 0;
  const left = WINDOW_MS - elapsed;
  if (cur <= threshold && prev > 0) {
    return Math.max(0, left - ((threshold - cur) * WINDOW_MS) / prev);
  }
  return left + WINDOW_MS * (1 - Math.max(0, threshold) / cur);
}

/** Seconds for a Retry-After header: whole, and at least one. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export type BudgetPeriod = NonNullable<LimitValues['tokenBudget']>['period'];

/** The UTC calendar period holding `now`: [start, end). */
export function budgetPeriod(period: BudgetPeriod, now: number): { start: number; end: number } {
  switch (period) {
    case 'hour': {
      const start = now - (now % 3_600_000);
      return { start, end: start + 3_600_000 };
    }
    case 'day': {
      const start = now - (now % 86_400_000);
      return { start, end: start + 86_400_000 };
    }
    case 'month': {
      const d = new Date(now);
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    }
  }
}
