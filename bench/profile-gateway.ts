// A CPU profile of Palisade under the gateway benchmark's load, summarised by function and by file, so a
// performance claim comes with where the time goes.
//   node bin/run-ts.js bench/profile-gateway.ts   (PROFILE_DURATION=10 s, PROFILE_STREAM=0|1,
//   PALISADE_BENCH_TEMPLATES=… as in bench:policy, PROFILE_UNIQUE=1 for a unique prompt per request)
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist, chatBody, child, throughput } from './support/harness.ts';

const DURATION = Number(process.env['PROFILE_DURATION'] ?? 10);
const STREAM = process.env['PROFILE_STREAM'] === '1';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

buildDist();
const dir = mkdtempSync(join(tmpdir(), 'palisade-prof-'));
const upstream = await child('../support/instant-upstream.ts');
const palisade = await child('../support/palisade-server.mjs', [String(upstream.info['port'])], { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
const url = `http://127.0.0.1:${String(palisade.info['port'])}`;
try {
  await throughput(url, String(palisade.info['key']), chatBody(STREAM), 8, 2);
  const rps = await throughput(url, String(palisade.info['key']), chatBody(STREAM), 32, DURATION);
  console.log(`load: ${rps.toFixed(0)} req/s at 32 connections for ${DURATION}s (${STREAM ? 'streaming' : 'non-streaming'})`);
} finally {
  palisade.proc.kill('SIGTERM');
  upstream.proc.kill('SIGTERM');
}
await new Promise<void>((resolve) => palisade.proc.once('exit', () => resolve()));
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (file === undefined) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const total = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  if (hits === 0) continue;
  const url = n.callFrame.url.replace(/^file:\/\/.*?node_modules\//, 'npm:').replace(/^file:\/\/.*?\/dist\//, 'dist/');
  const fn = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
  const area = url === '' ? `(${n.callFrame.functionName})` : url.startsWith('npm:') ? url.split('/').slice(0, url.startsWith('npm:@') ? 2 : 1).join('/') : url.startsWith('node:') ? url : url;
  byFile.set(area, (byFile.get(area) ?? 0) + hits);
}
const top = (m: Map<string, number>, k: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
console.log(`\nSelf time by file or package (top 30 of ${total} samples):\n${top(byFile, 30)}`);
console.log(`\nSelf time by function (top 40):\n${top(byFn, 40)}`);
console.log(`\nprofile: ${join(dir, file)}`);
