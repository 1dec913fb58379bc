// Policy alerts to webhooks: batched JSON POSTs signed with HMAC-SHA256 (`x-palisade-signature`, the same
// scheme as the audit webhook exporter), retried with exponential back-off. A webhook that is down never
// slows a request: each has a bounded backlog whose drops are counted. Alerts name the policy, the rule,
// the caller and the finding types — never any content.
import { request } from 'undici';
import { newId, type AlertsConfig, type Principal } from '../core/index.ts';
import { webhookSignature } from '../audit/index.ts';
import type { Alert } from '../policy/index.ts';

export interface AlertPayload {
  readonly id: string;
  readonly time: string;
  readonly severity: 'low' | 'medium' | 'high';
  readonly policy: string;
  readonly rule: string;
  readonly simulated: boolean;
  readonly location: string;
  /** The interaction or tool call that raised it (the audit event id). */
  readonly subjectId: string;
  readonly principal: { readonly id: string; readonly kind: string; readonly name: string };
  readonly target?: string;
  readonly outcome: string;
  readonly findings: readonly { readonly type: string; readonly count: number }[];
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2 } as const;

class WebhookQueue {
  readonly #hook: AlertsConfig['webhooks'][number];
  readonly #maxBacklog: number;
  readonly #backlog: AlertPayload[] = [];
  #sending = false;
  #backoff = 200;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  sent = 0;
  dropped = 0;
  failures = 0;

  constructor(hook: AlertsConfig['webhooks'][number], maxBacklog: number) {
    this.#hook = hook;
    this.#maxBacklog = maxBacklog;
  }

  accepts(a: AlertPayload): boolean {
    return SEVERITY_RANK[a.severity] >= SEVERITY_RANK[this.#hook.minSeverity] && (!a.simulated || this.#hook.includeSimulated);
  }

  push(a: AlertPayload): void {
    if (this.#closed) return;
    this.#backlog.push(a);
    if (this.#backlog.length > this.#maxBacklog) {
      this.#backlog.shift();
      this.dropped++;
    }
    if (this.#timer === undefined) this.#pump();
  }

  #pump(): void {
    if (this.#sending || this.#backlog.length === 0 || this.#closed) return;
    this.#sending = true;
    const batch = this.#backlog.slice(0, 100);
    this.#send(batch).then(
      () => {
        this.#backlog.splice(0, this.#backlog.indexOf(batch.at(-1) as AlertPayload) + 1);
        this.sent += batch.length;
        this.#backoff = 200;
        this.#sending = false;
        if (this.#backlog.length > 0) setImmediate(() => this.#pump());
      },
      () => {
        this.failures++;
        this.#sending = false;
        const wait = this.#backoff;
        this.#backoff = Math.min(this.#backoff * 2, 60_000);
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, wait * (0.5 + Math.random() / 2));
        this.#timer.unref();
      },
    );
  }

  async #send(batch: readonly AlertPayload[]): Promise<void> {
    const body = JSON.stringify({ alerts: batch });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-palisade-timestamp': ts };
    if (this.#hook.secret !== undefined) headers['x-palisade-signature'] = webhookSignature(this.#hook.secret.reveal(), ts, body);
    const res = await request(this.#hook.url, { method: 'POST', headers, body, headersTimeout: this.#hook.timeout, bodyTimeout: this.#hook.timeout });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`alert webhook answered ${res.statusCode}`);
  }

  /** Waits (bounded) for the backlog to drain, then stops. */
  async close(deadlineMs = 2_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while ((this.#backlog.length > 0 || this.#sending) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

export class AlertDispatcher {
  readonly #queues: WebhookQueue[];

  constructor(config: AlertsConfig) {
    this.#queues = config.webhooks.map((h) => new WebhookQueue(h, config.maxBacklog));
  }

  get enabled(): boolean {
    return this.#queues.length > 0;
  }

  dispatch(
    alerts: readonly Alert[],
    ctx: { subjectId: string; principal: Principal; location: string; target?: string; outcome: string; findings: readonly { type: string; count: number }[] },
  ): void {
    if (this.#queues.length === 0) return;
    for (const a of alerts) {
      const payload: AlertPayload = {
        id: newId('alert'),
        time: new Date().toISOString(),
        severity: a.severity,
        policy: a.policy,
        rule: a.rule,
        simulated: a.simulated,
        location: ctx.location,
        subjectId: ctx.subjectId,
        principal: { id: ctx.principal.id, kind: ctx.principal.kind, name: ctx.principal.name },
        ...(ctx.target !== undefined ? { target: ctx.target } : {}),
        outcome: ctx.outcome,
        findings: ctx.findings,
      };
      for (const q of this.#queues) if (q.accepts(payload)) q.push(payload);
    }
  }

  stats(): { sent: number; dropped: number; failures: number } {
    return this.#queues.reduce((acc, q) => ({ sent: acc.sent + q.sent, dropped: acc.dropped + q.dropped, failures: acc.failures + q.failures }), { sent: 0, dropped: 0, failures: 0 });
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.close()));
  }
}
