// The one scan API: normalise, run every detector, map offsets back to the caller's text, resolve
// overlaps among the built-in detectors, filter by confidence and type. Pure: text in, findings out.
import { randomBytes } from 'node:crypto';
import { createValueHasher } from '../core/crypto.ts';
import type { RedactionStyle } from '../core/config/policy.ts';
import { CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext, type SegmentSource, type ValueHasher } from '../core/finding.ts';
import { normalizeText } from './normalize.ts';
import { builtinDetectors } from './registry.ts';
import { decodedViews, joinedLineViews, segmentJoint } from './views.ts';

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
  /** The policy categories of a registered type, as its detector declares them; [] for an unknown type. */
  categoriesOf(type: string): readonly string[];
  /** The redaction style a type's detector fixes for it, if any. */
  redactionOf(type: string): RedactionStyle | undefined;
  scan(text: string, options?: ScanOptions): Finding[];
  /**
   * Scans the segments of one request (messages, content parts, in order) so that a value split across two
   * adjacent segments is found: each segment alone, plus the junction of each pair. Offsets are per segment.
   */
  scanSegments(segments: readonly SegmentText[], options?: ScanOptions): SegmentFinding[];
  /**
   * Only the values that straddle the junction of two adjacent segments, one finding per segment part: for
   * callers that already scanned (or cached) each segment alone.
   */
  scanJunctions(segments: readonly SegmentText[], options?: ScanOptions): SegmentFinding[];
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

/** One text of a request (a message, a content part), in request order. */
export interface SegmentText {
  readonly text: string;
  readonly source?: SegmentSource;
}

/** A finding in one segment; a value straddling two segments gives one finding per segment, with the same hash. */
export interface SegmentFinding extends Finding {
  readonly segment: number;
}

const overlapsAny = (f: Finding, list: readonly Finding[]): boolean => list.some((g) => f.start < g.end && g.start < f.end);

