// Hidden characters: text a person reading the prompt cannot see but a model reads. Unicode tag characters
// (U+E0000–E007F, "ASCII smuggling"), zero-width and other invisible format characters, bidirectional
// controls ("Trojan Source") and variation-selector runs that smuggle bytes. The detector reads the caller's
// ORIGINAL text (`input: 'original'`): the shared normaliser removes exactly these characters, so a detector
// behind it could never see them. Each run of hidden characters is one finding whose offsets cover the run,
// so a redact action removes them (`strip` is the natural redaction of this type, see `redactionStyle`).
// Legitimate uses are not findings: emoji sequences (ZWJ families, presentation selectors, subdivision
// flags), joiners inside scripts that need them, directional marks in right-to-left text, a leading BOM.
import { CONFIDENCE, categoriesFor, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';

export const HIDDEN_TEXT_DETECTOR_ID = 'hidden-text';
export const HIDDEN_TEXT_TYPES = ['HIDDEN_CHARACTERS'] as const;
export type HiddenTextType = (typeof HIDDEN_TEXT_TYPES)[number];

/** How a redaction of this type is applied: hidden characters carry no visible meaning, so they are removed. */
export const HIDDEN_TEXT_REDACTION = 'strip' as const;

/** Kinds of hidden character, from most to least suspicious. */
type Kind = 'tag' | 'bidi-control' | 'selector-supplement' | 'invisible' | 'selector' | 'joiner' | 'mark' | 'soft-hyphen' | 'bom';

/** At least this many hidden characters in one text make every run a high-confidence finding. */
const MANY = 4;

// Any candidate at all? One pass over a code-unit table keeps texts without hidden characters (nearly all) on a
// fast path. Tag and selector-supplement characters are astral: their high surrogate U+DB40 is the candidate.
const CANDIDATE = new Uint8Array(65_536);
for (const c of [0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x180e, 0x3164, 0xfeff, 0xffa0, 0xdb40]) CANDIDATE[c] = 1;
for (const [lo, hi] of [[0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064], [0x2066, 0x2069], [0xfe00, 0xfe0f]] as const) {
  for (let c = lo; c <= hi; c++) CANDIDATE[c] = 1;
}

function hasCandidate(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (CANDIDATE[text.charCodeAt(i)] === 1) return true;
  return false;
}

function kindOf(cp: number): Kind | undefined {
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'selector-supplement';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'bidi-control';
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'mark';
  if (cp === 0x200c || cp === 0x200d) return 'joiner';
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 'selector';
  if (cp === 0x00ad) return 'soft-hyphen';
  if (cp === 0xfeff) return 'bom';
  if (cp === 0x200b || cp === 0x034f || cp === 0x180e || (cp >= 0x2060 && cp <= 0x2064) || cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) {
    return 'invisible';
  }
  return undefined;
}

function codePointAt(text: string, i: number): number {
  return text.codePointAt(i) ?? 0;
}

/** The code point that ends just before offset `i` (0 at the start). */
function codePointBefore(text: string, i: number): number {
  if (i <= 0) return 0;
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

function isPictographic(cp: number): boolean {
  return (
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x2600 && cp <= 0x27bf) ||
    (cp >= 0x2190 && cp <= 0x21ff) ||
    (cp >= 0x2300 && cp <= 0x23ff) ||
    (cp >= 0x2b00 && cp <= 0x2bff) ||
    cp === 0x00a9 ||
    cp === 0x00ae ||
    cp === 0x203c ||
    cp === 0x2049 ||
    cp === 0x2122 ||
    cp === 0x2640 ||
    cp === 0x2642 ||
    cp === 0x20e3
  );
}

function isRtlLetter(cp: number): boolean {
  return (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfefc);
}

/** Scripts whose spelling uses ZWJ / ZWNJ (Arabic, Persian, Indic, Sinhala, …). */
function usesJoiners(cp: number): boolean {
  return (cp >= 0x0600 && cp <= 0x06ff) || (cp >= 0x0750 && cp <= 0x077f) || (cp >= 0x0900 && cp <= 0x0dff) || (cp >= 0x1780 && cp <= 0x17ff);
}

function isIdeograph(cp: number): boolean {
  return (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0x20000 && cp <= 0x3ffff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x1800 && cp <= 0x18af);
}

function isLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f) || (cp >= 0x370 && cp <= 0x52f);
}

interface Run {
  readonly start: number;
  readonly end: number;
  readonly kinds: ReadonlySet<Kind>;
  readonly count: number;
}

