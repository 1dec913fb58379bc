// MCP through the whole gateway (composition root): a real SDK client with a Palisade key, server-everything
// over stdio behind Palisade, Cedar authorization, DLP on tool results, and ToolInvocation audit events.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const require = createRequire(import.meta.url);
function binOf(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const json = require(manifest) as { bin: string | Record<string, string> };
  const bin = typeof json.bin === 'string' ? json.bin : Object.values(json.bin)[0] ?? '';
  return join(dirname(manifest), bin);
}

let g: TestGateway;
let dev: string;

beforeAll(async () => {
  g = await startTestGateway({
    mcp: {
      servers: [{ name: 'everything', transport: 'stdio', command: process.execPath, args: [binOf('@modelcontextprotocol/server-everything'), 'stdio'] }],
      policies: 'permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource == Palisade::Tool::"everything__echo");',
    },
    policies: [
      {
        name: 'no-secrets-in-tool-traffic',
        locations: ['tool-input', 'tool-output'],
        rules: [{ name: 's', conditions: [{ sit: { categories: ['secret'] } }], actions: [{ redact: { style: 'placeholder' } }] }],
      },
    ],
  });
  dev = (await g.gateway.keys.create({ name: 'dev-agent', roles: ['dev', 'agent'] })).key;
}, 60_000);
afterAll(async () => g.close());

async function connect(key: string | undefined): Promise<Client> {
  const client = new Client({ name: 'palisade-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', g.url), key === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${key}` } } }),
  );
  return client;
}

describe('MCP through the gateway', () => {
  it('lists only the tools the caller may call and proxies a call, with DLP on the result', async () => {
    const client = await connect(dev);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(['everything__echo']);
      const secret = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';
      const r = await client.callTool({ name: 'everything__echo', arguments: { message: `token ${secret}` } });
      const text = JSON.stringify(r.content);
      expect(text).not.toContain(secret);
      expect(text).toMatch(/\[[A-Z_]+_1\]/);
    } finally {
      await client.close();
    }
    const calls = (await auditEvents(g)).filter((e) => e.recordType === 'ToolInvocation');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls[0]).toMatchObject({ resources: [{ server: 'everything', tool: 'echo' }], decision: 'redacted' });
  });

  it('a caller without the role sees no tools and cannot call one', async () => {
    const client = await connect(g.key);
    try {
      expect((await client.listTools()).tools).toEqual([]);
      const r = await client.callTool({ name: 'everything__echo', arguments: { message: 'x' } }).catch((e: unknown) => e);
      expect(JSON.stringify(r)).toMatch(/denied|not allowed|forbidden|unknown/i);
    } finally {
      await client.close();
    }
  });

  it('no credentials → 401 with protected-resource metadata, and the metadata document is served', async () => {
    const res = await fetch(`${g.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/resource_metadata="[^"]+\/.well-known\/oauth-protected-resource/);
    const meta = await fetch(`${g.url}/.well-known/oauth-protected-resource`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toHaveProperty('resource');
  });
});
