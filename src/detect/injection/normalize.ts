// De-obfuscation with offsets kept. Attackers hide instructions from filters with invisible Unicode
// (tag characters, zero-width and bidi controls), lookalike letters, leetspeak and encodings; this builds
// one lower-cased, folded "view" of the text in which they are undone, plus two maps that send every view
// position back to the original UTF-16 offsets so findings point at what the user really sent.
// Everything is a single linear pass over char codes: no regex, no substring per character.

/** How much of each kind of hiding was undone: itself a signal, because honest text rarely hides anything. */
export interface ObfuscationStats {
  /** Unicode tag characters (U+E0000–E007F, "ASCII smuggling"), decoded back to ASCII. */
  tagChars: number;
  /** Zero-width characters, soft hyphens and other invisible format characters removed. */
  zeroWidth: number;
  /** Bidirectional control characters removed. */
  bidi: number;
  /** Lookalike letters from other scripts folded to Latin inside otherwise Latin words. */
  homoglyphs: number;
  /** Leetspeak digits folded to letters inside words. */
  leet: number;
  /** Unpaired surrogates (invalid UTF-16), replaced. */
  invalidSurrogates: number;
  /** Embedded payloads decoded and appended to the view. */
  base64: number;
  hex: number;
  urlEncoded: number;
  rot13: number;
  /** Characters of decoded payload text appended to the view. */
  decodedChars: number;
}

export interface NormalizedText {
  /** The folded view: the normalised text, then each decoded payload after a newline. */
  readonly text: string;
  /** For view position i: the original offset where its source character starts. */
  readonly starts: Int32Array;
  /** For view position i: the original offset just past its source character(s). */
  readonly ends: Int32Array;
  /** Length of the part of `text` that is the original text (decoded payloads follow it). */
  readonly mainLength: number;
  readonly stats: ObfuscationStats;
}

export interface NormalizeOptions {
  /** How deep decoded payloads are themselves decoded (base64 inside base64). */
  readonly maxDepth?: number;
  /** Upper bound on decoded characters appended per call. */
  readonly maxDecodedChars?: number;
}

const DEFAULT_MAX_DEPTH = 2;
const DEFAULT_MAX_DECODED = 16_384;
const MIN_BASE64_RUN = 16;
const MIN_HEX_RUN = 16;
const MIN_URL_ESCAPES = 3;
/** ROT13 is only tried on texts this short: long texts are never wholly ROT13 in practice. */
const MAX_ROT13_INPUT = 8_192;

// ---------------------------------------------------------------------------------------------------
// Character tables, built once at module load.

const KIND_KEEP = 0;
const KIND_DROP_ZW = 1;
const KIND_DROP_BIDI = 2;
const KIND_SPACE = 3;
const KIND_HOMOGLYPH = 4;

/** BMP code unit → folded code unit (lower-cased, accents stripped, fullwidth → ASCII). */
const FOLD = new Uint16Array(65_536);
/** BMP code unit → kind (keep / drop / space / homoglyph candidate). */
const KIND = new Uint8Array(65_536);
/** For homoglyph candidates: the Latin letter they imitate. */
const HOMOGLYPH = new Uint16Array(65_536);

