import { describe, expect, it } from 'vitest';
import { configSchema } from './schema.ts';
import { detectionConfig, DETECTION_DEFAULTS } from './detection.ts';

const problems = (input: unknown): { path: string; message: string }[] => {
  const r = detectionConfig.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('detection config', () => {
  it('has safe defaults and is part of palisade.yaml', () => {
    expect(DETECTION_DEFAULTS.proximity).toBe(300);
    expect(DETECTION_DEFAULTS.labels.map((l) => l.name)).toEqual(['Public', 'General', 'Confidential', 'Highly Confidential']);
    const parsed = configSchema.parse({});
    expect(parsed.detection.customTypes).toEqual([]);
  });

  it('accepts a custom type with an RE2 pattern, validator and keywords', () => {
    const r = detectionConfig.parse({
      keywordLists: [{ id: 'staff', words: ['employee', 'staff'] }],
      customTypes: [{ id: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}', validator: 'not-trivial', keywordLists: ['staff'], confidence: 'high' }],
    });
    expect(r.customTypes[0]?.minCount).toBe(1);
  });

  it('rejects patterns RE2 cannot run, with the path and the reason', () => {
    const p = problems({ customTypes: [{ id: 'BAD', pattern: '(a)\\1' }, { id: 'BAD2', pattern: '(?<=x)y' }] });
    expect(p.map((x) => x.path)).toEqual(['customTypes.0.pattern', 'customTypes.1.pattern']);
    expect(p[0]?.message).toMatch(/RE2 cannot compile this pattern: invalid escape/);
  });

  it('reports unknown keys, unknown lists, unknown validators and duplicates', () => {
    expect(problems({ proximty: 3 })[0]?.message).toMatch(/Unrecognized key/);
    expect(problems({ customTypes: [{ id: 'X_ID', keywordList: 'nope' }] }).map((p) => p.path)).toEqual(['customTypes.0.keywordList']);
    expect(problems({ customTypes: [{ id: 'X_ID', pattern: 'x', validator: 'md5' }] }).map((p) => p.path)).toEqual(['customTypes.0.validator']);
    expect(problems({ customTypes: [{ id: 'X_ID', pattern: 'x' }, { id: 'X_ID', pattern: 'y' }] }).map((p) => p.path)).toEqual(['customTypes.1.id']);
    expect(problems({ customTypes: [{ id: 'X_ID' }] }).map((p) => p.path)).toEqual(['customTypes.0.pattern']);
  });
});
