import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { createValueHasher } from '../../core/crypto.ts';
import { createEdmDetector } from './detector.ts';
import { edmPaths, importEdmCsv, loadEdmIndex, normalizeCell, parseCsvRecord } from './store.ts';

const home = mkdtempSync(join(tmpdir(), 'palisade-edm-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const ctx = { source: 'user' as const, hashValue: createValueHasher(Buffer.alloc(32, 4)) };

const ssnOf = (i: number): string => {
  const n = String(100_000_000 + i * 7919 % 800_000_000).padStart(9, '0');
  return `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
};

describe('exact data match', () => {
  it('parses CSV records with quotes and normalises cells', () => {
    expect(parseCsvRecord('a,"b, c","d ""q"""')).toEqual(['a', 'b, c', 'd "q"']);
    expect(parseCsvRecord('"open')).toBeUndefined();
    expect(normalizeCell('  John   SMITH ')).toBe('john smith');
    expect(normalizeCell('(555) 010-9999')).toBe('5550109999');
    expect(normalizeCell('５３６-２２-１２３４')).toBe('536221234');
  });

  it('imports a million rows, stores no plaintext, and matches with corroboration', async () => {
    const file = join(home, 'customers.csv');
    const out = createWriteStream(file);
    out.write('name,email,ssn\n');
    for (let i = 0; i < 1_000_000; i++) {
      if (!out.write(`Person${i} Lastname${i % 977},user${i}@corp-mail.io,${ssnOf(i)}\n`)) await once(out, 'drain');
    }
    out.write('"Smith, Jane",jane.smith@acme.io,536-22-1234\n');
    out.end();
    await once(out, 'finish');

    let progressCalls = 0;
    const imported = await importEdmCsv({ file, name: 'customers', home, onProgress: () => progressCalls++ });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.value.rows).toBe(1_000_001);
    expect(imported.value.entries).toBe(3_000_003);
    expect(progressCalls).toBeGreaterThan(10);

    const paths = edmPaths(home, 'customers');
    const stored = Buffer.concat([readFileSync(paths.data), readFileSync(paths.meta)]).toString('latin1');
    for (const plain of ['jane.smith@acme.io', 'smith, jane', '536221234', 'user77@corp-mail.io', 'person5']) expect(stored).not.toContain(plain);

    const index = loadEdmIndex(home, 'customers');
    expect(index.ok).toBe(true);
    if (!index.ok) return;
    const detector = createEdmDetector([{ index: index.value, primary: ['ssn', 'email'], proximity: 200 }]);
    const scan = (text: string): string[] => (detector?.scan(text, ctx) ?? []).map((f) => `${text.slice(f.start, f.end)}:${f.confidence}`);

    expect(scan('ssn 536-22-1234')).toEqual(['536-22-1234:65']);
    expect(scan('Smith, Jane — 536 22 1234')).toEqual(['536 22 1234:75']);
    expect(scan('Smith, Jane <JANE.SMITH@acme.io> ssn 536-22-1234')).toEqual(['JANE.SMITH@acme.io:85', '536-22-1234:85']);
    expect(scan(`user123456@corp-mail.io is ${ssnOf(123_456)}`)).toEqual([`user123456@corp-mail.io:75`, `${ssnOf(123_456)}:75`]);
    // Another row's name does not corroborate.
    expect(scan('Person5 Lastname5 536-22-1234')).toEqual(['536-22-1234:65']);
    expect(scan('nobody@else.io 999-99-9999 Person5')).toEqual([]);
  }, 120_000);

  it('reports bad input as values, not exceptions', async () => {
    const file = join(home, 'bad.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const missing = await importEdmCsv({ file, name: 'bad', home, columns: ['a', 'zzz'] });
    expect(missing).toEqual({ ok: false, error: 'no such column(s) in the CSV header: zzz' });
    expect((await importEdmCsv({ file, name: '../evil', home })).ok).toBe(false);
    expect((await importEdmCsv({ file: join(home, 'nope.csv'), name: 'x', home })).ok).toBe(false);
    expect(loadEdmIndex(home, 'absent').ok).toBe(false);
  });
});
