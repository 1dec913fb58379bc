// An OpenAI-compatible backend that answers at once (the "direct" baseline of the gateway benchmark).
// Usage: run-ts.js bench/support/instant-upstream.ts  → prints {"port": N} on stdout.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1700000000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'This is a short answer from the benchmark backend.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 330, completion_tokens: 12, total_tokens: 342 },
});
const WORDS = ['This ', 'is ', 'a ', 'short ', 'streamed ', 'answer ', 'from ', 'the ', 'benchmark ', 'backend.'];
const STREAM =
  WORDS.map(
    (w) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`,
  ).join('') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: 'bench-model', choices: [], usage: { prompt_tokens: 330, completion_tokens: 10, total_tokens: 340 } })}\n\n` +
  'data: [DONE]\n\n';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    // A real parse, as a real backend would do, so the baseline pays for reading the prompt too.
    const parsed = JSON.parse(body) as { stream?: boolean };
    if (parsed.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(STREAM);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      res.end(COMPLETION);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
