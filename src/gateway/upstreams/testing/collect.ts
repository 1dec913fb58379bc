// Test support: drains results of UpstreamRouter.dispatch.
import type { SseEvent, UpstreamResult } from '../types.ts';

export async function collect(result: UpstreamResult): Promise<SseEvent[]> {
  if (!result.ok || result.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(result.ok ? result.status : result.error)}`);
  const out: SseEvent[] = [];
  for await (const e of result.events) out.push(e);
  return out;
}

export function jsonOf(result: UpstreamResult): { status: number; body: Record<string, unknown> } {
  if (!result.ok || result.kind !== 'json') throw new Error(`expected JSON, got ${JSON.stringify(result.ok ? result.kind : result.error)}`);
  return { status: result.status, body: result.body };
}

/** Parsed `data` of every event except `[DONE]`. */
export function datas(events: readonly SseEvent[]): Record<string, unknown>[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

export async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
}