function buildTables(): void {
  for (let c = 0; c < 65_536; c++) FOLD[c] = c;
  for (let c = 65; c <= 90; c++) FOLD[c] = c + 32;
  // Accented Latin, fullwidth forms, ligatures, circled and other compatibility letters fold through NFKD
  // to their ASCII base letter; the ranges keep start-up cheap.
  const ranges: Array<[number, number]> = [
    [0x00c0, 0x024f],
    [0x1e00, 0x1eff],
    [0x2100, 0x214f],
    [0x2460, 0x24ff],
    [0xfb00, 0xfb06],
    [0xff01, 0xff5e],
  ];
  for (const [lo, hi] of ranges) {
    for (let c = lo; c <= hi; c++) {
      const d = String.fromCharCode(c).normalize('NFKD');
      const first = d.charCodeAt(0);
      let onlyMarks = true;
      for (let i = 1; i < d.length; i++) {
        const m = d.charCodeAt(i);
        if (m < 0x0300 || m > 0x036f) onlyMarks = false;
      }
      if (first > 0x20 && first < 0x7f && onlyMarks) FOLD[c] = first >= 65 && first <= 90 ? first + 32 : first;
    }
  }
  const lower = (c: number): void => {
    const l = String.fromCharCode(c).toLowerCase();
    if (l.length === 1 && FOLD[c] === c) FOLD[c] = l.charCodeAt(0);
  };
  for (let c = 0x0370; c <= 0x04ff; c++) lower(c);

  const zeroWidth = [0x00ad, 0x034f, 0x180e, 0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff];
  for (const c of zeroWidth) KIND[c] = KIND_DROP_ZW;
  for (let c = 0xfe00; c <= 0xfe0f; c++) KIND[c] = KIND_DROP_ZW; // variation selectors
  const bidi = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
  for (const c of bidi) KIND[c] = KIND_DROP_BIDI;
  const spaces = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];
  for (const c of spaces) KIND[c] = KIND_SPACE;
  for (let c = 0x2000; c <= 0x200a; c++) KIND[c] = KIND_SPACE;

  // Cyrillic and Greek letters that render like Latin ones (Unicode confusables, the common subset).
  const glyphs: Record<string, string> = {
    а: 'a', А: 'a', в: 'b', В: 'b', с: 'c', С: 'c', ԁ: 'd', е: 'e', Е: 'e', ё: 'e', һ: 'h', Н: 'h', і: 'i', І: 'i',
    ї: 'i', ј: 'j', Ј: 'j', к: 'k', К: 'k', ӏ: 'l', м: 'm', М: 'm', о: 'o', О: 'o', р: 'p', Р: 'p', ԛ: 'q', ѕ: 's',
    Ѕ: 's', т: 't', Т: 't', у: 'y', У: 'y', х: 'x', Х: 'x', ԝ: 'w', Ԝ: 'w', ɡ: 'g', α: 'a', Α: 'a', β: 'b', Β: 'b',
    ε: 'e', Ε: 'e', Η: 'h', ι: 'i', Ι: 'i', κ: 'k', Κ: 'k', Μ: 'm', ν: 'v', Ν: 'n', ο: 'o', Ο: 'o', ρ: 'p', Ρ: 'p',
    τ: 't', Τ: 't', υ: 'u', Υ: 'y', χ: 'x', Χ: 'x', Ζ: 'z',
  };
  for (const [g, l] of Object.entries(glyphs)) {
    const c = g.charCodeAt(0);
    KIND[c] = KIND_HOMOGLYPH;
    HOMOGLYPH[c] = l.charCodeAt(0);
  }
}
buildTables();

/** Leetspeak digit → letter. */
const LEET = new Uint16Array(128);
LEET[0x30] = 0x6f; // 0 → o
LEET[0x31] = 0x69; // 1 → i
LEET[0x33] = 0x65; // 3 → e
LEET[0x34] = 0x61; // 4 → a
LEET[0x35] = 0x73; // 5 → s
LEET[0x37] = 0x74; // 7 → t

function isLatinLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Mathematical alphanumeric symbols (U+1D400–1D7FF) → ASCII: 13 styled alphabets of 52 letters, then digits. */
function foldMathAlnum(cp: number): number {
  if (cp >= 0x1d7ce && cp <= 0x1d7ff) return 0x30 + ((cp - 0x1d7ce) % 10);
  if (cp < 0x1d400 || cp > 0x1d6a3) return 0;
  const i = (cp - 0x1d400) % 52;
  return i < 26 ? 0x61 + i : 0x61 + (i - 26);
}

// ---------------------------------------------------------------------------------------------------
// Output buffer. One scratch buffer is reused across calls (scans are synchronous, so calls never
// interleave); the result copies out only what it keeps, which keeps the garbage collector out of p99.

class ViewBuilder {
  codes = new Uint16Array(4096);
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  /** Homoglyph candidates hold their original (lower-cased) letter until the word is judged. */
  glyph = new Uint8Array(4096);
  length = 0;

