// The `mcp` section of palisade.yaml: the MCP servers Palisade fronts (an admin-only allowlist), the Cedar
// policies that say who may call which tool, human approvals, tool pinning and poisoning behaviour, and the
// front's own safety options (resource URI, allowed origins and hosts).
import { z } from 'zod';
import { duration, secretRef } from './primitives.ts';

/** Server names become tool prefixes (`server__tool`), so they may not contain the separator. */
const serverName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/i, 'letters, digits and - only (the name prefixes tool names as NAME__tool)')
  .max(64);

const restart = z
  .object({
    /** First delay before restarting a server that died; doubles up to `maxBackoff`. */
    backoff: duration.default(500),
    maxBackoff: duration.default(30_000),
  })
  .strict();

const stdioServer = z
  .object({
    name: serverName,
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Only these variables reach the child (plus PATH); values are secret references. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), secretRef).default({}),
    cwd: z.string().min(1).optional(),
    restart: restart.default(() => restart.parse({})),
    /** Longest wait for one upstream request. */
    timeout: duration.default(60_000),
  })
  .strict();

const oauthClientCredentials = z
  .object({
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: secretRef,
    scope: z.string().min(1).optional(),
  })
  .strict();

const httpServer = z
  .object({
    name: serverName,
    /** `http` is Streamable HTTP; `sse` is the legacy HTTP+SSE transport. */
    transport: z.enum(['http', 'sse']),
    url: z.url().refine((u) => /^https?:\/\//i.test(u), 'http(s) URLs only'),
    /** Static headers (e.g. `Authorization`); values are secret references. */
    headers: z.record(z.string().min(1), secretRef).default({}),
    oauth: oauthClientCredentials.optional(),
    /** Allow private, loopback and link-local addresses (refused by default: SSRF). */
    allowPrivateNetwork: z.boolean().default(false),
    restart: restart.default(() => restart.parse({})),
    timeout: duration.default(60_000),
  })
  .strict();

const mcpServer = z.discriminatedUnion('transport', [stdioServer, httpServer]);

const approvals = z
  .object({
    /** Tools (namespaced `server__tool`, globs allowed) whose every call waits for a human approval. */
    tools: z.array(z.string().min(1)).default([]),
    /** How long a call waits; an approval not given in time is a denial. */
    timeout: duration.default(120_000),
    /** How often a waiting call looks for the decision (approvals may come from another process). */
    pollInterval: duration.default(250),
  })
  .strict();

const pinning = z
  .object({
    /** Pin a tool the first time it is seen (when its scan is clean); false leaves it pending an admin's approval. */
    trustOnFirstUse: z.boolean().default(true),
  })
  .strict();

const poisoning = z
  .object({
    /** What a finding in a tool's description or schema does: hide and refuse the tool, or only record it. */
    action: z.enum(['quarantine', 'flag']).default('quarantine'),
    /**
     * Injection classifier score at or above which a description counts as poisoned. High on purpose: tool
     * descriptions are imperative by nature (server-filesystem's read_text_file scores 0.67), so the
     * MCP-specific signals do most of the work and the classifier only adds blatant cases.
     */
    minScore: z.number().min(0).max(1).default(0.9),
  })
  .strict();

const front = z
  .object({
    /** Palisade's own resource URI for OAuth (RFC 9728, RFC 8707); tokens must carry it as audience. Defaults to `<publicUrl>/mcp`. */
    resource: z.url().optional(),
    /** Authorization servers advertised in the protected-resource metadata. */
    authorizationServers: z.array(z.url()).default([]),
    /** Scopes a token must carry (403 insufficient_scope otherwise); empty requires none. */
    requiredScopes: z.array(z.string().min(1)).default([]),
    /** Browser origins allowed to call the front; empty allows requests without an Origin header only. */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /** Host header values accepted (DNS rebinding); empty means localhost forms plus the public URL's host. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Idle sessions are closed after this long. */
    sessionIdleTimeout: duration.default(30 * 60_000),
    maxSessions: z.number().int().positive().default(1000),
  })
  .strict();

export const mcpConfig = z
  .object({
    enabled: z.boolean().default(true),
    servers: z.array(mcpServer).default([]),
    /** Cedar policies (text) or a file holding them. With neither, every call is denied. */
    policies: z.string().optional(),
    policyFile: z.string().min(1).optional(),
    approvals: approvals.default(() => approvals.parse({})),
    pinning: pinning.default(() => pinning.parse({})),
    poisoning: poisoning.default(() => poisoning.parse({})),
    front: front.default(() => front.parse({})),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.servers.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate MCP server name ${s.name}`, path: ['servers', i, 'name'] });
      seen.add(s.name);
    });
    if (m.policies !== undefined && m.policyFile !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give policies or policyFile, not both', path: ['policyFile'] });
    }
  });

export type McpConfig = z.output<typeof mcpConfig>;
export type McpServerConfig = z.output<typeof mcpServer>;
export type McpStdioServerConfig = z.output<typeof stdioServer>;
export type McpHttpServerConfig = z.output<typeof httpServer>;
