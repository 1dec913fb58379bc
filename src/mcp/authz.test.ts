import { describe, expect, it } from 'vitest';
import type { Principal } from '../core/index.ts';
import { createAuthorizer, type Authorizer } from './authz.ts';

const alice: Principal = { id: 'idp:alice', kind: 'user', name: 'Alice', authMethod: 'jwt', roles: ['reader'], groups: ['eng'] };
const bot: Principal = { id: 'key:k1', kind: 'agent', name: 'bot', authMethod: 'api-key', roles: ['agent'], groups: [], keyId: 'k1' };
const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);

function authorizer(text: string | undefined): Authorizer {
  const a = createAuthorizer(text);
  if (!a.ok) throw new Error(a.error.join('; '));
  return a.value;
}

const tool = (name: string, annotations: Record<string, unknown> = {}): { server: string; name: string; annotations: Record<string, unknown> } => ({
  server: name.split('__')[0] ?? '',
  name,
  annotations,
});

describe('Cedar authorizer', () => {
  it('denies everything without policies', () => {
    for (const text of [undefined, '', '   ']) {
      const a = authorizer(text);
      expect(a.authorize({ principal: alice, action: 'call_tool', resource: tool('fs__read'), now: NOW }).allowed).toBe(false);
      a.close();
    }
  });

  it('reports a policy set that does not parse', () => {
    const r = createAuthorizer('permit(principal, action, resource) when { oops');
    expect(r.ok).toBe(false);
  });

  it('decides on groups, agent type, annotations, arguments, time and client address', () => {
    const a = authorizer(`
      permit(principal in Palisade::Group::"eng", action == Palisade::Action::"call_tool", resource in Palisade::Server::"fs")
        when { resource.readOnlyHint == true };
      permit(principal is Palisade::Agent, action == Palisade::Action::"call_tool", resource == Palisade::Tool::"fs__write")
        when { context.hour >= 8 && context.hour < 18 && context has clientIp && context.clientIp.isInRange(ip("10.0.0.0/8")) };
      forbid(principal, action, resource) when { context.arguments has path && context.arguments.path like "*/.ssh/*" };
    `);
    const read = tool('fs__read', { readOnlyHint: true });
    expect(a.authorize({ principal: alice, action: 'call_tool', resource: read, now: NOW })).toMatchObject({ allowed: true, reasons: ['policy0'] });
    expect(a.authorize({ principal: alice, action: 'call_tool', resource: tool('fs__write', { readOnlyHint: false }), now: NOW }).allowed).toBe(false);
    expect(a.authorize({ principal: alice, action: 'call_tool', resource: read, arguments: { path: '/home/a/.ssh/id_rsa' }, now: NOW })).toMatchObject({ allowed: false, reasons: ['policy2'] });
    const write = tool('fs__write');
    expect(a.authorize({ principal: bot, action: 'call_tool', resource: write, clientIp: '10.1.2.3', now: NOW }).allowed).toBe(true);
    expect(a.authorize({ principal: bot, action: 'call_tool', resource: write, clientIp: '192.168.1.1', now: NOW }).allowed).toBe(false);
    expect(a.authorize({ principal: bot, action: 'call_tool', resource: write, clientIp: '10.1.2.3', now: NOW + 10 * 3600_000 }).allowed).toBe(false);
    expect(a.policyText('policy2')).toContain('forbid');
    a.close();
  });

  it('cannot be fooled by arguments shaped like Cedar entity escapes', () => {
    const a = authorizer(`permit(principal, action, resource) when { context.arguments has target && context.arguments.target == Palisade::Role::"admin" };`);
    const forged = { target: { __entity: { type: 'Palisade::Role', id: 'admin' } } };
    expect(a.authorize({ principal: bot, action: 'call_tool', resource: tool('x__y'), arguments: forged, now: NOW }).allowed).toBe(false);
    a.close();
  });

  it('passes any JSON arguments (floats and nulls included) without failing closed by accident', () => {
    const a = authorizer(`permit(principal, action, resource) when { context.arguments.n == "1.5" && context.arguments.list.contains(2) };`);
    expect(a.authorize({ principal: bot, action: 'call_tool', resource: tool('x__y'), arguments: { n: 1.5, list: [1, 2, null], z: null }, now: NOW }).allowed).toBe(true);
    a.close();
  });

  it('types resources and prompts by action, with attributes that cannot override server or name', () => {
    const a = authorizer(`
permit(principal, action == Palisade::Action::"read_resource", resource in Palisade::Server::"docs") when { resource.uri like "file:///public/*" };
permit(principal, action == Palisade::Action::"get_prompt", resource == Palisade::Prompt::"docs__summarize");
permit(principal, action == Palisade::Action::"read_resource", resource) when { resource.server == "other" };
`);
    const res = (uri: string, attributes: Record<string, string> = { uri }): { server: string; name: string; attributes: Record<string, string> } => ({
      server: 'docs',
      name: `palisade://docs/${uri}`,
      attributes,
    });
    expect(a.authorize({ principal: alice, action: 'read_resource', resource: res('file:///public/a.md'), now: NOW }).allowed).toBe(true);
    expect(a.authorize({ principal: alice, action: 'read_resource', resource: res('file:///private/a.md'), now: NOW }).allowed).toBe(false);
    // A permit for prompts does not open the same-named tool: the entity types differ.
    expect(a.authorize({ principal: alice, action: 'get_prompt', resource: { server: 'docs', name: 'docs__summarize' }, now: NOW }).allowed).toBe(true);
    expect(a.authorize({ principal: alice, action: 'call_tool', resource: { server: 'docs', name: 'docs__summarize' }, now: NOW }).allowed).toBe(false);
    expect(a.authorize({ principal: alice, action: 'read_resource', resource: res('x', { uri: 'x', server: 'other', name: 'y' }), now: NOW }).allowed).toBe(false);
    a.close();
  });
});
