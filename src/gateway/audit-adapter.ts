// Turns what the gateway saw into audit events: one AIInteraction per model call (findings, labels, policy
// matches, tokens, latency — never prompt or response text), one PolicyMatch per matched rule, and an
// AccessDenied for every refusal. Prompt and response text go to the encrypted content store only when a
// policy asks to capture them.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { newId, type Principal } from '../core/index.ts';
import type { AuditSystem } from '../audit/index.ts';
import type { Decision, Outcome } from '../policy/index.ts';
import { extractRequest, extractResponse } from './inspect/segments.ts';
import type { AlertDispatcher } from './alerts.ts';
import type { GatewayAudit, InteractionRecord } from './server.ts';

type MatchAction = 'allow' | 'audit' | 'redact' | 'block' | 'require-approval' | 'override';

function matchAction(action: Outcome, overridden: boolean): MatchAction {
  switch (action) {
    case 'allow':
    case 'audit':
    case 'alert':
      return action === 'allow' ? 'allow' : 'audit';
    case 'redact':
      return 'redact';
    case 'block-with-override':
      return overridden ? 'override' : 'block';
    case 'block':
      return 'block';
  }
}

function principalOf(p: Principal) {
  return { id: p.id, kind: p.kind, name: p.name, groups: [...p.groups] };
}

function matchesOf(decision: Decision | undefined) {
  return (decision?.matches ?? []).map((m) => ({
    policy: m.policy,
    rule: m.rule,
    action: matchAction(m.action, decision?.overridden ?? false),
    mode: m.mode,
  }));
}

export class AuditAdapter implements GatewayAudit {
  readonly #audit: AuditSystem;
  readonly #logger: Logger;
  readonly #alerts: AlertDispatcher | undefined;
  /** Principal id → when its last SignIn event was recorded (bounded; one per principal per interval). */
  readonly #signIns = new Map<string, number>();

  constructor(audit: AuditSystem, logger: Logger, alerts?: AlertDispatcher) {
    this.#audit = audit;
    this.#logger = logger;
    this.#alerts = alerts;
  }

