// Gateway overhead: the same load sent (a) straight to an instant upstream and (b) through Palisade with
// authentication on, in one run on one machine; reported as ratios because the load generator, the
// upstream and Palisade share the machine's cores.
//   npm run bench:gateway            (BENCH_DURATION=10 seconds per throughput run, BENCH_SOAK=60 seconds)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Client } from 'undici';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
const SOAK = Number(process.env['BENCH_SOAK'] ?? 60);
const LATENCY_REQUESTS = Number(process.env['BENCH_LATENCY_REQUESTS'] ?? 3000);
const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));

function child(script: string, args: string[] = []): Promise<{ proc: ChildProcess; info: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [runTs, fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.once('line', (line) => resolve({ proc, info: JSON.parse(line) as Record<string, unknown> }));
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

// A 1.3 KB chat prompt.
const PROMPT = 'Summarise the following meeting notes for the leadership team in three bullet points. '.repeat(15).slice(0, 1300);
const body = (stream: boolean) => JSON.stringify({ model: 'bench-model', messages: [{ role: 'system', content: 'You are concise.' }, { role: 'user', content: PROMPT }], stream });

async function throughput(url: string, key: string | undefined, stream: boolean, connections: number, duration: number) {
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body(stream),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${bad} failed requests against ${url} (stream=${stream})`);
  return result.requests.average;
}

/** Per-request latency over one keep-alive connection, measured with hrtime (autocannon rounds to ms). */
async function latency(url: string, key: string | undefined, stream: boolean, n: number) {
  const client = new Client(url, { pipelining: 1 });
  const payload = body(stream);
  const headers = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const samples: number[] = [];
  for (let i = 0; i < n + 200; i++) {
    const t0 = process.hrtime.bigint();
    const res = await client.request({ path: '/v1/chat/completions', method: 'POST', headers, body: payload });
    await res.body.text();
    const t1 = process.hrtime.bigint();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    if (i >= 200) samples.push(Number(t1 - t0) / 1e6); // the first 200 warm the JIT and the pools
  }
  await client.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99) };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const upstream = await child('./support/instant-upstream.ts');
const direct = `http://127.0.0.1:${String(upstream.info['port'])}`;
const palisade = await child('./support/palisade-server.ts', [String(upstream.info['port'])]);
const through = `http://127.0.0.1:${String(palisade.info['port'])}`;
const key = String(palisade.info['key']);

try {
  // Warm both paths.
  await throughput(direct, undefined, false, 8, 2);
  await throughput(through, key, false, 8, 2);
  const rows: string[][] = [];
  for (const stream of [false, true]) {
    const a = await throughput(direct, undefined, stream, 32, DURATION);
    const b = await throughput(through, key, stream, 32, DURATION);
    const la = await latency(direct, undefined, stream, LATENCY_REQUESTS);
    const lb = await latency(through, key, stream, LATENCY_REQUESTS);
    rows.push([
      stream ? 'streaming' : 'non-streaming',
      a.toFixed(0),
      b.toFixed(0),
      (b / a).toFixed(2),
      `${la.p50.toFixed(3)} / ${la.p99.toFixed(3)}`,
      `${lb.p50.toFixed(3)} / ${lb.p99.toFixed(3)}`,
      `${(lb.p50 - la.p50).toFixed(3)} / ${(lb.p99 - la.p99).toFixed(3)}`,
    ]);
  }
  let rss = NaN;
  if (SOAK > 0) {
    await throughput(through, key, false, 32, SOAK);
    rss = rssMb(palisade.proc.pid ?? 0);
  }
  const header = ['mode', 'direct req/s @32', 'palisade req/s @32', 'ratio', 'direct p50/p99 ms @1', 'palisade p50/p99 ms @1', 'added p50/p99 ms'];
  console.log(`\nGateway benchmark: 1.3 KB chat prompt, ${DURATION}s per throughput run, ${LATENCY_REQUESTS} sequential requests per latency run`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nPalisade RSS after ${SOAK}s of load at 32 connections: ${rss.toFixed(1)} MB`);
  console.log('Targets: ratio ≥ 0.30; added p50 ≤ 0.2 ms, added p99 ≤ 1 ms; RSS ≤ 150 MB');
} finally {
  palisade.proc.kill('SIGTERM');
  upstream.proc.kill('SIGTERM');
}
