import { randomBytes } from 'node:crypto';

/** Request ids: 16 random bytes, hex; unguessable so they can be shown to clients. */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
