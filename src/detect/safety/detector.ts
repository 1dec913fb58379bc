// The content-safety detector: one finding per harm category whose calibrated score reaches the threshold,
// with a severity, on any segment (prompts, answers, tool results, documents). Findings carry offsets into the
// original text (the strongest cue of the category, or the scored window) and a keyed hash, never the text.
//
// Severity says how harmful, confidence how sure: `high` when the score is at least 0.9, or at least 0.7 with
// a severe cue of the category (mass-casualty weapons, sexual content with minors, direct threats, suicidal
// intent, dehumanising language); `medium` at 0.7 or with a severe cue; otherwise `low`.
import { CONFIDENCE, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';
import { toOriginalRange } from '../injection/normalize.ts';
import { CUES } from './lexicon.ts';
import { classifySafety, HEADS, SAFETY_DENSE_FEATURES, type SafetyClassification, type SafetyModel } from './model.ts';
import { SAFETY_TYPES, type SafetySeverity, type SafetyType } from './types.ts';

export const SAFETY_DETECTOR_ID = 'content-safety';
export const DEFAULT_SAFETY_THRESHOLD = 0.5;

export interface SafetyDetectorOptions {
  readonly model: SafetyModel;
  /** Calibrated score at or above which a category is reported (default 0.5). */
  readonly threshold?: number;
  /** Categories to report (default all). */
  readonly types?: readonly SafetyType[];
}

export interface SafetyAssessment {
  readonly type: SafetyType;
  readonly score: number;
  readonly severity: SafetySeverity;
  readonly start: number;
  readonly end: number;
}

export interface SafetyDetector extends Detector {
  /** Every category's assessment, reported or not (for evaluation and `palisade scan`). */
  assess(text: string): SafetyAssessment[];
}

function severityOf(score: number, severeCue: boolean): SafetySeverity {
  if (score >= 0.9 || (score >= 0.7 && severeCue)) return 'high';
  if (score >= 0.7 || severeCue) return 'medium';
  return 'low';
}

function confidenceFor(score: number, threshold: number): number {
  const margin = threshold >= 1 ? 1 : (score - threshold) / (1 - threshold);
  if (margin >= 0.6) return CONFIDENCE.high;
  if (margin >= 0.3) return CONFIDENCE.medium;
  return CONFIDENCE.low;
}

/** The strongest positively weighted cue of head k in its best window, and whether a severe cue of the category is there. */
function evidence(model: SafetyModel, c: SafetyClassification, k: number): { start: number; end: number; severe: boolean } {
  const type = SAFETY_TYPES[k];
  const [from, to] = c.windows[k] ?? [0, c.view.text.length];
  const D = SAFETY_DENSE_FEATURES.length;
  let best: { start: number; end: number } | undefined;
  let bestWeight = 0;
  let severe = false;
  for (const m of c.matches) {
    if (m.start < from || m.start >= to) continue;
    const def = CUES[m.cue];
    if (def !== undefined && def.group === type && def.severe) severe = true;
    const w = model.denseWeights[k * D + m.cue] ?? 0;
    if (w > bestWeight) {
      bestWeight = w;
      best = { start: m.start, end: m.end };
    }
  }
  const range = best ?? { start: from, end: Math.min(to, c.view.text.length) };
  return { ...toOriginalRange(c.view, range.start, range.end), severe };
}

export function createSafetyDetector(options: SafetyDetectorOptions): SafetyDetector {
  const { model } = options;
  const threshold = options.threshold ?? DEFAULT_SAFETY_THRESHOLD;
  const wanted = new Set<SafetyType>(options.types ?? SAFETY_TYPES);

  function assess(text: string): SafetyAssessment[] {
    if (text.length === 0) return [];
    const c = classifySafety(model, text);
    const out: SafetyAssessment[] = [];
    for (let k = 0; k < HEADS; k++) {
      const type = SAFETY_TYPES[k];
      if (type === undefined) continue;
      const score = c.scores[k] ?? 0;
      const ev = evidence(model, c, k);
      const range = ev.end > ev.start ? ev : { start: 0, end: text.length };
      out.push({ type, score, severity: severityOf(score, ev.severe), start: range.start, end: range.end });
    }
    return out;
  }

  return {
    id: SAFETY_DETECTOR_ID,
    types: SAFETY_TYPES.filter((t) => wanted.has(t)),
    categories: Object.fromEntries(SAFETY_TYPES.filter((t) => wanted.has(t)).map((t) => [t, ['harmful-content', t.toLowerCase().replace('_', '-')]])),
    // Folds the text itself (leetspeak, homoglyphs, invisible characters) and maps offsets back.
    input: 'original',
    assess,
    scan(text: string, ctx: ScanContext): Finding[] {
      return assess(text)
        .filter((a) => wanted.has(a.type) && a.score >= threshold)
        .map((a) => ({
          detector: SAFETY_DETECTOR_ID,
          type: a.type,
          confidence: confidenceFor(a.score, threshold),
          start: a.start,
          end: a.end,
          valueHash: ctx.hashValue(text.slice(a.start, a.end)),
          score: a.score,
          severity: a.severity,
        }));
    },
  };
}
