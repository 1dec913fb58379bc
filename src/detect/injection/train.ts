// Training of the linear model: L2-regularised logistic regression fitted with AdaGrad over the same
// features the detector computes (features.ts), windows included. Pure TypeScript, deterministic for a seed.
import type { LabelledRecord } from './dataset.ts';
import { seededRandom } from '../../core/random.ts';
import { DENSE_FEATURES, denseFeatures, forEachCharGram, forEachWordGram, HASH_BITS, HASH_DIM, windowsOf } from './features.ts';
import { IDENTITY_CALIBRATION, sigmoid, type Calibration, type InjectionModel } from './model.ts';
import { normalize } from './normalize.ts';
import { fitCharModel, type CharModel } from './shape.ts';
import { findSignals } from './signals.ts';

export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty on the n-gram weights (applied where a feature occurs, scaled per update). */
  readonly l2Text: number;
  readonly l2Dense: number;
  readonly seed: number;
  /** Folds of the out-of-fold logits the score calibration is fitted on (0: no calibration). */
  readonly calibrationFolds: number;
  /** The share of attacks the calibrated score assumes (see fitPlatt). */
  readonly calibrationPrior: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 12, learningRate: 0.2, l2Text: 1e-3, l2Dense: 1e-4, seed: 20_251_126, calibrationFolds: 4, calibrationPrior: 0.3 };

/** One window of one record, as sparse n-gram features plus the dense vector. */
export interface Example {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly dense: Float64Array;
  readonly label: 0 | 1;
  readonly weight: number;
  /** Index of the record the window belongs to. */
  readonly group: number;
}

/**
 * The hashed n-grams of view[from, to) with their values, scaled exactly as the scorer scales them
 * (1/sqrt(count) per family; a hash shared by both families adds up). `mask` folds the indices into a
 * smaller hashing space (the content-safety model uses 2^16).
 */
export function sparse(view: string, from: number, to: number, mask = HASH_DIM - 1): { indices: Int32Array; values: Float32Array } {
  const words = new Map<number, number>();
  const nw = forEachWordGram(view, from, to, (i) => words.set(i & mask, (words.get(i & mask) ?? 0) + 1));
  const chars = new Map<number, number>();
  const nc = forEachCharGram(view, from, to, (i) => chars.set(i & mask, (chars.get(i & mask) ?? 0) + 1));
  const merged = new Map<number, number>();
  const sw = nw > 0 ? 1 / Math.sqrt(nw) : 0;
  const sc = nc > 0 ? 1 / Math.sqrt(nc) : 0;
  for (const [i, c] of words) merged.set(i, (merged.get(i) ?? 0) + c * sw);
  for (const [i, c] of chars) merged.set(i, (merged.get(i) ?? 0) + c * sc);
  const indices = new Int32Array(merged.size);
  const values = new Float32Array(merged.size);
  let k = 0;
  for (const [i, v] of merged) {
    indices[k] = i;
    values[k] = v;
    k++;
  }
  return { indices, values };
}

/** Fisher–Yates shuffle of `order` with a seeded generator (each training epoch). */
export function shuffle(order: number[], rnd: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = t;
  }
}

/** Turns records into window examples; each record's windows share its weight so long texts do not dominate. */
export function toExamples(records: readonly LabelledRecord[], charModel: CharModel): Example[] {
  const attacks = records.filter((r) => r.label === 'attack').length;
  const benign = records.length - attacks;
  // Balanced class weights: each class contributes half of the loss.
  const classWeight = { attack: records.length / (2 * Math.max(1, attacks)), benign: records.length / (2 * Math.max(1, benign)) };
  const out: Example[] = [];
  records.forEach((r, group) => {
    const view = normalize(r.text);
    const matches = findSignals(view.text);
    const windows = windowsOf(view.text.length);
    for (const [from, to] of windows) {
      const dense = new Float64Array(DENSE_FEATURES.length);
      denseFeatures(matches, view.stats, view.text, from, to, charModel, dense);
      out.push({
        ...sparse(view.text, from, to),
        dense,
        label: r.label === 'attack' ? 1 : 0,
        weight: classWeight[r.label] / windows.length,
        group,
      });
    }
  });
  return out;
}

/** The character model of a training set: fitted on its benign texts' folded views. */
export function charModelOf(records: readonly LabelledRecord[]): CharModel {
  return fitCharModel(records.filter((r) => r.label === 'benign').map((r) => normalize(r.text).text));
}

function exampleLogit(textWeights: Float32Array, denseWeights: Float64Array, bias: number, e: Example): number {
  let z = bias;
  for (let k = 0; k < e.indices.length; k++) z += (textWeights[e.indices[k] ?? 0] ?? 0) * (e.values[k] ?? 0);
  for (let j = 0; j < e.dense.length; j++) z += (denseWeights[j] ?? 0) * (e.dense[j] ?? 0);
  return z;
}

