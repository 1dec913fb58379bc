// Human approval end to end: the call waits for a decision bound to its exact arguments; approve lets it
// run, deny and expiry refuse it, and every outcome is audited with the request id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SYSTEM_CLOCK } from '../../src/core/index.ts';
import { argumentsHash, decideApproval, type ApprovalRequest } from '../../src/mcp/index.ts';
import { attackServer, startHarness, type Harness } from './harness.ts';

const POLICIES = `permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource);`;

async function pendingFor(h: Harness, args: Record<string, unknown>): Promise<ApprovalRequest> {
  const hash = argumentsHash(args);
  let found: ApprovalRequest | undefined;
  await expect
    .poll(async () => {
      found = (await h.state.listApprovals('pending')).find((a) => a.argumentsHash === hash);
      return found !== undefined;
    }, { timeout: 20_000, interval: 20 })
    .toBe(true);
  if (found === undefined) throw new Error('no pending approval');
  return found;
}

describe('approvals', () => {
  let h: Harness;
  let client: Client;
  beforeAll(async () => {
    h = await startHarness({
      mcp: { servers: [attackServer('ops', 'results')], policies: POLICIES, approvals: { tools: ['ops__echo_*'], timeout: '10m', pollInterval: 20 } },
    });
    client = await h.client(await h.key('dev', ['dev']));
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('waits for an approval of these exact arguments, then runs the call', async () => {
    const args = { text: 'deploy v2' };
    const call = client.callTool({ name: 'ops__echo_back', arguments: args });
    const request = await pendingFor(h, args);
    expect(request).toMatchObject({ server: 'ops', tool: 'echo_back', principalName: 'dev', status: 'pending' });
    expect(await decideApproval(h.state, request.id, 'approved', 'test-admin', SYSTEM_CLOCK)).toEqual({ ok: true });
    expect((await call).content).toEqual([{ type: 'text', text: 'deploy v2' }]);
    expect(h.invocations().find((e) => e.approvalId === request.id)?.decision).toBe('allowed');
    expect((await h.state.getApproval(request.id))?.decidedBy).toBe('test-admin');
  });

  it('refuses the call when an admin denies it', async () => {
    const args = { text: 'drop database' };
    const call = client.callTool({ name: 'ops__echo_back', arguments: args });
    const request = await pendingFor(h, args);
    await decideApproval(h.state, request.id, 'denied', 'test-admin', SYSTEM_CLOCK);
    await expect(call).rejects.toMatchObject({ code: -32013 });
    expect(h.invocations().find((e) => e.approvalId === request.id)?.decision).toBe('approval-denied');
    // A decided request cannot be decided again.
    expect(await decideApproval(h.state, request.id, 'approved', 'x', SYSTEM_CLOCK)).toEqual({ ok: false, reason: 'not-pending' });
  });

  it('does not ask for tools outside the approval list', async () => {
    const res = await client.callTool({ name: 'ops__whoami', arguments: {} });
    expect(res.isError).not.toBe(true);
  });
});

describe('approval expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      mcp: { servers: [attackServer('ops', 'results')], policies: POLICIES, approvals: { tools: ['ops__*'], timeout: 150, pollInterval: 10 } },
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('denies a call nobody approved in time', async () => {
    const client = await h.client(await h.key('dev', ['dev']));
    await expect(client.callTool({ name: 'ops__echo_back', arguments: { text: 'late' } })).rejects.toMatchObject({ code: -32013 });
    const [request] = await h.state.listApprovals();
    expect(request?.status).toBe('expired');
    expect(h.invocations().at(-1)?.decision).toBe('approval-expired');
  });
});
