// The write path the gateway calls on every request. `record()` never throws and never waits for the
// database in batched mode: events queue in memory (bounded) and are written in batches off the request
// path. Each batch goes to a write-ahead spool file first, so a crash or a database outage loses at most
// the events still in memory (one interval), and an unclean stop is itself recorded on the next start.
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { SYSTEM_CLOCK, type Clock } from '../core/index.ts';
import { GENESIS_HASH, chainHash, chainLink } from './canonical.ts';
import type { CheckpointSigner } from './chain.ts';
import { normalizeEvent, type AuditEvent } from './events.ts';
import type { StoredEvent } from './rows.ts';
import type { AuditStore, Checkpoint } from './store.ts';

export type Durability = 'strict' | 'batched';

export interface AuditLogOptions {
  readonly store: AuditStore;
  /** This writer's hash-chain stream; one writer per stream. */
  readonly stream: string;
  readonly durability: Durability;
  /** Milliseconds between batch writes in batched mode. */
  readonly batchInterval: number;
  readonly batchSize: number;
  /** Events held in memory; beyond it callers wait (and beyond twice it, events are dropped and counted). */
  readonly maxQueue: number;
  readonly spoolPath: string;
  readonly signer: CheckpointSigner;
  readonly checkpointEvery: number;
  readonly clock?: Clock;
  /** Told about write failures by code only (no event content); for logs and metrics. */
  readonly onError?: (code: 'write_failed' | 'spool_failed' | 'invalid_event', detail: string) => void;
  /** Called after each committed batch with the stream's last committed seq. */
  readonly onCommit?: (lastSeq: number) => void;
  /** Called for every committed event (exporters). */
  readonly onEvents?: (events: readonly StoredEvent[]) => void;
}

export interface AuditLogStats {
  readonly queued: number;
  readonly waiting: number;
  readonly written: number;
  readonly dropped: number;
  readonly rejected: number;
  readonly failedWrites: number;
  readonly lastSeq: number;
}

export interface AuditLog {
  /**
   * Queues an event. Resolves `true` once it is as durable as the mode promises (batched: queued;
   * strict: committed), `false` if it was invalid or dropped under overload. Never rejects.
   */
  record(event: unknown): Promise<boolean>;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Flushes, writes a final signed checkpoint and marks the spool clean; does not close the store. */
  close(): Promise<void>;
  stats(): AuditLogStats;
  /** Whether queued events exceed the memory bound (callers should slow down). */
  readonly saturated: boolean;
  readonly store: AuditStore;
  readonly stream: string;
}

interface Pending {
  readonly event: AuditEvent;
  readonly done?: (ok: boolean) => void;
}

interface SpoolState {
  readonly clean: boolean;
  readonly pid: number;
  readonly stream: string;
  readonly lastSeq: number;
  readonly lastCommitAt: number;
  /** The stopped process's promise, which bounds what it could have lost. */
  readonly durability?: Durability;
  readonly batchInterval?: number;
}

/** Opens the write path: replays the spool left by a previous run, records an unclean stop, starts the timer. */
export async function createAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const statePath = `${opts.spoolPath}.state`;
  let previous: SpoolState | undefined;
  if (existsSync(statePath)) {
    try {
      previous = JSON.parse(readFileSync(statePath, 'utf8')) as SpoolState;
    } catch {
      previous = { clean: false, pid: 0, stream: opts.stream, lastSeq: 0, lastCommitAt: 0 };
    }
  }
  let head = (await opts.store.head(opts.stream)) ?? { seq: 0, hash: GENESIS_HASH };
  const committedBefore = head.seq;
  const replayed = await replaySpool(opts, head);
  head = replayed.head;
  const log = new BatchingAuditLog(opts, clock, head);
  log.writeState(false);
  if (previous && !previous.clean) {
    // The loss itself goes into the chain, so a reader of the log sees the gap.
    void log.record({
      recordType: 'AdminAction',
      id: `audit-gap-${opts.stream}-${clock.now()}`,
      time: clock.now(),
      operation: 'AuditUncleanShutdown',
      outcome: 'failure',
      target: 'audit',
      details: {
        previousPid: previous.pid,
        lastCommittedSeq: committedBefore,
        lastCommitAt: previous.lastCommitAt,
        durability: previous.durability ?? 'batched',
        maxLossMs: previous.durability === 'strict' ? 0 : (previous.batchInterval ?? opts.batchInterval),
        replayedFromSpool: replayed.count,
      },
    });
  }
  return log;
}