export function createDetectionEngine(options: EngineOptions = {}): DetectionEngine {
  const exclusive = options.exclusive ?? builtinDetectors(options.proximity !== undefined ? { proximity: options.proximity } : {});
  const additional = options.additional ?? [];
  const detectors = [...exclusive, ...additional];
  const typeOrder = new Map<string, number>();
  for (const d of exclusive) for (const t of d.types) if (!typeOrder.has(t)) typeOrder.set(t, typeOrder.size);
  const disabled = new Set(options.disabledTypes ?? []);
  const types = [...new Set(detectors.flatMap((d) => d.types))].filter((t) => !disabled.has(t));
  const categories = new Map<string, readonly string[]>();
  const fixed = new Map<string, RedactionStyle>();
  for (const d of detectors) for (const [t, style] of Object.entries(d.fixedRedaction ?? {})) fixed.set(t, style);
  for (const d of detectors) {
    for (const t of d.types) categories.set(t, [...new Set([...(categories.get(t) ?? []), ...(d.categories[t] ?? [])])]);
  }
  const derived = detectors.filter((d) => d.derivedViews === true);

  /** Findings of `text` (already normalised), offsets into it, before sorting. */
  function detect(text: string, ctx: ScanContext, keep: (f: Finding) => boolean, runs: (d: Detector) => boolean): Finding[] {
    const competing: Finding[] = [];
    for (const d of exclusive) if (runs(d)) for (const f of d.scan(text, ctx)) if (keep(f)) competing.push(f);
    // A value broken by a line break: found in a view with the break removed, if it straddles the break.
    const joined = derived.some(runs) ? joinedLineViews(text) : [];
    const straddling = (d: Detector): Finding[] => {
      const found: Finding[] = [];
      for (const view of joined) {
        for (const f of d.scan(view.text, ctx)) {
          if (!keep(f) || !view.joints.some((j) => f.start < j && j < f.end)) continue;
          const [start, end] = view.toOriginal(f.start, f.end);
          found.push({ ...f, start, end });
        }
      }
      return found;
    };
    for (const d of exclusive) if (d.derivedViews === true && runs(d)) competing.push(...straddling(d));
    const out = resolveOverlaps(competing, (f) => typeOrder.get(f.type) ?? 0);
    for (const d of additional) {
      if (!runs(d)) continue;
      for (const f of d.scan(text, ctx)) if (keep(f)) out.push(f);
      if (d.derivedViews === true) out.push(...straddling(d));
    }
    // Payloads in base64, hex or URL encoding: decoded and scanned; a finding covers the encoded bytes.
    // What the text shows as sent wins where both overlap (a JWT stays a JWT, not the e-mail inside it).
    if (derived.some(runs)) {
      const decoded: Finding[] = [];
      for (const view of decodedViews(text)) {
        for (const d of derived) {
          if (!runs(d)) continue;
          for (const f of d.scan(view.text, ctx)) {
            if (!keep(f)) continue;
            const [start, end] = view.toOriginal(f.start, f.end);
            const mapped = { ...f, start, end };
            if (!overlapsAny(mapped, out)) decoded.push(mapped);
          }
        }
      }
      out.push(...resolveOverlaps(decoded, (f) => typeOrder.get(f.type) ?? 0));
    }
    return out;
  }

  function scan(text: string, opts: ScanOptions = {}): Finding[] {
    const hashValue = opts.hashValue ?? defaultHasher();
    const ctx = { source: opts.source ?? 'user', hashValue } as const;
    const norm = normalizeText(text);
    const min = minScore(opts.minConfidence);
    const wanted = opts.types !== undefined ? new Set(opts.types) : undefined;
    const keep = (f: Finding): boolean =>
      f.confidence >= min && !disabled.has(f.type) && (wanted === undefined || wanted.has(f.type));
    // A detector that can emit none of the wanted types is not run at all (policies that only look for
    // secrets never pay for the injection classifier, and the other way round).
    const runs = (d: Detector): boolean => wanted === undefined || d.types.some((t) => wanted.has(t));
    const out = detect(norm.text, ctx, keep, (d) => d.input !== 'original' && runs(d));
    const mapped = norm.identity
      ? out
      : out.map((f) => {
          const [start, end] = norm.toOriginal(f.start, f.end);
          return { ...f, start, end };
        });
    // Detectors that read the original text (hidden characters, prompt injection) report original offsets.
    for (const d of additional) if (d.input === 'original' && runs(d)) for (const f of d.scan(text, ctx)) if (keep(f)) mapped.push(f);
    return mapped.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  function scanJunctions(segments: readonly SegmentText[], opts: ScanOptions = {}): SegmentFinding[] {
    const out: SegmentFinding[] = [];
    for (let i = 0; i + 1 < segments.length; i++) {
      const left = segments[i];
      const right = segments[i + 1];
      if (left === undefined || right === undefined || left.text.length === 0 || right.text.length === 0) continue;
      const { text, joint, leftStart } = segmentJoint(left.text, right.text);
      const source = left.source ?? opts.source;
      for (const f of scan(text, { ...opts, ...(source !== undefined ? { source } : {}) })) {
        if (!(f.start < joint && joint < f.end)) continue;
        // One finding per segment for the part of the value it holds, so each part is redacted where it is.
        out.push({ ...f, segment: i, start: leftStart + f.start, end: left.text.length });
        out.push({ ...f, segment: i + 1, start: 0, end: f.end - joint });
      }
    }
    return out;
  }

  return {
    detectors,
    types,
    categoriesOf: (type) => categories.get(type) ?? [],
    redactionOf: (type) => fixed.get(type),
    scan,
    scanJunctions,
    scanSegments(segments: readonly SegmentText[], opts: ScanOptions = {}): SegmentFinding[] {
      const out: SegmentFinding[] = [];
      segments.forEach((seg, i) => {
        const source = seg.source ?? opts.source;
        for (const f of scan(seg.text, { ...opts, ...(source !== undefined ? { source } : {}) })) out.push({ ...f, segment: i });
      });
      // A straddling value replaces what each segment alone showed of it (e.g. half a key taken for a word).
      const joints = scanJunctions(segments, opts);
      const kept = out.filter((f) => !joints.some((j) => j.segment === f.segment && f.start < j.end && j.start < f.end));
      return [...kept, ...joints].sort((a, b) => a.segment - b.segment || a.start - b.start || a.end - b.end);
    },
  };
}

let defaultEngine: DetectionEngine | undefined;

/** Scans with every built-in detector and default settings. */
export function scan(text: string, options: ScanOptions = {}): Finding[] {
  defaultEngine ??= createDetectionEngine();
  return defaultEngine.scan(text, options);
}
