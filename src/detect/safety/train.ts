// Training of the content-safety heads: one-vs-rest logistic regression per harm category over the shared
// features, fitted together with AdaGrad (L2-regularised, classes balanced per head), then Platt-calibrated
// per head on out-of-fold logits. Pure TypeScript, deterministic for a seed.
import { seededRandom } from '../../core/random.ts';
import { windowsOf } from '../injection/features.ts';
import { normalize } from '../injection/normalize.ts';
import { fitPlatt, shuffle, sparse } from '../injection/train.ts';
import type { SafetyRecord } from './dataset.ts';
import { findCues } from './lexicon.ts';
import { HEADS, SAFETY_DENSE_FEATURES, SAFETY_HASH_DIM, safetyDense, sigmoid, type Calibration, type SafetyModel } from './model.ts';
import { SAFETY_TYPES } from './types.ts';

export interface SafetyTrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2Text: number;
  readonly l2Dense: number;
  readonly seed: number;
  /** Weight of a harmful record of another category as a negative of a head (texts often touch several). */
  readonly otherHarmWeight: number;
  readonly calibrationFolds: number;
  /**
   * The share of harmful texts of a category the calibrated score assumes: harm of any one category is rare in
   * real traffic, so a score of 0.5 should need strong evidence (see fitPlatt).
   */
  readonly calibrationPrior: number;
}

export const DEFAULT_SAFETY_TRAIN_OPTIONS: SafetyTrainOptions = {
  epochs: 10,
  learningRate: 0.2,
  // Stronger than the injection model's: harmful prompts share a style (short questions) with ordinary ones,
  // and the n-grams must not learn the style instead of the harm.
  l2Text: 2.5e-3,
  l2Dense: 1e-4,
  seed: 20_251_205,
  otherHarmWeight: 0.3,
  calibrationFolds: 3,
  calibrationPrior: 0.15,
};

interface Example {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly dense: Float64Array;
  /** Per head: 1 positive, 0 negative. */
  readonly labels: Uint8Array;
  /** Per head: the example's weight (0: not used by that head). */
  readonly weights: Float32Array;
  readonly group: number;
}

function headOf(r: SafetyRecord): number {
  return r.type === undefined ? -1 : SAFETY_TYPES.indexOf(r.type);
}

/** Records whose harm is outside the six types (`other-harm`) carry no label for any head and are left out. */
export function usableRecords(records: readonly SafetyRecord[]): SafetyRecord[] {
  return records.filter((r) => r.label === 'benign' || r.type !== undefined);
}

function toExamples(records: readonly SafetyRecord[], options: SafetyTrainOptions): Example[] {
  const pos = new Float64Array(HEADS);
  const neg = new Float64Array(HEADS);
  for (const r of records) {
    const h = headOf(r);
    for (let k = 0; k < HEADS; k++) {
      if (k === h) pos[k] = (pos[k] ?? 0) + 1;
      else neg[k] = (neg[k] ?? 0) + (r.label === 'benign' ? 1 : options.otherHarmWeight);
    }
  }
  const out: Example[] = [];
  records.forEach((r, group) => {
    const view = normalize(r.text);
    const matches = findCues(view.text);
    const windows = windowsOf(view.text.length);
    const h = headOf(r);
    for (const [from, to] of windows) {
      const dense = new Float64Array(SAFETY_DENSE_FEATURES.length);
      safetyDense(matches, from, to, dense);
      const labels = new Uint8Array(HEADS);
      const weights = new Float32Array(HEADS);
      for (let k = 0; k < HEADS; k++) {
        // Each head's positives and negatives weigh the same in total.
        const total = (pos[k] ?? 0) + (neg[k] ?? 0);
        if (k === h) {
          labels[k] = 1;
          weights[k] = total / (2 * Math.max(1, pos[k] ?? 0));
        } else {
          weights[k] = ((r.label === 'benign' ? 1 : options.otherHarmWeight) * total) / (2 * Math.max(1, neg[k] ?? 0));
        }
        weights[k] = (weights[k] ?? 0) / windows.length;
      }
      out.push({ ...sparse(view.text, from, to, SAFETY_HASH_DIM - 1), dense, labels, weights, group });
    }
  });
  return out;
}

function logitsOf(m: SafetyModel, e: Example, out: Float64Array): void {
  const D = SAFETY_DENSE_FEATURES.length;
  for (let k = 0; k < HEADS; k++) {
    let z = m.bias[k] ?? 0;
    for (let j = 0; j < D; j++) z += (e.dense[j] ?? 0) * (m.denseWeights[k * D + j] ?? 0);
    out[k] = z;
  }
  for (let n = 0; n < e.indices.length; n++) {
    const base = (e.indices[n] ?? 0) * HEADS;
    const v = e.values[n] ?? 0;
    for (let k = 0; k < HEADS; k++) out[k] = (out[k] ?? 0) + (m.textWeights[base + k] ?? 0) * v;
  }
}