  /** Makes room for `extra` more characters; every fold writes at most one output per input code unit. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.codes.length) return;
    let n = this.codes.length;
    while (n < need) n *= 2;
    const codes = new Uint16Array(n);
    codes.set(this.codes.subarray(0, this.length));
    const starts = new Int32Array(n);
    starts.set(this.starts.subarray(0, this.length));
    const ends = new Int32Array(n);
    ends.set(this.ends.subarray(0, this.length));
    const glyph = new Uint8Array(n);
    glyph.set(this.glyph.subarray(0, this.length));
    this.codes = codes;
    this.starts = starts;
    this.ends = ends;
    this.glyph = glyph;
  }
}

/** Above this size the scratch buffer is dropped after use rather than kept for the next call. */
const KEEP_SCRATCH_UP_TO = 1 << 17;
let scratch = new ViewBuilder();

const UTF16 = new TextDecoder('utf-16le');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function codesToString(codes: Uint16Array, length: number): string {
  return UTF16.decode(codes.subarray(0, length));
}

function emptyStats(): ObfuscationStats {
  return {
    tagChars: 0,
    zeroWidth: 0,
    bidi: 0,
    homoglyphs: 0,
    leet: 0,
    invalidSurrogates: 0,
    base64: 0,
    hex: 0,
    urlEncoded: 0,
    rot13: 0,
    decodedChars: 0,
  };
}

/**
 * Appends the folded form of `text` to `out`. Offsets of `text` are shifted by `offset`; when `span` is
 * given, every character maps to that original span instead (decoded payloads point at their encoding).
 */
function foldInto(out: ViewBuilder, text: string, stats: ObfuscationStats, offset: number, span?: [number, number]): void {
  const n = text.length;
  out.reserve(n + 1);
  const codes = out.codes;
  const starts = out.starts;
  const ends = out.ends;
  const glyph = out.glyph;
  let len = out.length;
  const fixed = span !== undefined;
  const spanStart = span ? span[0] : 0;
  const spanEnd = span ? span[1] : 0;
  let lastSpace = len === 0 || codes[len - 1] === 0x20 || codes[len - 1] === 0x0a;
  let inTags = false;
  let zeroWidth = 0;
  let bidi = 0;
  let tags = 0;
  let invalid = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const s = fixed ? spanStart : offset + i;
    if (c < 0x80) {
      // ASCII fast path: the common case by far.
      inTags = false;
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        // Runs of whitespace collapse to one space so word n-grams see through padding; a run holding a
        // line break becomes one newline, because line starts matter (fake "system:" role markers).
        const newline = c === 0x0a || c === 0x0d;
        if (!lastSpace) {
          codes[len] = newline ? 0x0a : 0x20;
          starts[len] = s;
          ends[len] = fixed ? spanEnd : s + 1;
          glyph[len] = 0;
          len++;
        } else if (newline && len > 0) codes[len - 1] = 0x0a;
        lastSpace = true;
        continue;
      }
      codes[len] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
      starts[len] = s;
      ends[len] = fixed ? spanEnd : s + 1;
      glyph[len] = 0;
      len++;
      lastSpace = false;
      continue;
    }
    let code: number;
    let width = 1;
    let isGlyph = 0;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        width = 2;
        i++;
        if (cp >= 0xe0000 && cp <= 0xe007f) {
          tags++;
          // Smuggled text starts a new word: it was never meant to join the visible one.
          if (!inTags && !lastSpace) {
            codes[len] = 0x20;
            starts[len] = s;
            ends[len] = fixed ? spanEnd : s + 2;
            glyph[len] = 0;
            len++;
          }
          inTags = true;
          lastSpace = false;
          const ascii = cp - 0xe0000;
          if (ascii < 0x20 || ascii === 0x7f) continue; // tag begin / cancel: markers only
          code = FOLD[ascii] ?? ascii;
        } else {
          inTags = false;
          const m = foldMathAlnum(cp);
          if (m !== 0) code = m;
          else {
            // Emoji and other astral characters: kept as they are, as a pair mapping to the same span.
            codes[len] = c;
            starts[len] = s;
            ends[len] = fixed ? spanEnd : s + 2;
            glyph[len] = 0;
            len++;
            codes[len] = d;
            starts[len] = s;
            ends[len] = fixed ? spanEnd : s + 2;
            glyph[len] = 0;
            len++;
            lastSpace = false;
            continue;
          }
        }
      } else {
        invalid++;
        code = 0xfffd;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      inTags = false;
      invalid++;
      code = 0xfffd;
    } else {
      inTags = false;
      const kind = KIND[c] ?? KIND_KEEP;
      if (kind === KIND_DROP_ZW) {
        zeroWidth++;
        continue;
      }
      if (kind === KIND_DROP_BIDI) {
        bidi++;
        continue;
      }
      if (kind === KIND_SPACE) {
        const newline = c === 0x2028 || c === 0x2029 || c === 0x85;
        if (!lastSpace) {
          codes[len] = newline ? 0x0a : 0x20;
          starts[len] = s;
          ends[len] = fixed ? spanEnd : s + 1;
          glyph[len] = 0;
          len++;
        } else if (newline && len > 0) codes[len - 1] = 0x0a;
        lastSpace = true;
        continue;
      }
      if (kind === KIND_HOMOGLYPH) isGlyph = 1;
      code = FOLD[c] ?? c;
    }
    codes[len] = code;
    starts[len] = s;
    ends[len] = fixed ? spanEnd : s + width;
    glyph[len] = isGlyph;
    len++;
    lastSpace = false;
  }
  out.length = len;
  stats.zeroWidth += zeroWidth;
  stats.bidi += bidi;
  stats.tagChars += tags;
  stats.invalidSurrogates += invalid;
}

