// Retention: events older than the configured days are deleted stream by stream, always a whole chain
// prefix, behind a signed `purge` checkpoint, so verification still proves nothing else was removed.
import type { CheckpointSigner } from './chain.ts';
import type { AuditStore } from './store.ts';

export interface RetentionReport {
  readonly eventsDeleted: number;
  readonly contentDeleted: number;
  readonly streams: readonly { readonly stream: string; readonly throughSeq: number }[];
}

const DAY = 86_400_000;

export async function applyRetention(
  store: AuditStore,
  signer: CheckpointSigner,
  policy: { readonly eventsDays: number; readonly contentDays: number },
  now: number,
): Promise<RetentionReport> {
  let eventsDeleted = 0;
  const streams: { stream: string; throughSeq: number }[] = [];
  if (policy.eventsDays > 0) {
    const cutoff = now - policy.eventsDays * DAY;
    for (const stream of await store.streams()) {
      const head = await store.head(stream);
      if (!head) continue;
      const keep = await store.seqBounds(stream, { from: cutoff });
      // Everything before the first record still inside the window goes; a record that arrived late with
      // an older time stays, because only a whole prefix can be cut from a chain.
      const through = keep ? keep.min - 1 : head.seq;
      const purged = (await store.checkpoints(stream)).filter((c) => c.kind === 'purge').at(-1)?.seq ?? 0;
      if (through <= purged) continue;
      const last = (await store.readChain(stream, through - 1, 1))[0];
      if (!last || last.seq !== through) continue;
      const c = { stream, seq: through, hash: last.hash, time: now, kind: 'purge' as const };
      eventsDeleted += await store.purgeThrough({ ...c, signature: signer.sign(c) });
      streams.push({ stream, throughSeq: through });
    }
    await store.compact(cutoff);
  }
  const contentDeleted = policy.contentDays > 0 ? await store.purgeContentBefore(now - policy.contentDays * DAY) : 0;
  return { eventsDeleted, contentDeleted, streams };
}
