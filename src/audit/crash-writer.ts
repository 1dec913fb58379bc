// Test support for the kill -9 durability test (crash.test.ts): a separate process that writes audit
// events as fast as it can and reports on stdout what it has been promised, until it is killed.
// Usage: crash-writer.ts <sqlite|postgres> <db path | pg schema> <spool path> <strict|batched> <interval ms>
import { hmacCheckpointSigner } from './chain.ts';
import { sampleInteraction } from './fixtures.ts';
import { createAuditLog } from './log.ts';
import { openPostgresAuditStore } from './postgres/postgres-store.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-store.ts';
import { PG_URL } from './testing.ts';

const [kind, location, spoolPath, durability, interval] = process.argv.slice(2);
if (!kind || !location || !spoolPath || (durability !== 'strict' && durability !== 'batched') || !interval) {
  process.stderr.write('usage: crash-writer.ts <sqlite|postgres> <location> <spool> <strict|batched> <interval>\n');
  process.exit(2);
}
const store =
  kind === 'sqlite' ? openSqliteAuditStore({ path: location, synchronous: 'FULL' }) : await openPostgresAuditStore({ connectionString: PG_URL, schema: location });
const log = await createAuditLog({
  store,
  stream: 'crash',
  durability,
  batchInterval: Number(interval),
  batchSize: 10_000,
  maxQueue: 1_000_000,
  spoolPath,
  signer: hmacCheckpointSigner(Buffer.from('crash-key')),
  checkpointEvery: 100,
  // Batched mode: a commit covers every event up to this seq (seq i is the i-th event recorded).
  onCommit: (seq) => void process.stdout.write(`committed ${seq}\n`),
});
process.stdout.write('ready\n');
let next = 1;
const base = Date.now();
async function writer(): Promise<void> {
  for (;;) {
    const i = next++;
    const ok = log.record({ ...sampleInteraction(i, base + i), id: `k${i}` });
    if (durability === 'strict') {
      if (await ok) process.stdout.write(`ack ${i}\n`);
    } else {
      process.stdout.write(`rec ${i}\n`);
      // Yield so the batch timer runs, as a server between requests would.
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
  }
}
// Several concurrent callers, as on a busy gateway (strict mode commits them as a group).
await Promise.all(Array.from({ length: durability === 'strict' ? 8 : 1 }, () => writer()));
