// Shared pieces of the HTTP benchmarks: child processes for the upstream and Palisade, an autocannon
// throughput run, and a precise sequential latency run (autocannon rounds latencies to milliseconds).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Client } from 'undici';

const runTs = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

export function child(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; info: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [runTs, fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.once('line', (line) => resolve({ proc, info: JSON.parse(line) as Record<string, unknown> }));
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

// A 1.3 KB chat prompt.
export const PROMPT = 'Summarise the following meeting notes for the leadership team in three bullet points. '.repeat(15).slice(0, 1300);
export const chatBody = (stream: boolean, prompt = PROMPT) =>
  JSON.stringify({ model: 'bench-model', messages: [{ role: 'system', content: 'You are concise.' }, { role: 'user', content: prompt }], stream });

export async function throughput(url: string, key: string | undefined, body: string, connections: number, duration: number): Promise<number> {
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
