// Prometheus metrics for one gateway instance (its own registry, so several instances in one process,
// as in tests, never share counters).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'route' | 'method' | 'status'>;
  readonly #latency: Histogram<'route'>;
  readonly #upstreamRequests: Counter<'upstream' | 'outcome' | 'status'>;
  readonly #upstreamLatency: Histogram<'upstream'>;
  readonly #tokens: Counter<'direction' | 'model'>;
  readonly #breaker: Gauge<'upstream'>;
  readonly #denied: Counter<'reason'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'palisade_process_' });
    this.#requests = new Counter({
      name: 'palisade_http_requests_total',
      help: 'Requests answered by the gateway, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'palisade_http_request_duration_seconds',
      help: 'Time from request to complete response, by route',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#upstreamRequests = new Counter({
      name: 'palisade_upstream_requests_total',
      help: 'Requests sent to backends, by outcome (ok, error, retry) and status',
      labelNames: ['upstream', 'outcome', 'status'],
      registers,
    });
    this.#upstreamLatency = new Histogram({
      name: 'palisade_upstream_duration_seconds',
      help: 'Backend time to response headers',
      labelNames: ['upstream'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#tokens = new Counter({
      name: 'palisade_tokens_total',
      help: 'Model tokens, by direction (in, out) and requested model',
      labelNames: ['direction', 'model'],
      registers,
    });
    this.#breaker = new Gauge({
      name: 'palisade_circuit_breaker_state',
      help: 'Circuit breaker state per backend: 0 closed, 1 half-open, 2 open',
      labelNames: ['upstream'],
      registers,
    });
    this.#denied = new Counter({
      name: 'palisade_requests_denied_total',
      help: 'Requests refused before reaching a backend, by reason',
      labelNames: ['reason'],
      registers,
    });
  }

  request(route: string, method: string, status: number, seconds: number): void {
    this.#requests.inc({ route, method, status: String(status) });
    this.#latency.observe({ route }, seconds);
  }

  denied(reason: string): void {
    this.#denied.inc({ reason });
  }

  tokens(model: string, input: number, output: number): void {
    if (input > 0) this.#tokens.inc({ direction: 'in', model }, input);
    if (output > 0) this.#tokens.inc({ direction: 'out', model }, output);
  }

  // The UpstreamMetrics contract the upstream layer reports through.
  upstreamRequest(upstream: string, outcome: 'ok' | 'error' | 'retry', status: number | 'network'): void {
    this.#upstreamRequests.inc({ upstream, outcome, status: String(status) });
  }

  upstreamLatency(upstream: string, seconds: number): void {
    this.#upstreamLatency.observe({ upstream }, seconds);
  }

  breakerState(upstream: string, state: 'closed' | 'open' | 'half-open'): void {
    this.#breaker.set({ upstream }, BREAKER_VALUE[state]);
  }

  /** Alert delivery counters, read from the dispatcher at scrape time. */
  observeAlerts(stats: () => { sent: number; dropped: number; failures: number }): void {
    const registers = [this.registry];
    for (const [key, help] of [
      ['sent', 'Policy alerts delivered to webhooks'],
      ['dropped', 'Policy alerts dropped because a webhook backlog was full'],
      ['failures', 'Failed alert webhook deliveries (retried)'],
    ] as const) {
      new Gauge({
        name: `palisade_alerts_${key}_total`,
        help,
        registers,
        collect() {
          this.set(stats()[key]);
        },
      });
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
