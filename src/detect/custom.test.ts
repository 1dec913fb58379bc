import { describe, expect, it } from 'vitest';
import { detectionConfig } from '../core/config/detection.ts';
import { createValueHasher } from '../core/crypto.ts';
import { createCustomDetector } from './custom.ts';
import { createDetection } from './index.ts';

const ctx = { source: 'user' as const, hashValue: createValueHasher(Buffer.alloc(32, 3)) };

describe('custom sensitive information types', () => {
  const config = detectionConfig.parse({
    proximity: 50,
    keywordLists: [
      { id: 'codenames', words: ['Falcon', 'Blue Osprey'] },
      { id: 'hr', words: ['employee', 'badge'] },
    ],
    customTypes: [
      { id: 'PROJECT_CODENAME', keywordList: 'codenames', confidence: 'high' },
      { id: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}', keywordLists: ['hr'], confidence: 'high', confidenceWithoutKeywords: 'low' },
      { id: 'CARD_REF', pattern: '\\d{16}', validator: 'luhn', confidence: 'medium' },
      { id: 'TICKET', pattern: 'TCK-\\d+', minCount: 3, confidence: 'low' },
      { id: 'CASELESS', pattern: 'secret-[a-z]+', caseSensitive: false, keywords: ['internal'] },
    ],
  });
  const detector = createCustomDetector(config);
  const found = (text: string): string[] => (detector?.scan(text, ctx) ?? []).map((f) => `${f.type}:${text.slice(f.start, f.end)}:${f.confidence}`);

  it('finds keyword-list values as whole words, case-insensitively', () => {
    expect(found('Project falcon and blue osprey; not Falconry')).toEqual(['PROJECT_CODENAME:falcon:85', 'PROJECT_CODENAME:blue osprey:85']);
  });

  it('raises confidence with supporting keywords inside the proximity only', () => {
    expect(found('employee EMP-123456')).toEqual(['EMPLOYEE_ID:EMP-123456:85']);
    expect(found(`EMP-123456 ${'x'.repeat(80)} employee`)).toEqual(['EMPLOYEE_ID:EMP-123456:65']);
  });

  it('applies named validators, minimum counts and case-insensitive patterns', () => {
    expect(found('ref 4539148803436467 and 4539148803436468')).toEqual(['CARD_REF:4539148803436467:75']);
    expect(found('TCK-1 TCK-2')).toEqual([]);
    expect(found('TCK-1 TCK-2 TCK-3')).toHaveLength(3);
    expect(found('SECRET-ABC')).toEqual([]);
    expect(found('internal SECRET-ABC')).toEqual(['CASELESS:SECRET-ABC:75']);
  });

  it('runs alongside the built-in types through createDetection', () => {
    const detection = createDetection(config);
    const report = detection.report('employee EMP-123456, card 4539 1488 0343 6467');
    expect(report.findings.map((f) => f.type)).toEqual(['EMPLOYEE_ID', 'CREDIT_CARD']);
  });
});
