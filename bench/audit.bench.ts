// npm run bench:audit — audit ingest (batched write path) and hunting-query latency on SQLite and
// PostgreSQL. Ingest is compared with a baseline measured in the same run: the same events appended
// straight to the store, pre-chained, with no queue, spool or hashing. Queries run over BENCH_EVENTS
// seeded events (default 1 000 000) spread over 7 days.
//   BENCH_EVENTS=1000000 BENCH_INGEST=200000 BENCH_BACKENDS=sqlite,postgres npm run bench:audit
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  GENESIS_HASH,
  chainHash,
  createAuditLog,
  hmacCheckpointSigner,
  normalizeEvent,
  openPostgresAuditStore,
  openSqliteAuditStore,
  type AuditStore,
  type StoredEvent,
} from '../src/audit/index.ts';
import { prng, sampleInteraction } from '../src/audit/fixtures.ts';
import { runHunt } from '../src/hunt/index.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const INGEST = Number(process.env['BENCH_INGEST'] ?? 200_000);
const BACKENDS = (process.env['BENCH_BACKENDS'] ?? 'sqlite,postgres').split(',');
const NOW = Date.UTC(2026, 0, 20);
const DAY = 86_400_000;
const QUERIES = {
  'summarize by principal, bin(time, 1h)': 'AIInteractions | where time > ago(1d) | summarize count() by principal, bin(time, 1h)',
  'Findings join AIInteractions': 'Findings | where time > ago(1d) | join kind=inner (AIInteractions | where time > ago(1d) | project eventId = id, app) on eventId | summarize n = count() by type, app',
};

interface Opened {
  store: AuditStore;
  reopen(): Promise<AuditStore>;
  cleanup(): Promise<void>;
}

async function open(kind: string): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  if (kind === 'sqlite') {
    const path = join(dir, 'audit.db');
    const stores = [openSqliteAuditStore({ path, synchronous: 'FULL' })];
    return {
      store: stores[0] as AuditStore,
      reopen: () => Promise.resolve(openSqliteAuditStore({ path })),
      cleanup: async () => {
        for (const s of stores) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `audit_bench_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresAuditStore({ connectionString: PG_URL, schema, maxConnections: 4 });
  return {
    store,
    reopen: () => openPostgresAuditStore({ connectionString: PG_URL, schema }),
    cleanup: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function events(n: number, start: number, span: number, seed: number): unknown[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, i) => sampleInteraction(seed * 10_000_000 + i, start + Math.floor((i / n) * span), r));
}

function chained(inputs: readonly unknown[], stream: string): StoredEvent[] {
  let prev = GENESIS_HASH;
  return inputs.map((input, i) => {
    const e = normalizeEvent(input);
    if (!e.ok) throw new Error(e.error);
    const hash = chainHash(prev, stream, i + 1, e.value);
    const s = { stream, seq: i + 1, prevHash: prev, hash, event: e.value };
    prev = hash;
    return s;
  });
}

async function ingest(kind: string): Promise<{ baseline: number; log: number }> {
  const inputs = events(INGEST, NOW - DAY, DAY, 7);
  // Baseline: pre-chained batches straight into the store.
  const a = await open(kind);
  const pre = chained(inputs, 'baseline');
  let t = performance.now();
  for (let i = 0; i < pre.length; i += 5_000) await a.store.append(pre.slice(i, i + 5_000));
  const baseline = INGEST / ((performance.now() - t) / 1000);
  await a.cleanup();
  // The write path the gateway uses: record() per event, batched mode.
  const b = await open(kind);
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-spool-'));
  const log = await createAuditLog({
    store: b.store, stream: 'bench', durability: 'batched', batchInterval: 100, batchSize: 5_000, maxQueue: 50_000,
    spoolPath: join(dir, 'spool.jsonl'), signer: hmacCheckpointSigner(Buffer.from('bench')), checkpointEvery: 10_000,
  });
  t = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    const accepted = log.record(inputs[i]);
    // A gateway would await when saturated; so does the benchmark (back-pressure, not drops).
    if (log.saturated) await accepted;
  }
  await log.flush();
  const rate = INGEST / ((performance.now() - t) / 1000);
  if (log.stats().written !== INGEST) throw new Error(`wrote ${log.stats().written} of ${INGEST}`);
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  await b.cleanup();
  return { baseline, log: rate };
}

async function queries(kind: string): Promise<Record<string, number>> {
  const o = await open(kind);
  const t = performance.now();
  const CHUNK = 5_000;
  let prev = GENESIS_HASH;
  let seq = 0;
  for (let i = 0; i < TOTAL; i += CHUNK) {
    const n = Math.min(CHUNK, TOTAL - i);
    const r = prng(i + 1);
    const batch: StoredEvent[] = [];
    for (let j = 0; j < n; j++) {
      const k = i + j;
      const e = normalizeEvent(sampleInteraction(k, NOW - 7 * DAY + Math.floor((k / TOTAL) * 7 * DAY), r));
      if (!e.ok) throw new Error(e.error);
      seq++;
      const hash = chainHash(prev, 'seed', seq, e.value);
      batch.push({ stream: 'seed', seq, prevHash: prev, hash, event: e.value });
      prev = hash;
    }
    await o.store.append(batch);
  }
  process.stderr.write(`  seeded ${TOTAL} events into ${kind} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  if (kind === 'postgres') await o.store.query('SELECT 1', []); // warm the pool
  const out: Record<string, number> = {};
  for (const [name, q] of Object.entries(QUERIES)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await runHunt(o.store, q, { now: NOW, maxRows: 100_000 });
      if (!r.ok) throw new Error(r.error.message);
      times.push(performance.now() - s);
    }
    times.sort((x, y) => x - y);
    out[name] = times[2] ?? 0;
  }
  await o.cleanup();
  return out;
}

console.log(`audit benchmark: ingest ${INGEST} events, queries over ${TOTAL} events (node ${process.version})`);
console.log('| backend | baseline append (ev/s) | record() batched (ev/s) | ratio | target | ' + Object.keys(QUERIES).map((q) => `${q} (median of 5, ms)`).join(' | ') + ' |');
console.log('|---|---|---|---|---|' + Object.keys(QUERIES).map(() => '---').join('|') + '|');
for (const kind of BACKENDS) {
  const ing = await ingest(kind);
  const q = await queries(kind);
  const target = kind === 'sqlite' ? 20_000 : 10_000;
  console.log(
    `| ${kind} | ${Math.round(ing.baseline)} | ${Math.round(ing.log)} | ${(ing.log / ing.baseline).toFixed(2)} | ≥ ${target} ${ing.log >= target ? 'met' : 'MISSED'} | ` +
      Object.values(q).map((ms) => `${ms.toFixed(0)}${ms <= 1000 ? '' : ' (over 1 s)'}`).join(' | ') +
      ' |',
  );
}
