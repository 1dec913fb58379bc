// Aho–Corasick over UTF-16 code units: one pass finds every occurrence of every literal (secret prefixes,
// keyword triggers, custom keyword lists). ASCII transitions are a dense table (a DFA), so the hot loop is
// one array read per character; other characters use per-state maps. Linear in the text plus matches.

export interface LiteralPattern {
  readonly text: string;
  /** ASCII letters match in either case. */
  readonly caseInsensitive?: boolean;
}

const ASCII = 128;
const MAX_DENSE_STATES = 16_384;
const EMPTY_ROW = new Int32Array(ASCII).fill(-1);

function lowerUnit(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export class AhoCorasick {
  readonly patterns: readonly LiteralPattern[];
  private readonly delta: Int32Array;
  private readonly dense: boolean;
  private readonly wide: Map<number, number>[];
  private readonly fail: Int32Array;
  /** Pattern indexes ending at each state, including those reached through suffix links. */
  private readonly out: (readonly number[])[];
  /** 1 where `out` is non-empty: keeps the hot loop on typed arrays. */
  private readonly hasOut: Uint8Array;
  private readonly lowered: readonly string[];

  constructor(patterns: readonly LiteralPattern[]) {
    this.patterns = patterns;
    // Insert lowercased; case-sensitive patterns are verified against the original text on output.
    this.lowered = patterns.map((p) => {
      let s = '';
      for (let i = 0; i < p.text.length; i++) s += String.fromCharCode(lowerUnit(p.text.charCodeAt(i)));
      return s;
    });
    const gotoAscii: Int32Array[] = [new Int32Array(ASCII).fill(-1)];
    const wide: Map<number, number>[] = [new Map<number, number>()];
    const outs: number[][] = [[]];
    this.lowered.forEach((word, idx) => {
      if (word.length === 0) return;
      let s = 0;
      for (let i = 0; i < word.length; i++) {
        const c = word.charCodeAt(i);
        let next = c < ASCII ? (gotoAscii[s]?.[c] ?? -1) : (wide[s]?.get(c) ?? -1);
        if (next < 0) {
          next = gotoAscii.length;
          gotoAscii.push(new Int32Array(ASCII).fill(-1));
          wide.push(new Map<number, number>());
          outs.push([]);
          if (c < ASCII) (gotoAscii[s] as Int32Array)[c] = next;
          else wide[s]?.set(c, next);
        }
        s = next;
      }
      outs[s]?.push(idx);
    });
    const n = gotoAscii.length;
    const fail = new Int32Array(n);
    // Large keyword lists (EDM-sized dictionaries) would make the dense table huge: fall back to maps.
    this.dense = n <= MAX_DENSE_STATES;
    if (!this.dense) {
      for (let s = 0; s < n; s++) {
        const row = gotoAscii[s];
        if (row === undefined) continue;
        for (let c = 0; c < ASCII; c++) {
          const t = row[c] ?? -1;
          if (t >= 0) wide[s]?.set(c, t);
        }
        gotoAscii[s] = EMPTY_ROW;
      }
    }
    const delta = new Int32Array(this.dense ? n * ASCII : ASCII);
    // Breadth-first: fail links, merged outputs, and a complete ASCII transition table.
    const queue: number[] = [];
    if (this.dense) {
      for (let c = 0; c < ASCII; c++) {
        const t = gotoAscii[0]?.[c] ?? -1;
        delta[c] = t >= 0 ? t : 0;
        if (t >= 0) {
          fail[t] = 0;
          queue.push(t);
        }
      }
    }
    for (const [, t] of wide[0] ?? new Map<number, number>()) {
      fail[t] = 0;
      queue.push(t);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] ?? 0;
      const f = fail[s] ?? 0;
      outs[s] = [...(outs[s] ?? []), ...(outs[f] ?? [])];
      if (this.dense) {
        for (let c = 0; c < ASCII; c++) {
          const t = gotoAscii[s]?.[c] ?? -1;
          if (t >= 0) {
            fail[t] = delta[f * ASCII + c] ?? 0;
            delta[s * ASCII + c] = t;
            queue.push(t);
          } else {
            delta[s * ASCII + c] = delta[f * ASCII + c] ?? 0;
          }
        }
      }
      for (const [c, t] of wide[s] ?? new Map<number, number>()) {
        let g = f;
        let target = wide[g]?.get(c);
        while (target === undefined && g !== 0) {
          g = fail[g] ?? 0;
          target = wide[g]?.get(c);
        }
        fail[t] = target !== undefined && target !== t ? target : 0;
        queue.push(t);
      }
    }
    this.delta = delta;
    this.wide = wide;
    this.fail = fail;
    this.out = outs;
    this.hasOut = Uint8Array.from(outs, (o) => (o.length > 0 ? 1 : 0));
  }

  private step(state: number, c: number): number {
    if (c < ASCII && this.dense) return this.delta[state * ASCII + c] ?? 0;
    let s = state;
    for (;;) {
      const t = this.wide[s]?.get(c);
      if (t !== undefined) return t;
      if (s === 0) return 0;
      s = this.fail[s] ?? 0;
    }
  }

  /** Calls `onMatch(patternIndex, start, end)` for every occurrence, in order of end position. */
  scan(text: string, onMatch: (pattern: number, start: number, end: number) => void): void {
    const delta = this.delta;
    const hasOut = this.hasOut;
    const dense = this.dense;
    const n = text.length;
    let state = 0;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c < ASCII && dense) {
        if (c >= 65 && c <= 90) c += 32;
        state = delta[state * ASCII + c] as number;
      } else {
        if (c >= 65 && c <= 90) c += 32;
        state = this.step(state, c);
      }
      if (hasOut[state] === 0) continue;
      this.emit(text, state, i, onMatch);
    }
  }

  private emit(text: string, state: number, i: number, onMatch: (pattern: number, start: number, end: number) => void): void {
    for (const idx of this.out[state] ?? []) {
      const p = this.patterns[idx] as LiteralPattern;
      const start = i + 1 - p.text.length;
      if (p.caseInsensitive !== true && !text.startsWith(p.text, start)) continue;
      onMatch(idx, start, i + 1);
    }
  }
}
