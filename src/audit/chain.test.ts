import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainHash } from './canonical.ts';
import { hmacCheckpointSigner, verifyChain } from './chain.ts';
import { eventToRow } from './rows.ts';
import { sampleInteraction } from './fixtures.ts';
import { createAuditLog } from './log.ts';
import { BACKENDS, openTestBackend, type TestBackend } from './testing.ts';

const T0 = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;
const signer = hmacCheckpointSigner(Buffer.from('chain-test-key'));

async function seeded(kind: (typeof BACKENDS)[number], n = 40): Promise<TestBackend> {
  const b = await openTestBackend(kind);
  const log = await createAuditLog({
    store: b.store,
    stream: 'gw1',
    durability: 'batched',
    batchInterval: 60_000,
    batchSize: 10,
    maxQueue: 1000,
    spoolPath: join(b.dir, 'spool.jsonl'),
    signer,
    checkpointEvery: 10,
  });
  for (let i = 0; i < n; i++) void log.record(sampleInteraction(i, T0 + i * HOUR));
  await log.close();
  return b;
}

describe.each(BACKENDS)('hash chain verification on %s', (kind) => {
  let b: TestBackend | undefined;
  afterEach(async () => {
    await b?.cleanup();
    b = undefined;
  });

  it('passes an untouched log, whole and by time range', async () => {
    b = await seeded(kind);
    expect(await verifyChain(b.store, signer)).toMatchObject({ ok: true, checked: 40, streams: 1, checkpoints: 4 });
    expect(await verifyChain(b.store, signer, { from: T0 + 5 * HOUR, to: T0 + 15 * HOUR })).toMatchObject({ ok: true, checked: 10 });
  });

  it('reports an altered column as the first altered record', async () => {
    b = await seeded(kind);
    await b.exec("UPDATE audit_events SET model_served = 'tampered' WHERE seq = 17");
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'altered', seq: 17 });
  });

  it('reports a rewritten record whose own hash was recomputed', async () => {
    b = await seeded(kind);
    // Copy record 13's content and hash over record 12: self-consistent, but 13 no longer links.
    await b.exec("UPDATE audit_events SET hash = 'f'||substr(hash, 2) WHERE seq = 12");
    const r = await verifyChain(b.store, signer);
    expect(r.problem?.kind).toBe('altered');
    expect(r.problem?.seq).toBe(12);
  });

  it('reports deleted records in the middle and at the tail', async () => {
    b = await seeded(kind);
    await b.exec('DELETE FROM audit_events WHERE seq IN (21, 22)');
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'deleted', seq: 21 });
    await b.cleanup();
    b = await seeded(kind);
    await b.exec('DELETE FROM audit_events WHERE seq > 35');
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'deleted', seq: 36 });
  });

  it('reports a record spliced into the middle as inserted', async () => {
    b = await seeded(kind);
    const prev = (await b.store.readChain('gw1', 23, 1))[0]!;
    const forgedEvent = { ...prev.event, id: 'forged', operation: 'nothing to see' };
    const forged = { stream: 'gw1', seq: 25, prevHash: prev.hash, hash: chainHash(prev.hash, 'gw1', 25, forgedEvent), event: forgedEvent };
    // Make room at seq 25 (unpinned by a checkpoint) (two steps, so a primary key never sees a duplicate), then splice the forgery in.
    await b.exec('UPDATE audit_events SET seq = -(seq + 1) WHERE seq >= 25');
    await b.exec('UPDATE audit_events SET seq = -seq WHERE seq < 0');
    const row = eventToRow(forged);
    const cols = Object.keys(row);
    const ph = cols.map((_, i) => (kind === 'sqlite' ? '?' : `$${i + 1}`));
    await b.exec(`INSERT INTO audit_events (${cols.join(',')}) VALUES (${ph.join(',')})`, cols.map((c) => row[c]));
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'inserted', seq: 25, id: 'forged' });
  });

  it('rejects a checkpoint with a bad signature, and one signed with another key', async () => {
    b = await seeded(kind);
    expect((await verifyChain(b.store, hmacCheckpointSigner(Buffer.from('other-key')))).problem).toMatchObject({ kind: 'bad-checkpoint', seq: 10 });
    await b.exec("UPDATE audit_checkpoints SET hash = 'x' WHERE seq = 20");
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'bad-checkpoint', seq: 20 });
  });

  it('catches a chain rewritten from scratch against the signed checkpoints', async () => {
    b = await seeded(kind);
    // Delete the last 5 records and their checkpoint row cannot be forged without the key.
    await b.exec('DELETE FROM audit_events WHERE seq > 38');
    expect((await verifyChain(b.store, signer)).problem).toMatchObject({ kind: 'deleted', seq: 39 });
  });
});
