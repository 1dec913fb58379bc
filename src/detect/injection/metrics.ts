// Binary-classification metrics for the evaluation script: threshold metrics, ROC AUC and the true-positive
// rate at a fixed false-positive rate. Pure functions over (score, label) pairs.

export interface Scored {
  readonly score: number;
  readonly attack: boolean;
}

export interface ThresholdMetrics {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly fpr: number;
  readonly balancedAccuracy: number;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

export function thresholdMetrics(items: readonly Scored[], threshold: number): ThresholdMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const it of items) {
    const flagged = it.score >= threshold;
    if (it.attack) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const tnr = ratio(tn, tn + fp);
  return {
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    fpr: ratio(fp, fp + tn),
    balancedAccuracy: (recall + tnr) / 2,
  };
}

/** Area under the ROC curve (Mann–Whitney U; ties count one half). */
export function rocAuc(items: readonly Scored[]): number {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j < sorted.length && sorted[j]?.score === sorted[i]?.score) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]?.attack) {
        pos++;
        rankSum += avgRank;
      } else neg++;
    }
    i = j;
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** The best recall reachable while the false-positive rate stays at or below `maxFpr`; scores strictly above `threshold` are flagged. */
export function tprAtFpr(items: readonly Scored[], maxFpr: number): { tpr: number; threshold: number } {
  const negatives = items.filter((i) => !i.attack).map((i) => i.score).sort((a, b) => b - a);
  const positives = items.filter((i) => i.attack).map((i) => i.score);
  if (negatives.length === 0 || positives.length === 0) return { tpr: Number.NaN, threshold: Number.NaN };
  const allowed = Math.floor(maxFpr * negatives.length);
  // Flag strictly above the (allowed+1)-th highest negative score.
  const bound = negatives[allowed] ?? -Infinity;
  const tp = positives.filter((s) => s > bound).length;
  return { tpr: tp / positives.length, threshold: bound };
}
