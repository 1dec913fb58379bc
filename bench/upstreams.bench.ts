// npm run bench (upstreams.bench.ts): p50/p99 latency of UpstreamRouter.dispatch vs a direct undici Pool request to the same local fake backend.
import { Pool } from 'undici';
import { FakeUpstream, openAiChat, sendJson, writeOpenAiStream } from '../src/gateway/upstreams/testing/fake-upstream.ts';
import { buildRouter, call, chatBody } from '../src/gateway/upstreams/testing/router-fixture.ts';

const N = Number(process.argv[2] ?? 3000);
const up = await FakeUpstream.start((req, res) => (req.json().stream === true ? writeOpenAiStream(res, req, ['a', 'b', 'c', 'd']) : sendJson(res, 200, openAiChat('hello world'))));
// Don't keep every request in memory.
const { router } = buildRouter({ upstreams: [{ name: 'a', provider: 'openai-compatible', baseUrl: `${up.url}/v1` }], models: [{ match: 'm', backends: [{ upstream: 'a' }] }] });
const pool = new Pool(up.url, { connections: 8 });
const body = chatBody('Summarise the quarterly report in three bullet points please.', { temperature: 0.2 });
const bodyText = JSON.stringify({ model: 'm', ...body });
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length * p)] ?? NaN;

async function direct(stream: boolean) {
  const t = performance.now();
  const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: stream ? JSON.stringify({ ...JSON.parse(bodyText), stream: true, stream_options: { include_usage: true } }) : bodyText });
  if (stream) { for await (const _c of res.body) { /* drain */ } } else JSON.parse(await res.body.text());
  return performance.now() - t;
}
async function viaRouter(stream: boolean) {
  const t = performance.now();
  const r = await router.dispatch(call('openai.chat', 'm', stream ? { ...body, stream: true } : body));
  if (!r.ok) throw new Error(r.error.message);
  if (r.kind === 'stream') for await (const _e of r.events) { /* drain */ }
  return performance.now() - t;
}
for (const stream of [false, true]) {
  for (let i = 0; i < 300; i++) { await direct(stream); await viaRouter(stream); up.requests.length = 0; }
  const d: number[] = [], r: number[] = [];
  // Interleave so drift on the shared machine hits both equally.
  for (let i = 0; i < N; i++) { d.push(await direct(stream)); r.push(await viaRouter(stream)); if (i % 100 === 0) up.requests.length = 0; }
  console.log(`${stream ? 'stream' : 'json  '} n=${N} direct p50=${pct(d, 0.5).toFixed(3)}ms p99=${pct(d, 0.99).toFixed(3)}ms | router p50=${pct(r, 0.5).toFixed(3)}ms p99=${pct(r, 0.99).toFixed(3)}ms | added p50=${(pct(r, 0.5) - pct(d, 0.5)).toFixed(3)}ms ratio=${(pct(r, 0.5) / pct(d, 0.5)).toFixed(2)}`);
}
await router.close(); await pool.close(); await up.close();
