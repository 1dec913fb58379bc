// Maps the MCP gateway's events onto the audit log's record schema (src/audit/events.ts). A ToolInvocation
// record's `operation` says what was invoked (tools/call, resources/read, prompts/get) and its resource
// `tool` is the tool name, resource URI or prompt name; integrity changes become AdminAction records.
import type { AuditEventInput } from '../audit/index.ts';
import type { McpEvent, ToolCallDecision } from './types.ts';

const OUTCOME: Record<ToolCallDecision, 'success' | 'failure' | 'blocked' | 'redacted' | 'denied'> = {
  allowed: 'success',
  redacted: 'redacted',
  denied: 'denied',
  quarantined: 'blocked',
  'blocked-input': 'blocked',
  'blocked-output': 'blocked',
  'approval-denied': 'denied',
  'approval-expired': 'denied',
  'upstream-error': 'failure',
  'unknown-tool': 'failure',
};

export function toAuditEvent(event: McpEvent): AuditEventInput {
  if (event.recordType === 'ToolInvocation') {
    return {
      recordType: 'ToolInvocation',
      id: event.id,
      time: event.time,
      operation: event.operation,
      principal: { id: event.caller.id, kind: event.caller.kind, name: event.caller.name, groups: [...event.caller.groups] },
      ...(event.clientIp !== undefined ? { clientIp: event.clientIp } : {}),
      outcome: OUTCOME[event.decision],
      ...(event.decision !== 'allowed' && event.decision !== 'redacted' ? { errorCode: event.decision } : {}),
      findings: event.findings.map((f) => ({ type: f.type, confidence: f.confidence, location: f.location, detector: f.detector })),
      resources: [{ server: event.server, tool: event.tool }],
      ...(event.definitionHash !== undefined ? { definitionHash: event.definitionHash } : {}),
      argumentBytes: event.argumentBytes,
      resultBytes: event.resultBytes,
      decision: event.decision,
      ...(event.sessionId !== undefined ? { conversationId: event.sessionId } : {}),
      latency: { totalMs: event.latencyMs, addedMs: Math.max(0, event.latencyMs - (event.upstreamMs ?? 0)) },
    };
  }
  // Integrity changes are not a caller's action; AdminAction carries a target and free-form details.
  return {
    recordType: 'AdminAction',
    id: event.id,
    time: event.time,
    operation: `mcp-tool-${event.change}`,
    outcome: event.change === 'quarantined' ? 'blocked' : 'success',
    target: `${event.server}__${event.tool}`,
    details: {
      reasons: event.reasons.join(','),
      signals: event.signals.join(','),
      definitionHash: event.definitionHash,
      ...(event.previousHash !== undefined ? { previousHash: event.previousHash } : {}),
      ...(event.actor !== undefined ? { actor: event.actor } : {}),
    },
  };
}
