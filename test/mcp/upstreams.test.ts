// Upstreams: remote Streamable HTTP and legacy SSE servers with their own credentials (never the client's),
// OAuth client credentials, the SSRF default that refuses loopback, server-filesystem on a temporary folder
// under an annotation-based policy, and a stdio server that dies and is restarted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { attackServer, filesystemServer, startHarness, type Harness } from './harness.ts';
import { startHttpMcpServer, type HttpMcpServer } from './fixtures/http-server.ts';

const POLICIES = `
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource)
  unless { resource in Palisade::Server::"files" };
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource in Palisade::Server::"files")
  when { resource has readOnlyHint && resource.readOnlyHint };
`;

let h: Harness;
let client: Client;
let key: string;
let httpUp: HttpMcpServer;
let sseUp: HttpMcpServer;
let oauthUp: HttpMcpServer;
let refusedUp: HttpMcpServer;
let tokenServer: HttpServer;
let tokenRequests = 0;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'palisade-mcp-fs-'));
  writeFileSync(join(folder, 'notes.txt'), 'meeting at noon\n');
  httpUp = await startHttpMcpServer('http', { requireAuth: 'Bearer upstream-secret' });
  sseUp = await startHttpMcpServer('sse');
  oauthUp = await startHttpMcpServer('http', { requireAuth: 'Bearer cc-token-1' });
  refusedUp = await startHttpMcpServer('http');
  tokenServer = createServer((req, res) => {
    tokenRequests++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const good = form.get('grant_type') === 'client_credentials' && form.get('client_id') === 'palisade' && form.get('client_secret') === 'cc-secret';
      res.writeHead(good ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(good ? { access_token: 'cc-token-1', expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_client' }));
    });
  });
  await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
  const tokenPort = (tokenServer.address() as { port: number }).port;
  h = await startHarness({
    env: { UPSTREAM_TOKEN: 'Bearer upstream-secret', CC_SECRET: 'cc-secret' },
    mcp: {
      policies: POLICIES,
      servers: [
        { name: 'remote', transport: 'http', url: httpUp.url, headers: { authorization: '${env:UPSTREAM_TOKEN}' }, allowPrivateNetwork: true },
        { name: 'legacy', transport: 'sse', url: sseUp.url, allowPrivateNetwork: true },
        {
          name: 'oauth',
          transport: 'http',
          url: oauthUp.url,
          allowPrivateNetwork: true,
          oauth: { tokenUrl: `http://127.0.0.1:${tokenPort}/token`, clientId: 'palisade', clientSecret: '${env:CC_SECRET}' },
        },
        { name: 'internal', transport: 'http', url: refusedUp.url, restart: { backoff: 60_000 } },
        filesystemServer('files', folder),
        { ...attackServer('crashy', 'results'), restart: { backoff: 10, maxBackoff: 100 } },
      ],
    },
  });
  key = await h.key('dev', ['dev']);
  client = await h.client(key);
}, 60_000);

afterAll(async () => {
  await h.close();
  await Promise.all([httpUp.close(), sseUp.close(), oauthUp.close(), refusedUp.close()]);
  await new Promise<void>((r) => tokenServer.close(() => r()));
  rmSync(folder, { recursive: true, force: true });
});

describe('remote upstreams', () => {
  it('Streamable HTTP with a static credential by reference; the client key never goes upstream', async () => {
    const res = await client.callTool({ name: 'remote__echo', arguments: { message: 'over http' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: over http' }]);
    expect(httpUp.authorizations.length).toBeGreaterThan(0);
    expect(new Set(httpUp.authorizations)).toEqual(new Set(['Bearer upstream-secret']));
    expect(JSON.stringify(httpUp.authorizations)).not.toContain(key);
  });

  it('legacy HTTP+SSE', async () => {
    const res = await client.callTool({ name: 'legacy__echo', arguments: { message: 'over sse' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: over sse' }]);
  });

  it('OAuth client credentials, token cached', async () => {
    const res = await client.callTool({ name: 'oauth__echo', arguments: { message: 'with oauth' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: with oauth' }]);
    await client.callTool({ name: 'oauth__echo', arguments: { message: 'again' } });
    expect(tokenRequests).toBe(1);
    expect(new Set(oauthUp.authorizations)).toEqual(new Set(['Bearer cc-token-1']));
  });

  it('refuses a loopback upstream unless allowPrivateNetwork is set (SSRF)', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.some((n) => n.startsWith('internal__'))).toBe(false);
    expect(refusedUp.authorizations).toEqual([]);
    await expect(client.callTool({ name: 'internal__echo', arguments: { message: 'x' } })).rejects.toThrow();
    expect(refusedUp.authorizations).toEqual([]);
  });
});

describe('server-filesystem on a temporary folder', () => {
  it('lists and calls read-only tools; write tools are hidden and refused by the annotation policy', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith('files__'));
    expect(names).toContain('files__read_text_file');
    expect(names).toContain('files__list_directory');
    expect(names).not.toContain('files__write_file');
    const read = await client.callTool({ name: 'files__read_text_file', arguments: { path: join(folder, 'notes.txt') } });
    expect(JSON.stringify(read.content)).toContain('meeting at noon');
    await expect(client.callTool({ name: 'files__write_file', arguments: { path: join(folder, 'x.txt'), content: 'x' } })).rejects.toMatchObject({ code: -32010 });
    expect(h.gateway.catalog().filter((t) => t.server === 'files' && t.status !== 'approved')).toEqual([]);
  });
});

describe('stdio restart', () => {
  it('restarts a stdio server that died and keeps serving its tools', async () => {
    const whoami = async (): Promise<string> => {
      try {
        const res = await client.callTool({ name: 'crashy__whoami', arguments: {} });
        return JSON.stringify(res.content);
      } catch {
        return 'unavailable';
      }
    };
    const before = await whoami();
    expect(before).toMatch(/"text":"\d+"/);
    await client.callTool({ name: 'crashy__crash', arguments: {} });
    // Polls until a different process answers: the old one exited and the gateway started a new one.
    await expect.poll(async () => {
      const now = await whoami();
      return now !== before && /"text":"\d+"/.test(now);
    }, { timeout: 20_000, interval: 50 }).toBe(true);
  });
});
