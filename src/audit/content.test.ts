import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacCheckpointSigner } from './chain.ts';
import { createContentStore, parseContentKey } from './content.ts';
import { createAuditLog, type AuditLog } from './log.ts';
import { BACKENDS, openTestBackend, type TestBackend } from './testing.ts';

const KEY = Buffer.alloc(32, 7);
const PROMPT = 'my card is 4111 1111 1111 1111, please summarise';
const reader = { id: 'user:ann', name: 'ann', kind: 'user' as const, roles: ['auditor', 'content-reader'] };
const outsider = { id: 'user:eve', name: 'eve', kind: 'user' as const, roles: ['auditor'] };

describe('content key', () => {
  it('accepts 32 bytes as hex or base64 only', () => {
    expect(parseContentKey('ab'.repeat(32)).ok).toBe(true);
    expect(parseContentKey(KEY.toString('base64')).ok).toBe(true);
    expect(parseContentKey('short').ok).toBe(false);
  });
});

describe.each(BACKENDS)('content store on %s', (kind) => {
  let b: TestBackend | undefined;
  let log: AuditLog | undefined;
  afterEach(async () => {
    await log?.close();
    await b?.cleanup();
    log = undefined;
    b = undefined;
  });

  async function setup(): Promise<{ b: TestBackend; log: AuditLog }> {
    b = await openTestBackend(kind);
    log = await createAuditLog({
      store: b.store, stream: 'gw', durability: 'strict', batchInterval: 50, batchSize: 100, maxQueue: 100,
      spoolPath: join(b.dir, 'spool'), signer: hmacCheckpointSigner(Buffer.from('k')), checkpointEvery: 100,
    });
    return { b, log };
  }

  it('seals content at rest and opens it for a content-reader, auditing the read', async () => {
    const { b, log } = await setup();
    const cs = createContentStore({ store: b.store, key: KEY, log });
    const ref = await cs.capture('evt_1', 'user:bob', { prompt: PROMPT, response: 'ok' });
    expect(ref.ok).toBe(true);
    if (!ref.ok) return;
    const raw = await b.store.query('SELECT sealed FROM audit_content', []);
    expect(JSON.stringify(raw)).not.toContain('4111');
    expect(Buffer.from(String(raw[0]?.['sealed']), 'base64').toString('latin1')).not.toContain('card');
    const got = await cs.read(ref.value, reader);
    expect(got).toEqual({ ok: true, value: { prompt: PROMPT, response: 'ok', eventId: 'evt_1' } });
    await log.flush();
    const events = await b.store.readChain('gw', 0, 10);
    expect(events.map((e) => e.event)).toMatchObject([{ recordType: 'AdminAction', operation: 'content.read', target: ref.value, outcome: 'success', principal: { id: 'user:ann' } }]);
    expect(JSON.stringify(events)).not.toContain('4111');
  });

  it('refuses readers without the role, and records the refusal', async () => {
    const { b, log } = await setup();
    const cs = createContentStore({ store: b.store, key: KEY, log });
    const ref = await cs.capture('evt_2', undefined, { prompt: PROMPT });
    if (!ref.ok) throw new Error('capture failed');
    const r = await cs.read(ref.value, outsider);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
    const events = await b.store.readChain('gw', 0, 10);
    expect(events[0]?.event).toMatchObject({ recordType: 'AccessDenied', operation: 'content.read', principal: { id: 'user:eve' }, outcome: 'denied' });
  });

  it('detects tampering and a wrong key', async () => {
    const { b, log } = await setup();
    const cs = createContentStore({ store: b.store, key: KEY, log });
    const ref = await cs.capture('evt_3', undefined, { prompt: PROMPT });
    if (!ref.ok) throw new Error('capture failed');
    const other = createContentStore({ store: b.store, key: Buffer.alloc(32, 9), log });
    expect((await other.read(ref.value, reader)).ok).toBe(false);
    const raw = await b.store.getContent(ref.value);
    const bytes = Buffer.from(raw?.sealed ?? '', 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    await b.exec(`UPDATE audit_content SET sealed = ${kind === 'sqlite' ? '?' : '$1'}`, [bytes.toString('base64')]);
    const r = await cs.read(ref.value, reader);
    expect(r.ok).toBe(false);
    expect((await cs.read('cnt_missing', reader)).ok).toBe(false);
  });
});
