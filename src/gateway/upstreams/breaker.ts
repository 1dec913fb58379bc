// A circuit breaker per backend: it opens after `failureThreshold` failures within `window`, lets `halfOpenProbes`
// requests through once `openFor` has passed, and closes when a probe succeeds. Time comes from the injected clock.
import type { BreakerConfig, Clock } from '../../core/index.ts';
import type { BreakerState } from './types.ts';

export class CircuitBreaker {
  readonly #config: BreakerConfig;
  readonly #clock: Clock;
  readonly #onChange: (state: BreakerState) => void;
  /** Ring of the latest failure times; the circuit opens when the oldest of them is still inside the window. */
  readonly #failures: number[];
  #next = 0;
  #count = 0;
  #state: BreakerState = 'closed';
  #openedAt = 0;
  #probes = 0;

  constructor(config: BreakerConfig, clock: Clock, onChange: (state: BreakerState) => void = () => undefined) {
    this.#config = config;
    this.#clock = clock;
    this.#onChange = onChange;
    this.#failures = new Array<number>(config.failureThreshold).fill(0);
  }

  /** The current state; an open circuit whose `openFor` has passed reports half-open. */
  state(): BreakerState {
    if (this.#state === 'open' && this.#clock.now() - this.#openedAt >= this.#config.openFor) this.#set('half-open');
    return this.#state;
  }

  /** Whether a request may be sent now (without taking a probe slot). */
  available(): boolean {
    const s = this.state();
    return s === 'closed' || (s === 'half-open' && this.#probes < this.#config.halfOpenProbes);
  }

  /** Milliseconds until an open circuit allows probes again (0 when it already does). */
  retryInMs(): number {
    if (this.state() !== 'open') return 0;
    return Math.max(0, this.#openedAt + this.#config.openFor - this.#clock.now());
  }

  /** Takes permission for one request; `probe` tells whether it used a half-open probe slot. */
  acquire(): { probe: boolean } | undefined {
    const s = this.state();
    if (s === 'closed') return { probe: false };
    if (s === 'half-open' && this.#probes < this.#config.halfOpenProbes) {
      this.#probes++;
      return { probe: true };
    }
    return undefined;
  }

  success(permit: { probe: boolean }): void {
    if (permit.probe) this.#probes = Math.max(0, this.#probes - 1);
    if (this.#state === 'half-open') {
      this.#count = 0;
      this.#set('closed');
    }
  }

  failure(permit: { probe: boolean }): void {
    if (permit.probe) this.#probes = Math.max(0, this.#probes - 1);
    const now = this.#clock.now();
    if (this.#state === 'half-open') {
      this.#open(now);
      return;
    }
    if (this.#state === 'open') return;
    this.#failures[this.#next] = now;
    this.#next = (this.#next + 1) % this.#failures.length;
    if (this.#count < this.#failures.length) this.#count++;
    // #next now points at the oldest of the last `failureThreshold` failures.
    const oldest = this.#failures[this.#count < this.#failures.length ? 0 : this.#next] ?? now;
    if (this.#count >= this.#failures.length && now - oldest <= this.#config.window) this.#open(now);
  }

  /** The request ended without telling anything about the backend's health (e.g. the client went away). */
  release(permit: { probe: boolean }): void {
    if (permit.probe) this.#probes = Math.max(0, this.#probes - 1);
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#count = 0;
    this.#next = 0;
    this.#set('open');
  }

  #set(state: BreakerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#onChange(state);
  }
}
