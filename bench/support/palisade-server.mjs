// Palisade from the compiled dist/ in its own process (what a deployment runs), for the HTTP benchmarks:
// auth on (a real API key), the instant upstream as an openai-compatible backend, optional policies from
// one-click templates. Usage: node bench/support/palisade-server.mjs UPSTREAM_PORT → {"port", "key"} on stdout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../dist/core/index.js';
import { startGateway } from '../../dist/gateway/index.js';
import { findTemplate } from '../../dist/policy/index.js';

const upstreamPort = Number(process.argv[2]);
const home = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
const templates = (process.env['PALISADE_BENCH_TEMPLATES'] ?? '').split(',').filter((id) => id !== '');
const parsed = parseConfig(
  {
    logging: { level: 'warn' },
    upstreams: [{ name: 'bench', provider: 'openai-compatible', baseUrl: `http://127.0.0.1:${upstreamPort}/v1`, maxConnections: 64 }],
    models: [{ match: 'bench-model', backends: [{ upstream: 'bench' }] }],
    inspection: { scanCache: Number(process.env['PALISADE_BENCH_SCAN_CACHE'] ?? 4096) },
    policies: templates.map((id) => {
      const t = findTemplate(id);
      if (t === undefined) throw new Error(`unknown template ${id}`);
      return process.env['PALISADE_BENCH_ALL_LOCATIONS'] === '1' ? { ...t.policy, mode: 'enforce', locations: ['prompt', 'response'] } : t.policy;
    }),
  },
  'bench',
  { env: {}, cwd: home },
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
const gateway = await startGateway({ ...parsed.value, home }, { port: 0, createAdminKey: false, logger: pino({ level: 'warn' }) });
const { key } = await gateway.keys.create({ name: 'bench' });
process.stdout.write(`${JSON.stringify({ port: gateway.port, key })}\n`);
process.on('SIGTERM', () => {
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
