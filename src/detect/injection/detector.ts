// The injection detector: one classifier, judged per segment source. The same words count differently by
// where they come from: an instruction in a tool result or a retrieved document is how indirect injection
// works, so those sources have lower thresholds than a user's own prompt, and their findings are typed
// INDIRECT_INJECTION. Findings carry offsets into the original text and a keyed hash, never the text.
import { categoriesFor, CONFIDENCE, type Detector, type Finding, type ScanContext, type SegmentSource } from '../../core/finding.ts';
import { DEFAULT_INJECTION_THRESHOLDS } from '../../core/config/injection.ts';
import { classify, type Classification, type InjectionModel } from './model.ts';
import { toOriginalRange } from './normalize.ts';
import { SIGNALS } from './signals.ts';

export const INJECTION_DETECTOR_ID = 'injection';
export const INJECTION_TYPES = ['PROMPT_INJECTION', 'JAILBREAK', 'INDIRECT_INJECTION', 'PROMPT_LEAK'] as const;
export type InjectionType = (typeof INJECTION_TYPES)[number];

export type InjectionThresholdMap = Readonly<Record<SegmentSource, number>>;

export interface InjectionDetectorOptions {
  readonly model: InjectionModel;
  /** Per-source thresholds; missing sources use the defaults of the `injection` config section. */
  readonly thresholds?: Partial<InjectionThresholdMap>;
}

/** The detector's judgement of one text, before it becomes a finding. */
export interface InjectionAssessment {
  readonly score: number;
  readonly threshold: number;
  readonly flagged: boolean;
  readonly type: InjectionType;
  /** Evidence range in the original text. */
  readonly start: number;
  readonly end: number;
}

export interface InjectionDetector extends Detector {
  assess(text: string, source: SegmentSource): InjectionAssessment;
}

/**
 * Unicode tag characters that spell out at least this many hidden ASCII characters are an attack whatever
 * the classifier says: no honest prompt or document hides text that way.
 */
const HIDDEN_TAG_MIN = 4;
const HIDDEN_TAG_SCORE = 0.95;

const JAILBREAK_GROUPS = new Set(['jailbreak', 'roleplay']);

function typeFor(source: SegmentSource, c: Classification, from: number, to: number): InjectionType {
  if (source === 'tool-result' || source === 'document') return 'INDIRECT_INJECTION';
  let jailbreak = 0;
  let injection = 0;
  for (const m of c.matches) {
    if (m.start < from || m.start >= to) continue;
    const group = SIGNALS[m.signal]?.group;
    if (group === undefined) continue;
    if (JAILBREAK_GROUPS.has(group)) jailbreak++;
    else injection++;
  }
  return jailbreak > injection ? 'JAILBREAK' : 'PROMPT_INJECTION';
}

/** The run of tag characters (surrogate pairs U+DB40 U+DC00–DC7F) starting at the first one, if any. */
function hiddenTagRun(text: string): { start: number; end: number; count: number } | undefined {
  const first = text.indexOf('\udb40');
  if (first < 0) return undefined;
  let i = first;
  let count = 0;
  while (i + 1 < text.length && text.charCodeAt(i) === 0xdb40) {
    const low = text.charCodeAt(i + 1);
    if (low < 0xdc00 || low > 0xdc7f) break;
    count++;
    i += 2;
  }
  return count > 0 ? { start: first, end: i, count } : undefined;
}

/** The evidence: the strongest positively weighted signal in the best window, else the window itself. */
function evidence(model: InjectionModel, c: Classification): { start: number; end: number } {
  let best: { start: number; end: number } | undefined;
  let bestWeight = 0;
  for (const m of c.matches) {
    if (m.start < c.windowStart || m.start >= c.windowEnd) continue;
    // Signal i's own dense feature is DENSE_FEATURES[i]: the signals come first in that list.
    const w = model.denseWeights[m.signal] ?? 0;
    if (w > bestWeight) {
      bestWeight = w;
      best = { start: m.start, end: m.end };
    }
  }
  const range = best ?? { start: c.windowStart, end: Math.min(c.windowEnd, c.view.text.length) };
  return toOriginalRange(c.view, range.start, range.end);
}

function confidenceFor(score: number, threshold: number): number {
  const margin = threshold >= 1 ? 1 : (score - threshold) / (1 - threshold);
  if (margin >= 0.6) return CONFIDENCE.high;
  if (margin >= 0.3) return CONFIDENCE.medium;
  return CONFIDENCE.low;
}

export function createInjectionDetector(options: InjectionDetectorOptions): InjectionDetector {
  const model = options.model;
  const thresholds: InjectionThresholdMap = { ...DEFAULT_INJECTION_THRESHOLDS, ...options.thresholds };

  function assess(text: string, source: SegmentSource): InjectionAssessment {
    const threshold = thresholds[source];
    if (text.length === 0) return { score: 0, threshold, flagged: false, type: 'PROMPT_INJECTION', start: 0, end: 0 };
    const c = classify(model, text);
    let score = c.score;
    let range = evidence(model, c);
    const hidden = hiddenTagRun(text);
    if (hidden !== undefined && hidden.count >= HIDDEN_TAG_MIN && score < HIDDEN_TAG_SCORE) {
      score = HIDDEN_TAG_SCORE;
      range = { start: hidden.start, end: hidden.end };
    }
    if (range.end <= range.start) range = { start: 0, end: text.length };
    return {
      score,
      threshold,
      flagged: score >= threshold,
      type: typeFor(source, c, c.windowStart, c.windowEnd),
      start: range.start,
      end: range.end,
    };
  }

  return {
    id: INJECTION_DETECTOR_ID,
    types: INJECTION_TYPES,
    categories: categoriesFor(INJECTION_TYPES, ['attack']),
    // The detector folds the text itself (normalize.ts) and must see what the shared normaliser removes:
    // Unicode tag characters hide whole instructions.
    input: 'original',
    assess,
    scan(text: string, ctx: ScanContext): Finding[] {
      const a = assess(text, ctx.source);
      if (!a.flagged) return [];
      return [
        {
          detector: INJECTION_DETECTOR_ID,
          type: a.type,
          confidence: confidenceFor(a.score, a.threshold),
          start: a.start,
          end: a.end,
          valueHash: ctx.hashValue(text.slice(a.start, a.end)),
          score: a.score,
        },
      ];
    },
  };
}
