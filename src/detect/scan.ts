// The one scan API: normalise, run every detector, map offsets back to the caller's text, resolve
// overlaps among the built-in detectors, filter by confidence and type. Pure: text in, findings out.
import { randomBytes } from 'node:crypto';
import { createValueHasher } from '../core/crypto.ts';
import { CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type SegmentSource, type ValueHasher } from '../core/finding.ts';
import { normalizeText } from './normalize.ts';
import { builtinDetectors } from './registry.ts';

export interface ScanOptions {
  /** Hashes matched values; defaults to a per-process random key (hashes then only correlate within the process). */
  readonly hashValue?: ValueHasher;
  readonly source?: SegmentSource;
  /** Drop findings below this level or score (default: low, i.e. everything). */
  readonly minConfidence?: ConfidenceLevel | number;
  /** Only these types. */
  readonly types?: readonly string[];
}

export interface DetectionEngine {
  /** Every detector, built-in first. */
  readonly detectors: readonly Detector[];
  readonly types: readonly string[];
  scan(text: string, options?: ScanOptions): Finding[];
}

export interface EngineOptions {
  readonly proximity?: number;
  /** Detectors whose matches compete for characters with each other (overlaps resolved). Defaults to the built-ins. */
  readonly exclusive?: readonly Detector[];
  /** Extra detectors (custom types, exact data match, prompt injection) whose findings are kept alongside. */
  readonly additional?: readonly Detector[];
  /** Types never reported (palisade.yaml `detection.disabledTypes`). */
  readonly disabledTypes?: readonly string[];
}

let processHasher: ValueHasher | undefined;
function defaultHasher(): ValueHasher {
  processHasher ??= createValueHasher(randomBytes(32));
  return processHasher;
}

export function minScore(min: ConfidenceLevel | number | undefined): number {
  if (min === undefined) return CONFIDENCE.low;
  return typeof min === 'number' ? min : CONFIDENCE[min];
}

/** Better = higher confidence, then longer, then earlier detector order (index). */
function better(a: Finding, ai: number, b: Finding, bi: number): boolean {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  return ai < bi;
}

/**
 * Keeps at most one finding per stretch of overlapping text. Linear after sorting: each finding is
 * compared with the one currently kept.
 */
export function resolveOverlaps(findings: readonly Finding[], order: (f: Finding) => number = () => 0): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && f.start < last.end) {
      if (better(f, order(f), last, order(last))) out[out.length - 1] = f;
      continue;
    }
    out.push(f);
  }
  return out;
}

export function createDetectionEngine(options: EngineOptions = {}): DetectionEngine {
  const exclusive = options.exclusive ?? builtinDetectors(options.proximity !== undefined ? { proximity: options.proximity } : {});
  const additional = options.additional ?? [];
  const detectors = [...exclusive, ...additional];
  const typeOrder = new Map<string, number>();
  for (const d of exclusive) for (const t of d.types) if (!typeOrder.has(t)) typeOrder.set(t, typeOrder.size);
  const disabled = new Set(options.disabledTypes ?? []);
  const types = [...new Set(detectors.flatMap((d) => d.types))].filter((t) => !disabled.has(t));

  return {
    detectors,
    types,
    scan(text: string, opts: ScanOptions = {}): Finding[] {
      const hashValue = opts.hashValue ?? defaultHasher();
      const ctx = { source: opts.source ?? 'user', hashValue } as const;
      const norm = normalizeText(text);
      const min = minScore(opts.minConfidence);
      const wanted = opts.types !== undefined ? new Set(opts.types) : undefined;
      const keep = (f: Finding): boolean =>
        f.confidence >= min && !disabled.has(f.type) && (wanted === undefined || wanted.has(f.type));
      const remap = (f: Finding): Finding => {
        if (norm.identity) return f;
        const [start, end] = norm.toOriginal(f.start, f.end);
        return { ...f, start, end };
      };
      // A detector that can emit none of the wanted types is not run at all (policies that only look for
      // secrets never pay for the injection classifier, and the other way round).
      const runs = (d: Detector): boolean => wanted === undefined || d.types.some((t) => wanted.has(t));
      const competing: Finding[] = [];
      for (const d of exclusive) if (runs(d)) for (const f of d.scan(norm.text, ctx)) if (keep(f)) competing.push(f);
      const out = resolveOverlaps(competing, (f) => typeOrder.get(f.type) ?? 0).map(remap);
      for (const d of additional) {
        if (!runs(d)) continue;
        // Detectors that read the original text (hidden characters, prompt injection) report original offsets.
        const original = d.input === 'original';
        for (const f of d.scan(original ? text : norm.text, ctx)) if (keep(f)) out.push(original ? f : remap(f));
      }
      return out.sort((a, b) => a.start - b.start || a.end - b.end);
    },
  };
}

let defaultEngine: DetectionEngine | undefined;

/** Scans with every built-in detector and default settings. */
export function scan(text: string, options: ScanOptions = {}): Finding[] {
  defaultEngine ??= createDetectionEngine();
  return defaultEngine.scan(text, options);
}
