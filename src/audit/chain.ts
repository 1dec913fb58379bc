// Tamper evidence: every event's hash covers its canonical form and the previous hash of its stream, and
// signed checkpoints pin the chain at intervals, so a deleted tail or a rewritten chain is caught too.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GENESIS_HASH, chainHash } from './canonical.ts';
import type { AuditStore, ChainRange, Checkpoint } from './store.ts';

export interface CheckpointSigner {
  sign(c: Omit<Checkpoint, 'signature'>): string;
  verify(c: Checkpoint): boolean;
}

function checkpointText(c: Omit<Checkpoint, 'signature'>): string {
  return `${c.kind}|${c.stream}|${c.seq}|${c.hash}|${c.time}`;
}

/** HMAC-SHA256 signatures with the installation's checkpoint key. */
export function hmacCheckpointSigner(key: Uint8Array): CheckpointSigner {
  const sign = (c: Omit<Checkpoint, 'signature'>): string => createHmac('sha256', key).update(checkpointText(c)).digest('hex');
  return {
    sign,
    verify(c) {
      const expected = Buffer.from(sign(c), 'hex');
      const got = Buffer.from(c.signature, 'hex');
      return expected.length === got.length && timingSafeEqual(expected, got);
    },
  };
}

export type ChainProblemKind = 'altered' | 'inserted' | 'deleted' | 'bad-checkpoint';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly stream: string;
  /** The first affected position in the stream. */
  readonly seq: number;
  /** The affected record's id, when it still exists. */
  readonly id?: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly streams: number;
  readonly checked: number;
  readonly checkpoints: number;
  /** The first problem found, in stream order. */
  readonly problem?: ChainProblem;
}

const PAGE = 2_000;

/** Walks every stream (or the records of a time range) and reports the first altered, inserted or deleted record. */
export async function verifyChain(store: AuditStore, signer: CheckpointSigner, range: ChainRange = {}): Promise<VerifyReport> {
  let checked = 0;
  let checkpointCount = 0;
  const streams = await store.streams();
  for (const stream of streams) {
    const cps = await store.checkpoints(stream);
    for (const c of cps) {
      if (!signer.verify(c)) {
        return { ok: false, streams: streams.length, checked, checkpoints: checkpointCount, problem: { kind: 'bad-checkpoint', stream, seq: c.seq, message: `checkpoint at seq ${c.seq} has an invalid signature` } };
      }
    }
    checkpointCount += cps.length;
    const purge = cps.filter((c) => c.kind === 'purge').at(-1);
    const pins = new Map(cps.filter((c) => c.kind === 'checkpoint').map((c) => [c.seq, c.hash]));
    const whole = range.from === undefined && range.to === undefined;
    let expectedSeq = purge ? purge.seq + 1 : 1;
    let prevHash: string | undefined = purge ? purge.hash : GENESIS_HASH;
    let lastSeq = Number.POSITIVE_INFINITY;
    if (!whole) {
      const bounds = await store.seqBounds(stream, range);
      if (!bounds) continue;
      expectedSeq = Math.max(expectedSeq, bounds.min);
      lastSeq = bounds.max;
      // The first record of a window links to a record outside it; trust that link unless a checkpoint pins it.
      prevHash = expectedSeq === 1 ? GENESIS_HASH : pins.get(expectedSeq - 1);
    }
    let after = expectedSeq - 1;
    let prevId: string | undefined;
    let prevPrevHash: string | undefined;
    for (;;) {
      const page = await store.readChain(stream, after, PAGE);
      if (page.length === 0) break;
      for (const s of page) {
        if (s.seq > lastSeq) break;
        const fail = (kind: ChainProblemKind, seq: number, message: string, id?: string): VerifyReport => ({
          ok: false,
          streams: streams.length,
          checked,
          checkpoints: checkpointCount,
          problem: { kind, stream, seq, message, ...(id !== undefined ? { id } : {}) },
        });
        if (s.seq < expectedSeq) return fail('inserted', s.seq, `a second record claims seq ${s.seq}`, s.event.id);
        if (s.seq > expectedSeq) return fail('deleted', expectedSeq, `records ${expectedSeq}..${s.seq - 1} are missing`);
        if (chainHash(s.prevHash, stream, s.seq, s.event) !== s.hash) {
          // A record that hashes correctly one position earlier was pushed down by a record spliced in before it.
          if (s.seq > 1 && chainHash(s.prevHash, stream, s.seq - 1, s.event) === s.hash) {
            return fail('inserted', s.seq - 1, `record ${s.seq - 1} was inserted: the records after it were renumbered`, prevId);
          }
          return fail('altered', s.seq, `record ${s.seq} does not match its hash`, s.event.id);
        }
        if (prevHash !== undefined && s.prevHash !== prevHash) {
          // The record itself is intact: if it links past its predecessor, that one was spliced in; otherwise the
          // predecessor was rewritten with a recomputed hash.
          if (prevPrevHash !== undefined && s.prevHash === prevPrevHash) {
            return fail('inserted', s.seq - 1, `record ${s.seq - 1} was inserted: record ${s.seq} links past it`, prevId);
          }
          return s.seq > 1
            ? fail('altered', s.seq - 1, `record ${s.seq - 1} was rewritten: record ${s.seq} no longer links to it`, prevId)
            : fail('inserted', s.seq, `record ${s.seq} does not start the chain`, s.event.id);
        }
        const pinned = pins.get(s.seq);
        if (pinned !== undefined && pinned !== s.hash) {
          return fail('altered', s.seq, `the chain up to ${s.seq} differs from its signed checkpoint`, s.event.id);
        }
        prevPrevHash = prevHash;
        prevHash = s.hash;
        prevId = s.event.id;
        expectedSeq = s.seq + 1;
        after = s.seq;
        checked++;
      }
      if (after >= lastSeq || page.length < PAGE) break;
    }
    const lastPin = [...pins.keys()].filter((seq) => seq <= lastSeq).sort((a, b) => a - b).at(-1);
    if (lastPin !== undefined && lastPin >= expectedSeq) {
      return {
        ok: false,
        streams: streams.length,
        checked,
        checkpoints: checkpointCount,
        problem: { kind: 'deleted', stream, seq: expectedSeq, message: `records ${expectedSeq}..${lastPin} are missing (signed checkpoint at ${lastPin})` },
      };
    }
  }
  return { ok: true, streams: streams.length, checked, checkpoints: checkpointCount };
}
