import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ValueHasher } from './finding.ts';

/** A keyed hash (HMAC-SHA256, hex, truncated to 128 bits) for correlating values without storing them. */
export function createValueHasher(key: Uint8Array): ValueHasher {
  return (value: string) => createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 32);
}

export function randomToken(bytes: number): Buffer {
  return randomBytes(bytes);
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
