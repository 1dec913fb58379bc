// The canonical form that the hash chain covers: JSON with sorted keys and no whitespace, so the same
// event hashes the same on every backend and after a round trip through either database.
import * as crypto from 'node:crypto';

// The native serializer does the work; the replacer only hands it each object with its keys sorted.
// (Undefined members are dropped and non-finite numbers become null, as JSON.stringify always does.)
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  const keys = Object.keys(src);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return value;
  const out: Record<string, unknown> = {};
  for (const k of keys.sort()) out[k] = src[k];
  return out;
}

/** Whether every object in the tree already has its keys in order (validated events do: see events.ts). */
function isSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const v of value) if (!isSorted(v)) return false;
    return true;
  }
  let prev: string | undefined;
  const src = value as Record<string, unknown>;
  for (const k in src) {
    if (prev !== undefined && prev > k) return false;
    prev = k;
    if (!isSorted(src[k])) return false;
  }
  return true;
}

export function canonicalJson(value: unknown): string {
  // A replacer costs a call per value; skip it when nothing needs reordering (the common case).
  return (isSorted(value) ? JSON.stringify(value) : JSON.stringify(value, sortedKeys)) ?? 'null';
}

/** The first link of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

// crypto.hash (Node ≥ 20.12) skips the Hash object for one-shot digests.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const sha256 = oneShot ? (s: string): string => oneShot('sha256', s, 'hex') : (s: string): string => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

/** hash = SHA-256(prevHash ‖ stream ‖ seq ‖ canonical event), with the canonical text for reuse. */
export function chainLink(prevHash: string, stream: string, seq: number, event: unknown): { hash: string; canonical: string } {
  const canonical = canonicalJson(event);
  return { hash: sha256(`${prevHash}\n${stream}\n${seq}\n${canonical}`), canonical };
}

export function chainHash(prevHash: string, stream: string, seq: number, event: unknown): string {
  return chainLink(prevHash, stream, seq, event).hash;
}
