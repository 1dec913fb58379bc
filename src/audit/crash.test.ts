// kill -9 durability: a writer process is killed without warning; on restart nothing that was promised is
// missing. Strict mode promised every acknowledged event; batched mode promised every event of a
// committed batch, and what it loses (only events still in memory, at most one interval) is recorded as a gap.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacCheckpointSigner, verifyChain } from './chain.ts';
import { createAuditLog } from './log.ts';
import { BACKENDS, openTestBackend, type TestBackend } from './testing.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const signer = hmacCheckpointSigner(Buffer.from('crash-key'));

interface Run {
  /** Highest event acknowledged (strict) or covered by a commit (batched). */
  promised: number;
  /** Highest event the writer reported recording. */
  recorded: number;
}

function runAndKill(args: string[], promisedTarget: number, mode: 'strict' | 'batched'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { promised: 0, recorded: 0 };
    let commits = 0;
    let buf = '';
    let err = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const [word, n] = line.split(' ');
        const v = Number(n);
        if (word === 'ack' || word === 'rec') run.recorded = Math.max(run.recorded, v);
        if (word === 'ack') run.promised = Math.max(run.promised, v);
        if (word === 'committed') {
          run.promised = Math.max(run.promised, v);
          commits++;
        }
      }
      const enough = mode === 'strict' ? run.promised >= promisedTarget : commits >= 3 && run.promised >= promisedTarget;
      if (enough && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, sig) => {
      if (sig === 'SIGKILL') resolve(run);
      else reject(new Error(`writer exited on its own (${code}): ${err.slice(0, 500)}`));
    });
  });
}

describe.each(BACKENDS)('kill -9 durability on %s', (kind) => {
  let b: TestBackend | undefined;
  afterEach(async () => {
    await b?.cleanup();
    b = undefined;
  });

  it.each(['strict', 'batched'] as const)('%s mode keeps every promised event and records the gap', async (mode) => {
    b = await openTestBackend(kind);
    const spool = join(b.dir, 'spool.jsonl');
    const run = await runAndKill([kind, b.location, spool, mode, mode === 'strict' ? '50' : '100'], mode === 'strict' ? 60 : 200, mode);
    expect(run.promised).toBeGreaterThan(0);

    // The next start on the same spool and database.
    const log = await createAuditLog({
      store: b.store, stream: 'crash', durability: 'batched', batchInterval: 50, batchSize: 10_000, maxQueue: 100_000,
      spoolPath: spool, signer, checkpointEvery: 100,
    });
    await log.flush();
    await log.close();

    const rows = await b.store.query("SELECT id FROM audit_events WHERE stream = 'crash'", []);
    const present = new Set(rows.map((r) => String(r['id'])));
    for (let i = 1; i <= run.promised; i++) expect(present.has(`k${i}`), `event ${i} was promised`).toBe(true);
    // Whatever is missing was never promised: only events after the last commit can be lost.
    const missing = Array.from({ length: run.recorded }, (_, i) => i + 1).filter((i) => !present.has(`k${i}`));
    expect(missing.every((i) => i > run.promised)).toBe(true);

    const head = await b.store.head('crash');
    const gap = (await b.store.readChain('crash', (head?.seq ?? 1) - 1, 1))[0]?.event;
    expect(gap).toMatchObject({ recordType: 'AdminAction', operation: 'AuditUncleanShutdown', details: { durability: mode, maxLossMs: mode === 'strict' ? 0 : 100 } });
    expect(await verifyChain(b.store, signer)).toMatchObject({ ok: true });
  });
});
