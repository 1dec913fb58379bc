// The JSON-RPC errors Palisade answers MCP clients with, shared by the tool and the resource/prompt pipelines.
import { McpError } from '@modelcontextprotocol/sdk/types.js';

/** JSON-RPC error codes Palisade answers with (implementation-defined range); `data.code` is the Palisade code. */
export const MCP_ERROR = {
  forbidden: -32010,
  quarantined: -32011,
  blocked: -32012,
  approvalDenied: -32013,
  unknownTool: -32602,
  upstream: -32014,
  /** Rate limit or token budget reached; `data.retryAfter` says when to try again. */
  limited: -32015,
} as const;

export function refusal(code: number, palisadeCode: string, message: string, extra: Record<string, unknown> = {}): McpError {
  return new McpError(code, message, { code: palisadeCode, ...extra });
}
