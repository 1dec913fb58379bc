// Normalisation before matching: NFKC (full-width digits and letters become ASCII), invisible characters
// removed (zero-width, bidi controls, soft hyphen, Unicode tag characters, variation selectors), Unicode
// dashes folded to '-'. Every normalised UTF-16 unit remembers the original range it came from, so
// findings always point into the caller's text. Separators inside numbers are handled by the patterns.

export interface NormalizedText {
  /** The text detectors see. */
  readonly text: string;
  /** Maps a normalised [start, end) range back to the original text. */
  toOriginal(start: number, end: number): readonly [number, number];
  /** True when the normalised text is the original (ASCII fast path or nothing to change). */
  readonly identity: boolean;
}

// Any UTF-16 unit above 0x7f (written as a range from the first non-ASCII unit to the last).
const NON_ASCII = /[\u0080-\uffff]/;

function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x206f) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x180e ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d]);

// NFKC per code point is cached: the same few characters repeat in real text.
const NFKC_CACHE = new Map<number, string>();

function foldCodePoint(cp: number): string {
  const cached = NFKC_CACHE.get(cp);
  if (cached !== undefined) return cached;
  let out: string;
  if (isInvisible(cp)) out = '';
  else if (DASHES.has(cp)) out = '-';
  else if (cp >= 0xd800 && cp <= 0xdfff) out = String.fromCharCode(cp); // lone surrogate: keep one unit
  else out = String.fromCodePoint(cp).normalize('NFKC');
  if (NFKC_CACHE.size < 65_536) NFKC_CACHE.set(cp, out);
  return out;
}

const IDENTITY_MAP = (start: number, end: number): readonly [number, number] => [start, end];

export function normalizeText(input: string): NormalizedText {
  if (!NON_ASCII.test(input)) return { text: input, toOriginal: IDENTITY_MAP, identity: true };
  const parts: string[] = [];
  // For each normalised unit: the original start and end of the code point that produced it.
  let starts = new Int32Array(input.length + 16);
  let ends = new Int32Array(input.length + 16);
  let n = 0;
  let changed = false;
  let asciiRunStart = -1;
  const flushAscii = (upTo: number): void => {
    if (asciiRunStart < 0) return;
    parts.push(input.slice(asciiRunStart, upTo));
    asciiRunStart = -1;
  };
  const grow = (need: number): void => {
    if (need <= starts.length) return;
    const size = Math.max(need, starts.length * 2);
    const s = new Int32Array(size);
    s.set(starts);
    starts = s;
    const e = new Int32Array(size);
    e.set(ends);
    ends = e;
  };
  for (let i = 0; i < input.length; ) {
    const c = input.charCodeAt(i);
    if (c < 0x80) {
      if (asciiRunStart < 0) asciiRunStart = i;
      grow(n + 1);
      starts[n] = i;
      ends[n] = i + 1;
      n++;
      i++;
      continue;
    }
    flushAscii(i);
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
      const d = input.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const folded = foldCodePoint(cp);
    const original = input.slice(i, i + width);
    if (folded !== original) changed = true;
    parts.push(folded);
    grow(n + folded.length);
    for (let k = 0; k < folded.length; k++) {
      starts[n] = i;
      ends[n] = i + width;
      n++;
    }
    i += width;
  }
  flushAscii(input.length);
  if (!changed) return { text: input, toOriginal: IDENTITY_MAP, identity: true };
  const text = parts.join('');
  const total = input.length;
  return {
    text,
    identity: false,
    toOriginal(start: number, end: number): readonly [number, number] {
      const s = start < n ? (starts[start] ?? total) : total;
      const e = end > 0 && end - 1 < n ? (ends[end - 1] ?? total) : s;
      return [s, Math.max(s, e)];
    },
  };
}
