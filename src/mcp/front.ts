// The MCP front: Streamable HTTP at /mcp (every server the caller may use; tools and prompts named
// `server__name`, resource URIs wrapped as `palisade://server/<uri>`) and /mcp/:server (one server, the
// upstream's own names and URIs), OAuth protected-resource metadata (RFC 9728),
// Host/Origin validation against DNS rebinding, and authentication on every request, localhost included.
// Sessions are bound to the principal that opened them: another caller presenting the id gets a 404.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  isInitializeRequest,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { McpConfig } from '../core/config/mcp.ts';
import { errorBody, palisadeError, httpStatusOf, type PalisadeError, type Principal } from '../core/index.ts';
import type { CallerInfo, McpEngine } from './engine.ts';
import { splitQualifiedName, unwrapResourceUri, wrapContentUri, wrapContentUris, wrapResourceUri } from './naming.ts';
import type { McpDeps } from './types.ts';

export interface FrontOptions {
  readonly config: McpConfig;
  /** Palisade's base URL as clients see it, e.g. `https://palisade.example.com`. */
  readonly publicUrl: string;
}

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  readonly principalId: string;
  /** The one server of a /mcp/:server session; undefined for /mcp. */
  readonly scope: string | undefined;
  lastSeen: number;
  unsubscribe: () => void;
}

const SERVER_INFO = { name: 'palisade', version: '0.1.0' };
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `host:port` → lower-case host without the port (IPv6 brackets kept). */
function hostOnly(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const i = h.lastIndexOf(':');
  return i >= 0 && h.indexOf(':') === i ? h.slice(0, i) : h;
}

export class McpFront {
  readonly #engine: McpEngine;
  readonly #deps: McpDeps;
  readonly #config: McpConfig;
  readonly resource: string;
  readonly metadataUrl: string;
  readonly #allowedHosts: Set<string>;
  readonly #allowedOrigins: Set<string>;
  readonly #sessions = new Map<string, Session>();
  readonly #sweep: NodeJS.Timeout;

  constructor(engine: McpEngine, deps: McpDeps, opts: FrontOptions) {
    this.#engine = engine;
    this.#deps = deps;
    this.#config = opts.config;
    const base = opts.publicUrl.replace(/\/+$/, '');
    this.resource = opts.config.front.resource ?? `${base}/mcp`;
    const res = new URL(this.resource);
    this.metadataUrl = `${res.origin}/.well-known/oauth-protected-resource${res.pathname === '/' ? '' : res.pathname}`;
    const hosts = opts.config.front.allowedHosts.length > 0 ? opts.config.front.allowedHosts : [...LOCAL_HOSTS, new URL(base).host, res.host];
    this.#allowedHosts = new Set(hosts.map((h) => h.toLowerCase()));
    this.#allowedOrigins = new Set(opts.config.front.allowedOrigins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
    const idle = opts.config.front.sessionIdleTimeout;
    this.#sweep = setInterval(() => this.#closeIdle(), Math.max(1000, Math.min(idle / 4, 60_000)));
    this.#sweep.unref();
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  #hostAllowed(host: string | undefined): boolean {
    if (host === undefined) return false;
    const h = host.toLowerCase();
    return this.#allowedHosts.has(h) || this.#allowedHosts.has(hostOnly(h));
  }

  /** Protected-resource metadata (RFC 9728). */
  metadata(): Record<string, unknown> {
    return {
      resource: this.resource,
      authorization_servers: this.#config.front.authorizationServers,
      bearer_methods_supported: ['header'],
      scopes_supported: this.#config.front.requiredScopes,
      resource_name: 'Palisade MCP gateway',
    };
  }

