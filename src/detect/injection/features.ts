// Features of the classifier, shared by the detector and the training script so both see exactly the same
// numbers: hashed word 1–2-grams and character 3–5-grams of the folded view (hashed from char codes, no
// substrings), and dense features from the signals and from how much obfuscation was undone.
import type { ObfuscationStats } from './normalize.ts';
import { SHAPE_FEATURES, shapeFeatures, type CharModel } from './shape.ts';
import { SIGNAL_GROUPS, SIGNALS, type SignalMatch } from './signals.ts';

/** log2 of the hashed feature space. */
export const HASH_BITS = 18;
export const HASH_DIM = 1 << HASH_BITS;
const MASK = HASH_DIM - 1;

/** Long texts are scored in overlapping windows of the view (max over windows), so one injected paragraph
 * in a long document is not diluted by the rest of it. */
export const WINDOW = 4096;
export const STRIDE = 2048;

const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x2545f491;
const SEED_CHAR = 0x9e3779b9;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & MASK;
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x27 ||
    (c >= 0xc0 && (c < 0x2000 || c > 0x206f) && (c < 0x3000 || c > 0x303f) && c !== 0xfffd)
  );
}

/** Calls `visit` with the hashed index of every word unigram and bigram in view[from, to); returns how many. */
export function forEachWordGram(view: string, from: number, to: number, visit: (index: number) => void): number {
  let count = 0;
  let prev = 0;
  let hasPrev = false;
  let h = SEED_WORD;
  let len = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? view.charCodeAt(i) : 0x20;
    if (isWordChar(c)) {
      h = Math.imul(h ^ c, FNV_PRIME);
      len++;
      continue;
    }
    if (len > 0) {
      visit(mix(h));
      count++;
      if (hasPrev) {
        visit(mix(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ h));
        count++;
      }
      prev = h;
      hasPrev = true;
      h = SEED_WORD;
      len = 0;
    }
    // Sentence punctuation breaks bigrams: "…instructions. Now" is not a phrase.
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x3b) hasPrev = false;
  }
  return count;
}

/** Calls `visit` with the hashed index of every character 3-, 4- and 5-gram in view[from, to); returns how many. */
export function forEachCharGram(view: string, from: number, to: number, visit: (index: number) => void): number {
  let count = 0;
  for (let i = from; i + 3 <= to; i++) {
    let h = SEED_CHAR;
    h = Math.imul(h ^ view.charCodeAt(i), FNV_PRIME);
    h = Math.imul(h ^ view.charCodeAt(i + 1), FNV_PRIME);
    h = Math.imul(h ^ view.charCodeAt(i + 2), FNV_PRIME);
    visit(mix(h ^ 3));
    count++;
    if (i + 4 > to) continue;
    h = Math.imul(h ^ view.charCodeAt(i + 3), FNV_PRIME);
    visit(mix(h ^ 4));
    count++;
    if (i + 5 > to) continue;
    h = Math.imul(h ^ view.charCodeAt(i + 4), FNV_PRIME);
    visit(mix(h ^ 5));
    count++;
  }
  return count;
}

/**
 * The same n-grams as forEachWordGram + forEachCharGram, summed straight into a linear score: this is the
 * detector's hot path, so no callback per n-gram. Returns the two sums and counts.
 */
