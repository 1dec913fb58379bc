import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../core/index.ts';
import { verifyChain } from './chain.ts';
import { sampleInteraction } from './fixtures.ts';
import { openAuditLog } from './open.ts';
import { PG_URL } from './testing.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(extra: Record<string, unknown>, env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-open-'));
  dirs.push(dir);
  const r = parseConfig({ state: { home: join(dir, 'home') }, ...extra }, 'test', { env, cwd: dir });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('the audit configuration section', () => {
  it('has safe defaults and rejects unknown keys, bad values and inline secrets, listing each', () => {
    const ok = parseConfig({}, 'test', { env: {}, cwd: '/tmp' });
    expect(ok.ok && ok.value.audit).toMatchObject({ durability: 'batched', batchInterval: 200, retention: { eventsDays: 365, contentDays: 30 }, exporters: [] });
    const bad = parseConfig(
      { audit: { durability: 'sometimes', colour: 1, contentKey: 'inline-key-material', batchInterval: '5 fortnights', exporters: [{ type: 'syslog' }] } },
      'test',
      { env: {}, cwd: '/tmp' },
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.error.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['audit.durability', 'audit', 'audit.contentKey', 'audit.batchInterval', 'audit.exporters.0.host']));
    expect(JSON.stringify(bad.error)).not.toContain('inline-key-material');
  });

  it('parses exporters and durations', () => {
    const r = parseConfig(
      { audit: { batchInterval: '1s', exporters: [{ type: 'webhook', url: 'https://siem.example/hook', secret: '${env:WH}' }, { type: 'jsonl', path: 'audit.jsonl' }] } },
      'test',
      { env: { WH: 's3cret' }, cwd: '/tmp' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.audit.batchInterval).toBe(1000);
    expect(r.value.audit.exporters.map((e) => e.type)).toEqual(['webhook', 'jsonl']);
    expect(JSON.stringify(r.value.audit)).not.toContain('s3cret');
  });
});

describe('openAuditLog from configuration', () => {
  it('opens <home>/audit.db, writes, creates a 0600 checkpoint key, and verifies', async () => {
    const c = config({ audit: { durability: 'strict', contentKey: '${env:CK}' } }, { CK: randomBytes(32).toString('hex') });
    const sys = await openAuditLog(c);
    if (!sys.ok) throw new Error(sys.error);
    expect(await sys.value.log.record(sampleInteraction(1, Date.now()))).toBe(true);
    expect(sys.value.content).toBeDefined();
    await sys.value.close();
    expect(existsSync(join(c.home, 'audit.db'))).toBe(true);
    expect(statSync(join(c.home, 'audit-checkpoint.key')).mode & 0o777).toBe(0o600);
    const again = await openAuditLog(c);
    if (!again.ok) throw new Error(again.error);
    expect(await verifyChain(again.value.store, again.value.signer)).toMatchObject({ ok: true, checked: 1 });
    await again.value.close();
  });

  it('rejects a content key of the wrong size without echoing it', async () => {
    const c = config({ audit: { contentKey: '${env:CK}' } }, { CK: 'not-a-real-key-value' });
    const sys = await openAuditLog(c);
    expect(sys.ok).toBe(false);
    if (!sys.ok) expect(sys.error).not.toContain('not-a-real-key-value');
  });

  it('uses PostgreSQL when state.driver is postgres', async () => {
    const schema = `audit_open_${randomBytes(4).toString('hex')}`;
    const c = config({ state: { driver: 'postgres', postgres: { url: '${env:PGURL}' } } }, { PGURL: PG_URL });
    const sys = await openAuditLog(c, { pgSchema: schema });
    if (!sys.ok) throw new Error(sys.error);
    try {
      expect(sys.value.store.dialect).toBe('postgres');
      await sys.value.log.record(sampleInteraction(2, Date.now()));
      await sys.value.log.flush();
      expect((await sys.value.store.head(sys.value.log.stream))?.seq).toBe(1);
    } finally {
      await sys.value.close();
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('reports an unreachable database as a value, without the connection string', async () => {
    const c = config({ state: { driver: 'postgres', postgres: { url: '${env:PGURL}' } } }, { PGURL: 'postgres://user:hunter2@127.0.0.1:1/x' });
    const sys = await openAuditLog(c);
    expect(sys.ok).toBe(false);
    if (!sys.ok) expect(sys.error).not.toContain('hunter2');
  });
});
