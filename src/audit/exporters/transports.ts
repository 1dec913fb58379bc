// The destinations: JSONL/OCSF files with rotation, syslog over TCP or UDP, a signed webhook, and OTLP
// logs over HTTP. Each `send` resolves only once the batch was handed over, and throws otherwise.
import { createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import { appendFile, rename, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { hostname } from 'node:os';
import { request } from 'undici';
import type { StoredEvent } from '../rows.ts';
import { toCef, toOcsf, toOtlpLogRecord, toSyslog } from './formats.ts';
import type { Exporter } from './queue.ts';

/** Appends one JSON object per line; rotates to `path.1 … path.keep` past `maxBytes`. */
export function fileExporter(opts: { path: string; maxBytes: number; keep: number; format: 'jsonl' | 'ocsf' }): Exporter {
  let size: number | undefined;
  return {
    name: `${opts.format}:${opts.path}`,
    async send(events) {
      const text = events.map((s) => JSON.stringify(opts.format === 'ocsf' ? toOcsf(s) : { ...s.event, stream: s.stream, seq: s.seq, hash: s.hash })).join('\n') + '\n';
      const bytes = Buffer.byteLength(text);
      if (size === undefined) size = await stat(opts.path).then((st) => st.size, () => 0);
      if (size > 0 && size + bytes > opts.maxBytes) {
        await rm(`${opts.path}.${opts.keep}`, { force: true });
        for (let i = opts.keep - 1; i >= 1; i--) await rename(`${opts.path}.${i}`, `${opts.path}.${i + 1}`).catch(() => undefined);
        await rename(opts.path, `${opts.path}.1`);
        size = 0;
      }
      await appendFile(opts.path, text, { mode: 0o600 });
      size += bytes;
    },
  };
}

/** RFC 5424 messages, JSON or CEF bodies; TCP uses octet-counting framing (RFC 6587). */
export function syslogExporter(opts: { host: string; port: number; transport: 'tcp' | 'udp'; format: 'json' | 'cef' }): Exporter {
  const host = hostname();
  const lines = (events: readonly StoredEvent[]): string[] =>
    events.map((s) => toSyslog(s, host, opts.format === 'cef' ? toCef(s) : JSON.stringify({ ...s.event, stream: s.stream, seq: s.seq })));
  if (opts.transport === 'udp') {
    const socket = dgram.createSocket(net.isIPv6(opts.host) ? 'udp6' : 'udp4');
    socket.unref();
    return {
      name: `syslog-udp:${opts.host}:${opts.port}`,
      async send(events) {
        for (const line of lines(events)) {
          await new Promise<void>((resolve, reject) => socket.send(Buffer.from(line), opts.port, opts.host, (e) => (e ? reject(e) : resolve())));
        }
      },
      close() {
        return new Promise((resolve) => socket.close(() => resolve()));
      },
    };
  }
  let sock: net.Socket | undefined;
  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.createConnection({ host: opts.host, port: opts.port });
      s.setNoDelay(true);
      s.once('connect', () => {
        s.removeListener('error', reject);
        s.on('error', () => {
          s.destroy();
          if (sock === s) sock = undefined;
        });
        s.on('close', () => {
          if (sock === s) sock = undefined;
        });
        resolve(s);
      });
      s.once('error', reject);
    });
  return {
    name: `syslog-tcp:${opts.host}:${opts.port}`,
    async send(events) {
      sock ??= await connect();
      const s = sock;
      const frame = lines(events).map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
      await new Promise<void>((resolve, reject) => s.write(frame, (e) => (e ? reject(e) : resolve())));
    },
    close() {
      sock?.end();
      return Promise.resolve();
    },
  };
}

/** Signs `timestamp.body` with HMAC-SHA256 so the receiver can check origin and freshness. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Batched JSON POSTs; any non-2xx answer is a failure (retried by the queue with back-off). */
export function webhookExporter(opts: { url: string; secret?: string; timeoutMs?: number }): Exporter {
  return {
    name: `webhook:${new URL(opts.url).host}`,
    async send(events) {
      const body = JSON.stringify({ events: events.map((s) => ({ ...s.event, stream: s.stream, seq: s.seq, hash: s.hash })) });
      const ts = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-palisade-timestamp': ts };
      if (opts.secret !== undefined) headers['x-palisade-signature'] = webhookSignature(opts.secret, ts, body);
      const res = await request(opts.url, { method: 'POST', headers, body, headersTimeout: opts.timeoutMs ?? 10_000, bodyTimeout: opts.timeoutMs ?? 10_000 });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`webhook answered ${res.statusCode}`);
    },
  };
}

/** OTLP/HTTP JSON logs (`…/v1/logs`). */
export function otlpExporter(opts: { url: string; timeoutMs?: number }): Exporter {
  return {
    name: `otlp:${new URL(opts.url).host}`,
    async send(events) {
      const body = JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'palisade' } }, { key: 'host.name', value: { stringValue: hostname() } }] },
            scopeLogs: [{ scope: { name: 'palisade.audit', version: '0.1.0' }, logRecords: events.map(toOtlpLogRecord) }],
          },
        ],
      });
      const res = await request(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: opts.timeoutMs ?? 10_000,
        bodyTimeout: opts.timeoutMs ?? 10_000,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`OTLP collector answered ${res.statusCode}`);
    },
  };
}
