// Shared pieces of the HTTP benchmarks: child processes for the upstream and Palisade, an autocannon
// throughput run, and a precise sequential latency run (autocannon rounds latencies to milliseconds).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Client } from 'undici';

const runTs = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

/**
 * Palisade is measured as it is deployed: compiled to dist/ (`npm run build`), not through the TypeScript
 * loader the development commands use (which costs memory, not speed).
 */
export function buildDist(): void {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('../../tsconfig.build.json', import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** Starts a helper process (`.ts` through tsx, `.mjs` with plain node) that prints one JSON line when ready. */
export function child(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; info: Record<string, unknown> }> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const argv = script.endsWith('.mjs') ? [path, ...args] : [runTs, path, ...args];
  const proc = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.once('line', (line) => resolve({ proc, info: JSON.parse(line) as Record<string, unknown> }));
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

// A 1.3 KB chat prompt: realistic prose (a request plus meeting notes), no sensitive data.
export const PROMPT = [
  'Summarise the following meeting notes for the leadership team in three bullet points, and list the open decisions.',
  'Attendees discussed the third-quarter roadmap. The platform group reported that the migration of the billing service',
  'to the new cluster is two weeks behind schedule because the load tests found a memory regression in the invoice renderer.',
  'Marketing asked whether the launch of the partner portal could move to early October so that it lines up with the',
  'industry conference; engineering agreed in principle but wants a feature freeze on the fifteenth of September.',
  'Support presented the customer satisfaction survey: response times improved, but customers still find the onboarding',
  'guide confusing, especially the section on single sign-on. The documentation team will rewrite it with screenshots.',
  'Finance confirmed that the hiring plan for two additional site reliability engineers is approved, pending the budget',
  'review next month. Security asked every team to finish the access review before the audit window opens, and reminded',
  'everyone that production credentials must never be shared in chat. The next meeting is scheduled for Thursday morning.',
  'Action items: the platform lead will share a revised migration plan by Friday, and marketing will confirm the booth.',
  'Please keep the summary short and neutral in tone.',
].join(' ').slice(0, 1300);
export const chatBody = (stream: boolean, prompt = PROMPT) =>
  JSON.stringify({ model: 'bench-model', messages: [{ role: 'system', content: 'You are concise.' }, { role: 'user', content: prompt }], stream });

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** The load generator: wrk when installed (a C program, so it takes less of the shared CPU), else autocannon. */
export const LOAD_GENERATOR = process.env['BENCH_LOADGEN'] ?? (hasWrk() ? 'wrk' : 'autocannon');

function wrkThroughput(url: string, key: string | undefined, body: string, connections: number, duration: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-wrk-'));
  const script = join(dir, 'post.lua');
  const lua = [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    ...(key ? [`wrk.headers["Authorization"] = "Bearer ${key}"`] : []),
    `wrk.body = ${JSON.stringify(body)}`,
  ].join('\n');
  writeFileSync(script, lua);
  const r = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '-s', script, `${url}/v1/chat/completions`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? '0';
  if (Number(bad) > 0 || /Socket errors/.test(r.stdout)) throw new Error(`failed requests against ${url}: ${r.stdout}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
}

export async function throughput(url: string, key: string | undefined, body: string, connections: number, duration: number): Promise<number> {
  if (LOAD_GENERATOR === 'wrk') return wrkThroughput(url, key, body, connections, duration);
  const result = await autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${bad} failed requests against ${url}`);
  return result.requests.average;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  /** Time to the first body byte, p50 (streaming answers). */
  readonly ttfb50: number;
}

/** Per-request latency over one keep-alive connection, measured with hrtime. */
export async function latency(url: string, key: string | undefined, body: string, n: number): Promise<Latency> {
  const client = new Client(url, { pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  const total: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < n + 200; i++) {
    const t0 = process.hrtime.bigint();
    const res = await client.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
    let t1: bigint | undefined;
    for await (const _chunk of res.body) t1 ??= process.hrtime.bigint();
    const t2 = process.hrtime.bigint();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    if (i >= 200) {
      // The first 200 warm the JIT and the pools.
      total.push(Number(t2 - t0) / 1e6);
      first.push(Number((t1 ?? t2) - t0) / 1e6);
    }
  }
  await client.close();
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
  return { p50: q(total, 0.5), p99: q(total, 0.99), ttfb50: q(first, 0.5) };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
