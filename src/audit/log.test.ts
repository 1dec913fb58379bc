import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacCheckpointSigner, verifyChain } from './chain.ts';
import { sampleInteraction } from './fixtures.ts';
import { createAuditLog, type AuditLog, type AuditLogOptions } from './log.ts';
import type { AuditStore } from './store.ts';
import { BACKENDS, openTestBackend, type TestBackend } from './testing.ts';

const T0 = Date.UTC(2026, 0, 10, 12);
const signer = hmacCheckpointSigner(Buffer.from('test-checkpoint-key'));

/** The real store, with appends held until `release()` or failing while `failing` is set. */
function gated(store: AuditStore): { store: AuditStore; release(): void; hold(): void; failing: { on: boolean }; appends: { n: number } } {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const failing = { on: false };
  const appends = { n: 0 };
  const wrapped: AuditStore = Object.create(store) as AuditStore;
  wrapped.append = async (events, checkpoints) => {
    appends.n++;
    if (gate) await gate;
    if (failing.on) throw new Error('database unavailable');
    return store.append(events, checkpoints);
  };
  return {
    store: wrapped,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = undefined;
      open?.();
    },
    failing,
    appends,
  };
}

function options(b: TestBackend, store: AuditStore, over: Partial<AuditLogOptions> = {}): AuditLogOptions {
  return {
    store,
    stream: 'gw1',
    durability: 'batched',
    batchInterval: 60_000,
    batchSize: 50,
    maxQueue: 1000,
    spoolPath: join(b.dir, 'spool.jsonl'),
    signer,
    checkpointEvery: 25,
    ...over,
  };
}