/** Runs of consecutive hidden characters, in order. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let i = 0;
  while (i < text.length) {
    const cp = codePointAt(text, i);
    const k = kindOf(cp);
    const width = cp > 0xffff ? 2 : 1;
    if (k === undefined) {
      i += width;
      continue;
    }
    const start = i;
    const kinds = new Set<Kind>();
    let count = 0;
    while (i < text.length) {
      const c = codePointAt(text, i);
      const kk = kindOf(c);
      if (kk === undefined) break;
      kinds.add(kk);
      count++;
      i += c > 0xffff ? 2 : 1;
    }
    runs.push({ start, end: i, kinds, count });
  }
  return runs;
}

/** True when a run is an ordinary part of the writing system or of an emoji, not hidden content. */
function isLegitimate(text: string, run: Run, hasRtl: boolean): boolean {
  const before = codePointBefore(text, run.start);
  const after = run.end < text.length ? codePointAt(text, run.end) : 0;
  if (run.kinds.size !== 1) {
    // A presentation selector then a joiner inside an emoji sequence (👁️‍🗨️): FE0F ZWJ between pictographs.
    const emojiGlue = [...run.kinds].every((k) => k === 'selector' || k === 'joiner');
    return emojiGlue && run.count <= 3 && isPictographic(before) && (isPictographic(after) || after === 0x2640 || after === 0x2642);
  }
  const kind = [...run.kinds][0] ?? 'invisible';
  switch (kind) {
    case 'tag': {
      // Subdivision flags: U+1F3F4, up to six tag letters, U+E007F (cancel tag) — 🏴󠁧󠁢󠁥󠁮󠁧󠁿.
      const last = codePointBefore(text, run.end);
      return before === 0x1f3f4 && last === 0xe007f && run.count <= 7;
    }
    case 'selector':
      return run.count === 1 && (before > 0x7f || before === 0x23 || before === 0x2a || (before >= 0x30 && before <= 0x39));
    case 'selector-supplement':
      return run.count === 1 && isIdeograph(before);
    case 'joiner':
      return run.count === 1 && ((isPictographic(before) && (isPictographic(after) || after > 0xffff)) || usesJoiners(before) || usesJoiners(after) || before > 0xffff);
    case 'mark':
      return hasRtl && run.count <= 2;
    case 'bidi-control':
      // Embeddings and isolates belong in right-to-left text; overrides (U+202D/202E) reorder what is read.
      return hasRtl && !/[\u202d\u202e]/.test(text.slice(run.start, run.end));
    case 'soft-hyphen':
      return run.count === 1 && isLetter(before) && isLetter(after);
    case 'bom':
      return run.start === 0 && run.count === 1;
    case 'invisible':
      return false;
  }
}

function scoreOf(run: Run, total: number): number {
  if (total >= MANY) return 0.95;
  if (run.kinds.has('tag') || run.kinds.has('bidi-control')) return 0.9;
  if (run.kinds.has('selector-supplement')) return 0.8;
  return run.count >= 2 ? 0.7 : 0.4;
}

function confidenceOf(score: number): number {
  if (score >= 0.85) return CONFIDENCE.high;
  if (score >= 0.7) return CONFIDENCE.medium;
  return CONFIDENCE.low;
}

/** The runs of hidden characters in `text` that are not legitimate, with their scores. */
export function findHiddenRuns(text: string): Array<{ start: number; end: number; count: number; score: number }> {
  if (!hasCandidate(text)) return [];
  let hasRtl = false;
  for (let i = 0; i < text.length && !hasRtl; i++) hasRtl = isRtlLetter(text.charCodeAt(i));
  const suspicious = runsOf(text).filter((r) => !isLegitimate(text, r, hasRtl));
  const total = suspicious.reduce((n, r) => n + r.count, 0);
  return suspicious.map((r) => ({ start: r.start, end: r.end, count: r.count, score: scoreOf(r, total) }));
}

export function createHiddenTextDetector(): Detector {
  return {
    id: HIDDEN_TEXT_DETECTOR_ID,
    types: HIDDEN_TEXT_TYPES,
    categories: categoriesFor(HIDDEN_TEXT_TYPES, ['attack', 'evasion']),
    fixedRedaction: Object.fromEntries(HIDDEN_TEXT_TYPES.map((t) => [t, HIDDEN_TEXT_REDACTION])),
    input: 'original',
    scan(text: string, ctx: ScanContext): Finding[] {
      return findHiddenRuns(text).map((r) => ({
        detector: HIDDEN_TEXT_DETECTOR_ID,
        type: 'HIDDEN_CHARACTERS',
        confidence: confidenceOf(r.score),
        start: r.start,
        end: r.end,
        valueHash: ctx.hashValue(text.slice(r.start, r.end)),
        score: r.score,
      }));
    },
  };
}
