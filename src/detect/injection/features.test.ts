import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENSE_FEATURES, forEachCharGram, forEachWordGram, HASH_DIM, sumGrams, windowsOf, STRIDE, WINDOW } from './features.ts';
import { SIGNALS } from './signals.ts';

describe('features', () => {
  it('scores exactly the n-grams that training sees (hot path = training featuriser)', () => {
    const w = new Float32Array(HASH_DIM);
    for (let i = 0; i < HASH_DIM; i++) w[i] = Math.sin(i);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat(), fc.nat(), (text, a, b) => {
        const from = Math.min(a, b) % (text.length + 1);
        const to = Math.max(from, Math.max(a, b) % (text.length + 1));
        let words = 0;
        let chars = 0;
        const nw = forEachWordGram(text, from, to, (i) => {
          expect(i).toBeLessThan(HASH_DIM);
          words += w[i] ?? 0;
        });
        const nc = forEachCharGram(text, from, to, (i) => (chars += w[i] ?? 0));
        const s = sumGrams(text, from, to, w);
        expect(s.words).toBe(nw);
        expect(s.chars).toBe(nc);
        expect(s.wordSum).toBeCloseTo(words, 9);
        expect(s.charSum).toBeCloseTo(chars, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('names the signal features first, in signal order', () => {
    SIGNALS.forEach((s, i) => expect(DENSE_FEATURES[i]).toBe(`signal:${s.id}`));
    expect(new Set(DENSE_FEATURES).size).toBe(DENSE_FEATURES.length);
  });

  it('covers a long view with overlapping windows', () => {
    expect(windowsOf(100)).toEqual([[0, 100]]);
    const w = windowsOf(WINDOW * 3 + 5);
    expect(w[0]).toEqual([0, WINDOW]);
    expect(w.at(-1)?.[1]).toBe(WINDOW * 3 + 5);
    for (let i = 1; i < w.length; i++) expect(w[i]![0] - w[i - 1]![0]).toBe(STRIDE);
  });
});
