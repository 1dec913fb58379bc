// Resources and prompts through the gateway, with the protections tools have: definitions scanned for
// poisoning at every listing (a finding hides and refuses the definition when `mcp.poisoning.action` is
// quarantine; they are scanned, not pinned, because resource lists are often dynamic), Cedar with the
// `read_resource` / `get_prompt` actions (deny by default; lists show only what the caller may use),
// prompt arguments inspected as `tool-input`, resource text and prompt messages as `tool-output` (content
// the model will read: injection there is indirect injection), and one ToolInvocation event per read/get.
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  McpError,
  type GetPromptResult,
  type Prompt,
  type PromptMessage,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpConfig } from '../core/config/mcp.ts';
import { newId, type Finding, type Principal } from '../core/index.ts';
import type { InjectionDetector } from '../detect/injection/index.ts';
import type { Authorizer, AuthzDecision, AuthzResource } from './authz.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { MCP_ERROR, refusal } from './errors.ts';
import { promptTarget, qualifiedName, resourceTarget, wrapResourceUri } from './naming.ts';
import { scanDefinition, type ForeignTool } from './poisoning.ts';
import type { EventFinding, InspectContext, InspectLocation, McpDeps, McpEvent, McpOperation, ToolCallDecision } from './types.ts';
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
  readonly detector: InjectionDetector;
  gate(server: string): Promise<ServerGate | undefined>;
  foreignTools(except: string): ForeignTool[];
  record(event: McpEvent): void;
}

interface Caller {
  readonly principal: Principal;
  readonly clientIp?: string;
  readonly sessionId?: string;
}

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

/** Collects what one read/get learns and records its single ToolInvocation event. */
interface Recorder {
  record(decision: ToolCallDecision, resultBytes: number, reason?: string): void;
  readonly findings: EventFinding[];
  readonly state: { definitionHash?: string; upstreamMs?: number };
}

const REFUSAL = { ...MCP_ERROR, notFound: MCP_ERROR.unknownTool } as const;

function utf8Bytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function eventFindings(list: readonly Finding[], location: InspectLocation): EventFinding[] {
  return list.map((f) => ({ type: f.type, detector: f.detector, confidence: f.confidence, location }));
}