  register(app: FastifyInstance): void {
    const meta = async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      await reply.header('cache-control', 'max-age=300').send(this.metadata());
    };
    app.get('/.well-known/oauth-protected-resource', meta);
    app.get('/.well-known/oauth-protected-resource/mcp', meta);
    const handler = async (req: FastifyRequest<{ Params: { server?: string } }>, reply: FastifyReply): Promise<void> => {
      await this.#handle(req, reply, req.params.server);
    };
    for (const url of ['/mcp', '/mcp/:server']) {
      app.route({ method: ['GET', 'POST', 'DELETE'], url, handler });
    }
  }

  async #deny(reply: FastifyReply, error: PalisadeError, wwwAuthenticate?: string): Promise<void> {
    if (wwwAuthenticate !== undefined) void reply.header('www-authenticate', wwwAuthenticate);
    await reply.code(httpStatusOf(error.code)).send(errorBody(error, 'openai'));
  }

  async #authenticate(req: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> {
    const challenge = (extra: string): string => `Bearer resource_metadata="${this.metadataUrl}"${extra}`;
    const auth = await this.#deps.pipeline.authenticate(req.headers, { ip: req.ip, userAgent: header(req.headers, 'user-agent') }, `${req.method} ${req.url.split('?', 1)[0] ?? ''}`);
    if (!auth.ok) {
      const presented = header(req.headers, 'authorization') !== undefined || header(req.headers, 'x-api-key') !== undefined || header(req.headers, 'api-key') !== undefined;
      await this.#deny(reply, auth.error, challenge(presented ? ', error="invalid_token"' : ''));
      return undefined;
    }
    const principal = auth.value;
    const audiences = principal.tokenAudiences;
    const scopes = principal.tokenScopes;
    if (principal.authMethod === 'jwt') {
      // The token must have been issued for this resource (RFC 8707): a token for another API is refused.
      if (audiences === undefined || !audiences.includes(this.resource)) {
        await this.#deny(
          reply,
          palisadeError('invalid_token', 'The access token was not issued for this resource.'),
          challenge(', error="invalid_token", error_description="audience"'),
        );
        return undefined;
      }
      const required = this.#config.front.requiredScopes;
      const have = new Set(scopes ?? []);
      if (required.some((s) => !have.has(s))) {
        await this.#deny(
          reply,
          palisadeError('forbidden', 'The access token lacks a required scope.'),
          `Bearer error="insufficient_scope", scope="${required.join(' ')}", resource_metadata="${this.metadataUrl}"`,
        );
        return undefined;
      }
    }
    return principal;
  }

  async #handle(req: FastifyRequest, reply: FastifyReply, scope: string | undefined): Promise<void> {
    if (!this.#hostAllowed(header(req.headers, 'host'))) {
      await this.#deny(reply, palisadeError('forbidden', 'Host not allowed.'));
      return;
    }
    const origin = header(req.headers, 'origin');
    if (origin !== undefined && !this.#allowedOrigins.has(origin.toLowerCase().replace(/\/+$/, ''))) {
      await this.#deny(reply, palisadeError('forbidden', 'Origin not allowed.'));
      return;
    }
    const principal = await this.#authenticate(req, reply);
    if (principal === undefined) return;
    if (scope !== undefined && !this.#engine.hasServer(scope)) {
      await this.#deny(reply, palisadeError('not_found', 'Unknown MCP server.'));
      return;
    }
    const sessionId = header(req.headers, 'mcp-session-id');
    let session: Session | undefined;
    if (sessionId !== undefined) {
      session = this.#sessions.get(sessionId);
      if (session?.principalId !== principal.id || session.scope !== scope) {
        await reply.code(404).send({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
        return;
      }
    } else {
      if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
        await reply.code(400).send({ jsonrpc: '2.0', error: { code: ErrorCode.InvalidRequest, message: 'Bad Request: no session; send initialize first' }, id: null });
        return;
      }
      if (this.#sessions.size >= this.#config.front.maxSessions) {
        await this.#deny(reply, palisadeError('upstream_unavailable', 'Too many MCP sessions.', { retryAfter: 5 }));
        return;
      }
      session = this.#openSession(principal, scope, req.ip);
    }
    session.lastSeen = this.#deps.clock.now();
    reply.hijack();
    await session.transport.handleRequest(req.raw, reply.raw, req.body);
    if (sessionId === undefined && session.transport.sessionId === undefined) {
      // The initialize was refused (bad version, bad body): nothing will ever address this session.
      await session.transport.close();
      session.unsubscribe();
    }
  }

  #openSession(principal: Principal, scope: string | undefined, clientIp: string): Session {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        this.#sessions.set(id, session);
      },
    });
    const server = this.createSessionServer({ principal, clientIp }, scope, () => transport.sessionId);
    const session: Session = {
      transport,
      server,
      principalId: principal.id,
      scope,
      lastSeen: this.#deps.clock.now(),
      unsubscribe: () => undefined,
    };
    const offTools = this.#engine.onCatalogChange((changed) => {
      if (scope === undefined || scope === changed) server.sendToolListChanged().catch(() => undefined);
    });
    const offContent = this.#engine.onContentChange((changed, kind) => {
      if (scope !== undefined && scope !== changed) return;
      (kind === 'resources' ? server.sendResourceListChanged() : server.sendPromptListChanged()).catch(() => undefined);
    });
    session.unsubscribe = () => {
      offTools();
      offContent();
    };
    transport.onclose = () => {
      session.unsubscribe();
      if (transport.sessionId !== undefined) this.#sessions.delete(transport.sessionId);
    };
    void server.connect(transport);
    return session;
  }

  /** An SDK Server answering for one caller; used by HTTP sessions and by in-process transports. */
  createSessionServer(caller: CallerInfo, scope: string | undefined, sessionId: () => string | undefined = () => undefined): Server {
    const server = new Server(SERVER_INFO, {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true } },
    });
    const servers = scope === undefined ? this.#engine.serverNames : [scope];
    const content = this.#engine.content;
    const who = (): CallerInfo => {
      const sid = sessionId();
      return { ...caller, ...(sid !== undefined ? { sessionId: sid } : {}) };
    };
    /** A namespaced name (`server__name`) on /mcp, the upstream's own on /mcp/:server. */
    const target = (name: string): { server: string; name: string } | undefined => {
      const t = scope !== undefined ? { server: scope, name } : splitQualifiedName(name);
      return t !== undefined && this.#engine.hasServer(t.server) ? t : undefined;
    };

    server.setRequestHandler(ListToolsRequestSchema, async () => {
      const tools = await this.#engine.listTools(who(), servers);
      return { tools: tools.map((t): Tool => ({ ...t.tool, name: scope === undefined ? t.qualified : t.name })) };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const t = target(request.params.name);
      if (t === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
      const result = await this.#engine.callTool(who(), t.server, t.name, request.params.arguments, extra.signal);
      return scope === undefined ? { ...result, content: wrapContentUris(t.server, result.content) } : result;
    });

    server.setRequestHandler(ListPromptsRequestSchema, async () => {
      const prompts = await content.listPrompts(who(), servers);
      return { prompts: prompts.map((p): Prompt => ({ ...p.prompt, name: scope === undefined ? p.qualified : p.name })) };
    });
    server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
      const t = target(request.params.name);
      if (t === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
      const result = await content.getPrompt(who(), t.server, t.name, request.params.arguments, extra.signal);
      return scope === undefined ? { ...result, messages: result.messages.map((m) => ({ ...m, content: wrapContentUri(t.server, m.content) })) } : result;
    });

    // On /mcp a URI is wrapped on the way out and unwrapped on the way in; /mcp/:server passes URIs as they are.
    const outUri = (s: string, uri: string): string => (scope === undefined ? wrapResourceUri(s, uri) : uri);
    server.setRequestHandler(ListResourcesRequestSchema, async () => {
      const resources = await content.listResources(who(), servers);
      return { resources: resources.map((r): Resource => ({ ...r.resource, uri: outUri(r.server, r.uri) })) };
    });
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => {
      const templates = await content.listResourceTemplates(who(), servers);
      return { resourceTemplates: templates.map((t): ResourceTemplate => ({ ...t.template, uriTemplate: outUri(t.server, t.uriTemplate) })) };
    });
    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
      const uri = request.params.uri;
      const t = scope !== undefined ? { server: scope, uri } : unwrapResourceUri(uri);
      if (t === undefined || !this.#engine.hasServer(t.server)) {
        throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${uri}`, { code: 'not_found' });
      }
      const result = await content.readResource(who(), t.server, t.uri, extra.signal);
      return { ...result, contents: result.contents.map((c) => ({ ...c, uri: outUri(t.server, c.uri) })) };
    });
    return server;
  }

  #closeIdle(): void {
    const cutoff = this.#deps.clock.now() - this.#config.front.sessionIdleTimeout;
    for (const s of this.#sessions.values()) {
      if (s.lastSeen < cutoff) void s.transport.close();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await Promise.all([...this.#sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
    this.#sessions.clear();
  }
}
