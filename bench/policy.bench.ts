// Policy overhead through the gateway, in one run against the instant upstream: (a) no policies, (b) the
// "Detect sensitive info", "Never send credentials" and "Detect risky AI usage" templates enforced on
// prompts and responses; streaming and not.
//   npm run bench:policy   (BENCH_DURATION=10 s per throughput run, BENCH_LATENCY_REQUESTS=3000)
import { buildDist, chatBody, child, LOAD_GENERATOR, latency, table, throughput } from './support/harness.ts';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
const N = Number(process.env['BENCH_LATENCY_REQUESTS'] ?? 3000);
const TEMPLATES = 'detect-sensitive-info,never-send-credentials,detect-risky-ai-usage';

buildDist();
const upstream = await child('../support/instant-upstream.ts');
const port = String(upstream.info['port']);
const plain = await child('../support/palisade-server.mjs', [port]);
const guarded = await child('../support/palisade-server.mjs', [port], { PALISADE_BENCH_TEMPLATES: TEMPLATES, PALISADE_BENCH_ALL_LOCATIONS: '1' });
const a = { url: `http://127.0.0.1:${String(plain.info['port'])}`, key: String(plain.info['key']) };
const b = { url: `http://127.0.0.1:${String(guarded.info['port'])}`, key: String(guarded.info['key']) };

try {
  await throughput(a.url, a.key, chatBody(false), 8, 2);
  await throughput(b.url, b.key, chatBody(false), 8, 2);
  const rows: string[][] = [];
  for (const stream of [false, true]) {
    const body = chatBody(stream);
    const ra = await throughput(a.url, a.key, body, 32, DURATION);
    const rb = await throughput(b.url, b.key, body, 32, DURATION);
    const la = await latency(a.url, a.key, body, N);
    const lb = await latency(b.url, b.key, body, N);
    rows.push([
      stream ? 'streaming' : 'non-streaming',
      ra.toFixed(0),
      rb.toFixed(0),
      (rb / ra).toFixed(2),
      `${la.p50.toFixed(3)} / ${la.p99.toFixed(3)}`,
      `${lb.p50.toFixed(3)} / ${lb.p99.toFixed(3)}`,
      stream ? `${la.ttfb50.toFixed(3)} → ${lb.ttfb50.toFixed(3)} (+${(lb.ttfb50 - la.ttfb50).toFixed(3)})` : '-',
    ]);
  }
  console.log(`\nPolicy benchmark: 1.3 KB chat prompt; (b) = ${TEMPLATES} enforced on prompts and responses; load generator ${LOAD_GENERATOR}`);
  console.log(table(['mode', '(a) req/s @32', '(b) req/s @32', 'ratio', '(a) p50/p99 ms @1', '(b) p50/p99 ms @1', 'time to first byte p50 ms'], rows));
  console.log('Targets: ratio ≥ 0.8; added time to first streamed byte ≤ 1 ms at p50');
} finally {
  plain.proc.kill('SIGTERM');
  guarded.proc.kill('SIGTERM');
  upstream.proc.kill('SIGTERM');
}
