// `palisade mcp …`: the stdio entry for desktop clients, Cedar decision explanations, human approvals and
// tool pin review (list, diff, approve). Pins and approvals live in `<home>/mcp.db`, shared with the gateway.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { SYSTEM_CLOCK, type Config, type Principal } from '../../core/index.ts';
import { ApiKeyService } from '../../identity/index.ts';
import {
  approveToolDefinition,
  authzTarget,
  decideApproval,
  explainDecision,
  loadMcpAuthorizer,
  NAMESPACE_SEPARATOR,
  openSqliteMcpStateStore,
  pinDiff,
  runStdioBridge,
  type AuthzResource,
  type McpStateStore,
} from '../../mcp/index.ts';
import { openConfiguredStateStore } from '../../store/index.ts';
import { loadCliConfig } from '../load-config.ts';

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function withMcpState<T>(config: Config, fn: (store: McpStateStore) => Promise<T>): Promise<T> {
  const store = openSqliteMcpStateStore(config.home);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Resolves a Palisade key to its principal, as the gateway would. */
async function principalOfKey(config: Config, key: string): Promise<Principal> {
  const store = await openConfiguredStateStore(config);
  try {
    const secret = await store.settings.getOrCreateSecret('api-key-hash', 32);
    const keys = new ApiKeyService(store.keys, secret, SYSTEM_CLOCK);
    await keys.reload();
    const result = keys.authenticate(key);
    keys.close();
    if (!result.ok) fail(`--as: ${result.error.message}`);
    return result.value;
  } finally {
    await store.close();
  }
}

function actor(opts: { by?: string }): string {
  return opts.by ?? `cli:${userInfo().username}`;
}

function baseUrl(config: Config): string {
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  return config.server.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`;
}

export function registerMcpCommand(program: Command): void {
  const mcp = program.command('mcp').description('MCP security gateway: stdio entry, authorization, approvals, tool pins');

  mcp
    .command('stdio')
    .description('relay a stdio MCP client to the running gateway (key from PALISADE_API_KEY)')
    .requiredOption('--server <name>', 'the configured MCP server to expose')
    .option('--url <url>', 'the gateway base URL (default: server.publicUrl or host:port from the config)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { server: string; url?: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      const credential = process.env['PALISADE_API_KEY'];
      if (credential === undefined || credential === '') fail('palisade mcp stdio: set PALISADE_API_KEY to a Palisade key or access token');
      if (!config.mcp.servers.some((s) => s.name === opts.server)) fail(`palisade mcp stdio: no MCP server named ${opts.server} in ${config.source}`);
      const url = `${(opts.url ?? baseUrl(config)).replace(/\/+$/, '')}/mcp/${encodeURIComponent(opts.server)}`;
      const bridge = await runStdioBridge({ url, credential, onError: (m) => console.error(m) });
      await bridge.closed;
    });

  const authz = mcp.command('authz').description('Cedar authorization of MCP tools');
  authz
    .command('test')
    .description('explain whether a key may call a tool, read a resource or get a prompt (exit 0 allowed, 1 denied)')
    .requiredOption('--as <key>', 'the Palisade key of the caller')
    .option('--tool <server__tool>', 'the namespaced tool')
    .option('--resource <uri>', 'a resource as /mcp shows it (palisade://server/uri)')
    .option('--prompt <server__prompt>', 'the namespaced prompt')
    .option('--args <json>', 'the call arguments as a JSON object (argument-based policies)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { as: string; tool?: string; resource?: string; prompt?: string; args?: string; config?: string }) => {
      const given = [opts.tool, opts.resource, opts.prompt].filter((x) => x !== undefined);
      if (given.length !== 1) fail('give exactly one of --tool, --resource or --prompt');
      const config = loadCliConfig(opts.config);
      let args: Record<string, unknown> | undefined;
      if (opts.args !== undefined) {
        try {
          const v: unknown = JSON.parse(opts.args);
          if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
          args = v as Record<string, unknown>;
        } catch {
          fail('--args: expected a JSON object');
        }
      }
      const authorizer = loadMcpAuthorizer(config);
      if (!authorizer.ok) fail(`mcp policies: ${authorizer.error.join('; ')}`);
      const principal = await principalOfKey(config, opts.as);
      const action = opts.resource !== undefined ? 'read_resource' : opts.prompt !== undefined ? 'get_prompt' : 'call_tool';
      const shown = opts.resource ?? opts.prompt ?? opts.tool ?? '';
      let resource: AuthzResource | undefined;
      let pin: Awaited<ReturnType<McpStateStore['getPin']>> | undefined;
      if (action === 'call_tool') {
        const i = shown.indexOf(NAMESPACE_SEPARATOR);
        if (i <= 0) fail('--tool: expected server__tool');
        const server = shown.slice(0, i);
        const tool = shown.slice(i + NAMESPACE_SEPARATOR.length);
        pin = await withMcpState(config, (s) => s.getPin(server, tool));
        resource = { server, name: shown, annotations: (pin?.currentDefinition.annotations ?? {}) as Record<string, unknown> };
      } else {
        resource = authzTarget(action, shown);
        if (resource === undefined) fail(action === 'read_resource' ? '--resource: expected palisade://server/uri' : '--prompt: expected server__prompt');
      }
      const decision = authorizer.value.authorize({
        principal,
        action,
        resource,
        ...(args !== undefined ? { arguments: args } : {}),
        listing: args === undefined,
        now: Date.now(),
      });
      const e = explainDecision(authorizer.value, decision, shown, pin !== undefined, pin?.status);
      authorizer.value.close();
      console.log(`${e.allowed ? 'ALLOW' : 'DENY'} ${principal.name} (${principal.id}, ${principal.kind}, roles: ${principal.roles.join(',') || '-'}) → ${action} ${shown}`);
      if (action === 'call_tool') console.log(`tool: ${e.known ? `pinned, ${e.status ?? '?'}` : 'not seen by the gateway yet (annotations unknown)'}`);
      if (e.policies.length === 0) console.log(e.allowed ? '' : 'no permit policy matched (deny by default)');
      for (const p of e.policies) console.log(`${p.id}:\n  ${p.text.split('\n').join('\n  ')}`);
      for (const er of e.errors) console.log(`evaluation error (counts as not matching): ${er}`);
      if (pin !== undefined && pin.status !== 'approved') console.log(`note: the tool is ${pin.status} (${pin.reasons.join(', ')}), so calls are refused whatever the policy says`);
      process.exitCode = e.allowed ? 0 : 1;
    });

  const approvals = mcp.command('approvals').description('human approval of tool calls');
  approvals
    .command('list')
    .description('pending approval requests (all with --all)')
    .option('--all', 'include decided and expired requests')
    .option('--format <format>', 'table or json', 'table')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { all?: boolean; format: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      const list = await withMcpState(config, (s) => s.listApprovals(opts.all === true ? undefined : 'pending'));
      if (opts.format === 'json') {
        console.log(JSON.stringify(list, null, 2));
        return;
      }
      if (list.length === 0) console.log('no approval requests');
      for (const a of list) {
        console.log(
          `${a.id}  ${a.status.padEnd(8)}  ${a.server}${NAMESPACE_SEPARATOR}${a.tool}  by ${a.principalName} (${a.principalId})  args ${a.argumentsHash.slice(0, 19)}…  expires ${new Date(a.expiresAt).toISOString()}`,
        );
      }
    });
  for (const verb of ['approve', 'deny'] as const) {
    approvals
      .command(`${verb} <id>`)
      .description(`${verb} a pending request`)
      .option('--by <name>', 'who decides (default: cli:<os user>)')
      .option('-c, --config <file>', 'configuration file')
      .action(async (id: string, opts: { by?: string; config?: string }) => {
        const config = loadCliConfig(opts.config);
        const r = await withMcpState(config, (s) => decideApproval(s, id, verb === 'approve' ? 'approved' : 'denied', actor(opts), SYSTEM_CLOCK));
        if (!r.ok) fail(`cannot ${verb} ${id}: ${r.reason}`, 1);
        console.log(`${id} ${verb === 'approve' ? 'approved' : 'denied'}`);
      });
  }

  const tools = mcp.command('tools').description('tool definition pins');
  tools
    .command('list')
    .description('every pinned tool with its status')
    .option('--format <format>', 'table or json', 'table')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { format: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      const pins = await withMcpState(config, (s) => s.listPins());
      if (opts.format === 'json') {
        console.log(JSON.stringify(pins.map(({ approvedDefinition: _a, currentDefinition: _c, ...p }) => p), null, 2));
        return;
      }
      if (pins.length === 0) console.log('no tools pinned yet (the gateway pins them when it first lists a server)');
      for (const p of pins) {
        const extra = [p.reasons.length > 0 ? `reasons: ${p.reasons.join(',')}` : '', p.signals.length > 0 ? `signals: ${p.signals.join(',')}` : ''].filter((x) => x !== '');
        console.log(`${p.status.padEnd(11)}  ${p.server}${NAMESPACE_SEPARATOR}${p.tool}  ${p.currentHash.slice(0, 19)}…${extra.length > 0 ? `  ${extra.join('  ')}` : ''}`);
      }
    });
  tools
    .command('diff <server> <tool>')
    .description('the approved definition against the current one')
    .option('-c, --config <file>', 'configuration file')
    .action(async (server: string, tool: string, opts: { config?: string }) => {
      const config = loadCliConfig(opts.config);
      const pin = await withMcpState(config, (s) => s.getPin(server, tool));
      if (pin === undefined) fail(`no pin for ${server} ${tool}`, 1);
      console.log(`${server}${NAMESPACE_SEPARATOR}${tool}: ${pin.status}${pin.reasons.length > 0 ? ` (${pin.reasons.join(', ')})` : ''}`);
      console.log(`approved: ${pin.approvedHash ?? '(never)'}\ncurrent:  ${pin.currentHash}`);
      if (pin.signals.length > 0) console.log(`poisoning signals: ${pin.signals.join(', ')}`);
      console.log(pinDiff(pin));
    });
  tools
    .command('approve <server> <tool>')
    .description('approve the current definition (pass --hash from `diff` to approve only what you reviewed)')
    .option('--hash <hash>', 'the current hash shown by diff')
    .option('-c, --config <file>', 'configuration file')
    .action(async (server: string, tool: string, opts: { hash?: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      const r = await withMcpState(config, (s) => approveToolDefinition(s, server, tool, SYSTEM_CLOCK, opts.hash));
      if (!r.ok) fail(r.reason === 'hash-mismatch' ? 'the definition changed again since that hash: review the diff again' : `no pin for ${server} ${tool}`, 1);
      console.log(`approved ${server}${NAMESPACE_SEPARATOR}${tool} ${r.pin.currentHash}`);
    });
}
