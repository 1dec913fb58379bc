// Tool pinning decisions (pure) and the admin operations on pins shared by the CLI and the admin API.
// A definition is callable only while its hash equals the approved one. Trust on first use applies to a
// server's first registration only: a tool that appears later (a rename included) waits for an admin.
import type { Clock } from '../core/index.ts';
import { definitionDiff, pinnedShape, type ToolDefinition } from './canonical.ts';
import type { McpStateStore, ToolPin } from './state.ts';

export interface PinSettings {
  readonly trustOnFirstUse: boolean;
  readonly poisoningAction: 'quarantine' | 'flag';
}

export interface PinChange {
  readonly pin: ToolPin;
  /** What happened, when something did (for the audit). */
  readonly change?: 'pinned' | 'pending' | 'quarantined' | 'flagged';
}

/** Decides a tool's pin from what the server offers now. */
export function evaluatePin(
  existing: ToolPin | undefined,
  server: string,
  definition: ToolDefinition,
  hash: string,
  signals: readonly string[],
  firstRegistration: boolean,
  settings: PinSettings,
  now: number,
): PinChange {
  const poisoned = signals.length > 0;
  const base = { server, tool: definition.name, currentHash: hash, currentDefinition: definition, signals: [...signals], updatedAt: now };
  if (existing?.approvedHash !== undefined && existing.approvedHash === hash) {
    // An admin (or first use) approved exactly this definition; a flag found since is recorded, not enforced.
    const pin: ToolPin = { ...base, status: 'approved', approvedHash: hash, reasons: [], ...(existing.approvedDefinition ? { approvedDefinition: existing.approvedDefinition } : {}) };
    return { pin };
  }
  if (existing?.approvedHash !== undefined) {
    const pin: ToolPin = {
      ...base,
      status: 'quarantined',
      approvedHash: existing.approvedHash,
      ...(existing.approvedDefinition ? { approvedDefinition: existing.approvedDefinition } : {}),
      reasons: poisoned ? ['changed', 'poisoned'] : ['changed'],
    };
    return existing.currentHash === hash && existing.status === 'quarantined' ? { pin } : { pin, change: 'quarantined' };
  }
  if (poisoned && settings.poisoningAction === 'quarantine') {
    const pin: ToolPin = { ...base, status: 'quarantined', reasons: existing?.reasons.includes('new') === true ? ['new', 'poisoned'] : ['poisoned'] };
    return existing?.currentHash === hash && existing.status === 'quarantined' ? { pin } : { pin, change: 'quarantined' };
  }
  if (settings.trustOnFirstUse && firstRegistration) {
    const pin: ToolPin = { ...base, status: 'approved', approvedHash: hash, approvedDefinition: definition, reasons: [] };
    return { pin, change: poisoned ? 'flagged' : 'pinned' };
  }
  const pin: ToolPin = { ...base, status: 'pending', reasons: poisoned ? ['new', 'poisoned'] : ['new'] };
  return existing?.currentHash === hash && existing.status === 'pending' ? { pin } : { pin, change: poisoned ? 'flagged' : 'pending' };
}

/** `palisade mcp tools diff`: the approved definition against the current one. */
export function pinDiff(pin: ToolPin): string {
  const before = pin.approvedDefinition !== undefined ? pinnedShape(pin.approvedDefinition) : undefined;
  return definitionDiff(before, pinnedShape(pin.currentDefinition));
}

export type ApproveResult = { ok: true; pin: ToolPin } | { ok: false; reason: 'not-found' | 'hash-mismatch' };

/**
 * Approves a tool's current definition. `expectedHash` (what the admin reviewed) guards against a second
 * change landing between the diff and the approval.
 */
export async function approveToolDefinition(
  store: McpStateStore,
  server: string,
  tool: string,
  clock: Clock,
  expectedHash?: string,
): Promise<ApproveResult> {
  const pin = await store.getPin(server, tool);
  if (pin === undefined) return { ok: false, reason: 'not-found' };
  if (expectedHash !== undefined && expectedHash !== pin.currentHash) return { ok: false, reason: 'hash-mismatch' };
  const approved: ToolPin = {
    ...pin,
    status: 'approved',
    approvedHash: pin.currentHash,
    approvedDefinition: pin.currentDefinition,
    reasons: [],
    updatedAt: clock.now(),
  };
  await store.putPin(approved);
  return { ok: true, pin: approved };
}
