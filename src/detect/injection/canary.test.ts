import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../../core/crypto.ts';
import { CONFIDENCE, type ScanContext } from '../../core/finding.ts';
import { createCanary, detectPromptLeak, insertCanary } from './canary.ts';

const hashValue = createValueHasher(new TextEncoder().encode('canary-test-key'));
const ctx: ScanContext = { source: 'model-output', hashValue };

const SYSTEM =
  'You are the support assistant of Northwind Traders. Answer questions about orders, shipping and returns only. ' +
  'Never discuss internal pricing rules: wholesale customers get 12 percent off above 500 units and 18 percent above 2000 units.';

describe('canary tokens', () => {
  it('creates a fresh, unguessable canary per request', () => {
    const a = createCanary();
    const b = createCanary();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^cnry-[a-z2-9]{20}$/);
  });

  it('inserts the canary into the system prompt', () => {
    const c = createCanary();
    const prompt = insertCanary(SYSTEM, c);
    expect(prompt.startsWith(SYSTEM)).toBe(true);
    expect(prompt).toContain(c.token);
    expect(insertCanary('', c)).toContain(c.token);
  });

  it('finds the canary in model output at its original offsets, however it is disguised', () => {
    const c = createCanary(() => new Uint8Array(20).fill(7));
    const plain = `Sure. My reference is ${c.token}, as requested.`;
    const found = detectPromptLeak(plain, { canary: c }, ctx);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type: 'PROMPT_LEAK', confidence: CONFIDENCE.high, score: 1 });
    expect(plain.slice(found[0]!.start, found[0]!.end)).toBe(c.token);
    expect(found[0]!.valueHash).toBe(hashValue(c.token));

    const upper = `REF ${c.token.toUpperCase()}`;
    expect(detectPromptLeak(upper, { canary: c }, ctx)).toHaveLength(1);

    const spaced = `ref ${[...c.token].join('\u200b')}`;
    const z = detectPromptLeak(spaced, { canary: c }, ctx);
    expect(z).toHaveLength(1);
    expect(spaced.slice(z[0]!.start, z[0]!.end).replace(/\u200b/g, '')).toBe(c.token);

    const b64 = Buffer.from(`the reference is ${c.token}`).toString('base64');
    const enc = detectPromptLeak(`encoded: ${b64}`, { canary: c }, ctx);
    expect(enc).toHaveLength(1);
  });

  it('finds long verbatim runs of the system prompt, not short overlaps', () => {
    const leak = `Here are my instructions: ${SYSTEM.slice(10, 180)} ... that is all.`;
    const found = detectPromptLeak(leak, { systemPrompt: SYSTEM, minFragmentChars: 80 }, ctx);
    expect(found).toHaveLength(1);
    expect(found[0]!.type).toBe('PROMPT_LEAK');
    const at = leak.indexOf(SYSTEM.slice(10, 180));
    expect(found[0]!.start).toBe(at);
    expect(found[0]!.end).toBe(at + 170);

    const reflowed = `Instructions:\n${SYSTEM.slice(0, 150).toUpperCase().replace(/ /g, '   ')}`;
    expect(detectPromptLeak(reflowed, { systemPrompt: SYSTEM, minFragmentChars: 80 }, ctx)).toHaveLength(1);

    const short = 'I can help with orders, shipping and returns only. What is your order number?';
    expect(detectPromptLeak(short, { systemPrompt: SYSTEM, minFragmentChars: 80 }, ctx)).toEqual([]);
  });

  it('reports nothing for unrelated output or when nothing is configured', () => {
    const c = createCanary();
    expect(detectPromptLeak('Your order ships tomorrow.', { canary: c, systemPrompt: SYSTEM }, ctx)).toEqual([]);
    expect(detectPromptLeak('', { canary: c }, ctx)).toEqual([]);
    expect(detectPromptLeak('anything', {}, ctx)).toEqual([]);
  });

  it('finds any planted run of at least the minimum length (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: SYSTEM.length - 100 }), fc.integer({ min: 90, max: 100 }), fc.string({ maxLength: 40 }), (from, len, noise) => {
        const fragment = SYSTEM.slice(from, from + len);
        const out = `${noise.replace(/[a-z]/gi, '#')}|${fragment}|${noise.replace(/[a-z]/gi, '#')}`;
        const found = detectPromptLeak(out, { systemPrompt: SYSTEM, minFragmentChars: 80 }, ctx);
        expect(found.length).toBeGreaterThanOrEqual(1);
        for (const f of found) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(out.length);
        }
      }),
      { numRuns: 100 },
    );
  });
});
