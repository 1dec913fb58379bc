// The MCP gateway's engine, independent of HTTP: the upstream connections, the tool catalog with its pins
// and poisoning scan, and the tools/call pipeline (integrity → Cedar → inspect arguments → approval →
// upstream → inspect result → audit). Resources and prompts get the same protections (content.ts).
// The front (front.ts) and the stdio entry only adapt transports to it.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpConfig } from '../core/config/mcp.ts';
import { newId } from '../core/index.ts';
import { awaitApproval, requiresApproval } from './approvals.ts';
import type { Authorizer, AuthzDecision } from './authz.ts';
import { instructionsHash, toolHash, type ToolDefinition } from './canonical.ts';
import { evaluatePin, type PinChange } from './pins.ts';
import { definitionText, scanDefinition, type DefinitionScanner, type ForeignTool } from './poisoning.ts';
import { INSTRUCTIONS_PIN, type PinStatus, type ToolPin } from './state.ts';
import type { McpDeps, ToolIntegrityEvent } from './types.ts';
import { toAuditEvent } from './audit-map.ts';
import { Collector } from '../pipeline/index.ts';
import { contentItems, mcpDenial, runMcp } from './exchange.ts';
import { ContentPipeline, type ServerGate } from './content.ts';
import { NAMESPACE_SEPARATOR } from './naming.ts';
import { Upstream } from './upstream.ts';

export { NAMESPACE_SEPARATOR } from './naming.ts';

export { MCP_ERROR } from './errors.ts';
import type { McpCaller as CallerInfo } from './exchange.ts';

export type { CallerInfo };

export interface CatalogTool {
  readonly server: string;
  /** The upstream's name. */
  readonly name: string;
  /** `server__name`. */
  readonly qualified: string;
  readonly tool: Tool;
  readonly hash: string;
  readonly status: PinStatus;
  readonly reasons: readonly string[];
  readonly signals: readonly string[];
}


interface ServerEntry {
  readonly upstream: Upstream;
  tools: Map<string, CatalogTool>;
  /** The server's instructions pin is not approved: every tool of the server is refused. */
  instructionsBlocked: boolean;
  running: Promise<void> | undefined;
  queued: Promise<void> | undefined;
  listedGeneration: number;
  /** The names the server offered at its last listing (for other servers' shadowing checks). */
  offered: readonly string[];
}

export function toDefinition(tool: Tool): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    ...(tool.annotations !== undefined ? { annotations: tool.annotations } : {}),
  };
}


export class McpEngine {
  readonly #config: McpConfig;
  readonly #deps: McpDeps;
  readonly #authz: Authorizer;
  readonly #detector: DefinitionScanner;
  readonly #servers = new Map<string, ServerEntry>();
  readonly #listeners = new Set<(server: string) => void>();
  readonly #contentListeners = new Set<(server: string, kind: 'resources' | 'prompts') => void>();
  /** resources/list, resources/read, prompts/list and prompts/get. */
  readonly content: ContentPipeline;

  constructor(config: McpConfig, deps: McpDeps, authz: Authorizer, detector: DefinitionScanner) {
    this.#config = config;
    this.#deps = deps;
    this.#authz = authz;
    this.#detector = detector;
    for (const server of config.servers) {
      const entry: ServerEntry = {
        upstream: new Upstream({
          config: server,
          logger: deps.logger,
          clock: deps.clock,
          onToolsChanged: () => {
            this.#refreshAndNotify(server.name);
          },
          onReady: () => {
            if (entry.listedGeneration !== 0) this.#refreshAndNotify(server.name);
          },
          onListChanged: (kind) => {
            for (const l of this.#contentListeners) l(server.name, kind);
          },
        }),
        tools: new Map(),
        instructionsBlocked: false,
        running: undefined,
        queued: undefined,
        listedGeneration: 0,
        offered: [],
      };
      this.#servers.set(server.name, entry);
    }
    this.content = new ContentPipeline({
      config,
      deps,
      authz,
      detector,
      gate: (name) => this.#gate(name),
      foreignTools: (name) => this.#foreignTools(name),
      record: (event) => this.#safeRecord(event),
    });
  }

  /**
   * A server's upstream once its tool catalog (and so its instructions pin) matches the running process;
   * resources and prompts of a server whose instructions are not approved are refused like its tools.
   */
  async #gate(name: string): Promise<ServerGate | undefined> {
    const entry = this.#servers.get(name);
    if (entry === undefined) return undefined;
    if (entry.listedGeneration === 0 || entry.listedGeneration !== entry.upstream.generation) await this.refresh(name);
    return { upstream: entry.upstream, instructionsBlocked: entry.instructionsBlocked, offered: entry.offered };
  }

