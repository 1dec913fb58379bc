import { createServer, type IncomingMessage, type Server } from 'node:http';
import dgram from 'node:dgram';
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash } from '../canonical.ts';
import { normalizeEvent } from '../events.ts';
import { HUNT_SEED } from '../fixtures.ts';
import type { StoredEvent } from '../rows.ts';
import { ExportQueue, fileExporter, otlpExporter, syslogExporter, toCef, toOcsf, webhookExporter, webhookSignature } from './index.ts';

function stored(n = HUNT_SEED.length): StoredEvent[] {
  let prev = GENESIS_HASH;
  return HUNT_SEED.slice(0, n).map((input, i) => {
    const r = normalizeEvent(input);
    if (!r.ok) throw new Error(r.error);
    const hash = chainHash(prev, 'gw', i + 1, r.value);
    const s = { stream: 'gw', seq: i + 1, prevHash: prev, hash, event: r.value };
    prev = hash;
    return s;
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

describe('formats', () => {
  it('maps interactions to OCSF API Activity 6003 and policy matches to Detection Finding 2004, without values', () => {
    const events = stored();
    const a1 = toOcsf(events[0]!);
    expect(a1).toMatchObject({ class_uid: 6003, category_uid: 6, type_uid: 600399, time: events[0]!.event.time, status: 'Failure', actor: { user: { uid: 'user:alice' } } });
    expect(a1['unmapped']).toMatchObject({ gen_ai: { request_model: 'gpt-4o', usage: { input_tokens: 100, output_tokens: 200 } } });
    const p1 = toOcsf(events.find((s) => s.event.id === 'p1')!);
    expect(p1).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401, finding_info: { title: 'pci/cards', types: ['CREDIT_CARD'], related_events: [{ uid: 'a1' }] } });
  });

  it('escapes CEF header and extension values', () => {
    const [s] = stored(1);
    const ev = { ...s!, event: { ...s!.event, operation: 'a|b\\c', principal: { id: 'x=y', kind: 'user' as const, name: 'n\nl', groups: [] } } };
    const cef = toCef(ev);
    expect(cef).toMatch(/^CEF:0\|Palisade\|Palisade\|0\.1\.0\|AIInteraction:a\\\|b\\\\c\|a\\\|b\\\\c\|7\|/);
    expect(cef).toContain('suid=x\\=y');
    expect(cef).toContain('suser=n\\nl');
  });
});

describe('exporters against local receivers', () => {
  it('JSONL files rotate past maxBytes and keep N files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-jsonl-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'audit.jsonl');
    const x = fileExporter({ path, maxBytes: 2_000, keep: 2, format: 'jsonl' });
    for (const s of stored()) await x.send([s]);
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    const last = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; seq: number });
    expect(last.at(-1)).toMatchObject({ id: 'r1', seq: HUNT_SEED.length });
    const ocsf = fileExporter({ path: join(dir, 'ocsf.jsonl'), maxBytes: 1e9, keep: 1, format: 'ocsf' });
    await ocsf.send(stored(2));
    expect(readFileSync(join(dir, 'ocsf.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { class_uid: number }).class_uid)).toEqual([6003, 6003]);
  });

  it('syslog over TCP: RFC 5424 with octet counting, CEF body', async () => {
    const received: string[] = [];
    const server = net.createServer((sock) => sock.on('data', (d) => received.push(d.toString('utf8'))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const x = syslogExporter({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, transport: 'tcp', format: 'cef' });
    cleanups.push(() => x.close?.());
    await x.send(stored(2));
    const text = await waitFor(() => received.join(''), (t) => t.split('CEF:0').length === 3);
    const first = /^(\d+) /.exec(text);
    expect(first).not.toBeNull();
    const msg = text.slice(first![0].length, first![0].length + Number(first![1]));
    expect(msg).toMatch(/^<108>1 2026-01-10T01:00:00\.000Z \S+ palisade \d+ AIInteraction \[palisade@32473 id="a1" stream="gw" seq="1"\] CEF:0\|/);
  });

  it('syslog over UDP: one datagram per event, JSON body', async () => {
    const sock = dgram.createSocket('udp4');
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
    const x = syslogExporter({ host: '127.0.0.1', port: sock.address().port, transport: 'udp', format: 'json' });
    cleanups.push(() => x.close?.());
    await x.send(stored(3));
    await waitFor(() => got.length, (n) => n === 3);
    expect(got[1]).toMatch(/^<109>1 \S+ \S+ palisade \d+ AIInteraction \[palisade@32473 id="a2" stream="gw" seq="2"\] \{/);
    expect(JSON.parse(got[1]!.slice(got[1]!.indexOf('] ') + 2))).toMatchObject({ id: 'a2', seq: 2 });
  });

  it('webhook: HMAC-signed batches, retried with back-off after failures', async () => {
    const bodies: { sig: string; ts: string; body: string }[] = [];
    let failFirst = 2;
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        if (failFirst-- > 0) {
          res.statusCode = 503;
          res.end();
          return;
        }
        bodies.push({ sig: String(req.headers['x-palisade-signature']), ts: String(req.headers['x-palisade-timestamp']), body: b });
        res.end('ok');
      });
    });
    const port = await listen(server);
    const q = new ExportQueue(webhookExporter({ url: `http://127.0.0.1:${port}/hook`, secret: 'whsec' }), { maxBacklog: 100, batchSize: 10, minBackoffMs: 5, maxBackoffMs: 20 });
    cleanups.push(() => q.close());
    q.push(stored());
    expect(await q.drain(5_000)).toBe(true);
    expect(q.stats()).toMatchObject({ sent: HUNT_SEED.length, failures: 2, dropped: 0, backlog: 0 });
    expect(bodies).toHaveLength(Math.ceil(HUNT_SEED.length / 10));
    for (const b of bodies) expect(b.sig).toBe(webhookSignature('whsec', b.ts, b.body));
    const ids = bodies.flatMap((b) => (JSON.parse(b.body) as { events: { id: string }[] }).events.map((e) => e.id));
    expect(ids).toEqual(HUNT_SEED.map((e) => (e as { id: string }).id));
  });

  it('OTLP/HTTP logs carry gen_ai.* attributes', async () => {
    let payload: unknown;
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        expect(req.url).toBe('/v1/logs');
        payload = JSON.parse(b);
        res.end('{}');
      });
    });
    const port = await listen(server);
    await otlpExporter({ url: `http://127.0.0.1:${port}/v1/logs` }).send(stored(1));
    const rec = (payload as { resourceLogs: { scopeLogs: { logRecords: { attributes: { key: string; value: Record<string, unknown> }[]; timeUnixNano: string }[] }[] }[] })
      .resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    const attrs = Object.fromEntries(rec.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
    expect(attrs).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': '100',
      'gen_ai.usage.output_tokens': '200',
      'gen_ai.conversation.id': 'c1',
      'user.id': 'user:alice',
    });
    expect(rec.timeUnixNano).toBe(`${HUNT_SEED[0]!.time}000000`);
  });

  it('a down receiver never blocks: the backlog stays bounded and drops are counted', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r())); // nothing listens there now
    const q = new ExportQueue(syslogExporter({ host: '127.0.0.1', port, transport: 'tcp', format: 'json' }), { maxBacklog: 5, minBackoffMs: 1_000 });
    cleanups.push(() => q.close());
    const events = stored();
    // push() is synchronous and returns nothing to await: the caller can never be held up.
    for (const s of events) expect(q.push([s])).toBeUndefined();
    await waitFor(() => q.stats().failures, (n) => n >= 1);
    expect(q.stats()).toMatchObject({ backlog: 5, dropped: events.length - 5, sent: 0 });
  });
});

async function waitFor<T>(get: () => T, done: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
}
