// How /mcp names what several servers offer so they cannot collide: tools and prompts are `server__name`
// (server names cannot contain `_`), resource URIs and URI templates are wrapped as
// `palisade://server/<the upstream's URI, verbatim>`. The URI is kept verbatim rather than encoded so that
// a wrapped template still expands like the original (`{id}` stays a variable for the client).
import type { AuthzResource, McpAction } from './authz.ts';

/** Separates server and tool in namespaced names. Server names cannot contain it (config rejects `_`). */
export const NAMESPACE_SEPARATOR = '__';

/** The scheme and authority prefix of a wrapped resource URI on /mcp. */
export const RESOURCE_URI_PREFIX = 'palisade://';

export function qualifiedName(server: string, name: string): string {
  return `${server}${NAMESPACE_SEPARATOR}${name}`;
}

/** `server__name` → its parts; undefined when there is no server part. */
export function splitQualifiedName(qualified: string): { server: string; name: string } | undefined {
  const i = qualified.indexOf(NAMESPACE_SEPARATOR);
  if (i <= 0) return undefined;
  return { server: qualified.slice(0, i), name: qualified.slice(i + NAMESPACE_SEPARATOR.length) };
}

export function wrapResourceUri(server: string, uri: string): string {
  return `${RESOURCE_URI_PREFIX}${server}/${uri}`;
}

/** `palisade://server/uri` → its parts; undefined for anything else (an upstream URI sent to /mcp, say). */
export function unwrapResourceUri(wrapped: string): { server: string; uri: string } | undefined {
  if (!wrapped.startsWith(RESOURCE_URI_PREFIX)) return undefined;
  const rest = wrapped.slice(RESOURCE_URI_PREFIX.length);
  const i = rest.indexOf('/');
  if (i <= 0 || i === rest.length - 1) return undefined;
  return { server: rest.slice(0, i), uri: rest.slice(i + 1) };
}

/**
 * Wraps the URIs of `resource_link` and embedded `resource` content (in tool results and prompt messages),
 * so that a client on /mcp can read what it was pointed at through the same namespace.
 */
export function wrapContentUris<T extends { type: string }>(server: string, content: readonly T[]): T[] {
  return content.map((item) => wrapContentUri(server, item));
}

export function wrapContentUri<T extends { type: string }>(server: string, item: T): T {
  const c = item as { type: string; uri?: unknown; resource?: { uri?: unknown } };
  if (c.type === 'resource_link' && typeof c.uri === 'string') return { ...item, uri: wrapResourceUri(server, c.uri) };
  if (c.type === 'resource' && c.resource !== undefined && typeof c.resource.uri === 'string') {
    return { ...item, resource: { ...c.resource, uri: wrapResourceUri(server, c.resource.uri) } };
  }
  return item;
}

/** The Cedar resource of a read: `Palisade::Resource::"palisade://server/<uri>"` with attribute `uri`. */
export function resourceTarget(server: string, uri: string): AuthzResource {
  return { server, name: wrapResourceUri(server, uri), attributes: { uri } };
}

/** The Cedar resource of a prompts/get: `Palisade::Prompt::"server__name"` with attribute `prompt`. */
export function promptTarget(server: string, name: string): AuthzResource {
  return { server, name: qualifiedName(server, name), attributes: { prompt: name } };
}

/**
 * The Cedar resource for what /mcp shows (`server__tool`, `server__prompt`, `palisade://server/<uri>`) under
 * an action; undefined when the name does not have that form. For `palisade mcp authz test` and the like.
 */
export function authzTarget(action: McpAction, shown: string): AuthzResource | undefined {
  if (action === 'read_resource') {
    const r = unwrapResourceUri(shown);
    return r === undefined ? undefined : resourceTarget(r.server, r.uri);
  }
  const q = splitQualifiedName(shown);
  if (q === undefined) return undefined;
  return action === 'get_prompt' ? promptTarget(q.server, q.name) : { server: q.server, name: shown };
}
