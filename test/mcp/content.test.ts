// Resources and prompts end to end: a real SDK Client through Palisade's front to the real server-everything
// and the content attack fixture over stdio. Namespacing on /mcp (prompts `server__name`, URIs wrapped as
// `palisade://server/<uri>`), the server's own names on /mcp/:server, Cedar's read_resource / get_prompt
// (deny by default, lists filtered), inspection of resource text, prompt arguments and messages, the
// poisoning scan of definitions, list_changed forwarding, and one audited ToolInvocation per read/get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptListChangedNotificationSchema, ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { normalizeEvent } from '../../src/audit/events.ts';
import { attackServer, everythingServer, startHarness, type Harness, type Invocation } from './harness.ts';

const POLICIES = `
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"read_resource", resource in Palisade::Server::"everything")
  when { resource.uri like "demo://resource/static/*" || resource.uri like "demo://resource/dynamic/text/*" };
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"get_prompt", resource in Palisade::Server::"everything");
forbid(principal, action == Palisade::Action::"get_prompt", resource == Palisade::Prompt::"everything__args-prompt")
  when { context.arguments has city && context.arguments.city == "Mordor" };
permit(principal in Palisade::Role::"dev", action == Palisade::Action::"call_tool", resource == Palisade::Tool::"everything__get-resource-links");
permit(principal in Palisade::Role::"dev", action in [Palisade::Action::"read_resource", Palisade::Action::"get_prompt", Palisade::Action::"call_tool"], resource in Palisade::Server::"content");
`;

const STATIC_DOC = 'demo://resource/static/document/architecture.md';

let h: Harness;
let devKey: string;
let nobodyKey: string;

beforeAll(async () => {
  h = await startHarness({ mcp: { servers: [everythingServer(), attackServer('content', 'content')], policies: POLICIES } });
  devKey = await h.key('dev-agent', ['dev']);
  nobodyKey = await h.key('nobody', []);
}, 60_000);

afterAll(async () => {
  await h.close();
});

function lastEvent(operation: string, tool: string): Invocation | undefined {
  return h.invocations().filter((e) => e.operation === operation && e.tool === tool).at(-1);
}

