// One connection to a real MCP server: stdio (a child process from the admin's allowlist, restarted with
// back-off when it dies, stderr captured to the log) or remote Streamable HTTP / legacy SSE through the
// SSRF-safe fetch, with static header or OAuth client-credentials auth. A client's own token never reaches
// an upstream: the only credentials sent are the ones configured here.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  PromptListChangedNotificationSchema,
  ReadResourceResultSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpHttpServerConfig, McpServerConfig } from '../core/config/mcp.ts';
import type { Clock } from '../core/index.ts';
import { checkUrl, createSafeFetch, type FetchLike, type SafeFetch } from './ssrf.ts';
import type { McpLogger } from './types.ts';

export type UpstreamState = 'connecting' | 'ready' | 'down' | 'closed';

export interface UpstreamOptions {
  readonly config: McpServerConfig;
  readonly logger: McpLogger;
  readonly clock: Clock;
  /** The upstream said its tool list changed. */
  readonly onToolsChanged: () => void;
  /** A (re)connection completed. */
  readonly onReady: () => void;
  /** The upstream said its resource or prompt list changed. */
  readonly onListChanged?: (kind: 'resources' | 'prompts') => void;
}

const PALISADE_CLIENT = { name: 'palisade-mcp-gateway', version: '0.1.0' };
const MAX_STDERR_LINE = 2000;

