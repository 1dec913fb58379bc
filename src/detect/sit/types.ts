// The shape of a sensitive information type: how candidates are found (an anchor and a pattern), how
// they are confirmed (a validator), and how confident a match is (supporting keywords, exclusions).
import type { ConfidenceLevel } from '../../core/finding.ts';

export type SitCategory =
  | 'financial'
  | 'national-id'
  | 'contact'
  | 'network'
  | 'medical'
  | 'personal'
  | 'crypto'
  | 'secret';

/** Policy-facing names of a SIT category: `government-id` is what the one-click templates (and Purview) call national ids. */
export function policyCategories(category: SitCategory): readonly string[] {
  return category === 'national-id' ? ['national-id', 'government-id'] : [category];
}

/**
 * Where the prefilter looks: `digits` = around runs of digits (with at least `minDigits` digits nearby),
 * `at` = around '@', `colon` = around ':', `keyword` = after a supporting keyword only, `finder` = the
 * type's own `find` function (dictionary-based types).
 */
export type SitAnchor = 'digits' | 'at' | 'colon' | 'keyword' | 'finder';

export interface SitDefinition {
  readonly id: string;
  readonly name: string;
  readonly category: SitCategory;
  /** ISO country code when the type is national. */
  readonly country?: string;
  readonly anchor: SitAnchor;
  /** Fewest digits a digits-anchored region must hold before the pattern runs. */
  readonly minDigits?: number;
  /** Shortest whitespace-delimited token that can hold a value (digit-anchored prefilter). */
  readonly minToken?: number;
  /** For `finder` types: candidate [start, end) ranges, in order. Must be linear in the text. */
  readonly find?: (text: string) => Iterable<readonly [number, number]>;
  /** Global regex run inside the anchored region; the whole match is the value. */
  readonly pattern: RegExp;
  readonly validate?: (value: string) => boolean;
  /** Shown in the generated table. */
  readonly validatorName?: string;
  /** Supporting keywords within the proximity window (case-insensitive, whole words). */
  readonly keywords?: readonly string[];
  /** Confidence of a validated match without keywords; absent means keywords are required. */
  readonly plain?: ConfidenceLevel;
  /** Confidence of a validated match with a supporting keyword. */
  readonly withKeyword: ConfidenceLevel;
  /** Words right before a value (24 characters) that make it something else, e.g. "version 1.2.3.4"; lower one level. */
  readonly antiKeywords?: readonly string[];
  /** Exclusions (test numbers, repeated digits, example values) lower the confidence one level. */
  readonly exclude?: (value: string) => boolean;
  readonly exclusionName?: string;
  /** Per-type override of the rule above, e.g. formatted vs unformatted numbers. */
  readonly score?: (value: string, hasKeyword: boolean) => ConfidenceLevel | undefined;
  /** Canonical form hashed for correlation (e.g. digits only), so formatting does not change the hash. */
  readonly canonical?: (value: string) => string;
  /** Human-readable confidence rules for the generated docs. */
  readonly rules?: string;
}