function isBlock(outcome: string): boolean {
  return outcome === 'block' || outcome === 'block-with-override';
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
    const risk = this.#opts.deps.riskLevelOf?.(caller.principal);
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

  #recorder(caller: Caller, operation: McpOperation, server: string, tool: string, argumentBytes: number): Recorder {
    const started = performance.now();
    const findings: EventFinding[] = [];
    const state: { definitionHash?: string; upstreamMs?: number } = {};
    const record = (decision: ToolCallDecision, resultBytes: number, reason?: string): void => {
      this.#opts.record({
        recordType: 'ToolInvocation',
        operation,
        id: newId('mcpcall'),
        time: this.#opts.deps.clock.now(),
        caller: { id: caller.principal.id, kind: caller.principal.kind, name: caller.principal.name, groups: caller.principal.groups },
        ...(caller.clientIp !== undefined ? { clientIp: caller.clientIp } : {}),
        ...(caller.sessionId !== undefined ? { sessionId: caller.sessionId } : {}),
        server,
        tool,
        ...(state.definitionHash !== undefined ? { definitionHash: state.definitionHash } : {}),
        argumentBytes,
        resultBytes,
        findings,
        decision,
        ...(reason !== undefined ? { reason } : {}),
        latencyMs: performance.now() - started,
        ...(state.upstreamMs !== undefined ? { upstreamMs: state.upstreamMs } : {}),
      });
    };
    return { record, findings, state };
  }

  /** Upstream errors pass through as the server's JSON-RPC error; a dead connection is -32014. */
  async #upstream<T>(server: string, run: () => Promise<T>, rec: Recorder): Promise<T> {
    const t0 = performance.now();
    try {
      const value = await run();
      rec.state.upstreamMs = performance.now() - t0;
      return value;
    } catch (e) {
      rec.state.upstreamMs = performance.now() - t0;
      if (e instanceof McpError) {
        rec.record('upstream-error', 0, `upstream-${e.code}`);
        throw e;
      }
      rec.record('upstream-error', 0, 'unavailable');
      throw refusal(REFUSAL.upstream, 'upstream_unavailable', `MCP server ${server} is not available.`);
    }
  }

  /** The resources/read pipeline: integrity → Cedar → upstream → inspect text → audit. */
  async readResource(caller: Caller, server: string, uri: string, signal?: AbortSignal): Promise<ReadResourceResult> {
    const wrapped = wrapResourceUri(server, uri);
    const rec = this.#recorder(caller, 'resources/read', server, uri, utf8Bytes({ uri }));
    const gate = await this.#gateOrFail(server, rec);
    const c = this.#content(server);
    if (c.resourcesGeneration !== gate.upstream.generation) {
      // Never listed since this process started: learn which definitions are refused before serving any.
      await this.#upstream(server, () => this.#refreshResources(server, gate), rec);
    }
    const listed = c.blockedUris.get(uri) ?? c.blockedTemplates.find((t) => t.template.match(uri) !== null)?.entry;
    if (gate.instructionsBlocked || listed !== undefined) {
      if (listed !== undefined) rec.state.definitionHash = listed.hash;
      const reasons = gate.instructionsBlocked ? ['server-instructions-changed'] : ['poisoned'];
      rec.record('quarantined', 0, reasons.join(','));
      throw refusal(REFUSAL.quarantined, 'tool_quarantined', `Resource ${wrapped} is quarantined by Palisade (${reasons.join(', ')}).`, { reasons });
    }
    const decision = this.authorizeResource(caller, server, uri, false);
    if (!decision.allowed) {
      rec.record('denied', 0, decision.reasons.length > 0 ? decision.reasons.join(',') : 'no-permit');
      throw refusal(REFUSAL.forbidden, 'forbidden', `Palisade policy does not allow ${caller.principal.name} to read ${wrapped}.`);
    }
    const result = await this.#upstream(server, () => gate.upstream.readResource(uri, signal), rec);
    const ctx = this.#ctx(caller, server, wrapped);
    const contents = result.contents.map((item) => ({ ...item }));
    const texts = contents.flatMap((item) =>
      'text' in item && typeof item.text === 'string' ? [{ get: () => item.text, set: (s: string) => (item.text = s) }] : [],
    );
    const verdict = await this.#inspectTexts(texts, ctx, rec.findings);
    if (verdict.blocked) {
      rec.record('blocked-output', utf8Bytes(result), 'policy');
      throw refusal(REFUSAL.blocked, 'blocked', `Palisade blocked the contents of ${wrapped}.${verdict.tip !== undefined ? ` ${verdict.tip}` : ''}`);
    }
    rec.record(verdict.redacted ? 'redacted' : 'allowed', utf8Bytes(result));
    return { ...result, contents };
  }

  /** The prompts/get pipeline: integrity → Cedar → inspect arguments → upstream → inspect messages → audit. */
  async getPrompt(caller: Caller, server: string, name: string, rawArgs: Record<string, string> | undefined, signal?: AbortSignal): Promise<GetPromptResult> {
    const qualified = qualifiedName(server, name);
    let args = rawArgs ?? {};
    const rec = this.#recorder(caller, 'prompts/get', server, name, utf8Bytes(args));
    const gate = await this.#gateOrFail(server, rec);
    const c = this.#content(server);
    let prompt = c.prompts.get(name);
    if (prompt === undefined || prompt.blocked || c.promptsGeneration !== gate.upstream.generation) {
      // Unknown, refused, or listed before a restart: the answer must come from the current definitions.
      await this.#upstream(server, () => this.#refreshPrompts(server, gate), rec);
      prompt = c.prompts.get(name);
    }
    if (prompt === undefined) {
      rec.record('unknown-tool', 0);
      throw refusal(REFUSAL.notFound, 'not_found', `Unknown prompt: ${qualified}`);
    }
    rec.state.definitionHash = prompt.hash;
    if (gate.instructionsBlocked || prompt.blocked) {
      const reasons = gate.instructionsBlocked ? ['server-instructions-changed'] : ['poisoned'];
      rec.record('quarantined', 0, reasons.join(','));
      throw refusal(REFUSAL.quarantined, 'tool_quarantined', `Prompt ${qualified} is quarantined by Palisade (${reasons.join(', ')}).`, { reasons });
    }
    const decision = this.authorizePrompt(caller, server, name, args, false);
    if (!decision.allowed) {
      rec.record('denied', 0, decision.reasons.length > 0 ? decision.reasons.join(',') : 'no-permit');
      throw refusal(REFUSAL.forbidden, 'forbidden', `Palisade policy does not allow ${caller.principal.name} to get ${qualified}.`);
    }
    const ctx = this.#ctx(caller, server, qualified);
    const input = await this.#opts.deps.inspect('tool-input', JSON.stringify(args), ctx);
    rec.findings.push(...eventFindings(input.findings, 'tool-input'));
    if (isBlock(input.outcome)) {
      rec.record('blocked-input', 0, 'policy');
      throw refusal(REFUSAL.blocked, 'blocked', `Palisade blocked the arguments of ${qualified}.${input.tip !== undefined ? ` ${input.tip}` : ''}`);
    }
    let redacted = false;
    if (input.outcome === 'redact' && input.text !== undefined) {
      const parsed = stringRecord(input.text);
      if (parsed === undefined) {
        rec.record('blocked-input', 0, 'redaction-broke-arguments');
        throw refusal(REFUSAL.blocked, 'blocked', `Palisade blocked the arguments of ${qualified}: they carry data that must be redacted.`);
      }
      args = parsed;
      redacted = true;
    }
    const result = await this.#upstream(server, () => gate.upstream.getPrompt(name, args, signal), rec);
    const messages = result.messages.map((m): PromptMessage => ({ ...m, content: { ...m.content } }));
    const texts: { get: () => string; set: (s: string) => void }[] = [];
    for (const m of messages) {
      const content = m.content;
      if (content.type === 'text') texts.push({ get: () => content.text, set: (s) => (content.text = s) });
      else if (content.type === 'resource' && 'text' in content.resource && typeof content.resource.text === 'string') {
        const resource = { ...content.resource, text: content.resource.text };
        content.resource = resource;
        texts.push({ get: () => resource.text, set: (s) => (resource.text = s) });
      }
    }
    const verdict = await this.#inspectTexts(texts, ctx, rec.findings);
    if (verdict.blocked) {
      rec.record('blocked-output', utf8Bytes(result), 'policy');
      throw refusal(REFUSAL.blocked, 'blocked', `Palisade blocked the messages of ${qualified}.${verdict.tip !== undefined ? ` ${verdict.tip}` : ''}`);
    }
    rec.record(redacted || verdict.redacted ? 'redacted' : 'allowed', utf8Bytes(result));
    return { ...result, messages };
  }

  async #gateOrFail(server: string, rec: Recorder): Promise<ServerGate> {
    let gate: ServerGate | undefined;
    try {
      gate = await this.#opts.gate(server);
    } catch {
      rec.record('upstream-error', 0, 'unavailable');
      throw refusal(REFUSAL.upstream, 'upstream_unavailable', `MCP server ${server} is not available.`);
    }
    if (gate === undefined) {
      rec.record('unknown-tool', 0);
      throw refusal(REFUSAL.notFound, 'not_found', `Unknown MCP server: ${server}`);
    }
    return gate;
  }

  #ctx(caller: Caller, server: string, tool: string): InspectContext {
    return { principal: caller.principal, server, tool, ...(caller.sessionId !== undefined ? { sessionId: caller.sessionId } : {}) };
  }

  async #inspectTexts(
    texts: readonly { get: () => string; set: (s: string) => void }[],
    ctx: InspectContext,
    findings: EventFinding[],
  ): Promise<{ blocked: boolean; redacted: boolean; tip?: string }> {
    const verdicts = await Promise.all(texts.map((t) => this.#opts.deps.inspect('tool-output', t.get(), ctx)));
    let blocked = false;
    let redacted = false;
    let tip: string | undefined;
    verdicts.forEach((v, i) => {
      findings.push(...eventFindings(v.findings, 'tool-output'));
      if (isBlock(v.outcome)) {
        blocked = true;
        tip ??= v.tip;
      } else if (v.outcome === 'redact' && v.text !== undefined) {
        texts[i]?.set(v.text);
        redacted = true;
      }
    });
    return { blocked, redacted, ...(tip !== undefined ? { tip } : {}) };
  }
}

/** Prompt arguments are strings only; a redaction that produced anything else cannot be sent. */
function stringRecord(text: string): Record<string, string> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x !== 'string') return undefined;
      out[k] = x;
    }
    return out;
  } catch {
    return undefined;
  }
}