function fit(examples: readonly Example[], options: SafetyTrainOptions): SafetyModel {
  const D = SAFETY_DENSE_FEATURES.length;
  const model: SafetyModel = {
    textWeights: new Float32Array(SAFETY_HASH_DIM * HEADS),
    denseWeights: new Float64Array(HEADS * D),
    bias: new Float64Array(HEADS),
    calibration: SAFETY_TYPES.map(() => ({ slope: 1, intercept: 0 })),
    training: {},
  };
  const textG = new Float32Array(SAFETY_HASH_DIM * HEADS);
  const denseG = new Float64Array(HEADS * D);
  const biasG = new Float64Array(HEADS);
  const z = new Float64Array(HEADS);
  const g = new Float64Array(HEADS);
  const lr = options.learningRate;
  const eps = 1e-8;
  const rnd = seededRandom(options.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, rnd);
    for (const idx of order) {
      const e = examples[idx];
      if (e === undefined) continue;
      logitsOf(model, e, z);
      for (let k = 0; k < HEADS; k++) g[k] = (sigmoid(z[k] ?? 0) - (e.labels[k] ?? 0)) * (e.weights[k] ?? 0);
      for (let n = 0; n < e.indices.length; n++) {
        const base = (e.indices[n] ?? 0) * HEADS;
        const v = e.values[n] ?? 0;
        for (let k = 0; k < HEADS; k++) {
          const gk = g[k] ?? 0;
          const w = model.textWeights[base + k] ?? 0;
          if (gk === 0 && w === 0) continue;
          const grad = gk * v + options.l2Text * w;
          const G = (textG[base + k] ?? 0) + grad * grad;
          textG[base + k] = G;
          model.textWeights[base + k] = w - (lr * grad) / (Math.sqrt(G) + eps);
        }
      }
      for (let k = 0; k < HEADS; k++) {
        const gk = g[k] ?? 0;
        for (let j = 0; j < D; j++) {
          const x = e.dense[j] ?? 0;
          const w = model.denseWeights[k * D + j] ?? 0;
          if (x === 0 && w === 0) continue;
          const grad = gk * x + options.l2Dense * w;
          const G = (denseG[k * D + j] ?? 0) + grad * grad;
          denseG[k * D + j] = G;
          model.denseWeights[k * D + j] = w - (lr * grad) / (Math.sqrt(G) + eps);
        }
        biasG[k] = (biasG[k] ?? 0) + gk * gk;
        model.bias[k] = (model.bias[k] ?? 0) - (lr * gk) / (Math.sqrt(biasG[k] ?? 0) + eps);
      }
    }
  }
  return model;
}

/**
 * Trains the heads on the usable records and calibrates each on out-of-fold logits (each record scored by a
 * model trained without it), fitted on that head's positives against the benign records.
 */
export function trainSafetyModel(
  all: readonly SafetyRecord[],
  options: SafetyTrainOptions,
  training: Record<string, unknown>,
  log?: (line: string) => void,
): SafetyModel {
  const records = usableRecords(all);
  const examples = toExamples(records, options);
  let calibration: Calibration[] = SAFETY_TYPES.map(() => ({ slope: 1, intercept: 0 }));
  if (options.calibrationFolds >= 2) {
    const fold = (gi: number): number => (Math.imul(gi + 1, 0x9e3779b1) >>> 0) % options.calibrationFolds;
    const oof = records.map(() => new Float64Array(HEADS).fill(-Infinity));
    const z = new Float64Array(HEADS);
    for (let f = 0; f < options.calibrationFolds; f++) {
      const m = fit(examples.filter((e) => fold(e.group) !== f), { ...options, seed: options.seed + f + 1 });
      for (const e of examples) {
        if (fold(e.group) !== f) continue;
        logitsOf(m, e, z);
        const row = oof[e.group];
        if (row === undefined) continue;
        for (let k = 0; k < HEADS; k++) if ((z[k] ?? 0) > (row[k] ?? -Infinity)) row[k] = z[k] ?? 0;
      }
    }
    calibration = SAFETY_TYPES.map((_, k) => {
      const logits: number[] = [];
      const labels: Array<0 | 1> = [];
      records.forEach((r, gi) => {
        const h = headOf(r);
        if (h !== k && r.label !== 'benign') return;
        logits.push(oof[gi]?.[k] ?? 0);
        labels.push(h === k ? 1 : 0);
      });
      return fitPlatt(logits, labels, options.calibrationPrior);
    });
    log?.(`  calibration  ${SAFETY_TYPES.map((t, k) => `${t} ${calibration[k]?.slope.toFixed(2)}/${calibration[k]?.intercept.toFixed(2)}`).join(', ')}`);
  }
  const model = fit(examples, options);
  return { ...model, calibration, training };
}
