// SIEM exporters behind bounded, retrying queues; built from the `audit.exporters` configuration.
import { isAbsolute, join } from 'node:path';
import type { AuditExporterConfig } from '../../core/config/audit.ts';
import type { StoredEvent } from '../rows.ts';
import { ExportQueue, type Exporter, type ExporterStats } from './queue.ts';
import { fileExporter, otlpExporter, syslogExporter, webhookExporter } from './transports.ts';

export { ExportQueue, type Exporter, type ExporterStats, type ExportQueueOptions } from './queue.ts';
export { fileExporter, syslogExporter, webhookExporter, otlpExporter, webhookSignature } from './transports.ts';
export { toOcsf, toCef, toSyslog, toOtlpLogRecord } from './formats.ts';

export interface ExporterSet {
  push(events: readonly StoredEvent[]): void;
  /** Per exporter: sent, dropped (backlog bound), failures, backlog; for `/metrics`. */
  stats(): ExporterStats[];
  close(): Promise<void>;
}

export function exporterFromConfig(c: AuditExporterConfig, home: string): { exporter: Exporter; batchSize?: number } {
  const path = (p: string): string => (isAbsolute(p) ? p : join(home, p));
  switch (c.type) {
    case 'jsonl':
      return { exporter: fileExporter({ path: path(c.path), maxBytes: c.maxBytes, keep: c.keep, format: 'jsonl' }) };
    case 'ocsf':
      return { exporter: fileExporter({ path: path(c.path), maxBytes: 100 * 1024 * 1024, keep: 5, format: 'ocsf' }) };
    case 'syslog':
      return { exporter: syslogExporter({ host: c.host, port: c.port, transport: c.transport, format: c.format }) };
    case 'webhook':
      return { exporter: webhookExporter({ url: c.url, ...(c.secret ? { secret: c.secret.reveal() } : {}) }), batchSize: c.batchSize };
    case 'otlp':
      return { exporter: otlpExporter({ url: c.url }) };
  }
}

export function createExporterSet(configs: readonly AuditExporterConfig[], home: string): ExporterSet {
  const queues = configs.map((c) => {
    const { exporter, batchSize } = exporterFromConfig(c, home);
    return new ExportQueue(exporter, { maxBacklog: c.maxBacklog, ...(batchSize !== undefined ? { batchSize } : {}) });
  });
  return {
    push(events) {
      for (const q of queues) q.push(events);
    },
    stats: () => queues.map((q) => q.stats()),
    async close() {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
