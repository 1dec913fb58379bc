// One interaction, whatever door it came through: who, through what, to what, what the content held,
// what was decided and what happened. The pipeline fills it step by step; the audit record is built from
// it (typed `AuditEventInput`, no untyped objects) once, when the interaction ends, errors included.
import type { AuditEventInput } from '../audit/index.ts';
import type { ErrorCode, Principal, ProviderKind, SegmentSource } from '../core/index.ts';
import type { Decision, Outcome as PolicyOutcome } from '../policy/index.ts';
import type { ClientApi } from './apis/types.ts';
import type { Inspection } from './inspect/inspector.ts';

/** The door: which surface the interaction arrived on. */
export type Ingress = 'openai' | 'azure-openai' | 'anthropic' | 'mcp' | 'scan';

/** What was asked for: a model API call, an MCP operation, or a scan of text. */
export type Operation = ClientApi | 'tools/call' | 'resources/read' | 'prompts/get' | 'palisade.scan';

export type InteractionOutcome = 'success' | 'failure' | 'blocked' | 'redacted' | 'denied';

/** What an MCP operation's record says was decided (kept for hunting compatibility). */
export type ToolDecision =
  | 'allowed'
  | 'redacted'
  | 'denied'
  | 'quarantined'
  | 'blocked-input'
  | 'blocked-output'
  | 'approval-denied'
  | 'approval-expired'
  | 'upstream-error'
  | 'unknown-tool';

export type Target =
  | { readonly kind: 'model'; readonly model: string }
  | { readonly kind: 'tool'; readonly server: string; /** The upstream's tool name, resource URI or prompt name. */ readonly name: string }
  | { readonly kind: 'none' };

/** A message or part the content held: where it came from and how long it was (never its text). */
export interface SegmentInfo {
  readonly source: SegmentSource;
  readonly size: number;
}

export interface Interaction {
  readonly id: string;
  /** Epoch milliseconds when the interaction was admitted. */
  readonly time: number;
  readonly ingress: Ingress;
  readonly operation: Operation;
  readonly principal: Principal;
  readonly client: { readonly ip: string; readonly userAgent?: string; readonly sessionId?: string };
  /** The calling application (x-palisade-app header, or the token's client app). */
  readonly app: string | undefined;
  readonly target: Target;
  readonly stream: boolean;
  outcome: InteractionOutcome;
  errorCode: ErrorCode | undefined;
  /** An MCP operation's decision, when it is one. */
  toolDecision: ToolDecision | undefined;
  /** Why, for refusals: the deciding policies, the quarantine reasons. */
  reason: string | undefined;
  /** What was sent: sizes and sources of the segments inspected. */
  segments: readonly SegmentInfo[];
  /** Parts that could not be inspected (images, audio, files). */
  notInspected: number;
  request: Inspection | undefined;
  response: Inspection | undefined;
  servedBy: { readonly upstream: string; readonly provider: ProviderKind; readonly model: string } | undefined;
  /** The backend's own HTTP status when it refused the request. */
  upstreamStatus: number | undefined;
  usage: { readonly inputTokens: number; readonly outputTokens: number } | undefined;
  /** MCP: the definition the call was made against; approval; sizes. */
  definitionHash: string | undefined;
  approvalId: string | undefined;
  argumentBytes: number | undefined;
  resultBytes: number | undefined;
  overrideJustification: string | undefined;
  /** Original prompt and response text, only when a policy asked to capture them (sealed, never logged). */
  captured: { prompt: string; response: string } | undefined;
  /** Milliseconds: waiting for the backend, inspecting, in total. */
  readonly timings: { upstreamMs: number; totalMs: number; startedAt: number };
}

export interface NewInteraction {
  readonly id: string;
  readonly time: number;
  readonly ingress: Ingress;
  readonly operation: Operation;
  readonly principal: Principal;
  readonly client: Interaction['client'];
  readonly app?: string | undefined;
  readonly target: Target;
  readonly stream?: boolean;
  readonly overrideJustification?: string | undefined;
}

export function newInteraction(n: NewInteraction): Interaction {
  return {
    id: n.id,
    time: n.time,
    ingress: n.ingress,
    operation: n.operation,
    principal: n.principal,
    client: n.client,
    app: n.app,
    target: n.target,
    stream: n.stream ?? false,
    outcome: 'success',
    errorCode: undefined,
    toolDecision: undefined,
    reason: undefined,
    segments: [],
    notInspected: 0,
    request: undefined,
    response: undefined,
    servedBy: undefined,
    upstreamStatus: undefined,
    usage: undefined,
    definitionHash: undefined,
    approvalId: undefined,
    argumentBytes: undefined,
    resultBytes: undefined,
    overrideJustification: n.overrideJustification,
    captured: undefined,
    timings: { upstreamMs: 0, totalMs: 0, startedAt: performance.now() },
  };
}

type MatchAction = 'allow' | 'audit' | 'redact' | 'block' | 'require-approval' | 'override';

function matchAction(action: PolicyOutcome, overridden: boolean): MatchAction {
  switch (action) {
    case 'allow':
      return 'allow';
    case 'audit':
    case 'alert':
      return 'audit';
    case 'redact':
      return 'redact';
    case 'block-with-override':
      return overridden ? 'override' : 'block';
    case 'block':
      return 'block';
  }
}

