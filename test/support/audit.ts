// Reads back what a test gateway recorded in its audit log.
import type { AuditEvent } from '../../src/audit/index.ts';
import type { TestGateway } from './gateway.ts';

export async function auditEvents(gw: TestGateway): Promise<AuditEvent[]> {
  const audit = gw.gateway.audit;
  await audit.log.flush();
  const out: AuditEvent[] = [];
  for (const stream of await audit.store.streams()) {
    for (const e of await audit.store.readChain(stream, 0, 10_000)) out.push(e.event);
  }
  return out;
}
