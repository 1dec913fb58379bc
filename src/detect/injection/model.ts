// The trained linear model: weights over hashed n-grams plus weights over the dense features, and the
// scoring of a text (max over windows of the sigmoid of the linear score). Parsing the committed files is
// pure and returns a Result, so a damaged or stale model is an error at start-up, never a wrong score.
import type { Result } from '../../core/result.ts';
import { DENSE_FEATURES, denseFeatures, HASH_BITS, HASH_DIM, sumGrams, windowsOf } from './features.ts';
import { normalize, type NormalizedText } from './normalize.ts';
import { CHAR_CLASSES, type CharModel } from './shape.ts';
import { findSignals, type SignalMatch } from './signals.ts';

export const MODEL_FORMAT = 'palisade-injection-linear';
/** 2: text-shape features with a character model, and Platt calibration of the score. */
export const MODEL_VERSION = 2;

/** score = sigmoid(slope × logit + intercept), fitted on out-of-fold logits so scores are probabilities. */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
}

export const IDENTITY_CALIBRATION: Calibration = { slope: 1, intercept: 0 };

export interface InjectionModel {
  readonly hashBits: number;
  /** Weights of the hashed word and character n-grams. */
  readonly textWeights: Float32Array;
  /** Weights of the dense features, in `DENSE_FEATURES` order. */
  readonly denseWeights: Float64Array;
  readonly bias: number;
  /** Character bigram surprisal of benign text (shape.ts). */
  readonly charModel: CharModel;
  readonly calibration: Calibration;
  /** Free-form training record (dataset digest, split, hyper-parameters); informational. */
  readonly training: Readonly<Record<string, unknown>>;
}

/** The JSON half of the committed model; the n-gram weights sit beside it as little-endian float32. */
export interface ModelMeta {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  readonly hashBits: number;
  readonly bias: number;
  readonly dense: ReadonlyArray<{ readonly name: string; readonly weight: number }>;
  readonly calibration: Calibration;
  /** CHAR_CLASSES² surprisal values, row-major, rounded to 1/1000 bit. */
  readonly charModel: readonly number[];
  readonly training: Readonly<Record<string, unknown>>;
}

export function modelMeta(model: InjectionModel): ModelMeta {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    hashBits: model.hashBits,
    bias: model.bias,
    dense: DENSE_FEATURES.map((name, i) => ({ name, weight: model.denseWeights[i] ?? 0 })),
    calibration: model.calibration,
    charModel: Array.from(model.charModel, (v) => Math.round(v * 1000) / 1000),
    training: model.training,
  };
}

export function modelWeightBytes(model: InjectionModel): Uint8Array {
  return float32Bytes(model.textWeights);
}

