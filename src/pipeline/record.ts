// The record step: every audit event the pipeline writes goes through here, built as typed
// `AuditEventInput` (the interaction's own record, its policy matches, sign-ins, denials and admin actions),
// with content captured (sealed) only when a policy asks, and alerts handed to the alert sink. Writing
// never throws into a request: a failing sink is logged by code, never with content.
import { LRUCache } from 'lru-cache';
import type { AuditEventInput } from '../audit/index.ts';
import { newId, type Clock, type PalisadeError, type Principal, type Result } from '../core/index.ts';
import type { Alert } from '../policy/index.ts';
import { interactionRecord, policyMatchRecords, type Interaction } from './interaction.ts';

/** Where audit events go (the audit log's write path). Must not throw; the recorder guards anyway. */
export interface AuditSink {
  record(event: AuditEventInput): void;
}

/** The sealed content store for captured prompts and answers (policies with the capture action). */
export interface ContentSink {
  capture(eventId: string, principalId: string | undefined, content: { prompt: string; response: string }): Promise<Result<string, PalisadeError>>;
}

export interface AlertSink {
  readonly enabled: boolean;
  dispatch(
    alerts: readonly Alert[],
    ctx: { subjectId: string; principal: Principal; location: string; target?: string; outcome: string; findings: readonly { type: string; count: number }[] },
  ): void;
}

export interface RecorderLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RecorderDeps {
  readonly audit: AuditSink;
  readonly content?: ContentSink | undefined;
  readonly alerts?: AlertSink | undefined;
  readonly clock: Clock;
  readonly logger: RecorderLogger;
}

/** A SignIn per principal per interval: per-request sign-in records would drown the log. */
const SIGN_IN_INTERVAL = 15 * 60_000;

export type DeniedStage = 'authenticate' | 'authorize' | 'admit';

export class Recorder {
  readonly #deps: RecorderDeps;
  /** Principal id → last SignIn; keys come from clients, so the map is bounded. */
  readonly #signIns = new LRUCache<string, number>({ max: 100_000, ttl: SIGN_IN_INTERVAL });

  constructor(deps: RecorderDeps) {
    this.#deps = deps;
  }

  #write(event: AuditEventInput): void {
    try {
      this.#deps.audit.record(event);
    } catch (e) {
      this.#deps.logger.error({ recordType: event.recordType, err: { name: (e as Error).name } }, 'audit record failed');
    }
  }

  /**
   * The interaction's record (exactly one), its policy matches, captured content and alerts. Called once,
   * when the interaction ends, whatever happened.
   */
  interaction(ix: Interaction): void {
    const capture = ix.captured !== undefined && this.#deps.content !== undefined;
    const matches = policyMatchRecords(ix, () => newId('pm'));
    if (capture && ix.captured !== undefined && this.#deps.content !== undefined) {
      // Captured content is the original text (before redaction), sealed for the content-reader role.
      this.#deps.content.capture(ix.id, ix.principal.id, ix.captured).then(
        (ref) => this.#write(interactionRecord(ix, ref.ok ? ref.value : undefined)),
        () => this.#write(interactionRecord(ix)),
      );
    } else {
      this.#write(interactionRecord(ix));
    }
    for (const m of matches) this.#write(m);
    this.#alert(ix);
  }

  #alert(ix: Interaction): void {
    const alerts = this.#deps.alerts;
    if (alerts?.enabled !== true) return;
    for (const inspection of [ix.request, ix.response]) {
      if (inspection === undefined || inspection.decision.alerts.length === 0) continue;
      alerts.dispatch(inspection.decision.alerts, {
        subjectId: ix.id,
        principal: ix.principal,
        location: inspection.location,
        target: ix.target.kind === 'model' ? ix.target.model : ix.target.kind === 'tool' ? `${ix.target.server}__${ix.target.name}` : 'scan',
        outcome: ix.outcome,
        findings: inspection.findings.map((f) => ({ type: f.type, count: f.count })),
      });
    }
  }

  /** A SignIn the first time a principal is seen, and again after the interval. */
  signIn(principal: Principal, clientIp: string, userAgent: string | undefined): void {
    const now = this.#deps.clock.now();
    if (this.#signIns.has(principal.id)) return;
    this.#signIns.set(principal.id, now);
    this.#write({
      recordType: 'SignIn',
      id: newId('si'),
      time: now,
      operation: principal.authMethod === 'jwt' ? 'TokenSignIn' : 'ApiKeySignIn',
      principal: { id: principal.id, kind: principal.kind, name: principal.name, groups: [...principal.groups] },
      ...(principal.kind === 'agent' ? { agent: { id: principal.id, name: principal.name } } : {}),
      ...(userAgent !== undefined ? { app: { userAgent: userAgent.slice(0, 512), ...(principal.clientAppId !== undefined ? { name: principal.clientAppId } : {}) } } : {}),
      clientIp,
      method: principal.authMethod === 'jwt' ? `oidc:${principal.issuer ?? ''}` : 'api-key',
    });
  }

  /** A refusal before content was inspected: failed authentication, authorization or admission. */
  denied(d: { operation: string; principal: Principal | undefined; clientIp: string; reason: string; resource?: string | undefined }): void {
    this.#write({
      recordType: 'AccessDenied',
      id: newId('ad'),
      time: this.#deps.clock.now(),
      operation: d.operation,
      ...(d.principal ? { principal: { id: d.principal.id, kind: d.principal.kind, name: d.principal.name, groups: [...d.principal.groups] } } : {}),
      clientIp: d.clientIp,
      outcome: 'denied',
      errorCode: d.reason,
      reason: d.reason,
      ...(d.resource !== undefined ? { resource: d.resource } : {}),
    });
  }

  adminAction(principal: Principal, operation: string, target: string, details: Record<string, string | number | boolean | null> = {}): void {
    this.#write({
      recordType: 'AdminAction',
      id: newId('aa'),
      time: this.#deps.clock.now(),
      operation,
      principal: { id: principal.id, kind: principal.kind, name: principal.name, groups: [...principal.groups] },
      target,
      details,
    });
  }

  /** Any other event a pipeline component emits (MCP tool-integrity changes). */
  event(event: AuditEventInput): void {
    this.#write(event);
  }
}
