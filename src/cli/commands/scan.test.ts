import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DETECTION_DEFAULTS } from '../../core/config/detection.ts';
import { createValueHasher } from '../../core/crypto.ts';
import { createDetection } from '../../detect/index.ts';
import { registerEdmCommand } from './edm.ts';
import { registerScanCommand } from './scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-scan-cli-'));
const config = join(dir, 'palisade.yaml');
writeFileSync(config, `state:\n  home: ${join(dir, 'home')}\ndetection:\n  edm:\n    - name: people\n      primary: [email]\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function run(...args: string[]): Promise<{ out: string; code: number | string | undefined }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command('palisade').exitOverride();
  registerScanCommand(program);
  registerEdmCommand(program);
  await program.parseAsync(['node', 'palisade', ...args]);
  return { out: lines.join('\n'), code: process.exitCode };
}

describe('palisade scan / edm', () => {
  const file = join(dir, 'input.txt');
  writeFileSync(file, 'CONFIDENTIAL\nlet me share my card 4539 1488 0343 6467 and jane@acme.io\n');
  writeFileSync(join(dir, 'people.csv'), 'email,name\njane@acme.io,Jane Roe\n');

  it('imports an EDM table, then scans a file: table output, masked values, exit 1', async () => {
    const imported = await run('edm', 'import', join(dir, 'people.csv'), '--name', 'people', '-c', config);
    expect(imported.out).toMatch(/imported "people": 1 rows, 2 digests/);
    const { out, code } = await run('scan', file, '--min-confidence', 'low', '-c', config);
    expect(out).toMatch(/2:22\s+CREDIT_CARD\s+high \(85\)\s+4539 \*\*\*\* \*\*\*\* 6467/);
    expect(out).toMatch(/EDM:people/);
    expect(out).toMatch(/sensitivity label: Confidential/);
    expect(out).not.toContain('4539 1488 0343 6467');
    expect(code).toBe(1);
  });

  it('prints the same JSON as the library report, and exits 0 below the threshold', async () => {
    const { out, code } = await run('scan', file, '--format', 'json', '--types', 'CREDIT_CARD', '--ephemeral-key', '-c', config);
    const printed = JSON.parse(out) as { findings: { valueHash: string }[] };
    const expected = createDetection(DETECTION_DEFAULTS).report(
      'CONFIDENTIAL\nlet me share my card 4539 1488 0343 6467 and jane@acme.io\n',
      { hashValue: createValueHasher(Buffer.alloc(32)), minConfidence: 'medium', types: ['CREDIT_CARD'] },
    );
    // Same shape and content except the per-key hash.
    expect({ ...printed, findings: printed.findings.map((f) => ({ ...f, valueHash: '' })) }).toEqual({
      ...expected,
      findings: expected.findings.map((f) => ({ ...f, valueHash: '' })),
    });
    expect(code).toBe(1);
    const clean = join(dir, 'clean.txt');
    writeFileSync(clean, 'nothing to see here\n');
    expect((await run('scan', clean, '--ephemeral-key', '-c', config)).code).toBe(0);
  });

  it('uses the installation finding-hash key, so hashes repeat across runs', async () => {
    const a = JSON.parse((await run('scan', file, '--format', 'json', '-c', config)).out) as { findings: { valueHash: string }[] };
    const b = JSON.parse((await run('scan', file, '--format', 'json', '-c', config)).out) as { findings: { valueHash: string }[] };
    expect(a.findings[0]?.valueHash).toBe(b.findings[0]?.valueHash);
  });
});
