// The limiter contract and the refusals both backends produce.
import { palisadeError, type PalisadeError, type Principal, type Result } from '../../core/index.ts';
import { msUntilAtMost, retryAfterSeconds, type BudgetPeriod } from './window.ts';

export interface Limiter {
  /** Before forwarding: checks requests per minute, the token rate and the budget; counts the request. */
  admit(principal: Principal): Promise<Result<void, PalisadeError>>;
  /** After a response: counts its tokens against tokens per minute and the budget. */
  recordTokens(principal: Principal, tokens: number): Promise<void>;
  close(): Promise<void>;
}

export function requestsRefused(prev: number, cur: number, elapsed: number, limit: number): PalisadeError {
  return palisadeError('rate_limited', 'Rate limit exceeded: too many requests per minute', {
    retryAfter: retryAfterSeconds(msUntilAtMost(prev, cur, elapsed, limit - 1)),
  });
}

export function tokensRefused(prev: number, cur: number, elapsed: number, limit: number): PalisadeError {
  // Admission needs the estimate strictly below the limit; one millisecond past "at most" gets there.
  return palisadeError('rate_limited', 'Rate limit exceeded: too many tokens per minute', {
    retryAfter: retryAfterSeconds(msUntilAtMost(prev, cur, elapsed, limit) + 1),
  });
}

export function budgetRefused(period: BudgetPeriod, end: number, now: number): PalisadeError {
  return palisadeError('budget_exceeded', `Token budget for this ${period} is spent`, {
    retryAfter: retryAfterSeconds(end - now),
  });
}