/** Fits the model; `onEpoch` receives the mean weighted log-loss of each epoch. */
export function train(
  examples: readonly Example[],
  options: TrainOptions,
  charModel: CharModel,
  training: Record<string, unknown>,
  onEpoch?: (epoch: number, loss: number) => void,
): InjectionModel {
  const textWeights = new Float32Array(HASH_DIM);
  const textG = new Float32Array(HASH_DIM);
  const denseWeights = new Float64Array(DENSE_FEATURES.length);
  const denseG = new Float64Array(DENSE_FEATURES.length);
  let bias = 0;
  let biasG = 0;
  const eps = 1e-8;
  const lr = options.learningRate;
  const rnd = seededRandom(options.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, rnd);
    let loss = 0;
    let weightSum = 0;
    for (const idx of order) {
      const e = examples[idx];
      if (e === undefined) continue;
      const p = sigmoid(exampleLogit(textWeights, denseWeights, bias, e));
      const y = e.label;
      loss += -e.weight * (y === 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12)));
      weightSum += e.weight;
      const g = (p - y) * e.weight;
      for (let k = 0; k < e.indices.length; k++) {
        const i = e.indices[k] ?? 0;
        const w = textWeights[i] ?? 0;
        const grad = g * (e.values[k] ?? 0) + options.l2Text * w;
        const G = (textG[i] ?? 0) + grad * grad;
        textG[i] = G;
        textWeights[i] = w - (lr * grad) / (Math.sqrt(G) + eps);
      }
      for (let j = 0; j < e.dense.length; j++) {
        const x = e.dense[j] ?? 0;
        const w = denseWeights[j] ?? 0;
        if (x === 0 && w === 0) continue;
        const grad = g * x + options.l2Dense * w;
        const G = (denseG[j] ?? 0) + grad * grad;
        denseG[j] = G;
        denseWeights[j] = w - (lr * grad) / (Math.sqrt(G) + eps);
      }
      biasG += g * g;
      bias -= (lr * g) / (Math.sqrt(biasG) + eps);
    }
    onEpoch?.(epoch + 1, loss / Math.max(weightSum, 1e-12));
  }
  return { hashBits: HASH_BITS, textWeights, denseWeights, bias, charModel, calibration: IDENTITY_CALIBRATION, training };
}

/**
 * Platt scaling: the logistic fit of labels on logits (Newton's method), with the classes weighted so that
 * positives make up `prior` of the total weight: the calibrated score is then the probability of the positive
 * class at that base rate (0.5: balanced classes; lower: rarer attacks, a more cautious score).
 */
export function fitPlatt(logits: readonly number[], labels: readonly (0 | 1)[], prior = 0.5): Calibration {
  const pos = labels.filter((y) => y === 1).length;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return IDENTITY_CALIBRATION;
  // Platt's smoothed targets keep the fit finite when the classes separate perfectly.
  const tPos = (pos + 1) / (pos + 2);
  const tNeg = 1 / (neg + 2);
  const wPos = (labels.length * prior) / pos;
  const wNeg = (labels.length * (1 - prior)) / neg;
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let gA = 0;
    let gB = 0;
    let hAA = 1e-9;
    let hAB = 0;
    let hBB = 1e-9;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i] ?? 0;
      const y = labels[i] === 1 ? tPos : tNeg;
      const w = labels[i] === 1 ? wPos : wNeg;
      const p = sigmoid(a * z + b);
      const d = (p - y) * w;
      const h = p * (1 - p) * w;
      gA += d * z;
      gB += d;
      hAA += h * z * z;
      hAB += h * z;
      hBB += h;
    }
    const det = hAA * hBB - hAB * hAB;
    if (Math.abs(det) < 1e-12) break;
    const da = (hBB * gA - hAB * gB) / det;
    const db = (hAA * gB - hAB * gA) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { slope: a, intercept: b };
}

/** The record-level logit (max over its windows) of every record, from a model. */
function recordLogits(model: InjectionModel, examples: readonly Example[], groups: number): Float64Array {
  const out = new Float64Array(groups).fill(-Infinity);
  for (const e of examples) {
    const z = exampleLogit(model.textWeights, model.denseWeights, model.bias, e);
    if (z > (out[e.group] ?? -Infinity)) out[e.group] = z;
  }
  return out;
}

/**
 * Fits the character model, the weights and the calibration: the calibration is fitted on out-of-fold
 * logits (each record scored by a model trained without it), so a score of 0.5 means even odds on texts the
 * model has not seen, not on its own training data.
 */
export function trainModel(
  records: readonly LabelledRecord[],
  options: TrainOptions,
  training: Record<string, unknown>,
  log?: (line: string) => void,
): InjectionModel {
  const charModel = charModelOf(records);
  const examples = toExamples(records, charModel);
  let calibration = IDENTITY_CALIBRATION;
  if (options.calibrationFolds >= 2) {
    const fold = (g: number): number => Math.imul(g + 1, 0x9e3779b1) >>> 0;
    const logits = new Float64Array(records.length);
    for (let k = 0; k < options.calibrationFolds; k++) {
      const inFold = (g: number): boolean => fold(g) % options.calibrationFolds === k;
      const m = train(
        examples.filter((e) => !inFold(e.group)),
        { ...options, seed: options.seed + k + 1 },
        charModel,
        {},
      );
      const z = recordLogits(m, examples.filter((e) => inFold(e.group)), records.length);
      for (let g = 0; g < records.length; g++) if (inFold(g)) logits[g] = z[g] ?? 0;
    }
    calibration = fitPlatt(Array.from(logits), records.map((r) => (r.label === 'attack' ? 1 : 0)), options.calibrationPrior);
    log?.(`  calibration  slope ${calibration.slope.toFixed(3)}, intercept ${calibration.intercept.toFixed(3)} (${options.calibrationFolds}-fold out-of-fold logits)`);
  }
  const model = train(examples, options, charModel, training, (epoch, loss) => log?.(`  epoch ${String(epoch).padStart(2)}     loss ${loss.toFixed(4)}`));
  return { ...model, calibration };
}