/**
 * Word-level folds that depend on the neighbours: lookalike letters are replaced only inside words that
 * also hold real Latin letters (so Russian or Greek text stays itself), and leet digits only in words whose
 * digits are all leet digits and include one between two letters ("1gn0r3", "p4ssw0rd" → folded; "gpt4",
 * "2024", "x509", "sha256" stay).
 */
function foldWords(out: ViewBuilder, from: number, stats: ObfuscationStats): void {
  const codes = out.codes;
  const glyph = out.glyph;
  let i = from;
  const n = out.length;
  while (i < n) {
    const c = codes[i] ?? 0;
    if (!(isLatinLower(c) || isDigit(c) || glyph[i] === 1)) {
      i++;
      continue;
    }
    let j = i;
    let latin = 0;
    let glyphs = 0;
    let digits = 0;
    let allLeet = true;
    let firstLetter = -1;
    let lastLetter = -1;
    let firstDigitAfterLetter = -1;
    while (j < n) {
      const d = codes[j] ?? 0;
      const g = glyph[j] === 1;
      if (g || isLatinLower(d)) {
        if (g) glyphs++;
        else latin++;
        if (firstLetter < 0) firstLetter = j;
        lastLetter = j;
      } else if (isDigit(d)) {
        digits++;
        if (LEET[d] === 0) allLeet = false;
        if (firstLetter >= 0 && firstDigitAfterLetter < 0) firstDigitAfterLetter = j;
      } else break;
      j++;
    }
    if (glyphs > 0 && latin > 0) {
      for (let k = i; k < j; k++) {
        if (glyph[k] === 1) {
          codes[k] = HOMOGLYPH[codes[k] ?? 0] || (codes[k] ?? 0);
          stats.homoglyphs++;
        }
      }
    }
    const interior = firstDigitAfterLetter >= 0 && firstDigitAfterLetter < lastLetter;
    if (digits > 0 && allLeet && interior && latin >= 2 && j - i <= 24) {
      for (let k = i; k < j; k++) {
        const d = codes[k] ?? 0;
        if (isDigit(d)) {
          codes[k] = LEET[d] ?? d;
          stats.leet++;
        }
      }
    }
    i = j;
  }
}

// ---------------------------------------------------------------------------------------------------
// Embedded payloads

interface Payload {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly kind: 'base64' | 'hex' | 'urlEncoded' | 'rot13';
}

/** ASCII class bits: 1 = base64 (standard and URL-safe alphabets), 2 = hex digit. */
const B64 = 1;
const HEX = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLASS[c] = (CLASS[c] ?? 0) | B64;
  if (/[0-9A-Fa-f]/.test(ch)) CLASS[c] = (CLASS[c] ?? 0) | HEX;
}

function classOf(c: number): number {
  return c < 128 ? (CLASS[c] ?? 0) : 0;
}

function isBase64Char(c: number): boolean {
  return (classOf(c) & B64) !== 0;
}

