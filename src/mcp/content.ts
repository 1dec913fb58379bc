// Resources and prompts through the gateway, with the protections tools have: definitions scanned for
// poisoning at every listing (a finding hides and refuses the definition when `mcp.poisoning.action` is
// quarantine; they are scanned, not pinned, because resource lists are often dynamic), Cedar with the
// `read_resource` / `get_prompt` actions (deny by default; lists show only what the caller may use),
// prompt arguments inspected as `tool-input`, resource text and prompt messages as `tool-output` (content
// the model will read: injection there is indirect injection), and one ToolInvocation event per read/get.
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  type GetPromptResult,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpConfig } from '../core/config/mcp.ts';
import { newId } from '../core/index.ts';
import { Collector } from '../pipeline/index.ts';
import type { Authorizer, AuthzDecision, AuthzResource } from './authz.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { contentItem, mcpDenial, resourceContents, runMcp, type McpCaller } from './exchange.ts';
import { promptTarget, qualifiedName, resourceTarget, wrapResourceUri } from './naming.ts';
import { scanDefinition, type DefinitionScanner, type ForeignTool } from './poisoning.ts';
import type { McpDeps, ToolIntegrityEvent } from './types.ts';
import type { Upstream } from './upstream.ts';

/** What the engine tells the pipeline about a server before anything of it is served. */
export interface ServerGate {
  readonly upstream: Upstream;
  /** The server's instructions pin is not approved: nothing of the server is served. */
  readonly instructionsBlocked: boolean;
  /** The server's own tool names (a description naming them is not shadowing). */
  readonly offered: readonly string[];
}

export interface ContentPipelineOptions {
  readonly config: McpConfig;
  readonly deps: McpDeps;
  readonly authz: Authorizer;
  readonly detector: DefinitionScanner;
  gate(server: string): Promise<ServerGate | undefined>;
  foreignTools(except: string): ForeignTool[];
  record(event: ToolIntegrityEvent): void;
}

type Caller = McpCaller;

/** A scanned definition: `blocked` when a poisoning finding hides it (poisoning action quarantine). */
interface Scanned {
  readonly server: string;
  readonly hash: string;
  readonly signals: readonly string[];
  readonly blocked: boolean;
}

export interface CatalogPrompt extends Scanned {
  readonly name: string;
  /** `server__name`. */
  readonly qualified: string;
  readonly prompt: Prompt;
}

export interface CatalogResource extends Scanned {
  /** The upstream's URI. */
  readonly uri: string;
  /** `palisade://server/<uri>`. */
  readonly wrapped: string;
  readonly resource: Resource;
}

export interface CatalogTemplate extends Scanned {
  readonly uriTemplate: string;
  readonly wrapped: string;
  readonly template: ResourceTemplate;
}

interface ServerContent {
  prompts: Map<string, CatalogPrompt>;
  promptsGeneration: number;
  /** Listed resources and templates whose definitions are refused. */
  blockedUris: Map<string, CatalogResource>;
  blockedTemplates: { template: UriTemplate; entry: CatalogTemplate }[];
  resourcesGeneration: number;
}

/** The prose a model reads about a prompt: title, description, argument names and descriptions. */
function promptText(p: Prompt): string {
  return [p.title ?? '', p.description ?? '', ...(p.arguments ?? []).flatMap((a) => [a.name, a.description ?? ''])].filter((s) => s !== '').join('\n');
}

/**
 * The prose of a resource or template: title and description. Names and URIs are left out: they are file
 * names and paths (`.env`, `id_rsa` on a file server), which the dotfile signal would flag as poisoning.
 */
function resourceText(r: { title?: string | undefined; description?: string | undefined }): string {
  return [r.title ?? '', r.description ?? ''].filter((s) => s !== '').join('\n');
}

export class ContentPipeline {
  readonly #opts: ContentPipelineOptions;
  readonly #servers = new Map<string, ServerContent>();
  /** Integrity findings already reported, `key\0hash`: a listing repeated by every client is reported once. */
  readonly #reported = new Set<string>();

  constructor(opts: ContentPipelineOptions) {
    this.#opts = opts;
  }

