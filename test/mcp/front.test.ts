// Priority 1 and 2 end to end: a real SDK Client through Palisade's front to the real server-everything over
// stdio; namespacing, tools/list filtering and tools/call under Cedar (deny by default), and front auth.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { everythingServer, RESOURCE, startHarness, type Harness } from './harness.ts';

const POLICIES = `
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource in Palisade::Server::"everything");
forbid(principal, action == Palisade::Action::"call_tool", resource) when { resource has destructiveHint && resource.destructiveHint };
permit(principal in Palisade::Group::"ops", action == Palisade::Action::"call_tool", resource == Palisade::Tool::"everything__echo");
forbid(principal, action == Palisade::Action::"call_tool", resource == Palisade::Tool::"everything__echo") when { context.arguments has message && context.arguments.message like "*forbidden*" };
`;

let h: Harness;
let devKey: string;
let nobodyKey: string;

beforeAll(async () => {
  h = await startHarness({ mcp: { servers: [everythingServer()], policies: POLICIES } });
  devKey = await h.key('dev-agent', ['dev', 'agent']);
  nobodyKey = await h.key('nobody', []);
}, 60_000);

afterAll(async () => {
  await h.close();
});

describe('front → server-everything (stdio)', () => {
  it('lists namespaced tools and calls one through Palisade', async () => {
    const client = await h.client(devKey);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('everything__echo');
    expect(names).toContain('everything__get-sum');
    expect(names.every((n) => n.startsWith('everything__'))).toBe(true);
    const res = await client.callTool({ name: 'everything__echo', arguments: { message: 'hello palisade' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: hello palisade' }]);
    const sum = await client.callTool({ name: 'everything__get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    const ev = h.invocations().find((e) => e.tool === 'echo' && e.decision === 'allowed');
    expect(ev).toMatchObject({ server: 'everything', caller: { name: 'dev-agent', kind: 'agent' } });
    expect(ev?.definitionHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ev?.argumentBytes).toBe(Buffer.byteLength(JSON.stringify({ message: 'hello palisade' })));
    expect(ev?.resultBytes).toBeGreaterThan(0);
    expect(ev?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('serves one server at /mcp/:server with the upstream names', async () => {
    const client = await h.client(devKey, '/mcp/everything');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const res = await client.callTool({ name: 'echo', arguments: { message: 'x' } });
    expect(res.content).toEqual([{ type: 'text', text: 'Echo: x' }]);
  });

  it('negotiates the 2025-11-25 protocol version', async () => {
    const client = await h.client(devKey);
    const res = await fetch(new URL('/mcp', h.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${devKey}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toMatch(/.+/);
    const body = (await res.json()) as { result: { protocolVersion: string } };
    expect(body.result.protocolVersion).toBe('2025-06-18');
    expect(client.getServerVersion()?.name).toBe('palisade');
  });
});

describe('Cedar authorization (deny by default)', () => {
  it('a principal without a permit sees no tools and cannot call any', async () => {
    const client = await h.client(nobodyKey);
    expect((await client.listTools()).tools).toEqual([]);
    await expect(client.callTool({ name: 'everything__echo', arguments: { message: 'x' } })).rejects.toThrow(McpError);
    const ev = h.invocations().find((e) => e.caller.name === 'nobody');
    expect(ev?.decision).toBe('denied');
  });

  it('hides and refuses destructive tools even for permitted roles (forbid wins)', async () => {
    const client = await h.client(devKey);
    const { tools } = await client.listTools();
    const destructive = tools.filter((t) => t.annotations?.destructiveHint === true);
    expect(destructive).toEqual([]);
  });

  it('groups from an OAuth token, argument-based forbids, and tools/list shows only callable tools', async () => {
    const token = await h.token({ sub: 'u-ops', name: 'Olivia', groups: ['ops'] });
    const client = await h.client(token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['everything__echo']);
    const ok = await client.callTool({ name: 'everything__echo', arguments: { message: 'fine' } });
    expect(ok.content).toEqual([{ type: 'text', text: 'Echo: fine' }]);
    const denied = client.callTool({ name: 'everything__echo', arguments: { message: 'this is forbidden text' } });
    await expect(denied).rejects.toMatchObject({ code: -32010 });
    await expect(client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } })).rejects.toMatchObject({ code: -32010 });
  });

  it('explains a decision with the deciding policy text', () => {
    const principal = { id: 'key:x', kind: 'agent' as const, name: 'x', authMethod: 'api-key' as const, roles: ['dev'], groups: [] };
    const yes = h.gateway.explain(principal, 'everything__echo');
    expect(yes.allowed).toBe(true);
    expect(yes.policies[0]?.text).toContain('Palisade::Role::"dev"');
    const no = h.gateway.explain({ ...principal, roles: [] }, 'everything__echo');
    expect(no).toMatchObject({ allowed: false, policies: [] });
  });
});

describe('front authentication and local safety', () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
  async function post(headers: Record<string, string>, path = '/mcp'): Promise<Response> {
    return fetch(new URL(path, h.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(init),
    });
  }

  it('serves RFC 9728 protected-resource metadata', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await fetch(new URL(path, h.url));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resource: RESOURCE, bearer_methods_supported: ['header'], scopes_supported: ['mcp:tools'] });
    }
  });

  it('401 with resource_metadata when credentials are missing', async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer resource_metadata="http://palisade.test/.well-known/oauth-protected-resource/mcp"');
  });

  it('401 invalid_token for a wrong key, an expired token and a token for another resource', async () => {
    const wrong = await post({ authorization: 'Bearer pal_notarealkey0000000000000000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const expired = await post({ authorization: `Bearer ${await h.token({ sub: 'u1', groups: ['ops'] }, { expiresIn: Math.floor(Date.now() / 1000) - 120 })}` });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('resource_metadata=');
    const otherResource = await post({ authorization: `Bearer ${await h.token({ sub: 'u1', groups: ['ops'], aud: 'https://other.example/api' })}` });
    expect(otherResource.status).toBe(401);
    expect(otherResource.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(JSON.stringify(await otherResource.json())).toContain('not issued for this resource');
  });

  it('403 insufficient_scope when the token lacks the required scope', async () => {
    const res = await post({ authorization: `Bearer ${await h.token({ sub: 'u1', scope: 'openid' })}` });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('403 for a DNS-rebinding Host and for a foreign Origin, even with a valid key', async () => {
    // fetch may not set Host, so this request goes through node:http, as a rebinding browser's would arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/mcp', h.url), {
        method: 'POST',
        headers: { host: 'attacker.example:8080', authorization: `Bearer ${devKey}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    expect(status).toBe(403);
    const origin = await post({ authorization: `Bearer ${devKey}`, origin: 'https://attacker.example' });
    expect(origin.status).toBe(403);
  });

  it('a session belongs to the principal that opened it', async () => {
    const res = await post({ authorization: `Bearer ${devKey}` });
    const sid = res.headers.get('mcp-session-id') ?? '';
    await res.body?.cancel();
    const hijack = await fetch(new URL('/mcp', h.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${nobodyKey}`, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
    });
    expect(hijack.status).toBe(404);
  });

  it('404 for an unknown server', async () => {
    const res = await post({ authorization: `Bearer ${devKey}` }, '/mcp/nope');
    expect(res.status).toBe(404);
  });
});
