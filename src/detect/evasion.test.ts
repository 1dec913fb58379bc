// Evasion (issue 11): values split across two segments of a request or by a line break, card digits with
// unusual separators, and values hidden in base64, hex or URL encoding. Each finding points at the bytes
// as sent (the encoded run, both halves of a split value), so redaction replaces what was really there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../core/crypto.ts';
import { createDetectionEngine } from './scan.ts';

const hashValue = createValueHasher(Buffer.alloc(32, 9));
const engine = createDetectionEngine();
const found = (text: string): { type: string; value: string }[] =>
  engine.scan(text, { hashValue }).map((f) => ({ type: f.type, value: text.slice(f.start, f.end) }));
const typesOf = (text: string): string[] => found(text).map((f) => f.type);

const CARD = '4539 1488 0343 6467';
const GITHUB = 'ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';
const AWS_ID = 'AKIA2E0A8F3B244C9986';

describe('card digits with unusual separators', () => {
  it.each(['.', '/', '_', '\t'])('finds a card number separated by %j', (sep) => {
    const card = CARD.replaceAll(' ', sep);
    expect(found(`card: ${card} thanks`)).toContainEqual({ type: 'CREDIT_CARD', value: card });
  });
});

describe('values with a line break inside', () => {
  it('finds a card number broken over two lines', () => {
    expect(found('card 4539 1488\n0343 6467 exp 09/29')).toContainEqual({ type: 'CREDIT_CARD', value: '4539 1488\n0343 6467' });
  });

  it('finds a token broken over two lines, covering both halves', () => {
    const text = `token: ${GITHUB.slice(0, 17)}\n${GITHUB.slice(17)}\nthanks`;
    expect(found(text)).toContainEqual({ type: 'GITHUB_PAT', value: `${GITHUB.slice(0, 17)}\n${GITHUB.slice(17)}` });
    expect(found(`id ${AWS_ID.slice(0, 10)}\r\n${AWS_ID.slice(10)} ok`)).toContainEqual({ type: 'AWS_ACCESS_KEY', value: `${AWS_ID.slice(0, 10)}\r\n${AWS_ID.slice(10)}` });
  });

  it('does not join ordinary wrapped lines into findings', () => {
    expect(typesOf('The quarterly report\nwas published in 2024 and\nreviewed by the board.')).toEqual([]);
  });
});

describe('encoded payloads', () => {
  it('finds a card number in base64 and points at the encoded run', () => {
    const b64 = Buffer.from(`card: ${CARD}`).toString('base64');
    const f = engine.scan(`decode this: ${b64}`, { hashValue }).find((x) => x.type === 'CREDIT_CARD');
    // The span lies inside the encoded run and covers the bytes that encode the number.
    expect(f?.start).toBeGreaterThanOrEqual(13);
    expect(f?.end).toBeLessThanOrEqual(13 + b64.length);
    const decodedSpan = Buffer.from(`decode this: ${b64}`.slice(f?.start, f?.end), 'base64').toString('latin1');
    expect(decodedSpan.replace(/\D/g, '')).toContain('4539148803436467');
    // Same hash as the plain value: the audit correlates the two.
    expect(f?.valueHash).toBe(engine.scan(`card: ${CARD}`, { hashValue }).find((x) => x.type === 'CREDIT_CARD')?.valueHash);
  });

  it('finds secrets in base64url, hex and URL encoding', () => {
    const b64url = Buffer.from(`aws_access_key_id=${AWS_ID}`).toString('base64url');
    expect(typesOf(`x=${b64url}`)).toContain('AWS_ACCESS_KEY');
    const hex = Buffer.from(`token ${GITHUB}`).toString('hex');
    expect(found(`payload 0x${hex} end`)).toContainEqual({ type: 'GITHUB_PAT', value: Buffer.from(GITHUB).toString('hex') });
    const url = `https://example.org/cb?data=password%3D%22T7%23qLm2%21xZ9wRv4k%22`;
    expect(found(url)).toContainEqual({ type: 'GENERIC_PASSWORD', value: 'T7%23qLm2%21xZ9wRv4k' });
    expect(found('q=4539%201488%200343%206467')).toContainEqual({ type: 'CREDIT_CARD', value: '4539%201488%200343%206467' });
  });

  it('leaves ordinary base64 and hex alone (images, hashes, identifiers)', () => {
    expect(typesOf(`sha256 ${'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'} and ${'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'}`)).toEqual([]);
    expect(typesOf('internationalization_configuration_manager_factory')).toEqual([]);
  });
});

describe('values split across the segments of one request', () => {
  it('finds a token split across two messages, one finding per part with the same hash', () => {
    const segments = [{ text: `my token is ${GITHUB.slice(0, 20)}` }, { text: `${GITHUB.slice(20)} — is it valid?` }];
    const findings = engine.scanSegments(segments, { hashValue }).filter((f) => f.type === 'GITHUB_PAT');
    expect(findings.map((f) => [f.segment, segments[f.segment]?.text.slice(f.start, f.end)])).toEqual([
      [0, GITHUB.slice(0, 20)],
      [1, GITHUB.slice(20)],
    ]);
    expect(findings[0]?.valueHash).toBe(findings[1]?.valueHash);
    // Each segment alone holds no whole token.
    expect(engine.scan(segments[0]?.text ?? '', { hashValue }).some((f) => f.type === 'GITHUB_PAT')).toBe(false);
  });

  it('property: a card or key cut anywhere between two segments is found in both parts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(CARD, GITHUB, AWS_ID),
        fc.nat(),
        fc.constantFrom('', 'Hello, ', 'please check this one: '),
        fc.constantFrom('', ' thanks', '\nand the other one later'),
        (value, cutAt, before, after) => {
          const cut = 1 + (cutAt % (value.length - 1));
          const segments = [{ text: before + value.slice(0, cut) }, { text: value.slice(cut) + after }];
          const parts = engine.scanSegments(segments, { hashValue, minConfidence: 'medium' });
          const covered = (i: number, s: number, e: number): boolean => parts.some((f) => f.segment === i && f.start <= s && e <= f.end);
          return covered(0, before.length, before.length + cut) && covered(1, 0, value.length - cut);
        },
      ),
      { numRuns: 120 },
    );
  });
});
