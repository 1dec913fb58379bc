// Text-shape features: how ordinary the characters of a window are. Token-optimised attacks (GCG-style
// adversarial suffixes) are strings of glued word pieces and symbols that no person writes; template
// break-outs are floods of brackets or special tokens. Neither has a phrase an n-gram could learn, but both
// have a shape: a character model trained on benign text finds them surprising, and their symbols come in runs
// and inside words. One linear pass per window, a 63×63 table lookup per character.

/** Character classes of the model: a–z, digit, space, newline, each ASCII punctuation mark, non-ASCII, control. */
export const CHAR_CLASSES = 63;
const CLASS_DIGIT = 26;
const CLASS_SPACE = 27;
const CLASS_NEWLINE = 28;
const CLASS_NON_ASCII = 61;
const CLASS_CONTROL = 62;

const CLASS_OF = new Uint8Array(128);
{
  CLASS_OF.fill(CLASS_CONTROL);
  for (let c = 0x61; c <= 0x7a; c++) CLASS_OF[c] = c - 0x61;
  for (let c = 0x41; c <= 0x5a; c++) CLASS_OF[c] = c - 0x41;
  for (let c = 0x30; c <= 0x39; c++) CLASS_OF[c] = CLASS_DIGIT;
  CLASS_OF[0x20] = CLASS_SPACE;
  CLASS_OF[0x09] = CLASS_SPACE;
  CLASS_OF[0x0a] = CLASS_NEWLINE;
  let k = 29;
  for (let c = 0x21; c < 0x7f; c++) {
    const isAlnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!isAlnum) CLASS_OF[c] = k++;
  }
}

export function charClass(code: number): number {
  return code < 128 ? (CLASS_OF[code] ?? CLASS_CONTROL) : CLASS_NON_ASCII;
}

function isSymbolClass(k: number): boolean {
  return k >= 29 && k <= 60;
}

/** Bigram surprisal table, −log2 P(next class | class), row-major CHAR_CLASSES × CHAR_CLASSES. */
export type CharModel = Float32Array;

/** Fits the bigram table on benign texts (add-one smoothing). Training only. */
export function fitCharModel(texts: Iterable<string>): CharModel {
  const counts = new Float64Array(CHAR_CLASSES * CHAR_CLASSES).fill(1);
  for (const t of texts) {
    let prev = CLASS_SPACE;
    for (let i = 0; i < t.length; i++) {
      const k = charClass(t.charCodeAt(i));
      counts[prev * CHAR_CLASSES + k] = (counts[prev * CHAR_CLASSES + k] ?? 0) + 1;
      prev = k;
    }
  }
  const model = new Float32Array(CHAR_CLASSES * CHAR_CLASSES);
  for (let a = 0; a < CHAR_CLASSES; a++) {
    let row = 0;
    for (let b = 0; b < CHAR_CLASSES; b++) row += counts[a * CHAR_CLASSES + b] ?? 0;
    for (let b = 0; b < CHAR_CLASSES; b++) model[a * CHAR_CLASSES + b] = -Math.log2((counts[a * CHAR_CLASSES + b] ?? 1) / row);
  }
  return model;
}

export const SHAPE_FEATURES = [
  'shape:surprisal-mean',
  'shape:surprisal-peak',
  'shape:surprising-blocks',
  'shape:symbol-share',
  'shape:symbol-run',
  'shape:repeated-token',
  'shape:glued-symbols',
  'shape:non-ascii-share',
  'shape:newline-share',
] as const;

const BLOCK = 32;
/** Mean bits per character above which a block counts as surprising (benign prose is about 3–4). */
const SURPRISING_BITS = 5.5;
const LOG_257 = Math.log(257);
const LOG_129 = Math.log(129);

/** Writes the SHAPE_FEATURES of view[from, to) into `out` starting at `offset`. */
export function shapeFeatures(view: string, from: number, to: number, model: CharModel, out: Float64Array, offset: number): void {
  const n = to - from;
  for (let i = 0; i < SHAPE_FEATURES.length; i++) out[offset + i] = 0;
  if (n <= 0) return;
  let total = 0;
  let blockSum = 0;
  let blockLen = 0;
  let peak = 0;
  let blocks = 0;
  let surprising = 0;
  let symbols = 0;
  let run = 0;
  let longestRun = 0;
  let pendingSpace = false;
  let nonAscii = 0;
  let newlines = 0;
  // Tokens (whitespace-separated): repeats of the same token, and symbols glued inside letter runs ("ley.](me").
  let tokenHash = 0;
  let tokenLen = 0;
  let tokenHasLetter = false;
  let tokenInnerSymbol = false;
  let tokenLastSymbol = false;
  let prevTokenHash = -1;
  let repeat = 0;
  let longestRepeat = 0;
  let tokens = 0;
  let glued = 0;
  let prev = CLASS_SPACE;
  const endToken = (): void => {
    if (tokenLen === 0) return;
    tokens++;
    if (tokenHasLetter && tokenInnerSymbol) glued++;
    if (tokenHash === prevTokenHash) repeat++;
    else repeat = 1;
    if (repeat > longestRepeat) longestRepeat = repeat;
    prevTokenHash = tokenHash;
    tokenHash = 0;
    tokenLen = 0;
    tokenHasLetter = false;
    tokenInnerSymbol = false;
    tokenLastSymbol = false;
  };
  for (let i = from; i < to; i++) {
    const code = view.charCodeAt(i);
    const k = charClass(code);
    const bits = model[prev * CHAR_CLASSES + k] ?? 0;
    prev = k;
    total += bits;
    blockSum += bits;
    if (++blockLen === BLOCK) {
      const mean = blockSum / BLOCK;
      if (mean > peak) peak = mean;
      if (mean > SURPRISING_BITS) surprising++;
      blocks++;
      blockSum = 0;
      blockLen = 0;
    }
    if (k === CLASS_NON_ASCII) nonAscii++;
    if (k === CLASS_NEWLINE) newlines++;
    if (k === CLASS_SPACE || k === CLASS_NEWLINE) {
      // One space inside a run of symbols ("] ] ] ]") keeps the run going.
      if (pendingSpace || k === CLASS_NEWLINE) run = 0;
      pendingSpace = true;
      endToken();
      continue;
    }
    if (isSymbolClass(k)) {
      symbols++;
      run++;
      if (run > longestRun) longestRun = run;
      if (tokenHasLetter) tokenLastSymbol = true;
    } else {
      run = 0;
      if (k < 26) {
        if (tokenLastSymbol) tokenInnerSymbol = true;
        tokenHasLetter = true;
      }
    }
    pendingSpace = false;
    tokenHash = (Math.imul(tokenHash ^ code, 0x01000193) >>> 0) & 0x7fffffff;
    tokenLen++;
  }
  endToken();
  if (blockLen >= BLOCK / 2) {
    const mean = blockSum / blockLen;
    if (mean > peak) peak = mean;
    if (mean > SURPRISING_BITS) surprising++;
    blocks++;
  }
  out[offset] = total / n / 8;
  out[offset + 1] = peak / 8;
  out[offset + 2] = blocks > 0 ? surprising / blocks : 0;
  out[offset + 3] = symbols / n;
  out[offset + 4] = Math.log(1 + Math.min(longestRun, 256)) / LOG_257;
  out[offset + 5] = longestRepeat >= 3 ? Math.log(1 + Math.min(longestRepeat, 128)) / LOG_129 : 0;
  out[offset + 6] = tokens > 0 ? Math.min(1, (4 * glued) / tokens) : 0;
  out[offset + 7] = nonAscii / n;
  out[offset + 8] = newlines / n;
}
