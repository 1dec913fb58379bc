// Issue 18, PII: 12-digit Maestro and 15-digit JCB numbers, national phone numbers read in configured
// regions, addresses in any country's layout, and named entities (people, places, organisations).
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../core/crypto.ts';
import { detectionConfig } from '../core/config/detection.ts';
import { createDetection } from './index.ts';
import { createEntityDetector } from './ner/detector.ts';
import { createDetectionEngine } from './scan.ts';

const hashValue = createValueHasher(Buffer.alloc(32, 5));
const engine = createDetectionEngine();
const found = (text: string, types?: string[]): { type: string; value: string }[] =>
  engine.scan(text, { hashValue, ...(types !== undefined ? { types } : {}) }).map((f) => ({ type: f.type, value: text.slice(f.start, f.end) }));

describe('card ranges', () => {
  it('finds 12-digit Maestro numbers next to card words, and only there', () => {
    expect(found('Maestro card 6703 4521 9877, expires 04/28')).toContainEqual({ type: 'CREDIT_CARD', value: '6703 4521 9877' });
    expect(found('order 670345219877 shipped').filter((f) => f.type === 'CREDIT_CARD')).toEqual([]);
  });

  it('finds 15-digit JCB numbers (2131 / 1800 ranges)', () => {
    expect(found('JCB card: 2131 0054 3789 201')).toContainEqual({ type: 'CREDIT_CARD', value: '2131 0054 3789 201' });
  });
});

describe('national phone numbers', () => {
  const uk = createDetection(detectionConfig.parse({ phoneRegions: ['GB'] })).engine;
  it('reads numbers without a country code in the configured regions', () => {
    const text = 'Call me on 020 7946 0958 after lunch';
    const us = engine.scan(text, { hashValue }).filter((f) => f.type === 'PHONE_NUMBER');
    const gb = uk.scan(text, { hashValue }).filter((f) => f.type === 'PHONE_NUMBER');
    expect(gb.map((f) => [text.slice(f.start, f.end), f.confidence])).toEqual([['020 7946 0958', 85]]);
    // Read as a US number it is not valid: at most a weaker finding.
    expect(us.every((f) => f.confidence < 85)).toBe(true);
  });

  it('rejects unknown regions with the path', () => {
    const r = detectionConfig.safeParse({ phoneRegions: ['XX'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['phoneRegions', 0]);
  });
});

describe('addresses in any layout', () => {
  it('finds addresses introduced by address words and multi-line address blocks', () => {
    expect(found('Please ship it to 35 Kromwater 38, Zoetermeer for the order', ['STREET_ADDRESS'])).toEqual([{ type: 'STREET_ADDRESS', value: '35 Kromwater 38, Zoetermeer' }]);
    const block = 'Sharon Adamson\n\n78 Camiño Ancho 91\n Suite 286\n El Tornadizo\n Gabon 66298\n089 72 63 41 office';
    expect(found(block, ['STREET_ADDRESS'])).toEqual([{ type: 'STREET_ADDRESS', value: '78 Camiño Ancho 91\n Suite 286\n El Tornadizo\n Gabon 66298' }]);
  });

  it('does not take prose or phone lines for addresses', () => {
    expect(found('The meeting moved to 3 pm because of the 2 new hires.', ['STREET_ADDRESS'])).toEqual([]);
  });
});

describe('named entities (compromise)', () => {
  const ner = createEntityDetector();
  const entities = (text: string): string[] => ner.scan(text, { source: 'user', hashValue }).map((f) => `${f.type}:${text.slice(f.start, f.end)}`);

  it('finds people, places and organisations, without trailing punctuation', () => {
    const out = entities('Smith Ltd. is run by Donald van der Voet from Paris, France.');
    expect(out).toEqual(expect.arrayContaining(['ORGANIZATION:Smith Ltd', 'PERSON_NAME:Donald van der Voet', 'LOCATION:Paris', 'LOCATION:France']));
  });

  it('declares its categories and runs only when a policy needs its types', () => {
    expect(ner.categories).toEqual({ PERSON_NAME: ['personal'], LOCATION: ['personal'], ORGANIZATION: ['organization'] });
    let calls = 0;
    const counting = { ...ner, scan: (t: string, c: Parameters<typeof ner.scan>[1]) => (calls++, ner.scan(t, c)) };
    const e = createDetectionEngine({ exclusive: [counting] });
    e.scan('Donald van der Voet lives in Paris', { hashValue, types: ['CREDIT_CARD'] });
    expect(calls).toBe(0);
    e.scan('Donald van der Voet lives in Paris', { hashValue, types: ['LOCATION'] });
    expect(calls).toBeGreaterThan(0);
  });

  it('stays bounded on large and shouting inputs', () => {
    expect(entities('-----BEGIN RSA PRIVATE KEY-----\n'.repeat(2000))).toEqual([]);
    expect(() => entities('John Smith met Mary in Berlin. '.repeat(20_000))).not.toThrow();
  });
});
