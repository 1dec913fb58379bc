// The content-safety classifier: one calibrated logistic head per harm category over shared features —
// hashed word 1–2-grams and character 3–5-grams of the folded view (the injection detector's normaliser, so
// leetspeak, homoglyphs and invisible characters do not hide words) and the lexicon cues. Long texts are scored
// in windows (max per head). Parsing the committed files is pure and returns a Result.
import type { Result } from '../../core/result.ts';
import { forEachCharGram, forEachWordGram, windowsOf } from '../injection/features.ts';
import { float32Bytes, isRecord } from '../injection/model.ts';
import { normalize, type NormalizedText } from '../injection/normalize.ts';
import { CUE_GROUPS, CUES, findCues, type CueMatch } from './lexicon.ts';
import { SAFETY_TYPES } from './types.ts';

export const SAFETY_MODEL_FORMAT = 'palisade-safety-linear';
export const SAFETY_MODEL_VERSION = 1;
export const SAFETY_HASH_BITS = 16;
export const SAFETY_HASH_DIM = 1 << SAFETY_HASH_BITS;
const MASK = SAFETY_HASH_DIM - 1;
export const HEADS = SAFETY_TYPES.length;

/** Dense features: each cue's count (log-scaled), each cue group's presence, any severe cue. */
export const SAFETY_DENSE_FEATURES: readonly string[] = [...CUES.map((c) => `cue:${c.id}`), ...CUE_GROUPS.map((g) => `group:${g}`), 'severe'];
const GROUP_INDEX = new Map(CUE_GROUPS.map((g, i) => [g, i]));
const CUE_GROUP = CUES.map((c) => GROUP_INDEX.get(c.group) ?? 0);
const LOG9 = Math.log(9);

export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
}

export interface SafetyModel {
  /** n-gram weights, index × HEADS + head. */
  readonly textWeights: Float32Array;
  /** dense weights, head × SAFETY_DENSE_FEATURES.length + feature. */
  readonly denseWeights: Float64Array;
  readonly bias: Float64Array;
  readonly calibration: readonly Calibration[];
  readonly training: Readonly<Record<string, unknown>>;
}