  /** Called when an upstream says its resource or prompt list changed (fronts forward list_changed). */
  onContentChange(listener: (server: string, kind: 'resources' | 'prompts') => void): () => void {
    this.#contentListeners.add(listener);
    return () => this.#contentListeners.delete(listener);
  }

  get serverNames(): readonly string[] {
    return [...this.#servers.keys()];
  }

  get authorizer(): Authorizer {
    return this.#authz;
  }

  hasServer(name: string): boolean {
    return this.#servers.has(name);
  }

  upstream(name: string): Upstream | undefined {
    return this.#servers.get(name)?.upstream;
  }

  /** Called with a server name whenever its visible catalog may have changed (fronts send list_changed). */
  onCatalogChange(listener: (server: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects every upstream and registers its tools; a server that cannot start is logged and retried. */
  async start(): Promise<void> {
    // List every server first, then judge the definitions one server at a time: a shadowing reference to
    // another server's tool can only be seen once that server's names are known. Each server's evaluation
    // is its `running` refresh, so a list_changed arriving meanwhile is judged after it, never before.
    const listed = [...this.#servers.entries()].map(([name, entry]) => ({
      name,
      entry,
      tools: entry.upstream.listTools().then((tools) => {
        entry.offered = tools.map((t) => t.name);
        return tools;
      }),
    }));
    let previous: Promise<unknown> = Promise.allSettled(listed.map((l) => l.tools));
    for (const l of listed) {
      const run = previous.then(async () => {
        let tools: Tool[];
        try {
          tools = await l.tools;
        } catch (e) {
          this.#deps.logger.warn({ mcpServer: l.name, error: (e as Error).message }, 'mcp server not available at start');
          return;
        }
        await this.#evaluate(l.name, l.entry, tools);
      });
      this.#track(l.entry, run);
      previous = run;
    }
    await previous;
  }

  #track(entry: ServerEntry, run: Promise<void>): void {
    const tracked = run.finally(() => {
      if (entry.running === tracked) entry.running = undefined;
    });
    // Callers see the failure through `run`; the tracked copy only orders later refreshes.
    tracked.catch(() => undefined);
    entry.running = tracked;
  }

  #refreshAndNotify(name: string): void {
    this.refresh(name).then(
      () => {
        for (const l of this.#listeners) l(name);
      },
      (e: unknown) => {
        this.#deps.logger.warn({ mcpServer: name, error: (e as Error).message }, 'mcp tool list refresh failed');
      },
    );
  }

  /**
   * Re-lists a server's tools and re-decides every pin. One refresh runs at a time per server; callers
   * arriving while one runs share the single refresh queued after it, so each sees a listing that started
   * after its own request.
   */
  refresh(name: string): Promise<void> {
    const entry = this.#servers.get(name);
    if (entry === undefined) return Promise.resolve();
    if (entry.queued !== undefined) return entry.queued;
    const before = entry.running ?? Promise.resolve();
    const queued = before
      .catch(() => undefined)
      .then(() => {
        entry.queued = undefined;
        const run = this.#refresh(name, entry);
        this.#track(entry, run);
        return run;
      });
    entry.queued = queued;
    return queued;
  }

