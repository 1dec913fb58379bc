// One suite, run on every McpStateStore backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStateStore, type ApprovalRequest, type McpStateStore, type ToolPin } from './state.ts';
import { openSqliteMcpStateStore } from './state-sqlite.ts';

const pin: ToolPin = {
  server: 's',
  tool: 't',
  status: 'approved',
  approvedHash: 'sha256:a',
  approvedDefinition: { name: 't', description: 'd', inputSchema: { type: 'object' } },
  currentHash: 'sha256:a',
  currentDefinition: { name: 't', description: 'd', inputSchema: { type: 'object' } },
  reasons: [],
  signals: [],
  updatedAt: 1,
};

const request: ApprovalRequest = {
  id: 'appr_1',
  principalId: 'key:1',
  principalName: 'k',
  server: 's',
  tool: 't',
  argumentsHash: 'sha256:x',
  createdAt: 10,
  expiresAt: 20,
  status: 'pending',
};

const homes: string[] = [];
const backends: [string, () => McpStateStore][] = [
  ['memory', createMemoryStateStore],
  [
    'sqlite',
    () => {
      const home = mkdtempSync(join(tmpdir(), 'palisade-mcp-state-'));
      homes.push(home);
      return openSqliteMcpStateStore(join(home, 'nested'));
    },
  ],
];

afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

describe.each(backends)('McpStateStore (%s)', (_name, open) => {
  it('stores, replaces and lists pins', async () => {
    const store = open();
    expect(await store.getPin('s', 't')).toBeUndefined();
    await store.putPin(pin);
    expect(await store.getPin('s', 't')).toEqual(pin);
    const quarantined: ToolPin = { ...pin, status: 'quarantined', currentHash: 'sha256:b', reasons: ['changed'], signals: ['model-instructions'], updatedAt: 2 };
    await store.putPin(quarantined);
    await store.putPin({ ...pin, server: 'other' });
    expect(await store.getPin('s', 't')).toEqual(quarantined);
    expect((await store.listPins('s')).length).toBe(1);
    expect((await store.listPins()).length).toBe(2);
    const { approvedHash: _a, approvedDefinition: _d, ...pending } = { ...pin, tool: 'n', status: 'pending' as const, reasons: ['new'] };
    await store.putPin(pending);
    expect(await store.getPin('s', 'n')).toEqual(pending);
    await store.close();
  });

  it('decides an approval once', async () => {
    const store = open();
    await store.createApproval(request);
    await store.createApproval({ ...request, id: 'appr_2', createdAt: 11 });
    expect((await store.listApprovals('pending')).map((a) => a.id)).toEqual(['appr_1', 'appr_2']);
    expect(await store.decideApproval('appr_1', 'approved', 'admin', 15)).toBe(true);
    expect(await store.decideApproval('appr_1', 'denied', 'admin', 16)).toBe(false);
    expect(await store.getApproval('appr_1')).toEqual({ ...request, status: 'approved', decidedBy: 'admin', decidedAt: 15 });
    expect((await store.listApprovals('pending')).map((a) => a.id)).toEqual(['appr_2']);
    expect((await store.listApprovals()).length).toBe(2);
    expect(await store.decideApproval('missing', 'denied', 'admin', 1)).toBe(false);
    await store.close();
  });
});
