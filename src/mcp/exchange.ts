// An MCP operation (tools/call, resources/read, prompts/get) as an interaction of the pipeline: the
// operation's own checks (the tool exists, its definition is approved, Cedar permits) are its authorize
// step; arguments and results are its content; approvals and the upstream call are its forward step.
// Rate limits, budgets, sign-ins, shields, policies and the audit record come from the pipeline, as for
// model calls. Refusals become JSON-RPC errors (Palisade's code in `data.code`).
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { newId, palisadeError, type ErrorCode, type PalisadeError } from '../core/index.ts';
import { Collector, EMPTY_CONTENT, isObj, type Content, type Interaction, type Obj, type Pipeline, type Refusal, type ToolDecision } from '../pipeline/index.ts';
import { MCP_ERROR, refusal as mcpRefusal } from './errors.ts';

export type McpOperation = 'tools/call' | 'resources/read' | 'prompts/get';

export interface McpCaller {
  readonly principal: Interaction['principal'];
  readonly clientIp?: string;
  readonly sessionId?: string;
}

/** A refusal of the operation's own checks, with what its record says. */
export function mcpDenial(code: ErrorCode, message: string, toolDecision: ToolDecision, reason?: string, data: Record<string, unknown> = {}): Refusal {
  const outcome = toolDecision === 'denied' ? 'denied' : toolDecision === 'unknown-tool' || toolDecision === 'upstream-error' ? 'failure' : 'blocked';
  return { error: palisadeError(code, message), outcome, toolDecision, ...(reason !== undefined ? { reason } : {}), cause: withData(code, message, data) };
}

/** The JSON-RPC error for a Palisade error code. */
function withData(code: ErrorCode, message: string, data: Record<string, unknown>): McpError {
  switch (code) {
    case 'not_found':
      return mcpRefusal(MCP_ERROR.unknownTool, 'not_found', message, data);
    case 'tool_quarantined':
      return mcpRefusal(MCP_ERROR.quarantined, 'tool_quarantined', message, data);
    case 'forbidden':
    case 'ip_denied':
    case 'model_not_allowed':
      return mcpRefusal(MCP_ERROR.forbidden, 'forbidden', message, data);
    case 'content_blocked':
    case 'content_blocked_overridable':
      return mcpRefusal(MCP_ERROR.blocked, 'blocked', message, data);
    case 'approval_denied':
    case 'approval_expired':
      return mcpRefusal(MCP_ERROR.approvalDenied, 'approval_denied', message, data);
    case 'rate_limited':
    case 'budget_exceeded':
      return mcpRefusal(MCP_ERROR.limited, code, message, data);
    case 'upstream_unavailable':
    case 'upstream_error':
    case 'upstream_timeout':
    case 'upstream_rejected':
    case 'not_ready':
    case 'internal_error':
      return mcpRefusal(MCP_ERROR.upstream, code, message, data);
    case 'invalid_request':
    case 'invalid_json':
    case 'invalid_encoding':
    case 'unsupported_operation':
    case 'unsupported_media_type':
    case 'method_not_allowed':
    case 'model_not_found':
    case 'body_too_large':
    case 'headers_too_large':
      return mcpRefusal(MCP_ERROR.unknownTool, code, message, data);
    case 'unauthenticated':
    case 'invalid_api_key':
    case 'invalid_token':
      return mcpRefusal(MCP_ERROR.forbidden, code, message, data);
  }
}

function toMcpError(r: Refusal): unknown {
  if (r.cause !== undefined) return r.cause;
  return withData(r.error.code, r.error.message, r.error.retryAfter !== undefined ? { retryAfter: r.error.retryAfter } : {});
}

export function utf8Bytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Text a model reads in MCP content items: text, embedded resource text (or text blobs), resource links. */
export function contentItems(c: Collector, items: unknown, path: (string | number)[]): void {
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => contentItem(c, item, [...path, i]));
}

/** One MCP content item (a tool result's, or a prompt message's). */
export function contentItem(c: Collector, item: unknown, at: (string | number)[]): void {
  if (!isObj(item)) return;
  switch (item['type']) {
    case 'text':
      c.text(item['text'], 'tool-result', [...at, 'text']);
      break;
    case 'resource':
      resourceContents(c, item['resource'], [...at, 'resource']);
      break;
    case 'resource_link':
      for (const key of ['name', 'title', 'description', 'uri']) c.optionalText(item[key], 'tool-result', [...at, key]);
      break;
    default:
      c.notInspected++;
  }
}