  #foreignTools(except: string): ForeignTool[] {
    const out: ForeignTool[] = [];
    for (const [server, entry] of this.#servers) {
      if (server === except) continue;
      for (const t of entry.offered) out.push({ server, name: t });
    }
    return out;
  }

  async #refresh(name: string, entry: ServerEntry): Promise<void> {
    const tools = await entry.upstream.listTools();
    entry.offered = tools.map((t) => t.name);
    await this.#evaluate(name, entry, tools);
  }

  async #evaluate(name: string, entry: ServerEntry, tools: readonly Tool[]): Promise<void> {
    const now = this.#deps.clock.now();
    const stored = new Map((await this.#deps.state.listPins(name)).map((p) => [p.tool, p]));
    const firstRegistration = stored.size === 0;
    const settings = { trustOnFirstUse: this.#config.pinning.trustOnFirstUse, poisoningAction: this.#config.poisoning.action };
    const foreign = this.#foreignTools(name);
    const ownNames = new Set(tools.map((t) => t.name));
    const changes: PinChange[] = [];

    const instructions = entry.upstream.instructions;
    const instrDef: ToolDefinition = { name: INSTRUCTIONS_PIN, description: instructions ?? '', inputSchema: {} };
    const instrReport = scanDefinition(instructions ?? '', this.#detector, this.#config.poisoning.minScore, foreign, ownNames);
    const instrChange = evaluatePin(stored.get(INSTRUCTIONS_PIN), name, instrDef, instructionsHash(instructions), instrReport.signals, firstRegistration, settings, now);
    changes.push(instrChange);
    entry.instructionsBlocked = instrChange.pin.status !== 'approved';

    const next = new Map<string, CatalogTool>();
    for (const tool of tools) {
      const def = toDefinition(tool);
      const hash = toolHash(def);
      const report = scanDefinition(definitionText(def), this.#detector, this.#config.poisoning.minScore, foreign, ownNames);
      const change = evaluatePin(stored.get(tool.name), name, def, hash, report.signals, firstRegistration, settings, now);
      changes.push(change);
      next.set(tool.name, {
        server: name,
        name: tool.name,
        qualified: `${name}${NAMESPACE_SEPARATOR}${tool.name}`,
        tool,
        hash,
        status: change.pin.status,
        reasons: change.pin.reasons,
        signals: change.pin.signals,
      });
    }
    for (const change of changes) {
      const before = stored.get(change.pin.tool);
      if (before === undefined || before.currentHash !== change.pin.currentHash || before.status !== change.pin.status || before.approvedHash !== change.pin.approvedHash) {
        await this.#deps.state.putPin(change.pin);
      }
      if (change.change !== undefined) this.#recordIntegrity(change.pin, change.change, before);
    }
    entry.tools = next;
    entry.listedGeneration = entry.upstream.generation;
  }

  #recordIntegrity(pin: ToolPin, change: NonNullable<PinChange['change']>, before: ToolPin | undefined): void {
    const level = change === 'pinned' ? 'info' : 'warn';
    this.#deps.logger[level]({ mcpServer: pin.server, tool: pin.tool, change, reasons: pin.reasons, signals: pin.signals }, 'mcp tool definition');
    this.#safeRecord({
      recordType: 'ToolIntegrity',
      id: newId('mcpint'),
      time: this.#deps.clock.now(),
      server: pin.server,
      tool: pin.tool,
      change,
      reasons: pin.reasons,
      signals: pin.signals,
      definitionHash: pin.currentHash,
      ...(before?.approvedHash !== undefined && before.approvedHash !== pin.currentHash ? { previousHash: before.approvedHash } : {}),
    });
  }

  #safeRecord(event: ToolIntegrityEvent): void {
    this.#deps.pipeline.recorder.event(toAuditEvent(event));
  }

  /** The whole catalog with pin states (admin views). */
  catalog(): CatalogTool[] {
    return [...this.#servers.values()].flatMap((e) => [...e.tools.values()]);
  }

  authorize(caller: CallerInfo, t: CatalogTool, args: Readonly<Record<string, unknown>> | undefined, listing: boolean): AuthzDecision {
    const risk = this.#deps.pipeline.riskLevelOf(caller.principal);
    return this.#authz.authorize({
      principal: caller.principal,
      action: 'call_tool',
      resource: { server: t.server, name: t.qualified, annotations: (t.tool.annotations ?? {}) },
      ...(args !== undefined ? { arguments: args } : {}),
      ...(caller.clientIp !== undefined ? { clientIp: caller.clientIp } : {}),
      ...(risk !== undefined ? { riskLevel: risk } : {}),
      listing,
      now: this.#deps.clock.now(),
    });
  }

  /** What `tools/list` shows: approved tools the caller may call, from servers that are up. */
  async listTools(caller: CallerInfo, servers: readonly string[]): Promise<CatalogTool[]> {
    await Promise.all(
      servers.map((s) =>
        this.refresh(s).catch((e: unknown) => {
          this.#deps.logger.warn({ mcpServer: s, error: (e as Error).message }, 'mcp tool list failed');
        }),
      ),
    );
    const out: CatalogTool[] = [];
    for (const s of servers) {
      const entry = this.#servers.get(s);
      if (entry === undefined || entry.instructionsBlocked) continue;
      for (const t of entry.tools.values()) {
        if (t.status !== 'approved') continue;
        if (this.authorize(caller, t, undefined, true).allowed) out.push(t);
      }
    }
    return out;
  }

  async #lookup(server: string, tool: string): Promise<{ entry: ServerEntry; tool: CatalogTool } | undefined> {
    const entry = this.#servers.get(server);
    if (entry === undefined) return undefined;
    let t = entry.tools.get(tool);
    if (t === undefined || t.status !== 'approved' || entry.instructionsBlocked || entry.listedGeneration !== entry.upstream.generation) {
      // Unknown, not approved (an admin may just have approved it from the CLI), or the server restarted.
      // Refusals cost a re-list; approved calls, the hot path, never touch the upstream's list.
      await this.refresh(server);
      t = entry.tools.get(tool);
    }
    return t === undefined ? undefined : { entry, tool: t };
  }

  /** tools/call through the pipeline. Throws McpError for refusals (the SDK turns them into JSON-RPC errors). */
  async callTool(caller: CallerInfo, server: string, toolName: string, rawArgs: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<CallToolResult> {
    const qualified = `${server}${NAMESPACE_SEPARATOR}${toolName}`;
    let found: { entry: ServerEntry; tool: CatalogTool } | undefined;
    return runMcp<CallToolResult>(this.#deps.pipeline, {
      operation: 'tools/call',
      caller,
      server,
      name: toolName,
      args: rawArgs ?? {},
      inspectArguments: true,
      authorize: async (ix) => {
        found = await this.#lookup(server, toolName);
        if (found === undefined) return mcpDenial('not_found', `Unknown tool: ${qualified}`, 'unknown-tool');
        const { entry, tool } = found;
        ix.definitionHash = tool.hash;
        if (tool.status !== 'approved' || entry.instructionsBlocked) {
          const reasons = entry.instructionsBlocked ? ['server-instructions-changed'] : [...tool.reasons];
          return mcpDenial(
            'tool_quarantined',
            `Tool ${qualified} is quarantined by Palisade (${reasons.join(', ')}): its definition is not approved. An administrator must review it with "palisade mcp tools diff ${server} ${toolName}" and approve it.`,
            'quarantined',
            reasons.join(','),
            { reasons },
          );
        }
        const decision = this.authorize(caller, tool, rawArgs ?? {}, false);
        if (!decision.allowed) {
          return mcpDenial('forbidden', `Palisade policy does not allow ${caller.principal.name} to call ${qualified}.`, 'denied', decision.reasons.length > 0 ? decision.reasons.join(',') : 'no-permit');
        }
        return undefined;
      },
      forward: async (args, ix) => {
        if (found === undefined) throw new Error('forward before authorize');
        if (requiresApproval(this.#config.approvals, qualified)) {
          const outcome = await awaitApproval(this.#deps.state, this.#config.approvals, this.#deps.clock, { principal: caller.principal, server, tool: toolName, args }, signal);
          ix.approvalId = outcome.id;
          if (outcome.status !== 'approved') {
            const expired = outcome.status === 'expired';
            return {
              refusal: mcpDenial(
                expired ? 'approval_expired' : 'approval_denied',
                `The call to ${qualified} was not approved (${outcome.status}; request ${outcome.id}).`,
                expired ? 'approval-expired' : 'approval-denied',
                outcome.status,
                { approvalId: outcome.id },
              ),
            };
          }
        }
        return { result: await found.entry.upstream.callTool(toolName, args, signal) };
      },
      resultContent: (result) => {
        const c = new Collector();
        contentItems(c, result.content, ['content']);
        c.json(result.structuredContent, 'tool-result', ['structuredContent']);
        return c.done();
      },
      blockedResult: (message) => ({ content: [{ type: 'text', text: `Palisade blocked the result of ${qualified}. ${message}` }], isError: true }),
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#servers.values()].map((e) => e.upstream.close()));
    this.#authz.close();
  }
}
