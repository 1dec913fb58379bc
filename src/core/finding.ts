// The detector contract shared by every detector (sensitive information types, secrets, injection).
// Findings never carry the matched value: only offsets and a keyed hash of it.
import type { RedactionStyle } from './config/policy.ts';

/** Purview's confidence scale. */
export const CONFIDENCE = { low: 65, medium: 75, high: 85 } as const;
export type ConfidenceLevel = keyof typeof CONFIDENCE;
export type ConfidenceScore = (typeof CONFIDENCE)[ConfidenceLevel];

export function confidenceLevel(score: number): ConfidenceLevel | undefined {
  if (score >= CONFIDENCE.high) return 'high';
  if (score >= CONFIDENCE.medium) return 'medium';
  if (score >= CONFIDENCE.low) return 'low';
  return undefined;
}

/** Where a piece of text came from; detectors may judge the same words differently per source. */
export type SegmentSource = 'user' | 'system' | 'assistant' | 'tool-result' | 'document' | 'model-output';

export interface Finding {
  /** The detector that produced it. */
  readonly detector: string;
  /** The sensitive information type or attack type, e.g. `CREDIT_CARD`, `PROMPT_INJECTION`. */
  readonly type: string;
  /** 65 / 75 / 85. */
  readonly confidence: number;
  /** UTF-16 offsets into the original text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Keyed hash of the matched value, for correlation without disclosure. */
  readonly valueHash: string;
  /** A detector score in [0, 1] where the detector has one (injection classifiers). */
  readonly score?: number;
  /** How harmful the content is, for content-safety findings (harm categories). */
  readonly severity?: 'low' | 'medium' | 'high';
}

/** Hashes a matched value with the installation's key. */
export type ValueHasher = (value: string) => string;

export interface ScanContext {
  readonly source: SegmentSource;
  readonly hashValue: ValueHasher;
}

/**
 * Policy categories of a detector's types (e.g. `secret`, `financial`, `government-id`, `attack`): what a
 * policy's `sit.categories` and the one-click templates select by. Every type a detector emits has at least one.
 */
export type TypeCategories = Readonly<Record<string, readonly string[]>>;

/** Categories for a list of types that all belong to the same ones. */
export function categoriesFor(types: readonly string[], categories: readonly string[]): TypeCategories {
  const out: Record<string, readonly string[]> = {};
  for (const t of types) out[t] = categories;
  return out;
}

/**
 * A detector: an id, the types it emits with their policy categories, and a pure scan. Registered in one
 * static list; shared code learns what a type is from `categories`, never from the detector's id or a type prefix.
 */
export interface Detector {
  readonly id: string;
  readonly types: readonly string[];
  readonly categories: TypeCategories;
  /**
   * Types whose redaction is always this style whatever a policy asks (hidden characters are stripped:
   * replacing an invisible run with a visible placeholder would change what a person sees).
   */
  readonly fixedRedaction?: Readonly<Record<string, RedactionStyle>>;
  /**
   * Also run on derived views: decoded base64 / hex / URL-encoded payloads, values joined across a line
   * break or across two segments of a request (default false: the detector sees the text as sent).
   */
  readonly derivedViews?: boolean;
  /**
   * Which text the detector scans: `normalized` (default: NFKC, invisible characters removed, offsets mapped
   * back by the engine) or `original` (the caller's text as sent, for detectors that do their own folding
   * or look for exactly what normalisation removes; their offsets are already original).
   */
  readonly input?: 'normalized' | 'original';
  scan(text: string, ctx: ScanContext): Finding[];
}

/**
 * A detector that asks a remote service (an injection shield, a moderation API). Asynchronous, so it runs
 * only where the request path can wait for it; it returns no findings for sources it does not cover, and
 * turns a failure into findings or none according to its fail mode, never into an exception.
 */
export interface ExternalCheck {
  readonly name: string;
  readonly types: readonly string[];
  appliesTo(source: SegmentSource): boolean;
  scan(text: string, ctx: ScanContext): Promise<Finding[]>;
}
