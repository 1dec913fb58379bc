// `npm run bench:mcp`: tools/call per second and p50/p99 latency, a real SDK Client calling an HTTP MCP
// server (the SDK's Streamable HTTP server, stateless) directly, versus through Palisade's front with
// authentication (API key), Cedar authorization, pinning and inspection (injection detector + DLP
// policies on arguments and results) on. Both are measured in the same run, interleaved, same process.
// Options: --calls N (sequential calls per side for latency, default 2000), --concurrency C (default 16),
// --quick (300 calls, for a smoke run).
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHarness } from '../test/mcp/harness.ts';
import { startHttpMcpServer } from '../test/mcp/fixtures/http-server.ts';

const { values: args } = parseArgs({
  options: { calls: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' }, quick: { type: 'boolean', default: false } },
});
const calls = args.quick === true ? 300 : Number(args.calls);
const concurrency = Number(args.concurrency);

const upstream = await startHttpMcpServer('http');
const h = await startHarness({
  mcp: {
    servers: [{ name: 'bench', transport: 'http', url: upstream.url, allowPrivateNetwork: true }],
    policies: 'permit(principal in Palisade::Role::"bench", action == Palisade::Action::"call_tool", resource in Palisade::Server::"bench");',
  },
});
const key = await h.key('bench', ['bench']);

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

const direct = await connect(upstream.url);
const through = await connect(`${h.url}/mcp`, { authorization: `Bearer ${key}` });
const message = 'Summarise the quarterly report in three bullet points please.';

async function once(client: Client, name: string): Promise<number> {
  const t = performance.now();
  const res = await client.callTool({ name, arguments: { message } });
  if (res.isError === true) throw new Error('tool error');
  return performance.now() - t;
}

const pct = (xs: number[], p: number): number => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

// Warm-up: JIT, connections, the catalog.
for (let i = 0; i < 200; i++) {
  await once(direct, 'echo');
  await once(through, 'bench__echo');
}

const d: number[] = [];
const p: number[] = [];
for (let i = 0; i < calls; i++) {
  d.push(await once(direct, 'echo'));
  p.push(await once(through, 'bench__echo'));
}

async function throughput(client: Client, name: string, total: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await once(client, name);
    }),
  );
  return total / ((performance.now() - t) / 1000);
}
const sequentialEvents = h.invocations().length;
const directRps = await throughput(direct, 'echo', calls);
const throughRps = await throughput(through, 'bench__echo', calls);

const row = (name: string, xs: number[], rps: number): string => `| ${name} | ${rps.toFixed(0)} | ${pct(xs, 0.5).toFixed(3)} | ${pct(xs, 0.99).toFixed(3)} |`;
console.log(`MCP tools/call, ${calls} sequential calls per side for latency, ${calls} calls at concurrency ${concurrency} for calls/s`);
console.log('| path | calls/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|');
console.log(row('direct to the HTTP MCP server', d, directRps));
console.log(row('through Palisade (auth, Cedar, pinning, inspection)', p, throughRps));
console.log(`added p50: ${(pct(p, 0.5) - pct(d, 0.5)).toFixed(3)} ms (target ≤ 0.5 ms); calls/s ratio: ${(throughRps / directRps).toFixed(2)} (target ≥ 0.5)`);
const audited = h.invocations().filter((e) => e.decision === 'allowed').length;
console.log(`ToolInvocation events recorded: ${audited}`);
// The breakdown uses the sequential phase only (the last `calls` events before the concurrent phase).
const inv = h
  .invocations()
  .slice(sequentialEvents - calls, sequentialEvents)
  .filter((e) => e.decision === 'allowed' && e.upstreamMs !== undefined);
const pipeline = inv.map((e) => e.latencyMs - (e.upstreamMs ?? 0));
const up = inv.map((e) => e.upstreamMs ?? 0);
console.log(`inside Palisade per sequential call (p50): pipeline without the upstream hop ${pct(pipeline, 0.5).toFixed(3)} ms; upstream hop as Palisade sees it ${pct(up, 0.5).toFixed(3)} ms`);

await direct.close();
await through.close();
await h.close();
await upstream.close();
