// `palisade mcp …` as real processes against a running gateway's state: tool pins (list, diff, approve),
// approvals (list, approve), `authz test`, and the stdio entry used by a real SDK client.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SYSTEM_CLOCK } from '../../src/core/index.ts';
import { ApiKeyService } from '../../src/identity/index.ts';
import { openStateStore } from '../../src/store/index.ts';
import { attackServer, ROOT, startHarness, type Harness } from './harness.ts';

const run = promisify(execFile);
const CLI = join(ROOT, 'test', 'mcp', 'fixtures', 'cli.ts');
const POLICIES = `permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource);`;

let h: Harness;
let configFile: string;

async function palisade(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, 'mcp', ...args, '-c', configFile], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

beforeAll(async () => {
  const mcp = {
    servers: [attackServer('rugpull', 'rugpull'), attackServer('ops', 'results')],
    policies: POLICIES,
    approvals: { tools: ['ops__echo_back'], timeout: '10m', pollInterval: 20 },
  };
  h = await startHarness({ mcp });
  configFile = join(h.home, 'palisade.yaml');
  writeFileSync(configFile, JSON.stringify({ state: { home: h.home }, mcp }));
}, 60_000);

afterAll(async () => {
  await h.close();
});

describe('palisade mcp tools', () => {
  it('lists, diffs and re-approves a rug-pulled tool', async () => {
    await (await h.client(await h.key('dev', ['dev']))).listTools();
    const list = await palisade(['tools', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/quarantined\s+rugpull__get_weather .*reasons: changed,poisoned/);
    expect(list.stdout).toMatch(/approved\s+ops__echo_back/);
    const diff = await palisade(['tools', 'diff', 'rugpull', 'get_weather']);
    expect(diff.stdout).toContain('+   "description": "Returns the weather forecast for a city. <IMPORTANT>');
    const current = /current:\s+(sha256:[0-9a-f]+)/.exec(diff.stdout)?.[1] ?? '';
    expect(await palisade(['tools', 'approve', 'rugpull', 'get_weather', '--hash', 'sha256:00'])).toMatchObject({ code: 1 });
    const approve = await palisade(['tools', 'approve', 'rugpull', 'get_weather', '--hash', current]);
    expect(approve.stdout).toContain(`approved rugpull__get_weather ${current}`);
    const res = await (await h.client(await h.key('dev2', ['dev']))).callTool({ name: 'rugpull__get_weather', arguments: { city: 'Rome' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Sunny in Rome' }]);
  });
});

describe('palisade mcp approvals', () => {
  it('lists a waiting call and approves it', async () => {
    const client = await h.client(await h.key('dev3', ['dev']));
    const call = client.callTool({ name: 'ops__echo_back', arguments: { text: 'ship it' } });
    let id = '';
    await expect
      .poll(async () => {
        id = (await h.state.listApprovals('pending'))[0]?.id ?? '';
        return id !== '';
      }, { timeout: 20_000, interval: 20 })
      .toBe(true);
    const list = await palisade(['approvals', 'list']);
    expect(list.stdout).toContain(`${id}  pending   ops__echo_back  by dev3`);
    expect((await palisade(['approvals', 'approve', id, '--by', 'alice'])).stdout).toContain(`${id} approved`);
    expect((await call).content).toEqual([{ type: 'text', text: 'ship it' }]);
    expect(await palisade(['approvals', 'deny', id])).toMatchObject({ code: 1 });
  });
});

describe('palisade mcp authz test', () => {
  it('explains allow and deny for a Palisade key', async () => {
    const store = await openStateStore({ driver: 'sqlite', home: h.home });
    const keys = new ApiKeyService(store.keys, await store.settings.getOrCreateSecret('api-key-hash', 32), SYSTEM_CLOCK);
    const dev = (await keys.create({ name: 'cli-dev', roles: ['dev'] })).key;
    const nobody = (await keys.create({ name: 'cli-nobody' })).key;
    keys.close();
    await store.close();
    const allow = await palisade(['authz', 'test', '--as', dev, '--tool', 'ops__echo_back']);
    expect(allow.code).toBe(0);
    expect(allow.stdout).toContain('ALLOW cli-dev');
    expect(allow.stdout).toContain('Palisade::Role::"dev"');
    expect(allow.stdout).toContain('tool: pinned, approved');
    const deny = await palisade(['authz', 'test', '--as', nobody, '--tool', 'ops__echo_back']);
    expect(deny.code).toBe(1);
    expect(deny.stdout).toContain('DENY cli-nobody');
    expect(deny.stdout).toContain('deny by default');
    // Prompts and resources have their own actions; the test policy permits only call_tool.
    const prompt = await palisade(['authz', 'test', '--as', dev, '--prompt', 'ops__greeting']);
    expect(prompt.code).toBe(1);
    expect(prompt.stdout).toContain('get_prompt ops__greeting');
    const resource = await palisade(['authz', 'test', '--as', dev, '--resource', 'palisade://ops/file:///etc/hosts']);
    expect(resource.code).toBe(1);
    expect(resource.stdout).toContain('read_resource palisade://ops/file:///etc/hosts');
    const both = await palisade(['authz', 'test', '--as', dev, '--tool', 'ops__echo_back', '--prompt', 'ops__greeting']);
    expect(both.code).toBe(2);
  });
});

describe('palisade mcp stdio', () => {
  it('lets a stdio-only client use a server through the gateway', async () => {
    const key = await h.key('desktop', ['dev']);
    const client = new Client({ name: 'desktop-app', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', CLI, 'mcp', 'stdio', '--server', 'ops', '--url', h.url, '-c', configFile],
        env: { ...(process.env as Record<string, string>), PALISADE_API_KEY: key },
        cwd: ROOT,
        stderr: 'pipe',
      }),
    );
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('whoami');
    const res = await client.callTool({ name: 'read_config', arguments: {} });
    expect(JSON.stringify(res.content)).toContain('[AWS_ACCESS_KEY_1]');
    await client.close();
    expect(h.invocations().some((e) => e.caller.name === 'desktop' && e.tool === 'read_config' && e.decision === 'redacted')).toBe(true);
  });

  it('refuses to start without a key', async () => {
    const r = await palisade(['stdio', '--server', 'ops', '--url', h.url], { PALISADE_API_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PALISADE_API_KEY');
  });
});