async function replaySpool(opts: AuditLogOptions, head: { seq: number; hash: string }): Promise<{ head: { seq: number; hash: string }; count: number }> {
  if (!existsSync(opts.spoolPath)) return { head, count: 0 };
  const lines = readFileSync(opts.spoolPath, 'utf8').split('\n');
  const replay: StoredEvent[] = [];
  let cur = head;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let s: StoredEvent;
    try {
      s = JSON.parse(line) as StoredEvent;
    } catch {
      // A torn last line was never acknowledged: the batch it belonged to never committed.
      break;
    }
    if (s.stream !== opts.stream || s.seq <= cur.seq) continue;
    if (s.seq !== cur.seq + 1 || s.prevHash !== cur.hash || chainHash(s.prevHash, s.stream, s.seq, s.event) !== s.hash) break;
    replay.push(s);
    cur = { seq: s.seq, hash: s.hash };
  }
  if (replay.length > 0) await opts.store.append(replay);
  writeFileSync(opts.spoolPath, '');
  return { head: cur, count: replay.length };
}

class BatchingAuditLog implements AuditLog {
  readonly store: AuditStore;
  readonly stream: string;
  private queue: Pending[] = [];
  private waiters: Pending[] = [];
  /** A batch with seqs assigned whose commit failed; retried first, with the same seqs. */
  private unsent: StoredEvent[] | undefined;
  private unsentDone: Pending[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate = false;
  private closed = false;
  private written = 0;
  private dropped = 0;
  private rejected = 0;
  private failedWrites = 0;
  private sinceCheckpoint = 0;
  private readonly spoolFd: number;

  constructor(
    private readonly opts: AuditLogOptions,
    private readonly clock: Clock,
    private head: { seq: number; hash: string },
  ) {
    this.store = opts.store;
    this.stream = opts.stream;
    this.spoolFd = openSync(opts.spoolPath, 'a');
    if (opts.durability === 'batched') {
      this.timer = setInterval(() => void this.flush(), Math.max(1, opts.batchInterval));
      this.timer.unref();
    }
  }

  get saturated(): boolean {
    return this.queue.length >= this.opts.maxQueue;
  }

  stats(): AuditLogStats {
    return {
      queued: this.queue.length + (this.unsent?.length ?? 0),
      waiting: this.waiters.length,
      written: this.written,
      dropped: this.dropped,
      rejected: this.rejected,
      failedWrites: this.failedWrites,
      lastSeq: this.head.seq,
    };
  }

  writeState(clean: boolean): void {
    const state: SpoolState = {
      clean,
      pid: process.pid,
      stream: this.stream,
      lastSeq: this.head.seq,
      lastCommitAt: this.clock.now(),
      durability: this.opts.durability,
      batchInterval: this.opts.batchInterval,
    };
    try {
      writeFileSync(`${this.opts.spoolPath}.state`, JSON.stringify(state));
    } catch (e) {
      this.opts.onError?.('spool_failed', (e as NodeJS.ErrnoException).code ?? 'state');
    }
  }

  record(input: unknown): Promise<boolean> {
    const n = normalizeEvent(input);
    if (!n.ok) {
      this.rejected++;
      this.opts.onError?.('invalid_event', n.error);
      return Promise.resolve(false);
    }
    if (this.closed) {
      this.dropped++;
      return Promise.resolve(false);
    }
    const strict = this.opts.durability === 'strict';
    if (this.queue.length < this.opts.maxQueue) {
      if (!strict) {
        this.queue.push({ event: n.value });
        if (this.queue.length >= this.opts.batchSize) this.soon();
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        this.queue.push({ event: n.value, done: resolve });
        this.soon();
      });
    }
    // Over the bound: the caller waits for room (back-pressure); past a second bound the event is dropped and counted.
    if (this.waiters.length >= this.opts.maxQueue) {
      this.dropped++;
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      this.waiters.push({ event: n.value, done: resolve });
      this.soon();
    });
  }

  private soon(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => {
      this.immediate = false;
      void this.flush();
    });
  }

  flush(): Promise<void> {
    if (this.writing) return this.writing.then(() => (this.hasWork() ? this.flush() : undefined));
    if (!this.hasWork()) return Promise.resolve();
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private hasWork(): boolean {
    return this.unsent !== undefined || this.queue.length > 0 || this.waiters.length > 0;
  }

  private admitWaiters(): void {
    const strict = this.opts.durability === 'strict';
    while (this.waiters.length > 0 && this.queue.length < this.opts.maxQueue) {
      const w = this.waiters.shift();
      if (!w) break;
      if (!strict) {
        w.done?.(true);
        this.queue.push({ event: w.event });
      } else {
        this.queue.push(w);
      }
    }
  }

  private async drain(): Promise<void> {
    while (this.hasWork()) {
      let batch: StoredEvent[];
      let pending: Pending[];
      let checkpoints: Checkpoint[] = [];
      if (this.unsent) {
        batch = this.unsent;
        pending = this.unsentDone;
      } else {
        pending = this.queue.splice(0, this.opts.batchSize);
        this.admitWaiters();
        batch = [];
        const lines: string[] = [];
        let { seq, hash } = this.head;
        const streamJson = JSON.stringify(this.stream);
        for (const p of pending) {
          seq += 1;
          const link = chainLink(hash, this.stream, seq, p.event);
          batch.push({ stream: this.stream, seq, prevHash: hash, hash: link.hash, event: p.event });
          // The spool line reuses the canonical text the hash was computed over.
          lines.push(`{"stream":${streamJson},"seq":${seq},"prevHash":"${hash}","hash":"${link.hash}","event":${link.canonical}}`);
          hash = link.hash;
        }
        // A failed spool write is reported; the batch still goes to the database, only crash protection is weaker.
        this.spool(lines);
      }
      if (batch.length === 0) continue;
      const last = batch[batch.length - 1];
      if (last && this.sinceCheckpoint + batch.length >= this.opts.checkpointEvery) checkpoints = [this.checkpoint(last.seq, last.hash)];
      try {
        await this.store.append(batch, checkpoints);
      } catch (e) {
        this.failedWrites++;
        this.unsent = batch;
        this.unsentDone = pending;
        this.opts.onError?.('write_failed', e instanceof Error ? e.name : 'error');
        if (!this.closed) setTimeout(() => void this.flush(), Math.max(50, this.opts.batchInterval)).unref();
        return;
      }
      this.unsent = undefined;
      this.unsentDone = [];
      if (last) this.head = { seq: last.seq, hash: last.hash };
      this.sinceCheckpoint = checkpoints.length > 0 ? 0 : this.sinceCheckpoint + batch.length;
      this.written += batch.length;
      try {
        ftruncateSync(this.spoolFd, 0);
      } catch (e) {
        this.opts.onError?.('spool_failed', (e as NodeJS.ErrnoException).code ?? 'truncate');
      }
      this.writeState(false);
      for (const p of pending) p.done?.(true);
      this.opts.onCommit?.(this.head.seq);
      this.opts.onEvents?.(batch);
    }
  }

  /** Appends the batch to the spool and syncs it; in strict mode the database commit is the durable point. */
  private spool(lines: readonly string[]): void {
    if (this.opts.durability === 'strict' || lines.length === 0) return;
    try {
      writeSync(this.spoolFd, lines.join('\n') + '\n');
      fdatasyncSync(this.spoolFd);
    } catch (e) {
      this.opts.onError?.('spool_failed', (e as NodeJS.ErrnoException).code ?? 'write');
    }
  }

  private checkpoint(seq: number, hash: string): Checkpoint {
    const c = { stream: this.stream, seq, hash, time: this.clock.now(), kind: 'checkpoint' as const };
    return { ...c, signature: this.opts.signer.sign(c) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.unsent) {
      // The database is unreachable: the spool keeps the batch for the next start; the stop is not clean.
      closeSync(this.spoolFd);
      return;
    }
    if (this.sinceCheckpoint > 0) {
      try {
        await this.store.append([], [this.checkpoint(this.head.seq, this.head.hash)]);
        this.sinceCheckpoint = 0;
      } catch (e) {
        this.opts.onError?.('write_failed', e instanceof Error ? e.name : 'error');
      }
    }
    closeSync(this.spoolFd);
    this.writeState(true);
  }
}