/** One resource contents entry: text, or a base64 blob whose MIME type says it is text. */
export function resourceContents(c: Collector, r: unknown, path: (string | number)[]): void {
  if (!isObj(r)) return;
  if (typeof r['text'] === 'string') c.text(r['text'], 'tool-result', [...path, 'text']);
  else if (typeof r['blob'] === 'string' && typeof r['mimeType'] === 'string' && (r['mimeType'].startsWith('text/') || r['mimeType'] === 'application/json')) {
    c.base64(r['blob'], 'tool-result', [...path, 'blob']);
  } else c.notInspected++;
}

export interface McpRun<R extends Obj> {
  readonly operation: McpOperation;
  readonly caller: McpCaller;
  readonly server: string;
  /** The upstream's tool name, resource URI or prompt name. */
  readonly name: string;
  /** The arguments; inspected as `tool-input` when `inspectArguments`. */
  readonly args: Obj;
  readonly inspectArguments: boolean;
  authorize(ix: Interaction): Promise<Refusal | undefined> | Refusal | undefined;
  /** Approval and the upstream call; throws McpError for the upstream's own errors. Sets `ix.approvalId`. */
  forward(args: Obj, ix: Interaction): Promise<{ result: R } | { refusal: Refusal }>;
  /** The text of a result, as content with paths into it. */
  resultContent(result: R): Content;
  /** tools/call: a blocked result is an error result, not a JSON-RPC error. */
  blockedResult?(message: string): R;
}

/** Runs one MCP operation through the pipeline; returns its (possibly redacted) result or throws its refusal. */
export async function runMcp<R extends Obj>(pipeline: Pipeline, run: McpRun<R>): Promise<R> {
  const content = run.inspectArguments ? argumentContent(run.args) : EMPTY_CONTENT;
  const answer: { result?: R; error?: unknown } = {};
  await pipeline.run(
    {
      id: newId('mcpcall'),
      time: Date.now(),
      ingress: 'mcp',
      operation: run.operation,
      principal: run.caller.principal,
      client: { ip: run.caller.clientIp ?? '', ...(run.caller.sessionId !== undefined ? { sessionId: run.caller.sessionId } : {}) },
      target: { kind: 'tool', server: run.server, name: run.name },
    },
    {
      requestLocation: 'tool-input',
      responseLocation: 'tool-output',
      body: run.args,
      content,
      authorize: (ix) => {
        ix.argumentBytes = utf8Bytes(run.args);
        return run.authorize(ix);
      },
      forward: async (args, ix) => {
        try {
          const out = await run.forward(args, ix);
          if ('refusal' in out) return { kind: 'refused', refusal: out.refusal };
          return { kind: 'json', status: 200, body: out.result, bytes: utf8Bytes(out.result) };
        } catch (e) {
          // The upstream's own JSON-RPC errors pass through as they came; a dead connection is -32014.
          const reason = e instanceof McpError ? `upstream-${e.code}` : 'unavailable';
          const cause = e instanceof McpError ? e : undefined;
          const error: PalisadeError = palisadeError('upstream_unavailable', `MCP server ${run.server} is not available.`);
          return { kind: 'refused', refusal: { error, outcome: 'failure', toolDecision: 'upstream-error', reason, ...(cause !== undefined ? { cause } : {}) } };
        }
      },
      responseContent: (body) => run.resultContent(body as R),
      refuse: (refusal, stage) => {
        if (stage === 'response' && refusal.toolDecision === 'blocked-output' && run.blockedResult !== undefined) {
          answer.result = run.blockedResult(refusal.error.message);
          return;
        }
        answer.error = toMcpError(refusal);
      },
      send: (_status, body) => {
        answer.result = body as R;
      },
    },
  );
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- an McpError, or the upstream's own JSON-RPC error object
  if (answer.error !== undefined) throw answer.error;
  if (answer.result === undefined) throw new McpError(MCP_ERROR.upstream, 'The operation produced no result.');
  return answer.result;
}

/** Arguments as one JSON view: every value with its key as context; redactions land in the leaf they cover. */
function argumentContent(args: Obj): Content {
  const c = new Collector();
  c.json(args, 'assistant', []);
  return c.done();
}
