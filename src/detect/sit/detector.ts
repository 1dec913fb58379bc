// Runs sensitive information type definitions over text: the prefilter finds anchored regions, each
// type's pattern runs only inside regions that can hold it, then validators, keywords and exclusions
// decide the confidence.
import { CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';
import { charRegions, digitRegions, keywordRegExp, mergeWindows, type Region } from '../anchors.ts';
import { policyCategories, type SitDefinition } from './types.ts';

export const DEFAULT_PROXIMITY = 300;

const LOWER: Record<ConfidenceLevel, ConfidenceLevel | undefined> = { high: 'medium', medium: 'low', low: undefined };

/** True when [start, end) lies inside a high-confidence finding made since index `from`. */
function covered(out: readonly Finding[], from: number, start: number, end: number): boolean {
  for (let i = from; i < out.length; i++) {
    const f = out[i] as Finding;
    if (f.confidence >= CONFIDENCE.high && f.start <= start && end <= f.end) return true;
  }
  return false;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

interface CompiledSit {
  readonly def: SitDefinition;
  readonly keywordRe: RegExp | undefined;
  readonly antiRe: RegExp | undefined;
}

/** Confidence of one validated candidate, before exclusions. */
function levelFor(def: SitDefinition, value: string, hasKeyword: boolean): ConfidenceLevel | undefined {
  if (def.score !== undefined) return def.score(value, hasKeyword);
  return hasKeyword ? def.withKeyword : def.plain;
}

export interface SitDetectorOptions {
  readonly proximity?: number;
}

/** Builds a detector over a fixed list of definitions (the built-ins, or a subset in tests). */
export function createSitDetector(id: string, defs: readonly SitDefinition[], options: SitDetectorOptions = {}): Detector {
  const proximity = options.proximity ?? DEFAULT_PROXIMITY;
  const compiled: CompiledSit[] = defs.map((def) => ({
    def,
    keywordRe: def.keywords !== undefined && def.keywords.length > 0 ? keywordRegExp(def.keywords) : undefined,
    antiRe: def.antiKeywords !== undefined && def.antiKeywords.length > 0 ? keywordRegExp(def.antiKeywords) : undefined,
  }));
  // Longest values first: a weaker type's candidate lying inside a high-confidence finding (a phone-shaped
  // run inside a card number) is then skipped before its costlier validation.
  const digitTypes = compiled.filter((c) => c.def.anchor === 'digits').sort((a, b) => (b.def.minDigits ?? 0) - (a.def.minDigits ?? 0));
  const atTypes = compiled.filter((c) => c.def.anchor === 'at');
  const colonTypes = compiled.filter((c) => c.def.anchor === 'colon');
  const finderTypes = compiled.filter((c) => c.def.anchor === 'finder' && c.def.find !== undefined);
  const keywordTypes = compiled.filter((c) => c.def.anchor === 'keyword' && c.keywordRe !== undefined);
  const keywordTrigger =
    keywordTypes.length > 0 ? new RegExp(keywordRegExp(keywordTypes.flatMap((c) => c.def.keywords ?? [])).source, 'gi') : undefined;

  function hasKeywordNear(c: CompiledSit, text: string, start: number, end: number): boolean {
    if (c.keywordRe === undefined) return false;
    const window = text.slice(Math.max(0, start - proximity), Math.min(text.length, end + proximity));
    return c.keywordRe.test(window);
  }

  /** Judges one candidate; true when it became a finding (or already was one). */
  function accept(c: CompiledSit, text: string, start: number, end: number, ctx: ScanContext, out: Finding[], seen: Set<string>): boolean {
    const { def } = c;
    const key = `${def.id}:${start}:${end}`;
    if (seen.has(key)) return true;
    const value = text.slice(start, end);
    if (def.validate !== undefined && !def.validate(value)) return false;
    const kw = hasKeywordNear(c, text, start, end);
    let level = levelFor(def, value, kw);
    if (level !== undefined && def.exclude?.(value) === true) level = LOWER[level];
    if (level !== undefined && c.antiRe !== undefined && c.antiRe.test(text.slice(Math.max(0, start - 24), start))) level = LOWER[level];
    if (level === undefined) return false;
    seen.add(key);
    const canonical = def.canonical !== undefined ? def.canonical(value) : value;
    out.push({ detector: id, type: def.id, confidence: CONFIDENCE[level], start, end, valueHash: ctx.hashValue(canonical) });
    return true;
  }

  function runType(
    c: CompiledSit,
    text: string,
    region: Region,
    slice: string,
    ctx: ScanContext,
    out: Finding[],
    seen: Set<string>,
    coverFrom = out.length,
  ): void {
    const re = c.def.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const start = region.start + m.index;
      // A rejected candidate may hide a valid one starting inside it (`536-22-1234 4111 1111 …`): retry one later.
      const end = start + m[0].length;
      if (covered(out, coverFrom, start, end)) continue;
      if (countDigits(m[0]) < (c.def.minDigits ?? 0) || !accept(c, text, start, end, ctx, out, seen)) {
        re.lastIndex = m.index + 1;
      }
    }
  }

  return {
    id,
    types: defs.map((d) => d.id),
    derivedViews: true,
    categories: Object.fromEntries(defs.map((d) => [d.id, policyCategories(d.category)])),
    scan(text: string, ctx: ScanContext): Finding[] {
      const out: Finding[] = [];
      const seen = new Set<string>();
      if (digitTypes.length > 0) {
        for (const region of digitRegions(text)) {
          const slice = text.slice(region.start, region.end);
          const regionStart = out.length;
          for (const c of digitTypes) {
            if ((c.def.minDigits ?? 1) > region.digits) continue;
            if ((c.def.minToken ?? 0) > region.maxToken) continue;
            runType(c, text, region, slice, ctx, out, seen, regionStart);
          }
        }
      }
      if (atTypes.length > 0) {
        for (const region of charRegions(text, '@', 80, 260)) {
          const slice = text.slice(region.start, region.end);
          for (const c of atTypes) runType(c, text, region, slice, ctx, out, seen);
        }
      }
      if (colonTypes.length > 0) {
        for (const region of charRegions(text, ':', 40, 48)) {
          const slice = text.slice(region.start, region.end);
          for (const c of colonTypes) runType(c, text, region, slice, ctx, out, seen);
        }
      }
      if (keywordTrigger !== undefined) {
        const windows: [number, number][] = [];
        keywordTrigger.lastIndex = 0;
        for (let m = keywordTrigger.exec(text); m !== null; m = keywordTrigger.exec(text)) {
          windows.push([Math.max(0, m.index - 64), Math.min(text.length, m.index + m[0].length + 128)]);
        }
        for (const region of mergeWindows(windows)) {
          const slice = text.slice(region.start, region.end);
          for (const c of keywordTypes) runType(c, text, region, slice, ctx, out, seen);
        }
      }
      for (const c of finderTypes) {
        for (const [s, e] of c.def.find?.(text) ?? []) accept(c, text, s, e, ctx, out, seen);
      }
      return out;
    },
  };
}