  #record(event: Record<string, unknown>): void {
    this.#audit.log.record(event).then(
      (ok) => {
        if (!ok) this.#logger.warn({ recordType: event['recordType'] }, 'audit event not recorded');
      },
      () => undefined,
    );
  }

  interaction(r: InteractionRecord): void {
    const extracted = extractRequest(r.api, r.body);
    const messages = extracted.segments.map((s) => ({ role: s.source, size: s.text.length, isPrompt: true, source: s.source }));
    const decisions = [r.prompt?.decision, r.response?.decision];
    const findings = [...(r.prompt?.findings ?? []), ...(r.response?.findings ?? [])].map((f) => ({
      type: f.type,
      confidence: f.confidence,
      count: f.count,
      location: `${f.location}:${f.source}`,
    }));
    const policyMatches = [...matchesOf(r.prompt?.decision), ...matchesOf(r.response?.decision)];
    const inspectMs = (r.prompt?.ms ?? 0) + (r.response?.ms ?? 0);
    const id = r.requestId;
    const event = {
      recordType: 'AIInteraction',
      id,
      time: r.time,
      operation: r.api,
      principal: principalOf(r.principal),
      ...(r.principal.kind === 'agent' ? { agent: { id: r.principal.id, name: r.principal.name } } : {}),
      app: { ...(r.app !== undefined ? { name: r.app } : {}), ...(r.userAgent !== undefined ? { userAgent: r.userAgent.slice(0, 512) } : {}) },
      clientIp: r.clientIp,
      outcome: r.outcome,
      ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
      findings,
      policyMatches,
      model: { requested: r.model, ...(r.servedBy ? { served: r.servedBy.model } : {}) },
      ...(r.servedBy ? { provider: r.servedBy.provider, backend: r.servedBy.upstream } : {}),
      messages,
      ...(r.usage ? { tokens: { in: r.usage.inputTokens, out: r.usage.outputTokens } } : {}),
      latency: { totalMs: round(r.totalMs), addedMs: round(Math.max(0, r.totalMs - r.upstreamMs, inspectMs)) },
      sensitivityLabels: [...new Set([...(r.prompt?.labels ?? []), ...(r.response?.labels ?? [])])],
      ...(extracted.notInspected > 0 ? { uninspectedParts: extracted.notInspected } : {}),
    };
    const capture = decisions.some((d) => d?.capture === true);
    if (capture && this.#audit.content !== undefined) {
      // Captured content is the original text (before redaction), sealed for the content-reader role.
      const prompt = extracted.segments.map((s) => `[${s.source}] ${s.text}`).join('\n');
      const response = r.responseText ?? (r.responseBody !== undefined ? extractResponse(r.api, r.responseBody).segments.map((s) => s.text).join('\n') : '');
      this.#audit.content.capture(id, r.principal.id, { prompt, response }).then(
        (ref) => this.#record(ref.ok ? { ...event, contentRef: ref.value } : event),
        () => this.#record(event),
      );
    } else {
      this.#record(event);
    }
    if (this.#alerts?.enabled === true) {
      for (const [location, inspection] of [['prompt', r.prompt], ['response', r.response]] as const) {
        const d = inspection?.decision;
        if (d === undefined || d.alerts.length === 0) continue;
        this.#alerts.dispatch(d.alerts, {
          subjectId: id,
          principal: r.principal,
          location,
          target: r.model,
          outcome: r.outcome,
          findings: (inspection?.findings ?? []).map((f) => ({ type: f.type, count: f.count })),
        });
      }
    }
    for (const d of decisions) {
      if (d === undefined) continue;
      for (const m of d.matches) {
        this.#record({
          recordType: 'PolicyMatch',
          id: newId('pm'),
          time: r.time,
          operation: `${m.policy}/${m.rule}`,
          principal: principalOf(r.principal),
          clientIp: r.clientIp,
          outcome: m.mode === 'simulate' ? 'success' : m.action === 'block' || m.action === 'block-with-override' ? (d.overridden ? 'success' : 'blocked') : m.action === 'redact' ? 'redacted' : 'success',
          subjectId: id,
          findings: Object.entries(m.types).map(([type, count]) => ({ type, confidence: 0, count })),
          policyMatches: [{ policy: m.policy, rule: m.rule, action: matchAction(m.action, d.overridden), mode: m.mode }],
          ...(d.overridden && r.overrideJustification !== undefined ? { justification: r.overrideJustification.slice(0, 1000) } : {}),
        });
      }
    }
  }

  /**
   * A SignIn event the first time a principal is seen, and again after SIGN_IN_INTERVAL: per-request sign-in
   * records would drown the log, yet an analyst needs to see who started using the gateway, from where, how.
   */
  signIn(principal: Principal, clientIp: string, userAgent: string | undefined): void {
    const now = Date.now();
    const last = this.#signIns.get(principal.id);
    if (last !== undefined && now - last < SIGN_IN_INTERVAL) return;
    if (this.#signIns.size >= 100_000) this.#signIns.clear();
    this.#signIns.set(principal.id, now);
    this.#record({
      recordType: 'SignIn',
      id: newId('si'),
      time: now,
      operation: principal.authMethod === 'jwt' ? 'TokenSignIn' : 'ApiKeySignIn',
      principal: principalOf(principal),
      ...(principal.kind === 'agent' ? { agent: { id: principal.id, name: principal.name } } : {}),
      ...(userAgent !== undefined ? { app: { userAgent: userAgent.slice(0, 512), ...(principal.clientAppId !== undefined ? { name: principal.clientAppId } : {}) } } : {}),
      clientIp,
      method: principal.authMethod === 'jwt' ? `oidc:${principal.issuer ?? ''}` : 'api-key',
    });
  }

  adminAction(principal: Principal, operation: string, target: string, details: Record<string, string | number | boolean | null> = {}): void {
    this.#record({ recordType: 'AdminAction', id: newId('aa'), time: Date.now(), operation, principal: principalOf(principal), target, details });
  }

  denied(req: FastifyRequest, principal: Principal | undefined, reason: string, resource?: string): void {
    this.#record({
      recordType: 'AccessDenied',
      id: newId('ad'),
      time: Date.now(),
      operation: `${req.method} ${req.routeOptions.url ?? req.url.split('?', 1)[0] ?? ''}`,
      ...(principal ? { principal: principalOf(principal) } : {}),
      clientIp: req.palisade?.clientIp ?? req.socket.remoteAddress ?? '',
      outcome: 'denied',
      errorCode: reason,
      reason,
      ...(resource !== undefined ? { resource } : {}),
    });
  }
}

const SIGN_IN_INTERVAL = 15 * 60_000;

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

