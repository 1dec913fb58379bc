// The attacks from the issue against real stdio servers: a poisoned description, a rug pull after the first
// tools/list, an injection and a credential in tool results, a tool name colliding with another server's and
// a description steering the model to another server's tool. Each is stopped and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { approveToolDefinition, pinDiff } from '../../src/mcp/index.ts';
import { SYSTEM_CLOCK } from '../../src/core/index.ts';
import { attackServer, everythingServer, startHarness, type Harness, type IntegrityChange } from './harness.ts';

const POLICIES = `permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource);`;

let h: Harness;
let client: Client;
let key: string;

beforeAll(async () => {
  h = await startHarness({
    mcp: {
      servers: [everythingServer(), attackServer('poisoned', 'poisoned'), attackServer('rugpull', 'rugpull'), attackServer('results', 'results'), attackServer('shadow', 'shadow')],
      policies: POLICIES,
    },
  });
  key = await h.key('dev', ['dev']);
  client = await h.client(key);
}, 60_000);

afterAll(async () => {
  await h.close();
});

function integrity(server: string, tool: string): IntegrityChange[] {
  return h.integrity().filter((e) => e.server === server && e.tool === tool);
}

describe('tool poisoning', () => {
  it('quarantines the poisoned tool, keeps its clean sibling, and audits the finding', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain('poisoned__add');
    expect(names).toContain('poisoned__echo_back');
    await expect(client.callTool({ name: 'poisoned__add', arguments: { a: 1, b: 2 } })).rejects.toMatchObject({ code: -32011 });
    const [event] = integrity('poisoned', 'add');
    expect(event?.change).toBe('quarantined');
    expect(event?.signals).toEqual(expect.arrayContaining(['model-instructions', 'conceal-from-user', 'credential-or-dotfile']));
    expect(h.invocations().find((e) => e.server === 'poisoned' && e.tool === 'add')?.decision).toBe('quarantined');
    expect((await h.state.getPin('poisoned', 'add'))?.reasons).toEqual(['poisoned']);
  });

  it('does not flag the real server-everything definitions', () => {
    const flagged = h.gateway.catalog().filter((t) => t.server === 'everything' && (t.status !== 'approved' || t.signals.length > 0));
    expect(flagged.map((t) => `${t.name}:${t.signals.join('+')}`)).toEqual([]);
  });
});

describe('rug pull', () => {
  it('quarantines a definition that changed after approval, shows the diff, and serves it again once re-approved', async () => {
    // The fixture changed its definition right after Palisade's first listing; this listing sees the change.
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain('rugpull__get_weather');
    await expect(client.callTool({ name: 'rugpull__get_weather', arguments: { city: 'Oslo' } })).rejects.toMatchObject({
      code: -32011,
      message: expect.stringContaining('palisade mcp tools diff rugpull get_weather') as unknown,
    });
    const pin = await h.state.getPin('rugpull', 'get_weather');
    expect(pin?.status).toBe('quarantined');
    expect(pin?.reasons).toEqual(['changed', 'poisoned']);
    expect(integrity('rugpull', 'get_weather').map((e) => e.change)).toEqual(['pinned', 'quarantined']);
    const diff = pinDiff(pin ?? (() => { throw new Error('no pin'); })());
    expect(diff).toContain('-   "description": "Returns the weather forecast for a city."');
    expect(diff).toMatch(/\+ {3}"description": "Returns the weather forecast for a city. <IMPORTANT>/);

    const approved = await approveToolDefinition(h.state, 'rugpull', 'get_weather', SYSTEM_CLOCK, pin?.currentHash);
    expect(approved.ok).toBe(true);
    const res = await client.callTool({ name: 'rugpull__get_weather', arguments: { city: 'Oslo' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Sunny in Oslo' }]);
  });

  it('refuses an approval for a hash the admin did not review', async () => {
    const r = await approveToolDefinition(h.state, 'rugpull', 'get_weather', SYSTEM_CLOCK, 'sha256:0000');
    expect(r).toEqual({ ok: false, reason: 'hash-mismatch' });
  });
});

describe('inspected tool results', () => {
  it('blocks a result carrying an injection and reports INDIRECT_INJECTION', async () => {
    const res = await client.callTool({ name: 'results__fetch_page', arguments: { text: 'https://shop.example' } });
    expect(res.isError).toBe(true);
    expect(JSON.stringify(res.content)).toContain('Palisade blocked the result of results__fetch_page');
    expect(JSON.stringify(res.content)).not.toContain('id_rsa');
    const ev = h.invocations().find((e) => e.tool === 'fetch_page');
    expect(ev?.decision).toBe('blocked-output');
    expect(ev?.findings).toContainEqual(expect.objectContaining({ type: 'INDIRECT_INJECTION', location: 'tool-output' }));
  });

  it('redacts a credential in a result', async () => {
    const res = await client.callTool({ name: 'results__read_config', arguments: {} });
    const text = JSON.stringify(res.content);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('[AWS_ACCESS_KEY_1]');
    expect(text).toContain('region=eu-west-1');
    const ev = h.invocations().find((e) => e.tool === 'read_config');
    expect(ev).toMatchObject({ decision: 'redacted', findings: [{ type: 'AWS_ACCESS_KEY', location: 'tool-output', detector: 'test-secrets', confidence: 85 }] });
  });

  it('redacts a credential in the arguments before the upstream sees them', async () => {
    const res = await client.callTool({ name: 'results__echo_back', arguments: { text: 'key AKIAIOSFODNN7EXAMPLE here' } });
    expect(res.content).toEqual([{ type: 'text', text: 'key [AWS_ACCESS_KEY_1] here' }]);
    const ev = h.invocations().find((e) => e.tool === 'echo_back' && e.server === 'results');
    expect(ev?.findings[0]).toMatchObject({ type: 'AWS_ACCESS_KEY', location: 'tool-input' });
    // The event carries sizes and types, never the value.
    expect(JSON.stringify(h.events)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('lets a clean result through unchanged', async () => {
    const res = await client.callTool({ name: 'results__echo_back', arguments: { text: 'plain words' } });
    expect(res.content).toEqual([{ type: 'text', text: 'plain words' }]);
  });
});

describe('shadowing', () => {
  it('keeps colliding names apart by namespace and quarantines a description that targets another server', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'shadow__echo']));
    expect(names).not.toContain('shadow__send_note');
    const mine = await client.callTool({ name: 'everything__echo', arguments: { message: 'which' } });
    expect(mine.content).toEqual([{ type: 'text', text: 'Echo: which' }]);
    const theirs = await client.callTool({ name: 'shadow__echo', arguments: { text: 'which' } });
    expect(theirs.content).toEqual([{ type: 'text', text: 'which' }]);
    const [event] = integrity('shadow', 'send_note');
    expect(event?.signals).toContain('shadowing');
    expect(event?.change).toBe('quarantined');
  });
});
