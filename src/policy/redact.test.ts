import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Redaction } from './evaluate.ts';
import { mergeRedactions } from './evaluate.ts';
import { RedactionSession } from './redact.ts';

const r = (start: number, end: number, style: Redaction['style'], type = 'CREDIT_CARD', valueHash = `h${start}`): Redaction => ({ start, end, type, valueHash, style });

describe('redaction', () => {
  const text = 'card 4111 1111 1111 1111 and again 4111 1111 1111 1111, ssn 078-05-1120.';

  it('placeholders are numbered per type and stable per value', () => {
    const s = new RedactionSession();
    const out = s.apply(text, [r(5, 24, 'placeholder', 'CREDIT_CARD', 'A'), r(35, 54, 'placeholder', 'CREDIT_CARD', 'A'), r(60, 71, 'placeholder', 'US_SSN', 'B')]);
    expect(out).toBe('card [CREDIT_CARD_1] and again [CREDIT_CARD_1], ssn [US_SSN_1].');
  });

  it('mask keeps separators; partial keeps the last four characters', () => {
    const s = new RedactionSession();
    expect(s.apply(text, [r(5, 24, 'mask')]).slice(0, 24)).toBe('card **** **** **** ****');
    expect(s.apply(text, [r(5, 24, 'partial')]).slice(0, 24)).toBe('card **** **** **** 1111');
  });

  it('tokenization restores the original in model output for the same session only', () => {
    const s = new RedactionSession();
    const prompt = s.apply(text, [r(60, 71, 'tokenize', 'US_SSN', 'B')]);
    expect(prompt).toContain('[US_SSN_1]');
    expect(prompt).not.toContain('078-05-1120');
    expect(s.restore('Your SSN is [US_SSN_1]. [OTHER_9] stays.')).toBe('Your SSN is 078-05-1120. [OTHER_9] stays.');
    expect(new RedactionSession().restore('[US_SSN_1]')).toBe('[US_SSN_1]');
    s.clear();
    expect(s.restore('[US_SSN_1]')).toBe('[US_SSN_1]');
  });

  it('merging overlapping spans never leaves a redacted character in clear', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(60), fc.nat(20), fc.constantFrom<Redaction['style']>('mask', 'placeholder', 'partial', 'tokenize')), { maxLength: 6 }),
        (s, spans) => {
          const rs = spans.map(([a, len, style]) => r(Math.min(a, s.length), Math.min(a + len + 1, s.length), style)).filter((x) => x.end > x.start);
          const merged = mergeRedactions(rs);
          for (let i = 1; i < merged.length; i++) expect(merged[i]!.start).toBeGreaterThanOrEqual(merged[i - 1]!.end);
          for (const x of rs) expect(merged.some((m) => m.start <= x.start && m.end >= x.end)).toBe(true);
          const out = new RedactionSession().apply(s, merged.map((m) => ({ ...m, style: 'placeholder' as const })));
          // Every character outside the merged spans survives, in order.
          let kept = '';
          let at = 0;
          for (const m of merged) {
            kept += s.slice(at, m.start);
            at = m.end;
          }
          kept += s.slice(at);
          expect(out.replace(/\[CREDIT_CARD_\d+\]/g, '')).toBe(kept);
        },
      ),
    );
  });
});

describe('strip redaction', () => {
  it('removes the span and merges below every other style', () => {
    const s = new RedactionSession();
    expect(s.apply('a\u200bb\u200bc', [r(1, 2, 'strip', 'HIDDEN_CHARACTERS'), r(3, 4, 'strip', 'HIDDEN_CHARACTERS')])).toBe('abc');
    expect(mergeRedactions([r(0, 10, 'placeholder'), r(4, 12, 'strip', 'HIDDEN_CHARACTERS')])).toEqual([{ ...r(0, 10, 'placeholder'), end: 12 }]);
  });
});
