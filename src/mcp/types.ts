// What the MCP gateway needs from its host (the composition root injects these) and what it emits.
import type { Clock } from '../core/index.ts';
import type { Pipeline } from '../pipeline/index.ts';
import type { McpStateStore } from './state.ts';

export interface McpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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



export interface McpDeps {
  /**
   * The gateway's pipeline: authentication (SignIn records), limits, inspection, shields, policies and the
   * audit record of every operation, exactly as for model calls.
   */
  readonly pipeline: Pipeline;
  readonly state: McpStateStore;
  readonly clock: Clock;
  readonly logger: McpLogger;
}
