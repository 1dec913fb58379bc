import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacCheckpointSigner } from './chain.ts';
import { createExporterSet } from './exporters/index.ts';
import { sampleInteraction } from './fixtures.ts';
import { createAuditLog } from './log.ts';
import { registerAuditMetrics } from './metrics.ts';
import { openTestBackend, type TestBackend } from './testing.ts';

let b: TestBackend | undefined;
afterEach(async () => {
  await b?.cleanup();
  b = undefined;
});

describe('audit metrics', () => {
  it('exposes written, rejected, queue depth and exporter drops', async () => {
    b = await openTestBackend('sqlite');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r())); // the exporter's receiver is down
    const exporters = createExporterSet([{ type: 'syslog', host: '127.0.0.1', port, transport: 'tcp', format: 'json', maxBacklog: 2 }], b.dir);
    const log = await createAuditLog({
      store: b.store, stream: 'm', durability: 'batched', batchInterval: 60_000, batchSize: 100, maxQueue: 100,
      spoolPath: join(b.dir, 'spool'), signer: hmacCheckpointSigner(Buffer.from('k')), checkpointEvery: 100,
      onEvents: (e) => exporters.push(e),
    });
    for (let i = 0; i < 5; i++) void log.record(sampleInteraction(i, Date.now()));
    void log.record({ nonsense: true });
    await log.flush();
    const registry = new Registry();
    registerAuditMetrics(registry, { log, exporters });
    const text = await registry.metrics();
    expect(text).toMatch(/^palisade_audit_events_written_total 5$/m);
    expect(text).toMatch(/^palisade_audit_events_rejected_total 1$/m);
    expect(text).toMatch(/^palisade_audit_queue_depth 0$/m);
    expect(text).toMatch(new RegExp(`^palisade_audit_exporter_dropped_total\\{exporter="syslog-tcp:127.0.0.1:${port}"\\} 3$`, 'm'));
    expect(text).toMatch(/^palisade_audit_exporter_backlog\{exporter="syslog-tcp:[^"]+"\} 2$/m);
    // Counters stay monotonic across scrapes.
    expect(await registry.metrics()).toMatch(/^palisade_audit_events_written_total 5$/m);
    await log.close();
    await exporters.close();
  });
});