function principalOf(p: Principal): NonNullable<AuditEventInput['principal']> {
  return { id: p.id, kind: p.kind, name: p.name, groups: [...p.groups] };
}

function matchesOf(decision: Decision | undefined): NonNullable<AuditEventInput['policyMatches']> {
  return (decision?.matches ?? []).map((m) => ({ policy: m.policy, rule: m.rule, action: matchAction(m.action, decision?.overridden ?? false), mode: m.mode }));
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function findingsOf(ix: Interaction): NonNullable<AuditEventInput['findings']> {
  return [...(ix.request?.findings ?? []), ...(ix.response?.findings ?? [])].map((f) => ({
    type: f.type,
    confidence: f.confidence,
    count: f.count,
    location: `${f.location}:${f.source}`,
    detector: f.detector,
  }));
}

/**
 * The interaction's own record: AIInteraction for model calls and scans, ToolInvocation for MCP
 * operations. Sizes, types, counts and decisions only: never prompt, answer, argument or result text.
 */
export function interactionRecord(ix: Interaction, contentRef?: string): AuditEventInput {
  const inspectMs = (ix.request?.ms ?? 0) + (ix.response?.ms ?? 0);
  const latency = { totalMs: round(ix.timings.totalMs), addedMs: round(Math.max(0, ix.timings.totalMs - ix.timings.upstreamMs, inspectMs)) };
  const common = {
    id: ix.id,
    time: ix.time,
    operation: ix.operation,
    principal: principalOf(ix.principal),
    ...(ix.principal.kind === 'agent' ? { agent: { id: ix.principal.id, name: ix.principal.name } } : {}),
    clientIp: ix.client.ip,
    outcome: ix.outcome,
    ...(ix.errorCode !== undefined ? { errorCode: ix.errorCode } : {}),
    findings: findingsOf(ix),
    policyMatches: [...matchesOf(ix.request?.decision), ...matchesOf(ix.response?.decision)],
    latency,
  };
  if (ix.target.kind === 'tool') {
    return {
      ...common,
      recordType: 'ToolInvocation',
      resources: [{ server: ix.target.server, tool: ix.target.name }],
      ...(ix.definitionHash !== undefined ? { definitionHash: ix.definitionHash } : {}),
      argumentBytes: ix.argumentBytes ?? 0,
      resultBytes: ix.resultBytes ?? 0,
      decision: ix.toolDecision ?? (ix.outcome === 'redacted' ? 'redacted' : ix.outcome === 'success' ? 'allowed' : 'upstream-error'),
      ...(ix.reason !== undefined ? { reason: ix.reason.slice(0, 4096) } : {}),
      ...(ix.approvalId !== undefined ? { approvalId: ix.approvalId } : {}),
      ...(ix.client.sessionId !== undefined ? { conversationId: ix.client.sessionId } : {}),
    };
  }
  const labels = [...new Set([...(ix.request?.labels ?? []), ...(ix.response?.labels ?? [])])];
  return {
    ...common,
    recordType: 'AIInteraction',
    app: { ...(ix.app !== undefined ? { name: ix.app } : {}), ...(ix.client.userAgent !== undefined ? { userAgent: ix.client.userAgent.slice(0, 512) } : {}) },
    model: ix.target.kind === 'model' ? { requested: ix.target.model, ...(ix.servedBy ? { served: ix.servedBy.model } : {}) } : {},
    ...(ix.servedBy ? { provider: ix.servedBy.provider, backend: ix.servedBy.upstream } : {}),
    messages: ix.segments.map((s) => ({ role: s.source, size: s.size, isPrompt: true, source: s.source })),
    ...(ix.usage ? { tokens: { in: ix.usage.inputTokens, out: ix.usage.outputTokens } } : {}),
    sensitivityLabels: labels,
    ...(ix.notInspected > 0 ? { uninspectedParts: ix.notInspected } : {}),
    ...(ix.upstreamStatus !== undefined ? { upstreamStatus: ix.upstreamStatus } : {}),
    ...(contentRef !== undefined ? { contentRef } : {}),
  };
}

/** One PolicyMatch record per matched rule, pointing at the interaction. */
export function policyMatchRecords(ix: Interaction, newId: () => string): AuditEventInput[] {
  const out: AuditEventInput[] = [];
  for (const inspection of [ix.request, ix.response]) {
    const d = inspection?.decision;
    if (d === undefined) continue;
    for (const m of d.matches) {
      const blocking = m.action === 'block' || m.action === 'block-with-override';
      out.push({
        recordType: 'PolicyMatch',
        id: newId(),
        time: ix.time,
        operation: `${m.policy}/${m.rule}`,
        principal: principalOf(ix.principal),
        clientIp: ix.client.ip,
        outcome: m.mode === 'simulate' ? 'success' : blocking ? (d.overridden ? 'success' : 'blocked') : m.action === 'redact' ? 'redacted' : 'success',
        subjectId: ix.id,
        findings: Object.entries(m.types).map(([type, count]) => ({ type, confidence: 0, count })),
        policyMatches: [{ policy: m.policy, rule: m.rule, action: matchAction(m.action, d.overridden), mode: m.mode }],
        ...(d.overridden && ix.overrideJustification !== undefined ? { justification: ix.overrideJustification.slice(0, 1000) } : {}),
      });
    }
  }
  return out;
}
