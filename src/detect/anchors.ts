// The prefilter: one cheap pass finds where anything could match (runs of digits, '@', ':', literal
// prefixes, keywords); per-type patterns then run only inside small merged windows around those anchors.
// Windows are merged and capped, so total work stays linear in the input whatever it contains.

export interface Region {
  readonly start: number;
  readonly end: number;
  /** Digits inside the region (digit-anchored regions only). */
  readonly digits: number;
  /** Longest whitespace-delimited token holding one of the region's digit clusters. */
  readonly maxToken: number;
}

/** Largest region handed to a pattern at once; longer ones are cut into overlapping pieces. */
const MAX_REGION = 4096;
const REGION_OVERLAP = 256;

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

/** Widens [start, end) to the surrounding whitespace, by at most `limit` characters on each side. */
function widen(text: string, start: number, end: number, limit: number): [number, number] {
  let s = start;
  const sMin = Math.max(0, start - limit);
  while (s > sMin && !isSpace(text.charCodeAt(s - 1))) s--;
  let e = end;
  const eMax = Math.min(text.length, end + limit);
  while (e < eMax && !isSpace(text.charCodeAt(e))) e++;
  return [s, e];
}

function pushSplit(out: Region[], start: number, end: number, digits: number, maxToken = Number.MAX_SAFE_INTEGER): void {
  if (end - start <= MAX_REGION) {
    out.push({ start, end, digits, maxToken });
    return;
  }
  for (let s = start; s < end; s += MAX_REGION - REGION_OVERLAP) {
    const e = Math.min(end, s + MAX_REGION);
    out.push({ start: s, end: e, digits, maxToken });
    if (e === end) break;
  }
}

const DIGIT_RUN = /\d+/g;

/**
 * Regions around clusters of digits. Digit runs separated by at most three characters form one cluster
 * (so `4111 1111 1111 1111`, `(555) 010-9999` and `GB82 WEST 1234…` group); each cluster is padded by
 * `pad` characters plus the rest of the surrounding token, and overlapping windows merge.
 */
export function digitRegions(text: string, pad = 24): Region[] {
  const out: Region[] = [];
  DIGIT_RUN.lastIndex = 0;
  let curStart = -1;
  let curEnd = -1;
  let curDigits = 0;
  let curToken = 0;
  let clusterStart = -1;
  let clusterEnd = -1;
  let clusterDigits = 0;
  const flushCluster = (): void => {
    if (clusterStart < 0) return;
    const [ts, te] = widen(text, clusterStart, clusterEnd, 48);
    const [ws, we] = widen(text, Math.max(0, clusterStart - pad), Math.min(text.length, clusterEnd + pad), 32);
    if (curStart >= 0 && ws <= curEnd) {
      curEnd = Math.max(curEnd, we);
      curDigits += clusterDigits;
      curToken = Math.max(curToken, te - ts);
    } else {
      if (curStart >= 0) pushSplit(out, curStart, curEnd, curDigits, curToken);
      curStart = ws;
      curEnd = we;
      curDigits = clusterDigits;
      curToken = te - ts;
    }
    clusterStart = -1;
    clusterDigits = 0;
  };
  for (let m = DIGIT_RUN.exec(text); m !== null; m = DIGIT_RUN.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    if (clusterStart >= 0 && s - clusterEnd <= 3) {
      clusterEnd = e;
      clusterDigits += e - s;
    } else {
      flushCluster();
      clusterStart = s;
      clusterEnd = e;
      clusterDigits = e - s;
    }
  }
  flushCluster();
  if (curStart >= 0) pushSplit(out, curStart, curEnd, curDigits, curToken);
  return out;
}

/** Merged windows [p - before, p + after) around every occurrence of `ch`. */
export function charRegions(text: string, ch: string, before: number, after: number): Region[] {
  const out: Region[] = [];
  let curStart = -1;
  let curEnd = -1;
  for (let p = text.indexOf(ch); p >= 0; p = text.indexOf(ch, p + 1)) {
    const s = Math.max(0, p - before);
    const e = Math.min(text.length, p + after);
    if (curStart >= 0 && s <= curEnd) curEnd = Math.max(curEnd, e);
    else {
      if (curStart >= 0) pushSplit(out, curStart, curEnd, 0);
      curStart = s;
      curEnd = e;
    }
  }
  if (curStart >= 0) pushSplit(out, curStart, curEnd, 0);
  return out;
}

/** Merges windows that are already sorted by start. */
export function mergeWindows(windows: readonly (readonly [number, number])[]): Region[] {
  const out: Region[] = [];
  let cs = -1;
  let ce = -1;
  for (const [s, e] of windows) {
    if (cs >= 0 && s <= ce) ce = Math.max(ce, e);
    else {
      if (cs >= 0) pushSplit(out, cs, ce, 0);
      cs = s;
      ce = e;
    }
  }
  if (cs >= 0) pushSplit(out, cs, ce, 0);
  return out;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A case-insensitive whole-word regex for a keyword list (spaces match any run of whitespace). */
export function keywordRegExp(words: readonly string[], flags = 'i'): RegExp {
  const alts = [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRegExp(w).replace(/\s+/g, '\\s+'))
    .join('|');
  // ASCII boundaries: much cheaper than Unicode classes, and right for the mostly Latin keywords.
  return new RegExp(`(?<![A-Za-z0-9])(?:${alts})(?![A-Za-z0-9])`, flags);
}