function isHexChar(c: number): boolean {
  return (classOf(c) & HEX) !== 0;
}

/** Decoded bytes count as hidden text only when they are valid UTF-8 and mostly letters and spaces. */
function readableText(bytes: Uint8Array): string | undefined {
  if (bytes.length < 6) return undefined;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  let letters = 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) control++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x20 || c > 0xbf) letters++;
  }
  if (control > 0 || letters < text.length * 0.7) return undefined;
  return text;
}

function decodeBase64Run(run: string): string | undefined {
  let s = run.replace(/-/g, '+').replace(/_/g, '/');
  const pad = s.length % 4;
  if (pad === 1) s = s.slice(0, -1);
  else if (pad === 2) s += '==';
  else if (pad === 3) s += '=';
  return readableText(Buffer.from(s, 'base64'));
}

function decodeHexRun(run: string): string | undefined {
  const even = run.length % 2 === 0 ? run : run.slice(0, -1);
  return readableText(Buffer.from(even, 'hex'));
}

const ROT13_COMMON_WORDS = [
  'the', 'and', 'you', 'your', 'are', 'for', 'that', 'this', 'with', 'not', 'all', 'any', 'what', 'how', 'from',
  'ignore', 'instructions', 'previous', 'system', 'prompt', 'tell', 'me', 'is', 'to', 'of', 'a', 'in', 'it', 'do',
  'now', 'password', 'secret', 'reveal', 'please', 'say', 'print', 'write', 'give', 'can', 'will', 'be', 'i',
];

function wordHash(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

const ROT13_COMMON = new Set(
  ROT13_COMMON_WORDS.map((w) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = wordHash(h, w.charCodeAt(i));
    return h;
  }),
);

function rot13Code(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return ((c - 0x41 + 13) % 26) + 0x41;
  if (c >= 0x61 && c <= 0x7a) return ((c - 0x61 + 13) % 26) + 0x61;
  return c;
}

/** Share of words that are common English words, in the text as given or rotated by 13. */
function englishShare(text: string, rotate: boolean): number {
  let words = 0;
  let common = 0;
  let h = 0x811c9dc5;
  let len = 0;
  for (let i = 0; i <= text.length; i++) {
    const raw = i < text.length ? text.charCodeAt(i) : 0x20;
    const c = rotate ? rot13Code(raw) : raw;
    const lower = c >= 0x41 && c <= 0x5a ? c + 32 : c;
    if (isLatinLower(lower)) {
      h = wordHash(h, lower);
      len++;
    } else if (len > 0) {
      words++;
      if (ROT13_COMMON.has(h)) common++;
      h = 0x811c9dc5;
      len = 0;
    }
  }
  // A few words prove nothing either way ("a" is common in both directions).
  return words < 4 ? 0 : common / words;
}

