import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqliteAuditStore } from '../../audit/index.ts';
import { HUNT_SEED, SEED_NOW } from '../../audit/fixtures.ts';
import { seedStore } from '../../audit/testing.ts';
import { loadConfigFile } from '../../core/index.ts';
import { registerAuditCommand, runVerify } from './audit.ts';
import { handleHuntRequest } from '../../hunt/index.ts';
import { formatResult, registerHuntCommand, runHuntCommand } from './hunt.ts';

let dir: string;
let config: string;
const NOW = new Date(SEED_NOW).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-cli-hunt-'));
  config = join(dir, 'palisade.yaml');
  writeFileSync(config, `state:\n  home: ${JSON.stringify(join(dir, 'home'))}\n`);
  mkdirSync(join(dir, 'home'));
  const store = openSqliteAuditStore({ path: join(dir, 'home', 'audit.db') });
  await seedStore(store, HUNT_SEED);
  await store.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function hunt(query: string | undefined, extra: Record<string, string | boolean> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runHuntCommand(query, { format: 'table', maxRows: '1000', now: NOW, config, ...extra }, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('palisade hunt', () => {
  it('prints a table', async () => {
    const r = await hunt('AIInteractions | summarize n = count() by provider | order by provider asc');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual(['provider      n', '------------  -', 'anthropic     1', 'azure-openai  1', 'openai        6', '(3 rows)']);
  });

  it('prints JSON and CSV (formula-looking cells neutralised)', async () => {
    const j = await hunt('AIInteractions | where id == "a1" | project id, tokensIn, labels = sensitivityLabels', { format: 'json' });
    expect(JSON.parse(j.out)).toEqual([{ id: 'a1', tokensIn: 100, labels: ['Confidential'] }]);
    const c = await hunt('AIInteractions | where id == "a1" | project id, f = strcat("=cmd|", model), q = "a,\\"b"', { format: 'csv' });
    expect(c.out).toBe('id,f,q\na1,\'=cmd|gpt-4o,"a,""b"');
  });

  it('reads --file and --builtin, lists built-ins and tables', async () => {
    const file = join(dir, 'q.kql');
    writeFileSync(file, '// a comment\nSignIns\n| count\n');
    expect((await hunt(undefined, { file })).out).toContain('2');
    const b = await hunt(undefined, { builtin: 'denied-access-bursts', format: 'json' });
    expect(JSON.parse(b.out)).toMatchObject([{ principal: 'user:erin', denials: 3 }]);
    expect((await hunt(undefined, { list: true })).out).toContain('credentials-in-responses');
    expect((await hunt(undefined, { tables: true })).out).toMatch(/^Findings: time:datetime, eventId:string/m);
  });

  it('reports query errors with line, column and a caret, exit 2', async () => {
    const r = await hunt('AIInteractions\n| where nope == 1');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error at line 2, column 9: unknown column or let "nope"; columns are: ${r.err.split('columns are: ')[1]?.split('\n')[0]}\n  | where nope == 1\n          ^`);
  });

  it('refuses ambiguous input', async () => {
    expect((await hunt('SignIns | count', { builtin: 'x' })).code).toBe(2);
    expect((await hunt(undefined)).code).toBe(2);
    expect((await hunt('SignIns | count', { format: 'xml' })).code).toBe(2);
  });

  it('audit verify reports tampering with exit code 1', async () => {
    const c = loadConfigFile(config, { env: {}, cwd: dir });
    if (!c.ok) throw new Error('config');
    const copy = join(dir, 'home', 'audit.db');
    const db = new Database(copy);
    const before = db.prepare("SELECT model_served FROM audit_events WHERE id = 'a3'").get() as { model_served: string };
    db.prepare("UPDATE audit_events SET model_served = 'nothing-to-see' WHERE id = 'a3'").run();
    db.close();
    const out: string[] = [];
    try {
      expect(await runVerify(c.value, {}, (s) => out.push(s), (s) => out.push(s))).toBe(1);
      expect(out[0]).toBe('TAMPERING DETECTED: altered record in stream seed at seq 3 (id a3): record 3 does not match its hash');
    } finally {
      const fix = new Database(copy);
      fix.prepare("UPDATE audit_events SET model_served = ? WHERE id = 'a3'").run(before.model_served);
      fix.close();
    }
    expect(await runVerify(c.value, { from: '2026-01-10T00:00:00Z', to: '2026-01-10T06:00:00Z' }, () => undefined, () => undefined)).toBe(0);
    expect(await runVerify(c.value, { from: 'yesterday' }, () => undefined, () => undefined)).toBe(2);
  });

  it('marks cut results', () => {
    const s = formatResult({ columns: [{ name: 'a', type: 'long' }], rows: [{ a: 1 }], truncated: true }, 'table');
    expect(s).toContain('more were cut');
  });

  it('registers with commander, and audit verify checks the same store', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void logs.push(s));
    try {
      const program = new Command('palisade').exitOverride();
      registerHuntCommand(program);
      registerAuditCommand(program);
      await program.parseAsync(['node', 'palisade', 'hunt', 'SignIns | count', '--format', 'json', '--config', config]);
      expect(JSON.parse(logs[0] ?? '')).toEqual([{ Count: 2 }]);
      await program.parseAsync(['node', 'palisade', 'audit', 'verify', '--config', config]);
      expect(logs[1]).toMatch(/^audit log intact: 22 records in 1 stream/);
      expect(process.exitCode).toBe(0);
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
  });
});

describe('the POST /v1/palisade/hunt handler', () => {
  it('runs for auditors, refuses others, and reports query errors as invalid_request with the position', async () => {
    const store = openSqliteAuditStore({ path: join(dir, 'home', 'audit.db') });
    try {
      const ok = await handleHuntRequest(store, { query: 'SignIns | count', now: NOW }, { roles: ['auditor'] });
      expect(ok).toEqual({ ok: true, value: { columns: [{ name: 'Count', type: 'long' }], rows: [{ Count: 2 }], truncated: false, query: { now: NOW, maxRows: 1000 } } });
      const denied = await handleHuntRequest(store, { query: 'SignIns | count' }, { roles: ['admin'] });
      expect(!denied.ok && denied.error.code).toBe('forbidden');
      const bad = await handleHuntRequest(store, { query: 'SignIns | where x == 1' }, { roles: ['auditor'] });
      expect(!bad.ok && bad.error).toMatchObject({ code: 'invalid_request', param: 'query', message: expect.stringMatching(/^line 1, column 17: unknown column/) as unknown });
      const junk = await handleHuntRequest(store, { query: 1, extra: true }, { roles: ['auditor'] });
      expect(!junk.ok && junk.error.code).toBe('invalid_request');
    } finally {
      await store.close();
    }
  });
});
