import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authzTarget, qualifiedName, splitQualifiedName, unwrapResourceUri, wrapContentUri, wrapResourceUri } from './naming.ts';

// Server names as the config allows them: letters, digits and `-`, never `_` or `/`.
const serverName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,20}$/);

describe('namespacing', () => {
  it('unwraps every wrapped URI to the server and the verbatim upstream URI', () => {
    fc.assert(
      fc.property(serverName, fc.string({ minLength: 1 }), (server, uri) => {
        expect(unwrapResourceUri(wrapResourceUri(server, uri))).toEqual({ server, uri });
      }),
    );
  });

  it('keeps template variables verbatim, so a wrapped template expands like the original', () => {
    expect(wrapResourceUri('files', 'file:///docs/{name}')).toBe('palisade://files/file:///docs/{name}');
    expect(unwrapResourceUri('palisade://files/file:///docs/a.md')).toEqual({ server: 'files', uri: 'file:///docs/a.md' });
  });

  it('refuses what is not a wrapped URI', () => {
    for (const u of ['file:///etc/passwd', 'palisade://', 'palisade://files', 'palisade://files/', 'palisade:///x', 'PALISADE://files/x']) {
      expect(unwrapResourceUri(u)).toBeUndefined();
    }
  });

  it('splits qualified names at the first separator (upstream names may contain `__`)', () => {
    fc.assert(
      fc.property(serverName, fc.string({ minLength: 1 }), (server, name) => {
        expect(splitQualifiedName(qualifiedName(server, name))).toEqual({ server, name });
      }),
    );
    expect(splitQualifiedName('__x')).toBeUndefined();
    expect(splitQualifiedName('plain')).toBeUndefined();
  });

  it('wraps resource links and embedded resources, leaves other content alone', () => {
    expect(wrapContentUri('s', { type: 'resource_link', uri: 'a://b', name: 'b' })).toEqual({ type: 'resource_link', uri: 'palisade://s/a://b', name: 'b' });
    expect(wrapContentUri('s', { type: 'resource', resource: { uri: 'a://b', text: 't' } })).toEqual({ type: 'resource', resource: { uri: 'palisade://s/a://b', text: 't' } });
    const text = { type: 'text', text: 'palisade' };
    expect(wrapContentUri('s', text)).toBe(text);
  });

  it('maps what /mcp shows to the Cedar resource of each action', () => {
    expect(authzTarget('read_resource', 'palisade://docs/file:///a.md')).toEqual({ server: 'docs', name: 'palisade://docs/file:///a.md', attributes: { uri: 'file:///a.md' } });
    expect(authzTarget('get_prompt', 'docs__summarize')).toEqual({ server: 'docs', name: 'docs__summarize', attributes: { prompt: 'summarize' } });
    expect(authzTarget('call_tool', 'docs__read')).toEqual({ server: 'docs', name: 'docs__read' });
    expect(authzTarget('read_resource', 'file:///a.md')).toBeUndefined();
    expect(authzTarget('get_prompt', 'summarize')).toBeUndefined();
  });
});
