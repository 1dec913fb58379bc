// Training of the linear model: L2-regularised logistic regression fitted with AdaGrad over the same
// features the detector computes (features.ts), windows included. Pure TypeScript, deterministic for a seed.
import type { LabelledRecord } from './dataset.ts';
import { seededRandom } from '../../core/random.ts';
import { DENSE_FEATURES, denseFeatures, forEachCharGram, forEachWordGram, HASH_BITS, HASH_DIM, windowsOf } from './features.ts';
import { sigmoid, type InjectionModel } from './model.ts';
import { normalize } from './normalize.ts';
import { findSignals } from './signals.ts';

export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty on the n-gram weights (applied where a feature occurs, scaled per update). */
  readonly l2Text: number;
  readonly l2Dense: number;
  readonly seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 12, learningRate: 0.2, l2Text: 1e-3, l2Dense: 1e-4, seed: 20_251_126 };

/** One window of one record, as sparse n-gram features plus the dense vector. */
export interface Example {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly dense: Float64Array;
  readonly label: 0 | 1;
  readonly weight: number;
}

function sparse(view: string, from: number, to: number): { indices: Int32Array; values: Float32Array } {
  const words = new Map<number, number>();
  const nw = forEachWordGram(view, from, to, (i) => words.set(i, (words.get(i) ?? 0) + 1));
  const chars = new Map<number, number>();
  const nc = forEachCharGram(view, from, to, (i) => chars.set(i, (chars.get(i) ?? 0) + 1));
  // Scaled exactly as windowLogit scales them: 1/sqrt(count) per family; a hash shared by both families adds up.
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

/** Turns records into window examples; each record's windows share its weight so long texts do not dominate. */
export function toExamples(records: readonly LabelledRecord[]): Example[] {
  const attacks = records.filter((r) => r.label === 'attack').length;
  const benign = records.length - attacks;
  // Balanced class weights: each class contributes half of the loss.
  const classWeight = { attack: records.length / (2 * Math.max(1, attacks)), benign: records.length / (2 * Math.max(1, benign)) };
  const out: Example[] = [];
  for (const r of records) {
    const view = normalize(r.text);
    const matches = findSignals(view.text);
    const windows = windowsOf(view.text.length);
    for (const [from, to] of windows) {
      const dense = new Float64Array(DENSE_FEATURES.length);
      denseFeatures(matches, view.stats, from, to, dense);
      out.push({
        ...sparse(view.text, from, to),
        dense,
        label: r.label === 'attack' ? 1 : 0,
        weight: classWeight[r.label] / windows.length,
      });
    }
  }
  return out;
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
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = t;
    }
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
  return { hashBits: HASH_BITS, textWeights, denseWeights, bias, training };
}
