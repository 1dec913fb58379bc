import { describe, expect, it } from 'vitest';
import { compileMatcher, pickLeastInFlight, pickWeightedRoundRobin } from './balancer.ts';
import { CircuitBreaker } from './breaker.ts';

const config = { failureThreshold: 3, window: 1000, openFor: 500, halfOpenProbes: 1 };

describe('CircuitBreaker', () => {
  it('opens only for failureThreshold failures inside the window', () => {
    const clock = { t: 0, now: () => clock.t };
    const b = new CircuitBreaker(config, clock);
    const p = { probe: false };
    b.failure(p);
    clock.t = 600;
    b.failure(p);
    clock.t = 1100; // the first failure has left the window
    b.failure(p);
    expect(b.state()).toBe('closed');
    clock.t = 1200;
    b.failure(p);
    expect(b.state()).toBe('open');
    expect(b.retryInMs()).toBe(500);
  });

  it('allows only halfOpenProbes probes, closes on success, reopens on failure', () => {
    const clock = { t: 0, now: () => clock.t };
    const states: string[] = [];
    const b = new CircuitBreaker({ ...config, failureThreshold: 1, halfOpenProbes: 1 }, clock, (s) => states.push(s));
    b.failure({ probe: false });
    expect(b.acquire()).toBeUndefined();
    clock.t = 500;
    const probe = b.acquire();
    expect(probe).toEqual({ probe: true });
    expect(b.acquire()).toBeUndefined();
    b.failure(probe!);
    expect(b.state()).toBe('open');
    clock.t = 1000;
    const probe2 = b.acquire()!;
    b.success(probe2);
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('frees a probe slot when the request ends without a verdict', () => {
    const clock = { t: 0, now: () => clock.t };
    const b = new CircuitBreaker({ ...config, failureThreshold: 1 }, clock);
    b.failure({ probe: false });
    clock.t = 500;
    b.release(b.acquire()!);
    expect(b.acquire()).toEqual({ probe: true });
  });
});

describe('balancing', () => {
  it('smooth WRR 5:1:1 is interleaved and exact', () => {
    const mk = (name: string, weight: number) => ({ name, weight, current: 0, inFlight: () => 0 });
    const cs = [mk('a', 5), mk('b', 1), mk('c', 1)];
    const picks = Array.from({ length: 7 }, () => pickWeightedRoundRobin(cs)?.name).join('');
    expect(picks).toBe('aabacaa');
  });

  it('least-in-flight breaks ties by weight, then order', () => {
    const cs = [
      { n: 'a', weight: 1, current: 0, inFlight: () => 2 },
      { n: 'b', weight: 1, current: 0, inFlight: () => 1 },
      { n: 'c', weight: 3, current: 0, inFlight: () => 1 },
    ];
    expect(pickLeastInFlight(cs)?.n).toBe('c');
  });

  it('globs match whole names; regex characters are literal', () => {
    expect(compileMatcher('gpt-5*')('gpt-5-mini')).toBe(true);
    expect(compileMatcher('gpt-5*')('my-gpt-5')).toBe(false);
    expect(compileMatcher('gpt-4.?')('gpt-4.1')).toBe(true);
    expect(compileMatcher('gpt-4.?')('gpt-401')).toBe(false);
    expect(compileMatcher('a+b')('aab')).toBe(false);
    expect(compileMatcher('a+b')('a+b')).toBe(true);
  });
});