describe.each(BACKENDS)('audit log on %s', (kind) => {
  let b: TestBackend | undefined;
  let log: AuditLog | undefined;
  afterEach(async () => {
    await log?.close();
    log = undefined;
    await b?.cleanup();
    b = undefined;
  });

  it('batched: record() returns at once, flush writes a verifiable chain with checkpoints', async () => {
    b = await openTestBackend(kind);
    log = await createAuditLog(options(b, b.store));
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => log!.record(sampleInteraction(i, T0 + i))));
    expect(results.every(Boolean)).toBe(true);
    await log.flush();
    expect(log.stats()).toMatchObject({ written: 120, queued: 0, lastSeq: 120, dropped: 0 });
    await log.close();
    const report = await verifyChain(b.store, signer);
    expect(report).toMatchObject({ ok: true, checked: 120, streams: 1 });
    // 120 events with a checkpoint every 25 → batch boundaries at 50/100, plus the final one on close.
    expect(report.checkpoints).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(join(b.dir, 'spool.jsonl.state'), 'utf8'))).toMatchObject({ clean: true, lastSeq: 120 });
  });

  it('strict: record() resolves only once the event is committed', async () => {
    b = await openTestBackend(kind);
    const g = gated(b.store);
    log = await createAuditLog(options(b, g.store, { durability: 'strict' }));
    g.hold();
    let done = false;
    const p = log.record(sampleInteraction(1, T0)).then((v) => {
      done = true;
      return v;
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    g.release();
    expect(await p).toBe(true);
    const id = (sampleInteraction(1, T0) as { id: string }).id;
    expect((await b.store.getEvent(id))?.seq).toBe(1);
  });

  it('rejects invalid events without throwing', async () => {
    b = await openTestBackend(kind);
    log = await createAuditLog(options(b, b.store));
    expect(await log.record({ recordType: 'Nope' })).toBe(false);
    expect(await log.record(null)).toBe(false);
    expect(log.stats().rejected).toBe(2);
  });

  it('applies back-pressure past maxQueue and drops (counted) past twice that', async () => {
    b = await openTestBackend(kind);
    const g = gated(b.store);
    log = await createAuditLog(options(b, g.store, { maxQueue: 10, batchSize: 5 }));
    g.hold();
    const first = Array.from({ length: 5 }, (_, i) => log!.record(sampleInteraction(i, T0 + i)));
    expect(await Promise.all(first)).toEqual([true, true, true, true, true]);
    const flushing = log.flush(); // takes the 5 into a held write
    const queued = Array.from({ length: 10 }, (_, i) => log!.record(sampleInteraction(100 + i, T0 + 100 + i)));
    expect(await Promise.all(queued)).toEqual(Array(10).fill(true));
    expect(log.saturated).toBe(true);
    let waitedResolved = 0;
    const waiting = Array.from({ length: 10 }, (_, i) => log!.record(sampleInteraction(200 + i, T0 + 200 + i)).then((v) => (waitedResolved++, v)));
    const dropped = await log.record(sampleInteraction(999, T0 + 999));
    expect(dropped).toBe(false);
    expect(log.stats()).toMatchObject({ waiting: 10, dropped: 1 });
    await new Promise((r) => setImmediate(r));
    expect(waitedResolved).toBe(0);
    g.release();
    await flushing;
    await log.flush();
    expect(await Promise.all(waiting)).toEqual(Array(10).fill(true));
    await log.flush();
    expect(log.stats()).toMatchObject({ written: 25, queued: 0, waiting: 0, dropped: 1 });
    await log.close();
    expect((await verifyChain(b.store, signer)).ok).toBe(true);
  });

  it('keeps a failed batch (same seqs) and writes it once the database is back', async () => {
    b = await openTestBackend(kind);
    const g = gated(b.store);
    const errors: string[] = [];
    log = await createAuditLog(options(b, g.store, { onError: (code) => errors.push(code) }));
    g.failing.on = true;
    for (let i = 0; i < 7; i++) void log.record(sampleInteraction(i, T0 + i));
    await log.flush();
    expect(errors).toContain('write_failed');
    expect(log.stats()).toMatchObject({ written: 0, queued: 7, failedWrites: 1 });
    // The batch is in the spool, so a crash now would not lose it.
    expect(readFileSync(join(b.dir, 'spool.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
    for (let i = 7; i < 10; i++) void log.record(sampleInteraction(i, T0 + i));
    g.failing.on = false;
    await log.flush();
    expect(log.stats()).toMatchObject({ written: 10, queued: 0, lastSeq: 10 });
    expect(readFileSync(join(b.dir, 'spool.jsonl'), 'utf8')).toBe('');
    await log.close();
    expect(await verifyChain(b.store, signer)).toMatchObject({ ok: true, checked: 10 });
  });

  it('after an unclean stop, replays the spool and records the gap', async () => {
    b = await openTestBackend(kind);
    const g = gated(b.store);
    const first = await createAuditLog(options(b, g.store));
    for (let i = 0; i < 4; i++) void first.record(sampleInteraction(i, T0 + i));
    await first.flush();
    g.hold(); // the next write never reaches the database: the process "dies" here
    for (let i = 4; i < 9; i++) void first.record(sampleInteraction(i, T0 + i));
    void first.flush();
    await new Promise((r) => setImmediate(r));
    expect(readFileSync(join(b.dir, 'spool.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    // A new process on the same spool and database.
    log = await createAuditLog(options(b, b.store));
    await log.flush();
    expect(log.stats().lastSeq).toBe(10);
    const gap = (await b.store.readChain('gw1', 9, 1))[0]?.event;
    expect(gap).toMatchObject({ recordType: 'AdminAction', operation: 'AuditUncleanShutdown', details: { lastCommittedSeq: 4, replayedFromSpool: 5, maxLossMs: 60_000 } });
    await log.close();
    expect(await verifyChain(b.store, signer)).toMatchObject({ ok: true, checked: 10 });
    expect(existsSync(join(b.dir, 'spool.jsonl'))).toBe(true);
  });

  it('ignores a torn last spool line', async () => {
    b = await openTestBackend(kind);
    const g = gated(b.store);
    const first = await createAuditLog(options(b, g.store));
    g.hold();
    for (let i = 0; i < 3; i++) void first.record(sampleInteraction(i, T0 + i));
    void first.flush();
    await new Promise((r) => setImmediate(r));
    const path = join(b.dir, 'spool.jsonl');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length - 40));
    log = await createAuditLog(options(b, b.store));
    await log.flush();
    // Two whole lines replayed, the torn third dropped, then the gap record.
    expect(log.stats().lastSeq).toBe(3);
  });
});
