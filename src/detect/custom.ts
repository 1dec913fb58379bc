// Custom sensitive information types from palisade.yaml: RE2 patterns (linear time, so an admin's
// pattern cannot stall the gateway) and keyword lists, all keyword lists and supporting keywords found
// in one Aho–Corasick pass. Each type: validator by name, supporting keywords within a proximity,
// minimum instance count, confidence with and without keywords.
import RE2 from 're2';
import type { CustomTypeConfig, DetectionConfig } from '../core/config/detection.ts';
import { CONFIDENCE, type Detector, type Finding, type ScanContext } from '../core/finding.ts';
import { AhoCorasick, type LiteralPattern } from './aho-corasick.ts';
import { VALIDATORS } from './validators.ts';

interface CompiledCustom {
  readonly def: CustomTypeConfig;
  readonly re: RE2 | undefined;
  readonly validate: ((value: string) => boolean) | undefined;
  readonly proximity: number;
  readonly hasKeywords: boolean;
}

/** What an Aho–Corasick pattern stands for: a value of a list-based type, or a supporting keyword. */
type Role = { readonly kind: 'value'; readonly type: number } | { readonly kind: 'support'; readonly type: number };

const isWordUnit = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c > 127 && /[\p{L}\p{N}]/u.test(String.fromCharCode(c)));

function wholeWord(text: string, start: number, end: number): boolean {
  return (start === 0 || !isWordUnit(text.charCodeAt(start - 1))) && (end >= text.length || !isWordUnit(text.charCodeAt(end)));
}

/** True when the sorted `positions` hold a value in [lo, hi]. */
function anyWithin(positions: readonly number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = positions.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if ((positions[mid] ?? 0) < lo) a = mid + 1;
    else b = mid;
  }
  return a < positions.length && (positions[a] ?? 0) <= hi;
}

export function createCustomDetector(config: DetectionConfig, id = 'custom'): Detector | undefined {
  if (config.customTypes.length === 0) return undefined;
  const lists = new Map(config.keywordLists.map((l) => [l.id, l]));
  const compiled: CompiledCustom[] = config.customTypes.map((def) => ({
    def,
    re: def.pattern !== undefined ? new RE2(def.pattern, def.caseSensitive ? 'gu' : 'giu') : undefined,
    validate: def.validator !== undefined ? VALIDATORS[def.validator] : undefined,
    proximity: def.proximity ?? config.proximity,
    hasKeywords: def.keywords.length > 0 || def.keywordLists.length > 0,
  }));
  const patterns: LiteralPattern[] = [];
  const roles: Role[] = [];
  compiled.forEach((c, type) => {
    if (c.def.keywordList !== undefined) {
      const list = lists.get(c.def.keywordList);
      for (const w of list?.words ?? []) {
        patterns.push({ text: w, caseInsensitive: list?.caseSensitive !== true });
        roles.push({ kind: 'value', type });
      }
    }
    for (const w of c.def.keywords) {
      patterns.push({ text: w, caseInsensitive: true });
      roles.push({ kind: 'support', type });
    }
    for (const l of c.def.keywordLists) {
      const list = lists.get(l);
      for (const w of list?.words ?? []) {
        patterns.push({ text: w, caseInsensitive: list?.caseSensitive !== true });
        roles.push({ kind: 'support', type });
      }
    }
  });
  const matcher = patterns.length > 0 ? new AhoCorasick(patterns) : undefined;

  return {
    id,
    types: compiled.map((c) => c.def.id),
    derivedViews: true,
    categories: Object.fromEntries(compiled.map((c) => [c.def.id, [...new Set(['custom', ...c.def.categories])]])),
    scan(text: string, ctx: ScanContext): Finding[] {
      const values: [number, number][][] = compiled.map(() => []);
      const support: number[][] = compiled.map(() => []);
      matcher?.scan(text, (idx, start, end) => {
        const role = roles[idx];
        if (role === undefined || !wholeWord(text, start, end)) return;
        if (role.kind === 'value') values[role.type]?.push([start, end]);
        else support[role.type]?.push(start);
      });
      const out: Finding[] = [];
      compiled.forEach((c, type) => {
        const candidates = values[type] ?? [];
        if (c.re !== undefined) {
          c.re.lastIndex = 0;
          for (let m = c.re.exec(text); m !== null; m = c.re.exec(text)) {
            if (m[0].length === 0) {
              c.re.lastIndex++;
              continue;
            }
            candidates.push([m.index, m.index + m[0].length]);
          }
        }
        const kept: Finding[] = [];
        const keywordsAt = (support[type] ?? []).sort((a, b) => a - b);
        for (const [start, end] of candidates) {
          const value = text.slice(start, end);
          if (c.validate !== undefined && !c.validate(value)) continue;
          const near = anyWithin(keywordsAt, start - c.proximity, end + c.proximity);
          const level = !c.hasKeywords || near ? c.def.confidence : c.def.confidenceWithoutKeywords;
          if (level === undefined) continue;
          kept.push({ detector: id, type: c.def.id, confidence: CONFIDENCE[level], start, end, valueHash: ctx.hashValue(value) });
        }
        if (kept.length >= c.def.minCount) out.push(...kept);
      });
      return out;
    },
  };
}
