// Human approval of selected tool calls. The call waits, bounded, for a decision on a request bound to the
// exact arguments (their canonical hash). Decisions may come from another process (the CLI writes the same
// SQLite file), so the waiter polls the store; a request not decided in time is expired, which denies.
import { globMatch, newId, type Clock, type Principal } from '../core/index.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import type { ApprovalRequest, ApprovalStatus, McpStateStore } from './state.ts';

export interface ApprovalSettings {
  readonly tools: readonly string[];
  readonly timeout: number;
  readonly pollInterval: number;
}

export function requiresApproval(settings: ApprovalSettings, qualifiedTool: string): boolean {
  return settings.tools.some((p) => globMatch(p, qualifiedTool));
}

export function argumentsHash(args: Readonly<Record<string, unknown>>): string {
  return sha256(canonicalJson(args));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface ApprovalOutcome {
  readonly id: string;
  readonly status: Exclude<ApprovalStatus, 'pending'>;
}

/** Files a request and waits for its decision; an aborted wait (client went away) is a denial. */
export async function awaitApproval(
  store: McpStateStore,
  settings: ApprovalSettings,
  clock: Clock,
  call: { principal: Principal; server: string; tool: string; args: Readonly<Record<string, unknown>> },
  signal?: AbortSignal,
): Promise<ApprovalOutcome> {
  const now = clock.now();
  const request: ApprovalRequest = {
    id: newId('appr'),
    principalId: call.principal.id,
    principalName: call.principal.name,
    server: call.server,
    tool: call.tool,
    argumentsHash: argumentsHash(call.args),
    createdAt: now,
    expiresAt: now + settings.timeout,
    status: 'pending',
  };
  await store.createApproval(request);
  for (;;) {
    const current = await store.getApproval(request.id);
    if (current !== undefined && current.status !== 'pending') {
      // The decision must be for these very arguments: the row is immutable but check anyway.
      if (current.argumentsHash !== request.argumentsHash) return { id: request.id, status: 'denied' };
      return { id: request.id, status: current.status };
    }
    if (clock.now() >= request.expiresAt || signal?.aborted === true) {
      const expired = await store.decideApproval(request.id, signal?.aborted === true ? 'denied' : 'expired', 'palisade', clock.now());
      if (expired) return { id: request.id, status: signal?.aborted === true ? 'denied' : 'expired' };
      continue;
    }
    await sleep(Math.min(settings.pollInterval, Math.max(1, request.expiresAt - clock.now())), signal);
  }
}

/** Approve or deny a pending request (CLI and admin API). */
export async function decideApproval(
  store: McpStateStore,
  id: string,
  decision: 'approved' | 'denied',
  actor: string,
  clock: Clock,
): Promise<{ ok: true } | { ok: false; reason: 'not-found' | 'not-pending' | 'expired' }> {
  const current = await store.getApproval(id);
  if (current === undefined) return { ok: false, reason: 'not-found' };
  if (current.status !== 'pending') return { ok: false, reason: 'not-pending' };
  if (clock.now() >= current.expiresAt) {
    await store.decideApproval(id, 'expired', 'palisade', clock.now());
    return { ok: false, reason: 'expired' };
  }
  return (await store.decideApproval(id, decision, actor, clock.now())) ? { ok: true } : { ok: false, reason: 'not-pending' };
}