describe('resources through /mcp', () => {
  it('lists wrapped URIs the caller may read and reads one, audited', async () => {
    const client = await h.client(devKey);
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain(`palisade://everything/${STATIC_DOC}`);
    expect(uris).toContain('palisade://content/notes://clean');
    expect(uris.every((u) => u.startsWith('palisade://everything/') || u.startsWith('palisade://content/'))).toBe(true);

    const read = await client.readResource({ uri: `palisade://everything/${STATIC_DOC}` });
    expect(read.contents[0]?.uri).toBe(`palisade://everything/${STATIC_DOC}`);
    expect(read.contents[0] && 'text' in read.contents[0] ? read.contents[0].text : '').toContain('Architecture');
    const ev = lastEvent('resources/read', STATIC_DOC);
    expect(ev).toMatchObject({ server: 'everything', decision: 'allowed', caller: { name: 'dev-agent' } });
    expect(ev?.resultBytes).toBeGreaterThan(0);
    expect(ev?.argumentBytes).toBe(Buffer.byteLength(JSON.stringify({ uri: STATIC_DOC })));
  });

  it('lists only permitted templates and reads an expanded one', async () => {
    const client = await h.client(devKey);
    const { resourceTemplates } = await client.listResourceTemplates();
    const templates = resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toContain('palisade://everything/demo://resource/dynamic/text/{resourceId}');
    expect(templates).not.toContain('palisade://everything/demo://resource/dynamic/blob/{resourceId}');
    expect(templates).toContain('palisade://content/notes://page/{id}');
    const read = await client.readResource({ uri: 'palisade://everything/demo://resource/dynamic/text/7' });
    expect(JSON.stringify(read.contents)).toContain('Resource 7');
  });

  it('refuses a read Cedar does not permit (-32010), audited as denied', async () => {
    const client = await h.client(devKey);
    await expect(client.readResource({ uri: 'palisade://everything/demo://resource/dynamic/blob/1' })).rejects.toMatchObject({ code: -32010 });
    expect(lastEvent('resources/read', 'demo://resource/dynamic/blob/1')?.decision).toBe('denied');
  });

  it('a principal without a permit sees no resources, templates or prompts, and cannot read', async () => {
    const client = await h.client(nobodyKey);
    expect((await client.listResources()).resources).toEqual([]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect((await client.listPrompts()).prompts).toEqual([]);
    await expect(client.readResource({ uri: `palisade://everything/${STATIC_DOC}` })).rejects.toMatchObject({ code: -32010 });
    await expect(client.getPrompt({ name: 'everything__simple-prompt' })).rejects.toMatchObject({ code: -32010 });
    expect(h.invocations().filter((e) => e.caller.name === 'nobody').map((e) => e.decision)).toEqual(['denied', 'denied']);
  });

  it('rejects URIs that are not wrapped or name an unknown server', async () => {
    const client = await h.client(devKey);
    await expect(client.readResource({ uri: STATIC_DOC })).rejects.toMatchObject({ code: -32602 });
    await expect(client.readResource({ uri: 'palisade://nope/demo://x' })).rejects.toMatchObject({ code: -32602 });
  });

  it('blocks a resource whose text carries an injection (indirect injection), audited with the finding', async () => {
    const client = await h.client(devKey);
    await expect(client.readResource({ uri: 'palisade://content/notes://injected' })).rejects.toMatchObject({
      code: -32012,
      message: expect.stringContaining('instructions aimed at the model') as unknown,
    });
    const ev = lastEvent('resources/read', 'notes://injected');
    expect(ev?.decision).toBe('blocked-output');
    expect(ev?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'INDIRECT_INJECTION', location: 'tool-output' })]));
  });

  it('redacts a credential in resource text', async () => {
    const client = await h.client(devKey);
    const read = await client.readResource({ uri: 'palisade://content/notes://secret' });
    const text = read.contents[0] && 'text' in read.contents[0] ? read.contents[0].text : '';
    expect(text).toContain('region=eu-west-1');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const ev = lastEvent('resources/read', 'notes://secret');
    expect(ev?.decision).toBe('redacted');
    expect(ev?.findings.map((f) => f.type)).toContain('AWS_ACCESS_KEY');
  });

  it('hides and refuses a resource or template whose description is poisoned, and reports it once', async () => {
    const client = await h.client(devKey);
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).not.toContain('palisade://content/notes://poisoned');
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).not.toContain('palisade://content/notes://hidden/{id}');
    await expect(client.readResource({ uri: 'palisade://content/notes://poisoned' })).rejects.toMatchObject({ code: -32011 });
    await expect(client.readResource({ uri: 'palisade://content/notes://hidden/3' })).rejects.toMatchObject({ code: -32011 });
    expect(lastEvent('resources/read', 'notes://poisoned')?.decision).toBe('quarantined');
    const integrity = h.integrity().filter((e) => e.server === 'content' && e.tool === 'resource:notes://poisoned');
    expect(integrity).toHaveLength(1);
    expect(integrity[0]).toMatchObject({ change: 'quarantined', reasons: ['poisoned'] });
    expect(integrity[0]?.signals).toEqual(expect.arrayContaining(['model-instructions', 'conceal-from-user', 'credential-or-dotfile']));
    // server-everything's honest definitions are not flagged.
    expect(h.integrity().filter((e) => e.server === 'everything' && e.tool.includes(':'))).toEqual([]);
  });
});

describe('prompts through /mcp', () => {
  it('lists namespaced prompts and gets one with arguments, audited', async () => {
    const client = await h.client(devKey);
    const names = (await client.listPrompts()).prompts.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['everything__simple-prompt', 'everything__args-prompt', 'content__summarize', 'content__injected']));
    const res = await client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Oslo' } });
    expect(JSON.stringify(res.messages)).toContain('Oslo');
    const ev = lastEvent('prompts/get', 'args-prompt');
    expect(ev).toMatchObject({ server: 'everything', decision: 'allowed' });
    expect(ev?.argumentBytes).toBe(Buffer.byteLength(JSON.stringify({ city: 'Oslo' })));
    expect(ev?.definitionHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('applies argument-based forbids', async () => {
    const client = await h.client(devKey);
    await expect(client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Mordor' } })).rejects.toMatchObject({ code: -32010 });
    expect(lastEvent('prompts/get', 'args-prompt')?.decision).toBe('denied');
  });

  it('inspects prompt messages: an embedded injected resource blocks the prompt', async () => {
    const client = await h.client(devKey);
    await expect(client.getPrompt({ name: 'content__injected' })).rejects.toMatchObject({ code: -32012 });
    const ev = lastEvent('prompts/get', 'injected');
    expect(ev?.decision).toBe('blocked-output');
    expect(ev?.findings.some((f) => f.type === 'INDIRECT_INJECTION')).toBe(true);
  });

  it('redacts a credential in prompt arguments before the upstream sees it', async () => {
    const client = await h.client(devKey);
    const res = await client.getPrompt({ name: 'content__summarize', arguments: { topic: 'key AKIAIOSFODNN7EXAMPLE rotation' } });
    const text = JSON.stringify(res.messages);
    expect(text).toContain('Summarize: key ');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const ev = lastEvent('prompts/get', 'summarize');
    expect(ev?.decision).toBe('redacted');
    expect(ev?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'AWS_ACCESS_KEY', location: 'tool-input' })]));
  });

  it('hides and refuses a prompt whose definition is poisoned; unknown prompts are -32602', async () => {
    const client = await h.client(devKey);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).not.toContain('content__poisoned');
    await expect(client.getPrompt({ name: 'content__poisoned' })).rejects.toMatchObject({ code: -32011 });
    await expect(client.getPrompt({ name: 'content__nope' })).rejects.toMatchObject({ code: -32602 });
    expect(lastEvent('prompts/get', 'nope')?.decision).toBe('unknown-tool');
  });
});

