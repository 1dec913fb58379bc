import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../core/crypto.ts';
import { createDetectionEngine } from './scan.ts';
import { createStreamingScanner, HOLD_BACK } from './stream.ts';

const hashValue = createValueHasher(Buffer.alloc(32, 2));
const engine = createDetectionEngine();

const PIECES = [
  'card 4539 1488 0343 6467 ',
  'ssn 536-22-1234 ',
  'mail maria.gonzalez@acme-corp.io ',
  'ghp_R8bX2nQ4kLm7pZ9sT1vW3yC5eF6gH0jK2aB4 ',
  `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEAzX3bJ8fQyQmG2vTn9Yq1Kx7Hq3kYy8wF2lQw9n5vXb1ZkQ2T\n'.repeat(20)}-----END RSA PRIVATE KEY-----\n`,
  'the weather was fine and nothing happened at all. ',
];

function streamed(text: string, cuts: number[], holdBack?: number): ReturnType<typeof engine.scan> {
  const s = createStreamingScanner(engine, { hashValue }, holdBack !== undefined ? { holdBack } : {});
  const out = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(...s.push(text.slice(prev, c)));
    prev = c;
  }
  out.push(...s.push(text.slice(prev)));
  out.push(...s.end());
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

describe('streaming scanner', () => {
  it('finds exactly what a batch scan finds, however the input is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(PIECES.length - 1), { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (picks, rawCuts) => {
          const text = picks.map((i) => PIECES[i]).join('');
          const cuts = rawCuts.map((c) => c % (text.length + 1));
          expect(streamed(text, cuts)).toEqual(engine.scan(text, { hashValue }));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with a small hold-back, still matches the batch scan for values shorter than it', () => {
    const short = PIECES.filter((p) => p.length < 200);
    fc.assert(
      fc.property(
        fc.array(fc.nat(short.length - 1), { minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (picks, rawCuts) => {
          const text = picks.map((i) => short[i]).join('');
          const cuts = rawCuts.map((c) => c % (text.length + 1));
          expect(streamed(text, cuts, 512)).toEqual(engine.scan(text, { hashValue }));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds a value split across two chunks far into a long stream', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(5000);
    const text = `${filler}card 4539 1488 0343 6467 end`;
    const cut = filler.length + 12;
    const found = streamed(text, [cut]);
    expect(found.map((f) => f.type)).toEqual(['CREDIT_CARD']);
    expect(text.slice(found[0]?.start, found[0]?.end)).toBe('4539 1488 0343 6467');
  });

  it('emits findings before the end once they are past the hold-back, and keeps bounded state', () => {
    const s = createStreamingScanner(engine, { hashValue });
    const early = s.push(`ssn 536-22-1234 ${'x '.repeat(HOLD_BACK * 2)}`);
    expect(early.map((f) => f.type)).toEqual(['US_SSN']);
    for (let i = 0; i < 50; i++) expect(s.push('a b c d e f g '.repeat(2000))).toEqual([]);
    expect(s.end()).toEqual([]);
    expect(s.consumed).toBeGreaterThan(50 * 28_000);
  });

  it('releases findings sooner with a smaller hold-back', () => {
    const s = createStreamingScanner(engine, { hashValue }, { holdBack: 512 });
    const out = s.push(`card 4539 1488 0343 6467 ${'z '.repeat(1200)}`);
    expect(out.map((f) => f.type)).toEqual(['CREDIT_CARD']);
    expect(s.end()).toEqual([]);
  });

  it('keeps a surrogate pair split across chunks intact', () => {
    const text = `${'y '.repeat(HOLD_BACK * 2)}😀 card 4539 1488 0343 6467`;
    const at = text.indexOf('😀') + 1;
    expect(streamed(text, [at]).map((f) => f.type)).toEqual(['CREDIT_CARD']);
  });
});
