// Test support: builds an UpstreamRouter from palisade.yaml-shaped input through the real config schema, with
// secret references resolved from a map, a controllable clock, and recorded sleeps, metrics and log lines.
import { configSchema, Secret, type ConfigInput } from '../../../core/index.ts';
import { UpstreamRouter } from '../router.ts';
import type { BreakerState, ClientApi, UpstreamCall } from '../types.ts';

export class ManualClock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Fixture {
  router: UpstreamRouter;
  clock: ManualClock;
  sleeps: number[];
  logs: { obj: object; msg: string }[];
  metrics: { requests: [string, string, number | 'network'][]; states: [string, BreakerState][] };
}

export function buildRouter(
  input: Pick<ConfigInput, 'upstreams' | 'models' | 'resilience'>,
  secrets: Record<string, string> = {},
  options: { random?: () => number } = {},
): Fixture {
  const parsed = configSchema.parse(input);
  for (const u of parsed.upstreams ?? []) {
    const refs: Secret[] = [];
    if (u.credentials.type === 'api-key') refs.push(u.credentials.key);
    if (u.credentials.type === 'oauth-client-credentials') refs.push(u.credentials.clientSecret);
    for (const v of Object.values(u.headers)) if (v instanceof Secret) refs.push(v);
    for (const s of refs) {
      const name = /^\$\{env:(.+)\}$/.exec(s.ref)?.[1] ?? '';
      const value = secrets[name];
      if (value === undefined) throw new Error(`test secret ${name} missing`);
      s.resolve(value);
    }
  }
  const clock = new ManualClock();
  const sleeps: number[] = [];
  const logs: { obj: object; msg: string }[] = [];
  const metrics: Fixture['metrics'] = { requests: [], states: [] };
  const router = new UpstreamRouter(
    { upstreams: parsed.upstreams ?? [], models: parsed.models ?? [], resilience: parsed.resilience },
    {
      clock,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return signal.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve();
      },
      random: options.random ?? (() => 0.5),
      logger: { warn: (obj, msg) => logs.push({ obj, msg }) },
      metrics: {
        upstreamRequest: (u, o, s) => metrics.requests.push([u, o, s]),
        breakerState: (u, s) => metrics.states.push([u, s]),
        upstreamLatency: () => undefined,
      },
    },
  );
  return { router, clock, sleeps, logs, metrics };
}

let seq = 0;
export function call(api: ClientApi, model: string, body: Record<string, unknown>, extra: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    api,
    model,
    body: { model, ...body },
    stream: body.stream === true,
    signal: new AbortController().signal,
    requestId: `req_test${++seq}`,
    ...extra,
  };
}

export const chatBody = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  messages: [{ role: 'user', content: text }],
  ...extra,
});
