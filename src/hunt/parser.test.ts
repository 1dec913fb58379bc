import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileHunt, parseHunt, tokenize } from './index.ts';

const NOW = Date.UTC(2026, 0, 11);

function errorOf(q: string): { message: string; line: number; column: number } {
  const r = compileHunt(q, { dialect: 'sqlite', now: NOW });
  if (r.ok) throw new Error(`expected an error for ${q}`);
  return r.error;
}

describe('lexer', () => {
  it('reads timespans, numbers, strings, hyphenated operators and positions', () => {
    const r = tokenize('AIInteractions\n| where time > ago(1.5h) and x == "a\\"b" | project-away y | mv-expand z');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ts = r.value.find((t) => t.kind === 'timespan');
    expect(ts?.value).toBe(5_400_000);
    expect(r.value.find((t) => t.kind === 'string')?.text).toBe('a"b');
    expect(r.value.map((t) => t.text)).toEqual(expect.arrayContaining(['project-away', 'mv-expand']));
    expect(r.value[1]?.pos).toEqual({ line: 2, column: 1 });
  });

  it('reads verbatim strings and datetime literals', () => {
    const r = parseHunt('AIInteractions | where app == @"c:\\dir" and time > datetime(2026-01-31T10:00:00Z)');
    expect(r.ok).toBe(true);
  });
});

describe('errors name the line, the column and what was expected', () => {
  it.each([
    ['AIInteractions | wher x', 1, 18, /expected an operator .*but found "wher"/],
    ['AIInteractions\n| where', 2, 8, /expected an expression but found the end of the query/],
    ['Nope | count', 1, 1, /expected a table/],
    ['AIInteractions | where (a == 1', 1, 31, /expected "\)"/],
    ['AIInteractions | project x = ', 1, 30, /expected an expression/],
    ['AIInteractions | where app == "open', 1, 31, /unterminated string/],
    ['AIInteractions | where time > ago(3y)', 1, 36, /unknown timespan unit "y"/],
    ['AIInteractions | join kind=outer (Findings) on id', 1, 28, /expected a join kind/],
    ['AIInteractions | top by x', 1, 25, /expected "by" but found "x"/],
    ['AIInteractions | where x # 1', 1, 26, /unexpected character "#"/],
    ['AIInteractions | summarize', 1, 27, /expected an expression/],
    ['AIInteractions | sort time', 1, 23, /expected "by"/],
    ['AIInteractions | where time > datetime(yesterday)', 1, 40, /expected a date/],
  ])('%s', (q, line, column, message) => {
    const e = errorOf(q);
    expect(e.message).toMatch(message);
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
  });

  it.each([
    ['AIInteractions | where nosuch == 1', 1, 24, /unknown column or let "nosuch"; columns are: time, id/],
    ['AIInteractions | where app == 1', 1, 28, /cannot compare string with long/],
    ['AIInteractions | where tokensIn', 1, 24, /expected a true\/false condition/],
    ['AIInteractions | project count()', 1, 26, /count\(\) is an aggregation/],
    ['AIInteractions | summarize app', 1, 28, /column "app" must be inside an aggregation/],
    ['AIInteractions | where app matches regex "(a"', 1, 42, /invalid regular expression/],
    ['AIInteractions | where app has tostring(1)', 1, 32, /has expects a string literal/],
    ['AIInteractions | project x = frobnicate(1)', 1, 30, /unknown function frobnicate\(\)/],
    ['AIInteractions | project x = app.y', 1, 33, /only dynamic values have properties/],
    ['AIInteractions | take "x"', 1, 23, /non-negative whole number/],
    ['AIInteractions | join (Findings) on nope', 1, 37, /unknown column "nope" on the left side/],
    ['AIInteractions | project-away nope', 1, 31, /unknown column "nope"/],
    ['AIInteractions | where time > ago(1)', 1, 31, /ago\(\) takes a timespan/],
    ['AIInteractions | summarize arg_max(time, id), count()', 1, 28, /only aggregation/],
    ['AIInteractions | mv-expand app', 1, 28, /needs a dynamic/],
  ])('%s', (q, line, column, message) => {
    const e = errorOf(q);
    expect(e.message).toMatch(message);
    expect({ line: e.line, column: e.column }).toEqual({ line, column });
  });
});

describe('the syntax tree', () => {
  it('is immutable', () => {
    const r = parseHunt('AIInteractions | where app == "x" | project id');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(Object.isFrozen(r.value.query.operators[0])).toBe(true);
    expect(() => {
      (r.value.query.operators as unknown[]).push({});
    }).toThrow();
  });

  it('compiles the same tree identically for each call (no hidden state)', () => {
    const q = 'AIInteractions | where app has "x" | summarize count() by bin(time, 1h)';
    const a = compileHunt(q, { dialect: 'postgres', now: NOW });
    const b = compileHunt(q, { dialect: 'postgres', now: NOW });
    expect(a).toEqual(b);
  });
});

describe('robustness (property tests)', () => {
  it('never throws on arbitrary input, and errors always carry a position', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const text of [s, `AIInteractions | ${s}`, `AIInteractions | where ${s}`]) {
          const r = compileHunt(text, { dialect: 'postgres', now: NOW });
          if (!r.ok) {
            expect(r.error.line).toBeGreaterThanOrEqual(1);
            expect(r.error.column).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every string value out of the SQL text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('sqlite' as const, 'postgres' as const), (v, dialect) => {
        const lit = `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
        const q = `AIInteractions | where app contains ${lit} or principal in (${lit}) | extend x = strcat(${lit}, app) | summarize make_set(x) by k = strcat(model, ${lit})`;
        const r = compileHunt(q, { dialect, now: NOW });
        const base = compileHunt(q.split(lit).join('"v"'), { dialect, now: NOW });
        expect(r.ok && base.ok).toBe(true);
        if (r.ok && base.ok) {
          expect(r.value.sql).toBe(base.value.sql);
          expect(r.value.parameters).toContain(v);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects deeply nested input without blowing the stack', () => {
    const deep = `AIInteractions | where ${'('.repeat(5000)}1${')'.repeat(5000)} == 1`;
    const r = compileHunt(deep, { dialect: 'sqlite', now: NOW });
    expect(r.ok).toBe(false);
  });
});
