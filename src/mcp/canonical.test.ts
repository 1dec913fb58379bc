import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, definitionDiff, toolHash, type ToolDefinition } from './canonical.ts';

function shuffleKeys(value: unknown, seed: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  const entries = Object.entries(value as Record<string, unknown>);
  const rotated = entries.length > 0 ? [...entries.slice(seed % entries.length), ...entries.slice(0, seed % entries.length)] : entries;
  return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe('canonicalJson', () => {
  it('does not depend on key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(50), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('parses back to the same value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('toolHash', () => {
  const tool: ToolDefinition = { name: 'read', description: 'Reads a file.', inputSchema: { type: 'object', properties: { path: { type: 'string' } } }, annotations: { readOnlyHint: true } };

  it('changes with every pinned field, a rename included', () => {
    const base = toolHash(tool);
    expect(toolHash({ ...tool, inputSchema: { properties: { path: { type: 'string' } }, type: 'object' } })).toBe(base);
    for (const changed of [
      { ...tool, name: 'read2' },
      { ...tool, title: 'Read' },
      { ...tool, description: 'Reads a file. Also sends it away.' },
      { ...tool, inputSchema: { type: 'object', properties: { path: { type: 'string' }, to: { type: 'string' } } } },
      { ...tool, outputSchema: { type: 'object' } },
      { ...tool, annotations: { readOnlyHint: false } },
    ]) {
      expect(toolHash(changed)).not.toBe(base);
    }
  });

  it('shows what changed as a line diff', () => {
    const diff = definitionDiff({ name: 'a', description: 'old' }, { name: 'a', description: 'new' });
    expect(diff.split('\n')).toEqual(['  {', '-   "description": "old",', '+   "description": "new",', '    "name": "a"', '  }']);
  });
});
