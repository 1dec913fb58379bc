// The body of `POST /v1/palisade/hunt` (auditor role), independent of the HTTP server: the gateway
// passes the parsed JSON body, the caller's roles and the audit store, and sends back what it gets.
import { z } from 'zod';
import { palisadeError, type PalisadeError, type Result } from '../core/index.ts';
import { runHunt, type HuntExecutor, type HuntResult } from './run.ts';

export const HUNT_ROLE = 'auditor';

const body = z
  .object({
    query: z.string().min(1).max(64 * 1024),
    maxRows: z.number().int().min(1).max(100_000).optional(),
    /** Evaluate now()/ago() at this instant (ISO 8601), for reproducible hunts. */
    now: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export interface HuntResponse extends HuntResult {
  readonly query: { readonly now: string; readonly maxRows: number };
}

export async function handleHuntRequest(
  executor: HuntExecutor,
  raw: unknown,
  caller: { readonly roles: readonly string[] },
  clockNow: number = Date.now(),
): Promise<Result<HuntResponse, PalisadeError>> {
  if (!caller.roles.includes(HUNT_ROLE)) return { ok: false, error: palisadeError('forbidden', `hunting needs the ${HUNT_ROLE} role`) };
  const parsed = body.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: palisadeError('invalid_request', `invalid hunt request: ${issue ? `${issue.path.join('.') || 'body'} ${issue.code}` : 'bad body'}`, { param: String(issue?.path[0] ?? 'query') }) };
  }
  const now = parsed.data.now !== undefined ? Date.parse(parsed.data.now) : clockNow;
  const maxRows = parsed.data.maxRows ?? 1_000;
  const r = await runHunt(executor, parsed.data.query, { now, maxRows });
  if (!r.ok) {
    return { ok: false, error: palisadeError('invalid_request', `line ${r.error.line}, column ${r.error.column}: ${r.error.message}`, { param: 'query' }) };
  }
  return { ok: true, value: { ...r.value, query: { now: new Date(now).toISOString(), maxRows } } };
}