describe('URIs inside tool results and prompt messages on /mcp', () => {
  it('wraps resource links from a tool so the client can read them through Palisade', async () => {
    const client = await h.client(devKey);
    const res = await client.callTool({ name: 'everything__get-resource-links', arguments: { count: 2 } });
    const links = (res.content as { type: string; uri?: string }[]).filter((c) => c.type === 'resource_link').map((c) => c.uri ?? '');
    expect(links).toEqual(['palisade://everything/demo://resource/dynamic/blob/1', 'palisade://everything/demo://resource/dynamic/text/2']);
    const read = await client.readResource({ uri: links[1] ?? '' });
    expect(JSON.stringify(read.contents)).toContain('Resource 2');
    // The link is only a pointer: reading it is still subject to Cedar (blobs are not permitted here).
    await expect(client.readResource({ uri: links[0] ?? '' })).rejects.toMatchObject({ code: -32010 });
  });

  it('wraps embedded resources in prompt messages', async () => {
    const client = await h.client(devKey);
    const res = await client.getPrompt({ name: 'everything__resource-prompt', arguments: { resourceType: 'Text', resourceId: '1' } });
    const embedded = res.messages.map((m) => m.content).find((c) => c.type === 'resource');
    expect(embedded?.type === 'resource' ? embedded.resource.uri : '').toBe('palisade://everything/demo://resource/dynamic/text/1');
  });
});

describe('/mcp/:server and the rest', () => {
  it('serves the upstream’s own URIs and prompt names', async () => {
    const client = await h.client(devKey, '/mcp/everything');
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(STATIC_DOC);
    const read = await client.readResource({ uri: STATIC_DOC });
    expect(read.contents[0]?.uri).toBe(STATIC_DOC);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('simple-prompt');
    const res = await client.getPrompt({ name: 'simple-prompt' });
    expect(JSON.stringify(res.messages)).toContain('simple prompt');
  });

  it('forwards an upstream’s resources and prompts list_changed to clients', async () => {
    const client = await h.client(devKey, '/mcp/content');
    let resources = 0;
    let prompts = 0;
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      resources++;
    });
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
      prompts++;
    });
    // Notifications travel on the session's GET stream, which the client opens on its own after initialize:
    // announce again until both have come through rather than assume the stream is already open.
    await expect
      .poll(
        async () => {
          await client.callTool({ name: 'announce', arguments: {} });
          return resources > 0 && prompts > 0;
        },
        { timeout: 20_000, interval: 50 },
      )
      .toBe(true);
  });

  it('maps read and get events onto valid audit records', () => {
    for (const operation of ['resources/read', 'prompts/get'] as const) {
      const ev = h.events.find((e) => e.recordType === 'ToolInvocation' && e.operation === operation && e.decision === 'allowed');
      if (ev === undefined) throw new Error(`no ${operation} event`);
      const mapped = normalizeEvent(ev);
      if (!mapped.ok) throw new Error(mapped.error);
      expect(mapped.value).toMatchObject({ recordType: 'ToolInvocation', operation, decision: 'allowed' });
    }
  });

  it('explains read_resource and get_prompt decisions', () => {
    const principal = { id: 'key:x', kind: 'agent' as const, name: 'x', authMethod: 'api-key' as const, roles: ['dev'], groups: [] };
    const read = h.gateway.explain(principal, `palisade://everything/${STATIC_DOC}`, undefined, 'read_resource');
    expect(read).toMatchObject({ allowed: true, known: true });
    expect(read.policies[0]?.text).toContain('read_resource');
    expect(h.gateway.explain(principal, 'palisade://everything/demo://resource/dynamic/blob/1', undefined, 'read_resource').allowed).toBe(false);
    expect(h.gateway.explain(principal, 'everything__args-prompt', { city: 'Oslo' }, 'get_prompt').allowed).toBe(true);
    const mordor = h.gateway.explain(principal, 'everything__args-prompt', { city: 'Mordor' }, 'get_prompt');
    expect(mordor.allowed).toBe(false);
    expect(mordor.policies[0]?.text).toContain('Mordor');
  });
});
