// Palisade in its own process for the gateway benchmark: auth on (a real API key), the instant upstream as
// an openai-compatible backend. Usage: run-ts.js bench/support/palisade-server.ts UPSTREAM_PORT
// → prints {"port": N, "key": "pal_…"} on stdout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/core/index.ts';
import { startGateway } from '../../src/gateway/index.ts';
import { findTemplate } from '../../src/policy/index.ts';

const upstreamPort = Number(process.argv[2]);
const home = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
const parsed = parseConfig(
  {
    logging: { level: 'warn' },
    upstreams: [{ name: 'bench', provider: 'openai-compatible', baseUrl: `http://127.0.0.1:${upstreamPort}/v1`, maxConnections: 64 }],
    models: [{ match: 'bench-model', backends: [{ upstream: 'bench' }] }],
    // Policies from one-click templates (bench:policy), optionally widened to prompts and responses.
    policies: (process.env['PALISADE_BENCH_TEMPLATES'] ?? '')
      .split(',')
      .filter((id) => id !== '')
      .map((id) => {
        const t = findTemplate(id);
        if (t === undefined) throw new Error(`unknown template ${id}`);
        return process.env['PALISADE_BENCH_ALL_LOCATIONS'] === '1' ? { ...t.policy, mode: 'enforce', locations: ['prompt', 'response'] } : t.policy;
      }),
  },
  'bench',
  { env: {}, cwd: home },
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
const config = { ...parsed.value, home };
const gateway = await startGateway(config, { port: 0, createAdminKey: false, logger: pino({ level: 'warn' }) });
const { key } = await gateway.keys.create({ name: 'bench' });
process.stdout.write(`${JSON.stringify({ port: gateway.port, key })}\n`);
process.on('SIGTERM', () => {
  gateway.close().then(() => process.exit(0), () => process.exit(1));
});
