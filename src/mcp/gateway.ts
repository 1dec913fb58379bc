// The composition of the MCP gateway: reads the `mcp` config section, compiles the Cedar policies, loads
// the injection model for the poisoning scan, starts the upstreams and hands the lead's server a Fastify
// registration. Startup problems (bad policies, unreadable policy file) are values, listed all at once.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config, Principal } from '../core/index.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createInjectionDetector, loadInjectionModel, type InjectionDetector } from '../detect/injection/index.ts';
import { createAuthorizer, type Authorizer, type AuthzDecision, type McpAction } from './authz.ts';
import { McpEngine, type CatalogTool, type CallerInfo } from './engine.ts';
import { splitQualifiedName, unwrapResourceUri } from './naming.ts';
import { McpFront } from './front.ts';
import type { McpDeps } from './types.ts';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

export interface McpGateway {
  /** Adds GET/POST/DELETE /mcp and /mcp/:server and the protected-resource metadata routes. */
  register(app: FastifyInstance): void;
  /** Palisade's MCP resource URI (the audience tokens must carry). */
  readonly resource: string;
  /** Every known tool with its pin state, for the admin API. */
  catalog(): CatalogTool[];
  /** Re-lists a server's tools now (e.g. after an admin approved a definition). */
  refresh(server: string): Promise<void>;
  /**
   * Cedar's decision for a principal, with the deciding policies' text. `name` is what /mcp shows: a
   * namespaced tool or prompt (`server__name`) or a wrapped resource URI (`palisade://server/<uri>`).
   */
  explain(principal: Principal, name: string, args?: Record<string, unknown>, action?: McpAction): AuthzExplanation;
  /** An SDK Server speaking for one caller, to connect to any transport (stdio, in-memory). */
  sessionServer(caller: CallerInfo, server?: string): Server;
  readonly sessionCount: number;
  close(): Promise<void>;
}

export interface AuthzExplanation extends AuthzDecision {
  readonly tool: string;
  readonly known: boolean;
  readonly status?: string;
  readonly policies: readonly { id: string; text: string }[];
}

export interface McpGatewayOptions {
  /** The injection detector for the poisoning scan; loaded from models/injection/ when absent. */
  readonly detector?: InjectionDetector;
}

/** Reads the policy text from the config (inline or file). */
export function mcpPolicyText(config: Config): Result<string | undefined, string> {
  const mcp = config.mcp;
  if (mcp.policyFile === undefined) return ok(mcp.policies);
  const path = isAbsolute(mcp.policyFile) ? mcp.policyFile : resolve(process.cwd(), mcp.policyFile);
  try {
    return ok(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`cannot read mcp.policyFile ${mcp.policyFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export function loadMcpAuthorizer(config: Config): Result<Authorizer, string[]> {
  const text = mcpPolicyText(config);
  if (!text.ok) return err([text.error]);
  return createAuthorizer(text.value);
}

export function explainDecision(authz: Authorizer, decision: AuthzDecision, tool: string, known: boolean, status?: string): AuthzExplanation {
  const policies = decision.reasons.map((id) => ({ id, text: authz.policyText(id) ?? '' }));
  return { ...decision, tool, known, ...(status !== undefined ? { status } : {}), policies };
}

export async function createMcpGateway(config: Config, deps: McpDeps, options: McpGatewayOptions = {}): Promise<Result<McpGateway, string[]>> {
  const authz = loadMcpAuthorizer(config);
  if (!authz.ok) return err(authz.error);
  let detector = options.detector;
  if (detector === undefined) {
    const model = loadInjectionModel();
    if (!model.ok) return err([model.error]);
    detector = createInjectionDetector({ model: model.value });
  }
  const engine = new McpEngine(config.mcp, deps, authz.value, detector);
  const publicUrl = config.server.publicUrl ?? `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${config.server.port}`;
  const front = new McpFront(engine, deps, { config: config.mcp, publicUrl });
  await engine.start();
  return ok({
    register: (app) => front.register(app),
    resource: front.resource,
    catalog: () => engine.catalog(),
    refresh: (server) => engine.refresh(server),
    explain(principal, name, args, action = 'call_tool') {
      if (action === 'read_resource') {
        const target = unwrapResourceUri(name);
        const decision = target
          ? engine.content.authorizeResource({ principal }, target.server, target.uri, false)
          : authz.value.authorize({ principal, action, resource: { server: '', name }, now: deps.clock.now() });
        return explainDecision(authz.value, decision, name, target !== undefined && engine.hasServer(target.server));
      }
      const target = splitQualifiedName(name);
      if (action === 'get_prompt') {
        const decision = target
          ? engine.content.authorizePrompt({ principal }, target.server, target.name, args, args === undefined)
          : authz.value.authorize({ principal, action, resource: { server: '', name }, now: deps.clock.now() });
        return explainDecision(authz.value, decision, name, target !== undefined && engine.hasServer(target.server));
      }
      const t = engine.catalog().find((c) => c.qualified === name);
      const decision = t
        ? engine.authorize({ principal }, t, args, args === undefined)
        : authz.value.authorize({ principal, action: 'call_tool', resource: { server: target?.server ?? '', name }, ...(args ? { arguments: args } : {}), now: deps.clock.now() });
      return explainDecision(authz.value, decision, name, t !== undefined, t?.status);
    },
    sessionServer: (caller, server) => front.createSessionServer(caller, server),
    get sessionCount() {
      return front.sessionCount;
    },
    async close() {
      await front.close();
      await engine.close();
    },
  });
}
