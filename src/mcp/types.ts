// What the MCP gateway needs from its host (the composition root injects these) and what it emits.
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock, Finding, PalisadeError, Principal, Result } from '../core/index.ts';
import type { Outcome } from '../policy/index.ts';
import type { McpStateStore } from './state.ts';

export interface McpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Who authenticated, and for tokens what the token says about its audience and scopes. */
export interface McpAuthentication {
  readonly principal: Principal;
  /**
   * The token's `aud` values. Required for bearer tokens (authMethod `jwt`): the front refuses a token whose
   * audience is not Palisade's own MCP resource URI, and refuses a jwt principal given without audiences
   * (fail closed). Ignored for Palisade API keys, which are not OAuth tokens.
   */
  readonly audiences?: readonly string[];
  /** The token's scopes (`scope` / `scp`), checked against `mcp.front.requiredScopes`. */
  readonly scopes?: readonly string[];
}

export type InspectLocation = 'tool-input' | 'tool-output';

export interface InspectContext {
  readonly principal: Principal;
  readonly server: string;
  /** Namespaced: `server__tool`, `server__prompt`, or the wrapped resource URI `palisade://server/<uri>`. */
  readonly tool: string;
  readonly sessionId?: string;
}

export interface McpInspection {
  readonly outcome: Outcome;
  /** The rewritten text when the outcome is `redact`. */
  readonly text?: string;
  readonly findings: readonly Finding[];
  /** The user-facing policy tip when blocked. */
  readonly tip?: string;
}

/** The decision recorded for a tool call. */
export type ToolCallDecision =
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

export interface EventFinding {
  readonly type: string;
  readonly detector: string;
  readonly confidence: number;
  readonly location: InspectLocation;
}

/** The MCP request a ToolInvocation event records. */
export type McpOperation = 'tools/call' | 'resources/read' | 'prompts/get';

/**
 * One per tools/call, resources/read and prompts/get. Sizes are UTF-8 bytes of the JSON; no argument or
 * result text is ever included.
 */
export interface ToolInvocationEvent {
  readonly recordType: 'ToolInvocation';
  readonly operation: McpOperation;
  readonly id: string;
  readonly time: number;
  readonly caller: { readonly id: string; readonly kind: Principal['kind']; readonly name: string; readonly groups: readonly string[] };
  readonly clientIp?: string;
  readonly sessionId?: string;
  readonly server: string;
  /** The upstream's tool name, resource URI or prompt name (not namespaced). */
  readonly tool: string;
  readonly definitionHash?: string;
  readonly argumentBytes: number;
  readonly resultBytes: number;
  readonly findings: readonly EventFinding[];
  readonly decision: ToolCallDecision;
  /** Why, when not allowed: the Cedar policies, the quarantine reason, the error code. */
  readonly reason?: string;
  readonly approvalId?: string;
  readonly latencyMs: number;
  /** Time spent upstream; latencyMs − upstreamMs is what Palisade added. */
  readonly upstreamMs?: number;
}

/**
 * A tool definition was quarantined, flagged, newly seen or approved. Prompt and resource definitions are
 * scanned but not pinned: their findings are reported as `prompt:<name>` / `resource:<uri>` (quarantined or
 * flagged), once per definition hash.
 */
export interface ToolIntegrityEvent {
  readonly recordType: 'ToolIntegrity';
  readonly id: string;
  readonly time: number;
  readonly server: string;
  readonly tool: string;
  readonly change: 'pinned' | 'pending' | 'quarantined' | 'flagged' | 'approved';
  readonly reasons: readonly string[];
  readonly signals: readonly string[];
  readonly definitionHash: string;
  readonly previousHash?: string;
  /** Who approved, for `approved`. */
  readonly actor?: string;
}

export type McpEvent = ToolInvocationEvent | ToolIntegrityEvent;

export interface McpDeps {
  /** The gateway's authenticator (Palisade keys and OIDC tokens), with the token's audiences and scopes. */
  authenticate(headers: IncomingHttpHeaders): Promise<Result<McpAuthentication, PalisadeError>>;
  /** DLP and injection inspection of tool arguments and results. */
  inspect(location: InspectLocation, text: string, ctx: InspectContext): Promise<McpInspection>;
  /** Audit sink; must not throw (the gateway catches and logs if it does). */
  record(event: McpEvent): void;
  readonly state: McpStateStore;
  readonly clock: Clock;
  readonly logger: McpLogger;
  /** The principal's current risk level, when a risk engine knows it (passed to Cedar as context.riskLevel). */
  riskLevelOf?(principal: Principal): string | undefined;
}
