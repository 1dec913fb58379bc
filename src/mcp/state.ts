// Persistence for tool pins and approval requests, behind a small interface: an in-memory store for tests
// and single-process use, and a SQLite store (`<home>/mcp.db`) shared with the CLI. The same suite runs on both.
import type { ToolDefinition } from './canonical.ts';

/** approved: callable; pending: new and waiting for an admin; quarantined: changed or poisoned since approval. */
export type PinStatus = 'approved' | 'pending' | 'quarantined';

export interface ToolPin {
  readonly server: string;
  /** The upstream's own tool name (not namespaced); `(instructions)` pins the server's instructions. */
  readonly tool: string;
  readonly status: PinStatus;
  /** The hash an admin (or first use) approved; absent until then. */
  readonly approvedHash?: string;
  readonly approvedDefinition?: ToolDefinition;
  /** What the server offers now. */
  readonly currentHash: string;
  readonly currentDefinition: ToolDefinition;
  /** Why the tool is not approved: `new`, `changed`, `poisoned`, `shadowing`; empty when approved. */
  readonly reasons: readonly string[];
  /** Poisoning signals found in the current definition (names, never text). */
  readonly signals: readonly string[];
  readonly updatedAt: number;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalRequest {
  readonly id: string;
  readonly principalId: string;
  readonly principalName: string;
  readonly server: string;
  readonly tool: string;
  /** The call's arguments, canonical and hashed: an approval is for these arguments only. */
  readonly argumentsHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: number;
}

export interface McpStateStore {
  listPins(server?: string): Promise<ToolPin[]>;
  getPin(server: string, tool: string): Promise<ToolPin | undefined>;
  putPin(pin: ToolPin): Promise<void>;
  createApproval(request: ApprovalRequest): Promise<void>;
  getApproval(id: string): Promise<ApprovalRequest | undefined>;
  listApprovals(status?: ApprovalStatus): Promise<ApprovalRequest[]>;
  /** Moves a pending request to a final status; false when it was not pending (already decided or expired). */
  decideApproval(id: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: number): Promise<boolean>;
  close(): Promise<void>;
}

export const INSTRUCTIONS_PIN = '(instructions)';

export function createMemoryStateStore(): McpStateStore {
  const pins = new Map<string, ToolPin>();
  const approvals = new Map<string, ApprovalRequest>();
  const key = (server: string, tool: string): string => `${server}\u0000${tool}`;
  return {
    listPins: (server) => Promise.resolve([...pins.values()].filter((p) => server === undefined || p.server === server)),
    getPin: (server, tool) => Promise.resolve(pins.get(key(server, tool))),
    putPin: (pin) => {
      pins.set(key(pin.server, pin.tool), pin);
      return Promise.resolve();
    },
    createApproval: (request) => {
      approvals.set(request.id, request);
      return Promise.resolve();
    },
    getApproval: (id) => Promise.resolve(approvals.get(id)),
    listApprovals: (status) =>
      Promise.resolve([...approvals.values()].filter((a) => status === undefined || a.status === status).sort((a, b) => a.createdAt - b.createdAt)),
    decideApproval: (id, status, by, at) => {
      const current = approvals.get(id);
      if (current?.status !== 'pending') return Promise.resolve(false);
      approvals.set(id, { ...current, status, decidedBy: by, decidedAt: at });
      return Promise.resolve(true);
    },
    close: () => Promise.resolve(),
  };
}