/** Weights as little-endian float32, the layout of every committed weights.bin. */
export function float32Bytes(weights: Float32Array): Uint8Array {
  const out = new Uint8Array(weights.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < weights.length; i++) dv.setFloat32(i * 4, weights[i] ?? 0, true);
  return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the two halves of a committed model against the features this code computes. */
export function parseModel(meta: unknown, weights: Uint8Array): Result<InjectionModel, string> {
  if (!isRecord(meta)) return { ok: false, error: 'model metadata is not an object' };
  if (meta['format'] !== MODEL_FORMAT) return { ok: false, error: `model format is not ${MODEL_FORMAT}` };
  if (meta['version'] !== MODEL_VERSION) return { ok: false, error: `model version ${String(meta['version'])} is not ${MODEL_VERSION}` };
  if (meta['hashBits'] !== HASH_BITS) return { ok: false, error: `model hashBits ${String(meta['hashBits'])} is not ${HASH_BITS}` };
  const bias = meta['bias'];
  if (typeof bias !== 'number' || !Number.isFinite(bias)) return { ok: false, error: 'model bias is not a number' };
  const dense = meta['dense'];
  if (!Array.isArray(dense)) return { ok: false, error: 'model dense weights missing' };
  const byName = new Map<string, number>();
  for (const d of dense) {
    if (!isRecord(d) || typeof d['name'] !== 'string' || typeof d['weight'] !== 'number' || !Number.isFinite(d['weight'])) {
      return { ok: false, error: 'model dense weight entry is malformed' };
    }
    byName.set(d['name'], d['weight']);
  }
  const denseWeights = new Float64Array(DENSE_FEATURES.length);
  for (let i = 0; i < DENSE_FEATURES.length; i++) {
    const w = byName.get(DENSE_FEATURES[i] ?? '');
    if (w === undefined) return { ok: false, error: `model has no weight for feature ${DENSE_FEATURES[i]}; retrain it` };
    denseWeights[i] = w;
  }
  if (weights.length !== HASH_DIM * 4) return { ok: false, error: `model weights are ${weights.length} bytes, expected ${HASH_DIM * 4}` };
  const dv = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const textWeights = new Float32Array(HASH_DIM);
  for (let i = 0; i < HASH_DIM; i++) {
    const w = dv.getFloat32(i * 4, true);
    if (!Number.isFinite(w)) return { ok: false, error: `model weight ${i} is not finite` };
    textWeights[i] = w;
  }
  const cal = meta['calibration'];
  if (!isRecord(cal) || typeof cal['slope'] !== 'number' || typeof cal['intercept'] !== 'number' || !Number.isFinite(cal['slope']) || !Number.isFinite(cal['intercept'])) {
    return { ok: false, error: 'model calibration is missing or malformed' };
  }
  const chars = meta['charModel'];
  if (!Array.isArray(chars) || chars.length !== CHAR_CLASSES * CHAR_CLASSES || !chars.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    return { ok: false, error: `model charModel must be ${CHAR_CLASSES * CHAR_CLASSES} non-negative numbers` };
  }
  const training = isRecord(meta['training']) ? meta['training'] : {};
  return {
    ok: true,
    value: {
      hashBits: HASH_BITS,
      textWeights,
      denseWeights,
      bias,
      charModel: Float32Array.from(chars as number[]),
      calibration: { slope: cal['slope'], intercept: cal['intercept'] },
      training,
    },
  };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The linear score of one window of the view. */
export function windowLogit(
  model: InjectionModel,
  view: NormalizedText,
  matches: readonly SignalMatch[],
  from: number,
  to: number,
  dense: Float64Array,
): number {
  const { wordSum, words, charSum, chars } = sumGrams(view.text, from, to, model.textWeights);
  let z = model.bias;
  // Each n-gram family is scaled by 1/sqrt(count) (the L2 norm when n-grams are distinct) so long and
  // short texts land on the same scale and length itself is not a feature.
  if (words > 0) z += wordSum / Math.sqrt(words);
  if (chars > 0) z += charSum / Math.sqrt(chars);
  denseFeatures(matches, view.stats, view.text, from, to, model.charModel, dense);
  for (let i = 0; i < dense.length; i++) z += (dense[i] ?? 0) * (model.denseWeights[i] ?? 0);
  return z;
}

export interface Classification {
  /** Calibrated probability in [0, 1] of the highest-scoring window. */
  readonly score: number;
  /** The uncalibrated linear score of that window. */
  readonly logit: number;
  readonly view: NormalizedText;
  readonly matches: readonly SignalMatch[];
  /** The highest-scoring window, in view coordinates. */
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** Normalises, finds signals and scores a text. */
export function classify(model: InjectionModel, text: string): Classification {
  const view = normalize(text);
  const matches = findSignals(view.text);
  const dense = new Float64Array(DENSE_FEATURES.length);
  let best = -Infinity;
  let bestStart = 0;
  let bestEnd = view.text.length;
  for (const [from, to] of windowsOf(view.text.length)) {
    const z = windowLogit(model, view, matches, from, to, dense);
    if (z > best) {
      best = z;
      bestStart = from;
      bestEnd = to;
    }
  }
  const { slope, intercept } = model.calibration;
  return { score: sigmoid(slope * best + intercept), logit: best, view, matches, windowStart: bestStart, windowEnd: bestEnd };
}
