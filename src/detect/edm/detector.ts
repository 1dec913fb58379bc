// Exact data match at scan time: words and runs of up to `maxWords` words are normalised exactly as at
// import, hashed with the table's salt and looked up. A hit in a primary column is a finding; hits in
// other columns of the same row within the proximity window corroborate it and raise the confidence
// (none: low, one: medium, two or more: high). Only digests are compared; no plaintext is loaded.
import { categoriesFor, CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';
import { EDM_TOKEN, normalizeCell, type EdmIndex } from './store.ts';

export interface EdmSource {
  readonly index: EdmIndex;
  /** Primary column names; defaults to the first stored column. */
  readonly primary?: readonly string[];
  readonly proximity?: number;
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly row: number;
  readonly column: number;
}

export function edmType(name: string): string {
  return `EDM:${name}`;
}

export function createEdmDetector(sources: readonly EdmSource[], id = 'edm'): Detector | undefined {
  if (sources.length === 0) return undefined;
  const compiled = sources.map((s) => {
    const primaryNames = s.primary ?? s.index.meta.columns.slice(0, 1);
    const primary = new Set(primaryNames.map((c) => s.index.meta.columns.indexOf(c)).filter((i) => i >= 0));
    return { ...s, primary, proximity: s.proximity ?? 300, type: edmType(s.index.meta.name) };
  });
  const maxWords = Math.max(...compiled.map((c) => c.index.meta.maxWords));

  return {
    id,
    types: compiled.map((c) => c.type),
    categories: categoriesFor(compiled.map((c) => c.type), ['edm']),
    derivedViews: true,
    scan(text: string, ctx: ScanContext): Finding[] {
      const tokens: [number, number][] = [];
      EDM_TOKEN.lastIndex = 0;
      for (let m = EDM_TOKEN.exec(text); m !== null; m = EDM_TOKEN.exec(text)) tokens.push([m.index, m.index + m[0].length]);
      const out: Finding[] = [];
      for (const src of compiled) {
        const hits: Hit[] = [];
        const words = Math.min(maxWords, src.index.meta.maxWords);
        for (let i = 0; i < tokens.length; i++) {
          const first = tokens[i];
          if (first === undefined) continue;
          for (let k = 0; k < words && i + k < tokens.length; k++) {
            const last = tokens[i + k];
            if (last === undefined) break;
            // Multi-word values never span a line break or a long gap.
            if (k > 0 && last[0] - (tokens[i + k - 1]?.[1] ?? 0) > 3) break;
            const norm = normalizeCell(text.slice(first[0], last[1]));
            if (norm.length < 2) continue;
            for (const h of src.index.lookup(norm)) hits.push({ start: first[0], end: last[1], row: h.row, column: h.column });
          }
        }
        // Same-row hits, capped per row so a value repeated many times stays linear.
        const byRow = new Map<number, Hit[]>();
        for (const h of hits) {
          const list = byRow.get(h.row) ?? [];
          if (list.length < 64) list.push(h);
          byRow.set(h.row, list);
        }
        for (const h of hits) {
          if (!src.primary.has(h.column)) continue;
          const corroborating = new Set<number>();
          for (const o of byRow.get(h.row) ?? []) {
            if (o.column !== h.column && o.start >= h.start - src.proximity && o.end <= h.end + src.proximity) {
              corroborating.add(o.column);
            }
          }
          const level: ConfidenceLevel = corroborating.size >= 2 ? 'high' : corroborating.size === 1 ? 'medium' : 'low';
          out.push({
            detector: id,
            type: src.type,
            confidence: CONFIDENCE[level],
            start: h.start,
            end: h.end,
            valueHash: ctx.hashValue(normalizeCell(text.slice(h.start, h.end))),
          });
        }
      }
      // One finding per span and table: the best-corroborated row wins.
      const best = new Map<string, Finding>();
      for (const f of out) {
        const key = `${f.type}:${f.start}:${f.end}`;
        const prev = best.get(key);
        if (prev === undefined || f.confidence > prev.confidence) best.set(key, f);
      }
      return [...best.values()];
    },
  };
}