  #content(server: string): ServerContent {
    let c = this.#servers.get(server);
    if (c === undefined) {
      c = { prompts: new Map(), promptsGeneration: -1, blockedUris: new Map(), blockedTemplates: [], resourcesGeneration: -1 };
      this.#servers.set(server, c);
    }
    return c;
  }

  #scan(server: string, gate: ServerGate, key: string, definition: unknown, text: string): Scanned {
    const hash = sha256(canonicalJson(definition));
    const report = scanDefinition(text, this.#opts.detector, this.#opts.config.poisoning.minScore, this.#opts.foreignTools(server), new Set(gate.offered));
    const blocked = report.signals.length > 0 && this.#opts.config.poisoning.action === 'quarantine';
    if (report.signals.length > 0) {
      const seen = `${server}\0${key}\0${hash}`;
      if (!this.#reported.has(seen)) {
        this.#reported.add(seen);
        const change = blocked ? 'quarantined' : 'flagged';
        const reasons = report.signals.includes('shadowing') ? ['poisoned', 'shadowing'] : ['poisoned'];
        this.#opts.deps.logger.warn({ mcpServer: server, tool: key, change, signals: report.signals }, 'mcp definition');
        this.#opts.record({
          recordType: 'ToolIntegrity',
          id: newId('mcpint'),
          time: this.#opts.deps.clock.now(),
          server,
          tool: key,
          change,
          reasons,
          signals: report.signals,
          definitionHash: hash,
        });
      }
    }
    return { server, hash, signals: report.signals, blocked };
  }

  #authorize(caller: Caller, action: 'read_resource' | 'get_prompt', resource: AuthzResource, args: Record<string, unknown> | undefined, listing: boolean): AuthzDecision {
    const risk = this.#opts.deps.pipeline.riskLevelOf(caller.principal);
    return this.#opts.authz.authorize({
      principal: caller.principal,
      action,
      resource,
      ...(args !== undefined ? { arguments: args } : {}),
      ...(caller.clientIp !== undefined ? { clientIp: caller.clientIp } : {}),
      ...(risk !== undefined ? { riskLevel: risk } : {}),
      listing,
      now: this.#opts.deps.clock.now(),
    });
  }

  authorizeResource(caller: Caller, server: string, uri: string, listing: boolean): AuthzDecision {
    return this.#authorize(caller, 'read_resource', resourceTarget(server, uri), undefined, listing);
  }

  authorizePrompt(caller: Caller, server: string, name: string, args: Record<string, unknown> | undefined, listing: boolean): AuthzDecision {
    return this.#authorize(caller, 'get_prompt', promptTarget(server, name), args, listing);
  }

  /** Runs `fn` for every server in scope that is up and trusted; a server that fails is logged and skipped. */
  async #each<T>(servers: readonly string[], what: string, fn: (server: string, gate: ServerGate) => Promise<T[]>): Promise<T[]> {
    const lists = await Promise.all(
      servers.map(async (s) => {
        try {
          const gate = await this.#opts.gate(s);
          if (gate === undefined || gate.instructionsBlocked) return [];
          return await fn(s, gate);
        } catch (e) {
          this.#opts.deps.logger.warn({ mcpServer: s, error: (e as Error).message }, `mcp ${what} list failed`);
          return [];
        }
      }),
    );
    return lists.flat();
  }

  async #refreshPrompts(server: string, gate: ServerGate): Promise<CatalogPrompt[]> {
    const prompts = await gate.upstream.listPrompts();
    const next = new Map<string, CatalogPrompt>();
    for (const prompt of prompts) {
      const scanned = this.#scan(server, gate, `prompt:${prompt.name}`, prompt, promptText(prompt));
      next.set(prompt.name, { ...scanned, name: prompt.name, qualified: qualifiedName(server, prompt.name), prompt });
    }
    const c = this.#content(server);
    c.prompts = next;
    c.promptsGeneration = gate.upstream.generation;
    return [...next.values()];
  }

  async #refreshResources(server: string, gate: ServerGate): Promise<{ resources: CatalogResource[]; templates: CatalogTemplate[] }> {
    const [resources, templates] = await Promise.all([gate.upstream.listResources(), gate.upstream.listResourceTemplates()]);
    const rs = resources.map((resource): CatalogResource => ({
      ...this.#scan(server, gate, `resource:${resource.uri}`, resource, resourceText(resource)),
      uri: resource.uri,
      wrapped: wrapResourceUri(server, resource.uri),
      resource,
    }));
    const ts = templates.map((template): CatalogTemplate => ({
      ...this.#scan(server, gate, `resource:${template.uriTemplate}`, template, resourceText(template)),
      uriTemplate: template.uriTemplate,
      wrapped: wrapResourceUri(server, template.uriTemplate),
      template,
    }));
    const c = this.#content(server);
    c.blockedUris = new Map(rs.filter((r) => r.blocked).map((r) => [r.uri, r]));
    c.blockedTemplates = [];
    for (const t of ts) {
      if (!t.blocked) continue;
      try {
        c.blockedTemplates.push({ template: new UriTemplate(t.uriTemplate), entry: t });
      } catch {
        // A template the SDK cannot parse matches nothing a client could expand from it.
      }
    }
    c.resourcesGeneration = gate.upstream.generation;
    return { resources: rs, templates: ts };
  }

  /** What `prompts/list` shows: unflagged prompts the caller may get, from servers that are up. */
  listPrompts(caller: Caller, servers: readonly string[]): Promise<CatalogPrompt[]> {
    return this.#each(servers, 'prompt', async (s, gate) =>
      (await this.#refreshPrompts(s, gate)).filter((p) => !p.blocked && this.authorizePrompt(caller, s, p.name, undefined, true).allowed),
    );
  }

  /** What `resources/list` shows: unflagged resources the caller may read. */
  listResources(caller: Caller, servers: readonly string[]): Promise<CatalogResource[]> {
    return this.#each(servers, 'resource', async (s, gate) =>
      (await this.#refreshResources(s, gate)).resources.filter((r) => !r.blocked && this.authorizeResource(caller, s, r.uri, true).allowed),
    );
  }

  /**
   * What `resources/templates/list` shows: unflagged templates for which Cedar permits a read of the template
   * string itself at listing (`resource.uri like "files:///docs/*"` matches `files:///docs/{name}`).
   */
  listResourceTemplates(caller: Caller, servers: readonly string[]): Promise<CatalogTemplate[]> {
    return this.#each(servers, 'resource template', async (s, gate) =>
      (await this.#refreshResources(s, gate)).templates.filter((t) => !t.blocked && this.authorizeResource(caller, s, t.uriTemplate, true).allowed),
    );
  }

  /**
   * The server's gate for one operation, or the refusal its record reports: an unknown server, a server that
   * is down, or one whose instructions are not approved.
   */
  async #gateFor(server: string, what: string): Promise<{ gate: ServerGate } | { refusal: ReturnType<typeof mcpDenial> }> {
    let gate: ServerGate | undefined;
    try {
      gate = await this.#opts.gate(server);
    } catch {
      return { refusal: mcpDenial('upstream_unavailable', `MCP server ${server} is not available.`, 'upstream-error', 'unavailable') };
    }
    if (gate === undefined) return { refusal: mcpDenial('not_found', `Unknown MCP server: ${server}`, 'unknown-tool') };
    if (gate.instructionsBlocked) {
      return { refusal: mcpDenial('tool_quarantined', `${what} is quarantined by Palisade (server-instructions-changed).`, 'quarantined', 'server-instructions-changed', { reasons: ['server-instructions-changed'] }) };
    }
    return { gate };
  }

  /** resources/read through the pipeline: integrity → Cedar → (limits, inspection) → upstream → inspect text → audit. */
  async readResource(caller: Caller, server: string, uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    const wrapped = wrapResourceUri(server, uri);
    let gate: ServerGate | undefined;
    return runMcp<ReadResourceResult>(this.#opts.deps.pipeline, {
      operation: 'resources/read',
      caller,
      server,
      name: uri,
      args: { uri },
      inspectArguments: false,
      authorize: async (ix) => {
        const g = await this.#gateFor(server, `Resource ${wrapped}`);
        if ('refusal' in g) return g.refusal;
        gate = g.gate;
        const c = this.#content(server);
        if (c.resourcesGeneration !== gate.upstream.generation) {
          // Never listed since this process started: learn which definitions are refused before serving any.
          try {
            await this.#refreshResources(server, gate);
          } catch {
            return mcpDenial('upstream_unavailable', `MCP server ${server} is not available.`, 'upstream-error', 'unavailable');
          }
        }
        const listed = c.blockedUris.get(uri) ?? c.blockedTemplates.find((t) => t.template.match(uri) !== null)?.entry;
        if (listed !== undefined) {
          ix.definitionHash = listed.hash;
          return mcpDenial('tool_quarantined', `Resource ${wrapped} is quarantined by Palisade (poisoned).`, 'quarantined', 'poisoned', { reasons: ['poisoned'] });
        }
        const decision = this.authorizeResource(caller, server, uri, false);
        if (!decision.allowed) {
          return mcpDenial('forbidden', `Palisade policy does not allow ${caller.principal.name} to read ${wrapped}.`, 'denied', decision.reasons.length > 0 ? decision.reasons.join(',') : 'no-permit');
        }
        return undefined;
      },
      forward: async () => {
        if (gate === undefined) throw new Error('forward before authorize');
        return { result: await gate.upstream.readResource(uri, signal) };
      },
      resultContent: (result) => {
        const c = new Collector();
        result.contents.forEach((item, i) => resourceContents(c, item, ['contents', i]));
        return c.done();
      },
    });
  }

  /** prompts/get through the pipeline: integrity → Cedar → (limits) → inspect arguments → upstream → inspect messages → audit. */
  async getPrompt(caller: Caller, server: string, name: string, rawArgs: Record<string, string> | undefined, signal?: AbortSignal): Promise<GetPromptResult> {
    const qualified = qualifiedName(server, name);
    const args = rawArgs ?? {};
    let gate: ServerGate | undefined;
    return runMcp<GetPromptResult>(this.#opts.deps.pipeline, {
      operation: 'prompts/get',
      caller,
      server,
      name,
      args,
      inspectArguments: true,
      authorize: async (ix) => {
        const g = await this.#gateFor(server, `Prompt ${qualified}`);
        if ('refusal' in g) return g.refusal;
        gate = g.gate;
        const c = this.#content(server);
        let prompt = c.prompts.get(name);
        if (prompt === undefined || prompt.blocked || c.promptsGeneration !== gate.upstream.generation) {
          // Unknown, refused, or listed before a restart: the answer must come from the current definitions.
          try {
            await this.#refreshPrompts(server, gate);
          } catch {
            return mcpDenial('upstream_unavailable', `MCP server ${server} is not available.`, 'upstream-error', 'unavailable');
          }
          prompt = c.prompts.get(name);
        }
        if (prompt === undefined) return mcpDenial('not_found', `Unknown prompt: ${qualified}`, 'unknown-tool');
        ix.definitionHash = prompt.hash;
        if (prompt.blocked) return mcpDenial('tool_quarantined', `Prompt ${qualified} is quarantined by Palisade (poisoned).`, 'quarantined', 'poisoned', { reasons: ['poisoned'] });
        const decision = this.authorizePrompt(caller, server, name, args, false);
        if (!decision.allowed) {
          return mcpDenial('forbidden', `Palisade policy does not allow ${caller.principal.name} to get ${qualified}.`, 'denied', decision.reasons.length > 0 ? decision.reasons.join(',') : 'no-permit');
        }
        return undefined;
      },
      forward: async (redacted) => {
        if (gate === undefined) throw new Error('forward before authorize');
        const strings = stringRecord(redacted);
        if (strings === undefined) {
          return { refusal: mcpDenial('content_blocked', `Palisade blocked the arguments of ${qualified}: they carry data that must be redacted.`, 'blocked-input', 'redaction-broke-arguments') };
        }
        return { result: await gate.upstream.getPrompt(name, strings, signal) };
      },
      resultContent: (result) => {
        const c = new Collector();
        result.messages.forEach((m, i) => contentItem(c, m.content, ['messages', i, 'content']));
        return c.done();
      },
    });
  }
}

/** Prompt arguments are strings only; a redaction that produced anything else cannot be sent. */
function stringRecord(v: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') return undefined;
    out[k] = x;
  }
  return out;
}
