import { randomUUID } from 'node:crypto';

// randomUUID draws from a cached entropy pool: far cheaper per call than randomBytes on the request path.

/** Request ids: 122 random bits, hex; unguessable, so they can be shown to clients. */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
