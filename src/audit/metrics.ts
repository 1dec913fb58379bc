// Audit health for `/metrics`: events written, dropped and rejected, write failures, queue depth, and per
// exporter what was sent, dropped (backlog bound), failed and is waiting. Values are read at scrape time.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExporterSet } from './exporters/index.ts';
import type { AuditLog } from './log.ts';

/** A counter that mirrors a monotonic number read at scrape time. */
function mirrored(registry: Registry, name: string, help: string, labelNames: string[], read: () => { labels: Record<string, string>; value: number }[]): void {
  const last = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const { labels, value } of read()) {
        const key = JSON.stringify(labels);
        const delta = value - (last.get(key) ?? 0);
        if (delta > 0) this.inc(labels, delta);
        last.set(key, value);
      }
    },
  });
}

export function registerAuditMetrics(registry: Registry, source: { readonly log: AuditLog; readonly exporters?: ExporterSet }): void {
  const s = (): ReturnType<AuditLog['stats']> => source.log.stats();
  mirrored(registry, 'palisade_audit_events_written_total', 'Audit events committed to the store', [], () => [{ labels: {}, value: s().written }]);
  mirrored(registry, 'palisade_audit_events_dropped_total', 'Audit events dropped under overload (past twice the queue bound)', [], () => [{ labels: {}, value: s().dropped }]);
  mirrored(registry, 'palisade_audit_events_rejected_total', 'Audit events rejected as invalid', [], () => [{ labels: {}, value: s().rejected }]);
  mirrored(registry, 'palisade_audit_write_failures_total', 'Failed batch writes (retried)', [], () => [{ labels: {}, value: s().failedWrites }]);
  new Gauge({
    name: 'palisade_audit_queue_depth',
    help: 'Audit events queued or waiting for room',
    registers: [registry],
    collect() {
      const st = s();
      this.set(st.queued + st.waiting);
    },
  });
  const ex = (pick: 'sent' | 'dropped' | 'failures') => () => (source.exporters?.stats() ?? []).map((e) => ({ labels: { exporter: e.name }, value: e[pick] }));
  mirrored(registry, 'palisade_audit_exporter_sent_total', 'Events delivered by each exporter', ['exporter'], ex('sent'));
  mirrored(registry, 'palisade_audit_exporter_dropped_total', 'Events an exporter dropped because its backlog was full', ['exporter'], ex('dropped'));
  mirrored(registry, 'palisade_audit_exporter_failures_total', 'Failed exporter sends (retried with back-off)', ['exporter'], ex('failures'));
  new Gauge({
    name: 'palisade_audit_exporter_backlog',
    help: 'Events waiting for each exporter',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      for (const e of source.exporters?.stats() ?? []) this.set({ exporter: e.name }, e.backlog);
    },
  });
}
