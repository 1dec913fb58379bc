import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.ts';

function naive(text: string, words: readonly string[], ci: boolean): string[] {
  const out: string[] = [];
  const hay = ci ? text.toLowerCase() : text;
  words.forEach((w, idx) => {
    const needle = ci ? w.toLowerCase() : w;
    for (let i = hay.indexOf(needle); i >= 0 && needle !== ''; i = hay.indexOf(needle, i + 1)) out.push(`${idx}@${i}`);
  });
  return out.sort();
}

describe('Aho–Corasick', () => {
  it('finds every occurrence of every pattern, like indexOf (case-sensitive and not)', () => {
    const alpha = fc.constantFrom('a', 'b', 'A', 'B', 'é', '😀', ' ');
    const word = fc.array(alpha, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(alpha, { maxLength: 60 }), fc.boolean(), (words, chars, ci) => {
        const text = chars.join('');
        const ac = new AhoCorasick(words.map((w) => ({ text: w, caseInsensitive: ci })));
        const got: string[] = [];
        ac.scan(text, (idx, start) => got.push(`${idx}@${start}`));
        // Only ASCII letters fold case in the matcher; compare against the same folding.
        expect(got.sort()).toEqual(ci ? naiveAscii(text, words) : naive(text, words, false));
      }),
      { numRuns: 300 },
    );
  });

  it('works with large lists (sparse transitions)', () => {
    const words = Array.from({ length: 30_000 }, (_, i) => `w${i.toString(36)}x`);
    const ac = new AhoCorasick(words.map((w) => ({ text: w })));
    const hits: number[] = [];
    ac.scan('a w1x b wzzzzx w2n9x', (idx) => hits.push(idx));
    expect(hits.map((i) => words[i])).toEqual(['w1x', 'w2n9x']);
  });
});

function naiveAscii(text: string, words: readonly string[]): string[] {
  const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return naive(fold(text), words.map(fold), false);
}
