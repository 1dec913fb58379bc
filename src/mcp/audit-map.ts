// Maps the MCP gateway's tool-integrity events onto the audit log's record schema (src/audit/events.ts).
// Operations (tools/call, resources/read, prompts/get) are recorded by the pipeline like every interaction.
import type { AuditEventInput } from '../audit/index.ts';
import type { ToolIntegrityEvent } from './types.ts';

/** A tool-integrity change as an AdminAction: it is not a caller's action; the record carries a target and details. */
export function toAuditEvent(event: ToolIntegrityEvent): AuditEventInput {
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
