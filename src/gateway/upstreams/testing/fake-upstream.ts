// Test support: a real HTTP server on 127.0.0.1 (port 0) that plays a model backend. Each test installs a handler
// and inspects what arrived (headers, bodies) and when sockets closed. Not used by production code.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Resolves when the client side closed or the response ended. */
  readonly closed: Promise<void>;
  json(): Record<string, unknown>;
}

export type FakeHandler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler = (_req, res) => {
    res.writeHead(500).end();
  };
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  url = '';

  private constructor() {
    this.#server = createServer((raw, res) => {
      const chunks: Buffer[] = [];
      raw.on('data', (c: Buffer) => chunks.push(c));
      raw.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
        const rec: RecordedRequest = {
          method: raw.method ?? '',
          url: raw.url ?? '',
          headers: raw.headers,
          body,
          closed,
          json: () => JSON.parse(body) as Record<string, unknown>,
        };
        this.requests.push(rec);
        Promise.resolve(this.handler(rec, res, raw)).catch(() => {
          if (!res.headersSent) res.writeHead(599);
          res.end();
        });
      });
    });
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(handler?: FakeHandler): Promise<FakeUpstream> {
    const f = new FakeUpstream();
    if (handler !== undefined) f.handler = handler;
    await new Promise<void>((resolve) => f.#server.listen(0, '127.0.0.1', resolve));
    f.url = `http://127.0.0.1:${(f.#server.address() as AddressInfo).port}`;
    return f;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  const d = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${d}\n\n`);
}

export function openAiChat(text: string, model = 'backend-model', usage = { prompt_tokens: 5, completion_tokens: 7 }): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

export function anthropicMessage(text: string, model = 'claude-fake', usage = { input_tokens: 5, output_tokens: 7 }): Record<string, unknown> {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };
}

/** An OpenAI chat stream of `pieces`, with the usage chunk when the request asked for it. */
export function writeOpenAiStream(res: ServerResponse, req: RecordedRequest, pieces: readonly string[], finish = 'stop'): void {
  startSse(res);
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'backend-model' };
  const wantsUsage = (req.json().stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  writeSse(res, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null });
  for (const p of pieces) writeSse(res, { ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }], usage: null });
  writeSse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: null });
  if (wantsUsage) writeSse(res, { ...base, choices: [], usage: { prompt_tokens: 11, completion_tokens: 13, total_tokens: 24 } });
  writeSse(res, '[DONE]');
  res.end();
}

export function writeAnthropicStream(res: ServerResponse, pieces: readonly string[], stop = 'end_turn'): void {
  startSse(res);
  const ev = (type: string, body: Record<string, unknown>): void => writeSse(res, { type, ...body }, type);
  ev('message_start', {
    message: { id: 'msg_fake', type: 'message', role: 'assistant', model: 'claude-fake', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 21, output_tokens: 1 } },
  });
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  ev('ping', {});
  for (const p of pieces) ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } });
  ev('content_block_stop', { index: 0 });
  ev('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 9 } });
  ev('message_stop', {});
  res.end();
}
