// Captured prompt and response text, kept apart from the events: only when a policy asks for capture,
// sealed with AES-256-GCM (key by reference in config), readable only by the `content-reader` role, and
// every read, allowed or refused, is itself an audit event. Nothing here logs the text.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { newId, palisadeError, SYSTEM_CLOCK, type Clock, type PalisadeError, type Result } from '../core/index.ts';
import type { AuditLog } from './log.ts';
import type { AuditStore } from './store.ts';

export const CONTENT_READER_ROLE = 'content-reader';

export interface CapturedContent {
  readonly prompt?: string;
  readonly response?: string;
}

export interface ContentReader {
  readonly id: string;
  readonly name: string;
  readonly kind: 'user' | 'agent' | 'service';
  readonly roles: readonly string[];
}

export interface ContentStore {
  /** Seals and stores content for an event; returns the reference to put in the event's `contentRef`. */
  capture(eventId: string, principalId: string | undefined, content: CapturedContent): Promise<Result<string, PalisadeError>>;
  /** Opens content for a `content-reader`; the read (or the refusal) is recorded in the audit log. */
  read(contentRef: string, reader: ContentReader): Promise<Result<CapturedContent & { readonly eventId: string }, PalisadeError>>;
}

/** A 32-byte key given as 64 hex digits or base64. */
export function parseContentKey(text: string): Result<Buffer, string> {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) return { ok: false, error: 'audit.contentKey must be 32 bytes, as 64 hex digits or base64' };
  return { ok: true, value: key };
}

const NONCE = 12;
const TAG = 16;

export function createContentStore(opts: { store: AuditStore; key: Buffer; log: AuditLog; clock?: Clock }): ContentStore {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const keyId = createHash('sha256').update(opts.key).digest('hex').slice(0, 16);
  // The record's id and event id are authenticated data: a sealed blob moved to another record fails to open.
  const aad = (id: string, eventId: string): Buffer => Buffer.from(`${id}\n${eventId}`, 'utf8');

  return {
    async capture(eventId, principalId, content) {
      const id = newId('cnt');
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', opts.key, nonce);
      cipher.setAAD(aad(id, eventId));
      const body = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final()]);
      const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
      try {
        await opts.store.putContent({ id, eventId, time: clock.now(), principalId: principalId ?? null, sealed, keyId });
      } catch {
        return { ok: false, error: palisadeError('internal_error', 'content could not be stored') };
      }
      return { ok: true, value: id };
    },

    async read(contentRef, reader) {
      const principal = { id: reader.id, kind: reader.kind, name: reader.name, groups: [] };
      const base = { id: newId('evt'), time: clock.now(), principal };
      if (!reader.roles.includes(CONTENT_READER_ROLE)) {
        await opts.log.record({ ...base, recordType: 'AccessDenied', operation: 'content.read', resource: contentRef, reason: 'missing content-reader role', outcome: 'denied', errorCode: 'forbidden' });
        return { ok: false, error: palisadeError('forbidden', 'reading captured content needs the content-reader role') };
      }
      const rec = await opts.store.getContent(contentRef);
      if (!rec) {
        await opts.log.record({ ...base, recordType: 'AdminAction', operation: 'content.read', target: contentRef, outcome: 'failure', errorCode: 'not_found' });
        return { ok: false, error: palisadeError('not_found', 'no captured content with that reference') };
      }
      let content: CapturedContent;
      try {
        if (rec.keyId !== keyId) throw new Error('key');
        const raw = Buffer.from(rec.sealed, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', opts.key, raw.subarray(0, NONCE));
        decipher.setAAD(aad(rec.id, rec.eventId));
        decipher.setAuthTag(raw.subarray(raw.length - TAG));
        const text = Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]).toString('utf8');
        content = JSON.parse(text) as CapturedContent;
      } catch {
        await opts.log.record({ ...base, recordType: 'AdminAction', operation: 'content.read', target: contentRef, outcome: 'failure', errorCode: 'integrity', details: { eventId: rec.eventId } });
        return { ok: false, error: palisadeError('internal_error', 'captured content failed its integrity check or was sealed with another key') };
      }
      await opts.log.record({ ...base, recordType: 'AdminAction', operation: 'content.read', target: contentRef, outcome: 'success', details: { eventId: rec.eventId } });
      return { ok: true, value: { ...content, eventId: rec.eventId } };
    },
  };
}