function findPayloads(text: string, budget: number): Payload[] {
  const found: Payload[] = [];
  let used = 0;
  const n = text.length;
  let i = 0;
  while (i < n && used < budget) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */) {
      // A run of URL-encoded text: %XX escapes mixed with plain URL characters.
      let j = i;
      let escapes = 0;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x25 && j + 2 < n && isHexChar(text.charCodeAt(j + 1)) && isHexChar(text.charCodeAt(j + 2))) {
          escapes++;
          j += 3;
        } else if (isBase64Char(d) || d === 0x2e || d === 0x7e || d === 0x2b) j++;
        else break;
      }
      if (escapes >= MIN_URL_ESCAPES) {
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(text.slice(i, j).replace(/\+/g, ' '));
        } catch {
          decoded = undefined;
        }
        if (decoded !== undefined && decoded.length > 0) {
          found.push({ text: decoded, start: i, end: j, kind: 'urlEncoded' });
          used += decoded.length;
        }
      }
      i = Math.max(j, i + 1);
      continue;
    }
    let cls = classOf(c);
    if ((cls & B64) === 0) {
      i++;
      continue;
    }
    let j = i;
    let all = HEX | B64;
    while (j < n && (cls & B64) !== 0) {
      all &= cls;
      j++;
      cls = j < n ? classOf(text.charCodeAt(j)) : 0;
    }
    const hexOnly = (all & HEX) !== 0;
    const len = j - i;
    if (len < MIN_BASE64_RUN) {
      // The common case: an ordinary word.
      i = j;
      continue;
    }
    let end = j;
    while (end < n && text.charCodeAt(end) === 0x3d /* = */ && end - j < 2) end++;
    if (hexOnly && len >= MIN_HEX_RUN) {
      const decoded = decodeHexRun(text.slice(i, j));
      if (decoded !== undefined) {
        found.push({ text: decoded, start: i, end: j, kind: 'hex' });
        used += decoded.length;
      }
    } else if (len >= MIN_BASE64_RUN) {
      const decoded = decodeBase64Run(text.slice(i, j));
      if (decoded !== undefined) {
        found.push({ text: decoded, start: i, end, kind: 'base64' });
        used += decoded.length;
      }
    }
    i = end;
  }
  if (n <= MAX_ROT13_INPUT && used < budget) {
    // Honest English scores well above 0.1 as given; ROT13 English only once rotated.
    const plain = englishShare(text, false);
    const rotated = plain < 0.1 ? englishShare(text, true) : 0;
    if (rotated >= 0.2 && rotated > plain * 2 + 0.05) {
      const rotatedCodes = new Uint16Array(n);
      for (let k = 0; k < n; k++) rotatedCodes[k] = rot13Code(text.charCodeAt(k));
      const decoded = codesToString(rotatedCodes, n);
      found.push({ text: decoded, start: 0, end: n, kind: 'rot13' });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------

/** Builds the folded view of `text`. Linear in the input; decoded payloads are bounded by depth and size. */
export function normalize(text: string, options: NormalizeOptions = {}): NormalizedText {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxDecoded = options.maxDecodedChars ?? DEFAULT_MAX_DECODED;
  const stats = emptyStats();
  const out = scratch;
  out.length = 0;
  foldInto(out, text, stats, 0);
  foldWords(out, 0, stats);
  const mainLength = out.length;

  // Payloads are looked for in the original (case matters for base64), then their own payloads, up to maxDepth.
  let pending: Array<{ text: string; span: [number, number] | undefined; depth: number }> = [
    { text, span: undefined, depth: 0 },
  ];
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const item of pending) {
      if (item.depth >= maxDepth) continue;
      const budget = maxDecoded - stats.decodedChars;
      if (budget <= 0) break;
      for (const p of findPayloads(item.text, budget)) {
        const remaining = maxDecoded - stats.decodedChars;
        if (remaining <= 0) break;
        const payload = p.text.length > remaining ? p.text.slice(0, remaining) : p.text;
        const span: [number, number] = item.span ?? [p.start, p.end];
        stats[p.kind]++;
        stats.decodedChars += payload.length;
        out.reserve(1);
        out.codes[out.length] = 0x0a;
        out.starts[out.length] = span[0];
        out.ends[out.length] = span[1];
        out.glyph[out.length] = 0;
        out.length++;
        const from = out.length;
        foldInto(out, payload, stats, 0, span);
        foldWords(out, from, stats);
        next.push({ text: payload, span, depth: item.depth + 1 });
      }
    }
    pending = next;
  }

  const result: NormalizedText = {
    text: codesToString(out.codes, out.length),
    starts: out.starts.slice(0, out.length),
    ends: out.ends.slice(0, out.length),
    mainLength,
    stats,
  };
  if (out.codes.length > KEEP_SCRATCH_UP_TO) scratch = new ViewBuilder();
  return result;
}

/** Maps a view range [start, end) back to the original text. */
export function toOriginalRange(view: NormalizedText, start: number, end: number): { start: number; end: number } {
  if (view.starts.length === 0 || end <= start) return { start: 0, end: 0 };
  const s = Math.max(0, Math.min(start, view.starts.length - 1));
  const e = Math.max(s, Math.min(end - 1, view.ends.length - 1));
  let lo = view.starts[s] ?? 0;
  let hi = view.ends[e] ?? lo;
  // A range that runs from the main text into a payload (or across payloads) spans both origins.
  if (hi < lo) [lo, hi] = [hi, lo];
  for (const k of [s, e]) {
    lo = Math.min(lo, view.starts[k] ?? lo);
    hi = Math.max(hi, view.ends[k] ?? hi);
  }
  return { start: lo, end: hi };
}
