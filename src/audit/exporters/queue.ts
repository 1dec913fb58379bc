// Every exporter sits behind its own bounded queue: pushing never blocks or throws, a down receiver
// makes the backlog grow only to its bound (then the oldest events are dropped and counted), and
// failed sends are retried with exponential back-off.
import type { StoredEvent } from '../rows.ts';

/** One destination. `send` throws (or rejects) when the batch did not arrive, so it is retried. */
export interface Exporter {
  readonly name: string;
  send(events: readonly StoredEvent[]): Promise<void>;
  close?(): Promise<void>;
}

export interface ExporterStats {
  readonly name: string;
  readonly sent: number;
  readonly dropped: number;
  readonly failures: number;
  readonly backlog: number;
}

export interface ExportQueueOptions {
  readonly maxBacklog: number;
  readonly batchSize?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export class ExportQueue {
  private backlog: StoredEvent[] = [];
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoff: number;
  private closed = false;
  private sent = 0;
  private dropped = 0;
  private failures = 0;

  constructor(
    readonly exporter: Exporter,
    private readonly opts: ExportQueueOptions,
  ) {
    this.backoff = opts.minBackoffMs ?? 100;
  }

  push(events: readonly StoredEvent[]): void {
    if (this.closed) return;
    this.backlog.push(...events);
    const over = this.backlog.length - this.opts.maxBacklog;
    if (over > 0) {
      this.backlog.splice(0, over);
      this.dropped += over;
    }
    if (!this.timer) this.pump();
  }

  stats(): ExporterStats {
    return { name: this.exporter.name, sent: this.sent, dropped: this.dropped, failures: this.failures, backlog: this.backlog.length };
  }

  private pump(): void {
    if (this.sending || this.backlog.length === 0 || this.closed) return;
    this.sending = this.sendOnce().finally(() => {
      this.sending = undefined;
    });
  }

  private async sendOnce(): Promise<void> {
    const batch = this.backlog.slice(0, this.opts.batchSize ?? 500);
    try {
      await this.exporter.send(batch);
      // Events may have been dropped from the front while this batch was in flight; remove exactly the sent ones.
      const done = new Set(batch);
      this.backlog = this.backlog.filter((e) => !done.has(e));
      this.sent += batch.length;
      this.backoff = this.opts.minBackoffMs ?? 100;
      if (this.backlog.length > 0) setImmediate(() => this.pump());
    } catch {
      this.failures++;
      const wait = this.backoff;
      this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 30_000);
      if (!this.closed) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        this.timer.unref();
      }
    }
  }

  /** Waits until the backlog is empty or `timeoutMs` passes (for shutdown and tests). */
  async drain(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.backlog.length > 0 && Date.now() < deadline) {
      if (!this.sending && !this.timer) this.pump();
      await (this.sending ?? new Promise((r) => setTimeout(r, 10)));
    }
    return this.backlog.length === 0;
  }

  async close(): Promise<void> {
    // A receiver in back-off is down: waiting for it would only delay shutdown.
    if (!this.timer) await this.drain(2_000);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sending;
    await this.exporter.close?.();
  }
}