export function sumGrams(
  view: string,
  from: number,
  to: number,
  w: Float32Array,
): { wordSum: number; words: number; charSum: number; chars: number } {
  let wordSum = 0;
  let words = 0;
  let prev = 0;
  let hasPrev = false;
  let h = SEED_WORD;
  let len = 0;
  let charSum = 0;
  let chars = 0;
  // Character n-grams start at i and need i+2 < to; a small ring of the last five codes avoids re-reading.
  for (let i = from; i <= to; i++) {
    const c = i < to ? view.charCodeAt(i) : 0x20;
    if (i + 3 <= to) {
      let g = Math.imul(SEED_CHAR ^ c, FNV_PRIME);
      g = Math.imul(g ^ view.charCodeAt(i + 1), FNV_PRIME);
      g = Math.imul(g ^ view.charCodeAt(i + 2), FNV_PRIME);
      charSum += w[mix(g ^ 3)] ?? 0;
      chars++;
      if (i + 4 <= to) {
        g = Math.imul(g ^ view.charCodeAt(i + 3), FNV_PRIME);
        charSum += w[mix(g ^ 4)] ?? 0;
        chars++;
        if (i + 5 <= to) {
          g = Math.imul(g ^ view.charCodeAt(i + 4), FNV_PRIME);
          charSum += w[mix(g ^ 5)] ?? 0;
          chars++;
        }
      }
    }
    if (isWordChar(c)) {
      h = Math.imul(h ^ c, FNV_PRIME);
      len++;
      continue;
    }
    if (len > 0) {
      wordSum += w[mix(h)] ?? 0;
      words++;
      if (hasPrev) {
        wordSum += w[mix(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ h)] ?? 0;
        words++;
      }
      prev = h;
      hasPrev = true;
      h = SEED_WORD;
      len = 0;
    }
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x3b) hasPrev = false;
  }
  return { wordSum, words, charSum, chars };
}

const OBFUSCATION_FEATURES = ['tag', 'invisible', 'homoglyph', 'leet', 'base64', 'hex', 'url', 'rot13', 'invalid'] as const;

/** Names of the dense features, in order; stored with the weights so a mismatch is caught at load. */
export const DENSE_FEATURES: readonly string[] = [
  ...SIGNALS.map((s) => `signal:${s.id}`),
  ...SIGNAL_GROUPS.map((g) => `group:${g}`),
  'groups:distinct',
  ...OBFUSCATION_FEATURES.map((o) => `obfuscation:${o}`),
  ...SHAPE_FEATURES,
];

const GROUP_INDEX = new Map(SIGNAL_GROUPS.map((g, i) => [g, i]));
const SIGNAL_GROUP = SIGNALS.map((s) => GROUP_INDEX.get(s.group) ?? 0);
const GROUP_OFFSET = SIGNALS.length;
const OBF_OFFSET = SIGNALS.length + SIGNAL_GROUPS.length + 1;
const SHAPE_OFFSET = OBF_OFFSET + OBFUSCATION_FEATURES.length;
const LOG9 = Math.log(9);

function scaledCount(n: number): number {
  return n <= 0 ? 0 : Math.log(1 + Math.min(n, 8)) / LOG9;
}

/** Fills `out` (length DENSE_FEATURES.length) for the window view[from, to) and the signals that start in it. */
export function denseFeatures(
  matches: readonly SignalMatch[],
  stats: ObfuscationStats,
  view: string,
  from: number,
  to: number,
  charModel: CharModel,
  out: Float64Array,
): void {
  out.fill(0);
  const counts = new Uint16Array(SIGNALS.length);
  for (const m of matches) {
    if (m.start >= from && m.start < to) counts[m.signal] = (counts[m.signal] ?? 0) + 1;
  }
  let distinct = 0;
  for (let s = 0; s < SIGNALS.length; s++) {
    const c = counts[s] ?? 0;
    if (c === 0) continue;
    out[s] = scaledCount(c);
    const g = GROUP_OFFSET + (SIGNAL_GROUP[s] ?? 0);
    if (out[g] === 0) distinct++;
    out[g] = 1;
  }
  out[GROUP_OFFSET + SIGNAL_GROUPS.length] = distinct / SIGNAL_GROUPS.length;
  const obf = [
    stats.tagChars,
    stats.zeroWidth + stats.bidi,
    stats.homoglyphs,
    stats.leet,
    stats.base64,
    stats.hex,
    stats.urlEncoded,
    stats.rot13,
    stats.invalidSurrogates,
  ];
  for (let i = 0; i < obf.length; i++) out[OBF_OFFSET + i] = scaledCount(obf[i] ?? 0);
  shapeFeatures(view, from, to, charModel, out, SHAPE_OFFSET);
}

/** The windows [start, end) of a view of the given length. */
export function windowsOf(length: number): Array<[number, number]> {
  if (length <= WINDOW) return [[0, length]];
  const out: Array<[number, number]> = [];
  for (let s = 0; ; s += STRIDE) {
    const e = Math.min(length, s + WINDOW);
    out.push([s, e]);
    if (e >= length) break;
  }
  return out;
}
