// Streaming scanner: accepts chunks (a streamed model answer, a large upload) and reports findings with
// offsets into the whole stream, including matches that span chunk boundaries. It holds back a bounded
// tail (HOLD_BACK characters plus left context) and rescans each character a bounded number of times,
// so total work is linear in the input.
import type { Finding } from '../core/finding.ts';
import type { DetectionEngine, ScanOptions } from './scan.ts';

/** Longest value a finding may span and still be found whole across chunks (PEM keys are the longest). */
export const HOLD_BACK = 16_384;
/** Characters kept before the emitted watermark, so supporting keywords are still seen. */
const LEFT_CONTEXT = 1_024;
/** A finding still open at the boundary may delay emission by at most this much before it is cut. */
const MAX_PENDING = 65_536;

export interface StreamingScanner {
  /** Adds a chunk; returns the findings that can no longer change, with offsets into the whole stream. */
  push(chunk: string): Finding[];
  /** Ends the stream; returns every remaining finding. */
  end(): Finding[];
  /** Characters consumed so far. */
  readonly consumed: number;
}

export interface StreamOptions {
  /**
   * Characters held back before a finding near the end is final (default HOLD_BACK). Smaller values
   * release findings sooner (streamed model answers); a value longer than this may then be cut in two.
   */
  readonly holdBack?: number;
}

export function createStreamingScanner(engine: DetectionEngine, options: ScanOptions = {}, stream: StreamOptions = {}): StreamingScanner {
  const holdBack = Math.max(256, stream.holdBack ?? HOLD_BACK);
  const context = Math.min(LEFT_CONTEXT, holdBack);
  let buf = '';
  /** Absolute offset of buf[0]. */
  let bufStart = 0;
  /** Findings starting before this absolute offset were already emitted (or belong to emitted text). */
  let emittedTo = 0;
  let consumed = 0;
  let ended = false;

  function scanBuffer(final: boolean): Finding[] {
    // A chunk may end between the two halves of a surrogate pair: keep the high half for the next chunk.
    let scanLen = buf.length;
    if (!final && scanLen > 0) {
      const last = buf.charCodeAt(scanLen - 1);
      if (last >= 0xd800 && last <= 0xdbff) scanLen--;
    }
    const text = buf.slice(0, scanLen);
    const found = engine.scan(text, options).map((f) => ({ ...f, start: f.start + bufStart, end: f.end + bufStart }));
    const bufEnd = bufStart + scanLen;
    const safe = final ? Number.POSITIVE_INFINITY : bufEnd - holdBack;
    let cut = final ? bufEnd : safe;
    for (const f of found) {
      // A finding running into the unsafe tail may still grow: keep its text for the next scan.
      if (f.start >= emittedTo && f.start < cut && f.end > safe && f.start >= safe - MAX_PENDING) cut = f.start;
    }
    const out = found.filter((f) => f.start >= emittedTo && f.start < cut && (f.end <= safe || final || f.start < safe - MAX_PENDING));
    if (cut > emittedTo) emittedTo = cut;
    const keepFrom = Math.max(bufStart, emittedTo - context);
    buf = buf.slice(keepFrom - bufStart);
    bufStart = keepFrom;
    return out;
  }

  return {
    get consumed() {
      return consumed;
    },
    push(chunk: string): Finding[] {
      if (ended) throw new Error('streaming scanner already ended');
      buf += chunk;
      consumed += chunk.length;
      // Scan only once enough new text has arrived that half the buffer can be released afterwards.
      if (buf.length < 2 * (holdBack + context)) return [];
      return scanBuffer(false);
    },
    end(): Finding[] {
      if (ended) return [];
      ended = true;
      return scanBuffer(true);
    },
  };
}