/** Fetches and caches an OAuth client-credentials token for one upstream. */
function oauthFetch(base: FetchLike, oauth: NonNullable<McpHttpServerConfig['oauth']>, clock: Clock): FetchLike {
  let token: { value: string; expiresAt: number } | undefined;
  async function getToken(): Promise<string> {
    if (token !== undefined && token.expiresAt > clock.now()) return token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: oauth.clientId, client_secret: oauth.clientSecret.reveal() });
    if (oauth.scope !== undefined) form.set('scope', oauth.scope);
    const res = await base(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    const body = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('token endpoint answered without access_token');
    const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 300_000;
    // Refresh a minute early so a token never expires in flight.
    token = { value: body.access_token, expiresAt: clock.now() + Math.max(0, ttl - 60_000) };
    return token.value;
  }
  return async (url, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${await getToken()}`);
    return base(url, { ...init, headers });
  };
}

export class Upstream {
  readonly name: string;
  readonly #opts: UpstreamOptions;
  #client: Client | undefined;
  #state: UpstreamState = 'down';
  #backoff: number;
  #restartTimer: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | undefined;
  #safeFetch: SafeFetch | undefined;
  #instructions: string | undefined;
  /** Incremented on every successful connect; a catalog uses it to know when to re-list. */
  generation = 0;

  constructor(opts: UpstreamOptions) {
    this.#opts = opts;
    this.name = opts.config.name;
    this.#backoff = opts.config.restart.backoff;
  }

  get state(): UpstreamState {
    return this.#state;
  }

  get instructions(): string | undefined {
    return this.#instructions;
  }

  /** Connects (once; concurrent callers share the attempt). Rejects when the server cannot be reached. */
  async connect(): Promise<void> {
    if (this.#state === 'ready') return;
    if (this.#state === 'closed') throw new Error(`MCP server ${this.name} is closed`);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #transport(): Transport {
    const config = this.#opts.config;
    if (config.transport === 'stdio') {
      const env: Record<string, string> = { ...getDefaultEnvironment() };
      for (const [k, v] of Object.entries(config.env)) env[k] = v.reveal();
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env,
        stderr: 'pipe',
        ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
      });
      const stderr = transport.stderr as Readable | null;
      if (stderr !== null) {
        createInterface({ input: stderr }).on('line', (line) => {
          this.#opts.logger.info({ mcpServer: this.name, stderr: line.slice(0, MAX_STDERR_LINE) }, 'mcp server stderr');
        });
      }
      return transport;
    }
    // An address refused by configuration is refused here, before any transport exists.
    checkUrl(new URL(config.url), config.allowPrivateNetwork);
    this.#safeFetch ??= createSafeFetch({ allowPrivateNetwork: config.allowPrivateNetwork });
    let fetch: FetchLike = this.#safeFetch.fetch;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(config.headers)) headers[k] = v.reveal();
    if (config.oauth !== undefined) fetch = oauthFetch(fetch, config.oauth, this.#opts.clock);
    const url = new URL(config.url);
    return config.transport === 'http'
      ? new StreamableHTTPClientTransport(url, { fetch, requestInit: { headers } })
      : new SSEClientTransport(url, { fetch, requestInit: { headers }, eventSourceInit: { fetch } });
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    const client = new Client(PALISADE_CLIENT, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.#opts.onToolsChanged();
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      this.#opts.onListChanged?.('resources');
    });
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
      this.#opts.onListChanged?.('prompts');
    });
    let transport: Transport;
    try {
      transport = this.#transport();
      await client.connect(transport, { timeout: this.#opts.config.timeout });
    } catch (e) {
      this.#state = 'down';
      await client.close().catch(() => undefined);
      this.#scheduleRestart();
      throw e;
    }
    client.onclose = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      if (this.#state === 'closed') return;
      this.#state = 'down';
      this.#opts.logger.warn({ mcpServer: this.name }, 'mcp server connection closed; restarting with back-off');
      this.#scheduleRestart();
    };
    this.#client = client;
    this.#instructions = client.getInstructions();
    this.#state = 'ready';
    this.#backoff = this.#opts.config.restart.backoff;
    this.generation++;
    this.#opts.onReady();
  }

  #scheduleRestart(): void {
    if (this.#state === 'closed' || this.#restartTimer !== undefined) return;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, this.#opts.config.restart.maxBackoff);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.connect().catch((e: unknown) => {
        this.#opts.logger.warn({ mcpServer: this.name, error: (e as Error).message }, 'mcp server restart failed');
      });
    }, delay);
    this.#restartTimer.unref();
  }

  async #ready(): Promise<Client> {
    if (this.#client === undefined) await this.connect();
    const client = this.#client;
    if (client === undefined) throw new Error(`MCP server ${this.name} is not connected`);
    return client;
  }

  /** Every tool, following pagination. */
  async listTools(): Promise<Tool[]> {
    const client = await this.#ready();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await client.request({ method: 'tools/list', params: cursor !== undefined ? { cursor } : {} }, ListToolsResultSchema, {
        timeout: this.#opts.config.timeout,
      });
      tools.push(...res.tools);
      cursor = res.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  }

  /** Whether the connected server declared the `resources` / `prompts` capability (connects first). */
  async supports(kind: 'resources' | 'prompts'): Promise<boolean> {
    const client = await this.#ready();
    return client.getServerCapabilities()?.[kind] !== undefined;
  }

  /** Every page of a list request (at most 100 pages, as for tools). */
  async #listAll<T>(page: (client: Client, params: { cursor?: string }, timeout: number) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
    const client = await this.#ready();
    const out: T[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 100; n++) {
      const { items, next } = await page(client, cursor !== undefined ? { cursor } : {}, this.#opts.config.timeout);
      out.push(...items);
      cursor = next;
      if (cursor === undefined) break;
    }
    return out;
  }

  /** Every resource, or none when the server has no `resources` capability. */
  async listResources(): Promise<Resource[]> {
    if (!(await this.supports('resources'))) return [];
    return this.#listAll(async (client, params, timeout) => {
      const res = await client.request({ method: 'resources/list', params }, ListResourcesResultSchema, { timeout });
      return { items: res.resources, next: res.nextCursor };
    });
  }

  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    if (!(await this.supports('resources'))) return [];
    return this.#listAll(async (client, params, timeout) => {
      const res = await client.request({ method: 'resources/templates/list', params }, ListResourceTemplatesResultSchema, { timeout });
      return { items: res.resourceTemplates, next: res.nextCursor };
    });
  }

  async listPrompts(): Promise<Prompt[]> {
    if (!(await this.supports('prompts'))) return [];
    return this.#listAll(async (client, params, timeout) => {
      const res = await client.request({ method: 'prompts/list', params }, ListPromptsResultSchema, { timeout });
      return { items: res.prompts, next: res.nextCursor };
    });
  }

  async readResource(uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    const client = await this.#ready();
    return client.request({ method: 'resources/read', params: { uri } }, ReadResourceResultSchema, {
      timeout: this.#opts.config.timeout,
      ...(signal !== undefined ? { signal } : {}),
    });
  }

  async getPrompt(name: string, args: Record<string, string>, signal?: AbortSignal): Promise<GetPromptResult> {
    const client = await this.#ready();
    return client.request({ method: 'prompts/get', params: { name, arguments: args } }, GetPromptResultSchema, {
      timeout: this.#opts.config.timeout,
      ...(signal !== undefined ? { signal } : {}),
    });
  }

  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    const client = await this.#ready();
    return client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, {
      timeout: this.#opts.config.timeout,
      ...(signal !== undefined ? { signal } : {}),
    });
  }

  /** Kills a stdio child (tests use it to prove the restart). */
  async disconnect(): Promise<void> {
    await this.#client?.close();
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => undefined);
    await this.#safeFetch?.close();
  }
}