/** Fills `out` with the dense features of the cues that start in [from, to). */
export function safetyDense(matches: readonly CueMatch[], from: number, to: number, out: Float64Array): void {
  out.fill(0);
  const counts = new Uint16Array(CUES.length);
  let severe = 0;
  for (const m of matches) {
    if (m.start < from || m.start >= to) continue;
    counts[m.cue] = (counts[m.cue] ?? 0) + 1;
    if (CUES[m.cue]?.severe === true) severe = 1;
  }
  for (let c = 0; c < CUES.length; c++) {
    const n = counts[c] ?? 0;
    if (n === 0) continue;
    out[c] = Math.log(1 + Math.min(n, 8)) / LOG9;
    out[CUES.length + (CUE_GROUP[c] ?? 0)] = 1;
  }
  out[CUES.length + CUE_GROUPS.length] = severe;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export interface SafetyClassification {
  /** Calibrated probability per head (SAFETY_TYPES order), the highest over the windows. */
  readonly scores: Float64Array;
  /** Raw logits of those windows. */
  readonly logits: Float64Array;
  /** The best window of each head, in view coordinates. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
  readonly view: NormalizedText;
  readonly matches: readonly CueMatch[];
}

/** Scores a text: normalise, find cues, and sum each window's n-gram and dense weights per head. */
export function classifySafety(model: SafetyModel, text: string): SafetyClassification {
  const view = normalize(text);
  const matches = findCues(view.text);
  const logits = new Float64Array(HEADS).fill(-Infinity);
  const windows: Array<readonly [number, number]> = SAFETY_TYPES.map(() => [0, view.text.length] as const);
  const dense = new Float64Array(SAFETY_DENSE_FEATURES.length);
  const wordSums = new Float64Array(HEADS);
  const charSums = new Float64Array(HEADS);
  const w = model.textWeights;
  const D = SAFETY_DENSE_FEATURES.length;
  for (const [from, to] of windowsOf(view.text.length)) {
    wordSums.fill(0);
    charSums.fill(0);
    const nw = forEachWordGram(view.text, from, to, (i) => {
      const base = (i & MASK) * HEADS;
      for (let k = 0; k < HEADS; k++) wordSums[k] = (wordSums[k] ?? 0) + (w[base + k] ?? 0);
    });
    const nc = forEachCharGram(view.text, from, to, (i) => {
      const base = (i & MASK) * HEADS;
      for (let k = 0; k < HEADS; k++) charSums[k] = (charSums[k] ?? 0) + (w[base + k] ?? 0);
    });
    safetyDense(matches, from, to, dense);
    for (let k = 0; k < HEADS; k++) {
      let z = model.bias[k] ?? 0;
      if (nw > 0) z += (wordSums[k] ?? 0) / Math.sqrt(nw);
      if (nc > 0) z += (charSums[k] ?? 0) / Math.sqrt(nc);
      for (let j = 0; j < D; j++) z += (dense[j] ?? 0) * (model.denseWeights[k * D + j] ?? 0);
      if (z > (logits[k] ?? -Infinity)) {
        logits[k] = z;
        windows[k] = [from, to];
      }
    }
  }
  const scores = new Float64Array(HEADS);
  for (let k = 0; k < HEADS; k++) {
    const c = model.calibration[k] ?? { slope: 1, intercept: 0 };
    scores[k] = sigmoid(c.slope * (logits[k] ?? 0) + c.intercept);
  }
  return { scores, logits, windows, view, matches };
}

// ---------------------------------------------------------------------------------------------------
// The committed files: model.json (format, heads, biases, dense weights by name, calibration, training record)
// and weights.bin (SAFETY_HASH_DIM × HEADS little-endian float32).

export interface SafetyModelMeta {
  readonly format: typeof SAFETY_MODEL_FORMAT;
  readonly version: number;
  readonly hashBits: number;
  readonly heads: readonly string[];
  readonly bias: readonly number[];
  readonly dense: ReadonlyArray<{ readonly name: string; readonly weights: readonly number[] }>;
  readonly calibration: readonly Calibration[];
  readonly training: Readonly<Record<string, unknown>>;
}

export function safetyModelMeta(model: SafetyModel): SafetyModelMeta {
  const D = SAFETY_DENSE_FEATURES.length;
  return {
    format: SAFETY_MODEL_FORMAT,
    version: SAFETY_MODEL_VERSION,
    hashBits: SAFETY_HASH_BITS,
    heads: [...SAFETY_TYPES],
    bias: Array.from(model.bias),
    dense: SAFETY_DENSE_FEATURES.map((name, j) => ({ name, weights: SAFETY_TYPES.map((_, k) => model.denseWeights[k * D + j] ?? 0) })),
    calibration: model.calibration,
    training: model.training,
  };
}

export function safetyWeightBytes(model: SafetyModel): Uint8Array {
  return float32Bytes(model.textWeights);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseSafetyModel(meta: unknown, weights: Uint8Array): Result<SafetyModel, string> {
  if (!isRecord(meta)) return { ok: false, error: 'safety model metadata is not an object' };
  if (meta['format'] !== SAFETY_MODEL_FORMAT) return { ok: false, error: `safety model format is not ${SAFETY_MODEL_FORMAT}` };
  if (meta['version'] !== SAFETY_MODEL_VERSION) return { ok: false, error: `safety model version ${String(meta['version'])} is not ${SAFETY_MODEL_VERSION}` };
  if (meta['hashBits'] !== SAFETY_HASH_BITS) return { ok: false, error: `safety model hashBits is not ${SAFETY_HASH_BITS}` };
  const heads = meta['heads'];
  if (!Array.isArray(heads) || heads.join(',') !== SAFETY_TYPES.join(',')) return { ok: false, error: `safety model heads are not ${SAFETY_TYPES.join(', ')}; retrain it` };
  const bias = meta['bias'];
  if (!Array.isArray(bias) || bias.length !== HEADS || !bias.every(finite)) return { ok: false, error: 'safety model bias is malformed' };
  const cal = meta['calibration'];
  if (!Array.isArray(cal) || cal.length !== HEADS || !cal.every((c) => isRecord(c) && finite(c['slope']) && finite(c['intercept']))) {
    return { ok: false, error: 'safety model calibration is malformed' };
  }
  const dense = meta['dense'];
  if (!Array.isArray(dense)) return { ok: false, error: 'safety model dense weights missing' };
  const byName = new Map<string, number[]>();
  for (const d of dense) {
    if (!isRecord(d) || typeof d['name'] !== 'string' || !Array.isArray(d['weights']) || d['weights'].length !== HEADS || !d['weights'].every(finite)) {
      return { ok: false, error: 'safety model dense weight entry is malformed' };
    }
    byName.set(d['name'], d['weights']);
  }
  const D = SAFETY_DENSE_FEATURES.length;
  const denseWeights = new Float64Array(HEADS * D);
  for (let j = 0; j < D; j++) {
    const ws = byName.get(SAFETY_DENSE_FEATURES[j] ?? '');
    if (ws === undefined) return { ok: false, error: `safety model has no weight for feature ${SAFETY_DENSE_FEATURES[j]}; retrain it` };
    for (let k = 0; k < HEADS; k++) denseWeights[k * D + j] = ws[k] ?? 0;
  }
  if (weights.length !== SAFETY_HASH_DIM * HEADS * 4) return { ok: false, error: `safety model weights are ${weights.length} bytes, expected ${SAFETY_HASH_DIM * HEADS * 4}` };
  const dv = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const textWeights = new Float32Array(SAFETY_HASH_DIM * HEADS);
  for (let i = 0; i < textWeights.length; i++) {
    const w = dv.getFloat32(i * 4, true);
    if (!Number.isFinite(w)) return { ok: false, error: `safety model weight ${i} is not finite` };
    textWeights[i] = w;
  }
  return {
    ok: true,
    value: {
      textWeights,
      denseWeights,
      bias: Float64Array.from(bias),
      calibration: (cal as Array<Record<string, number>>).map((c) => ({ slope: c['slope'] ?? 1, intercept: c['intercept'] ?? 0 })),
      training: isRecord(meta['training']) ? meta['training'] : {},
    },
  };
}
