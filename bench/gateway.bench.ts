// Gateway overhead: the same load sent (a) straight to an instant upstream and (b) through Palisade with
// authentication on, in one run on one machine; reported as ratios because the load generator, the
// upstream and Palisade share the machine's cores.
//   npm run bench:gateway   (BENCH_DURATION=10 s per throughput run, BENCH_SOAK=60 s, BENCH_LATENCY_REQUESTS=3000)
import { buildDist, chatBody, child, LOAD_GENERATOR, latency, rssMb, table, throughput } from './support/harness.ts';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
const SOAK = Number(process.env['BENCH_SOAK'] ?? 60);
const N = Number(process.env['BENCH_LATENCY_REQUESTS'] ?? 3000);

buildDist();
const upstream = await child('../support/instant-upstream.ts');
const direct = `http://127.0.0.1:${String(upstream.info['port'])}`;
const bare = await child('../support/bare-proxy.ts', [String(upstream.info['port'])]);
const proxied = `http://127.0.0.1:${String(bare.info['port'])}`;
const palisade = await child('../support/palisade-server.mjs', [String(upstream.info['port'])]);
const through = `http://127.0.0.1:${String(palisade.info['port'])}`;
const key = String(palisade.info['key']);

try {
  await throughput(direct, undefined, chatBody(false), 8, 2);
  await throughput(through, key, chatBody(false), 8, 2);
  const rows: string[][] = [];
  for (const stream of [false, true]) {
    const body = chatBody(stream);
    const a = await throughput(direct, undefined, body, 32, DURATION);
    const c = await throughput(proxied, undefined, body, 32, DURATION);
    const b = await throughput(through, key, body, 32, DURATION);
    const la = await latency(direct, undefined, body, N);
    const lc = await latency(proxied, undefined, body, N);
    const lb = await latency(through, key, body, N);
    rows.push([
      stream ? 'streaming' : 'non-streaming',
      a.toFixed(0),
      c.toFixed(0),
      b.toFixed(0),
      (b / a).toFixed(2),
      (b / c).toFixed(2),
      `${la.p50.toFixed(3)} / ${la.p99.toFixed(3)}`,
      `${lc.p50.toFixed(3)} / ${lc.p99.toFixed(3)}`,
      `${lb.p50.toFixed(3)} / ${lb.p99.toFixed(3)}`,
      `${(lb.p50 - la.p50).toFixed(3)} / ${(lb.p99 - la.p99).toFixed(3)}`,
      `${(lb.p50 - lc.p50).toFixed(3)} / ${(lb.p99 - lc.p99).toFixed(3)}`,
    ]);
  }
  let rss = NaN;
  if (SOAK > 0) {
    await throughput(through, key, chatBody(false), 32, SOAK);
    rss = rssMb(palisade.proc.pid ?? 0);
  }
  console.log(`\nGateway benchmark: 1.3 KB chat prompt, ${DURATION}s per throughput run (${LOAD_GENERATOR}), ${N} sequential requests per latency run`);
  console.log(
    table(
      [
        'mode',
        '(a) direct req/s @32',
        '(c) bare proxy req/s @32',
        '(b) palisade req/s @32',
        'b/a',
        'b/c',
        '(a) p50/p99 ms @1',
        '(c) p50/p99 ms @1',
        '(b) p50/p99 ms @1',
        'added vs a (p50/p99)',
        'added vs c (p50/p99)',
      ],
      rows,
    ),
  );
  console.log('(c) is a bare Node proxy (node:http + undici, nothing else): the cost of a second loopback hop on this machine.');
  console.log(`\nPalisade RSS after ${SOAK}s of load at 32 connections: ${rss.toFixed(1)} MB`);
  console.log('Targets: ratio ≥ 0.30; added p50 ≤ 0.2 ms, added p99 ≤ 1 ms; RSS ≤ 150 MB');
} finally {
  palisade.proc.kill('SIGTERM');
  bare.proc.kill('SIGTERM');
  upstream.proc.kill('SIGTERM');
}
