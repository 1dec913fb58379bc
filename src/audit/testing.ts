// Test support (imported by *.test.ts only): a fresh store on each backend, a unique SQLite file or a
// unique PostgreSQL schema per call, and raw write access so tests can tamper with stored rows.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresAuditStore } from './postgres/postgres-store.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-store.ts';
import type { AuditDialect, AuditStore } from './store.ts';
import { GENESIS_HASH, chainHash } from './canonical.ts';
import { normalizeEvent } from './events.ts';
import type { StoredEvent } from './rows.ts';

export const BACKENDS: readonly AuditDialect[] = ['sqlite', 'postgres'];
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestBackend {
  readonly store: AuditStore;
  readonly dir: string;
  /** Where the store lives: a SQLite file or a PostgreSQL schema. */
  readonly location: string;
  /** Runs a write statement behind the store's back (tampering). */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Reopens a store on the same data. */
  reopen(): Promise<AuditStore>;
  cleanup(): Promise<void>;
}

export async function openTestBackend(kind: AuditDialect): Promise<TestBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-'));
  if (kind === 'sqlite') {
    const path = join(dir, 'audit.db');
    const stores: AuditStore[] = [openSqliteAuditStore({ path })];
    return {
      store: stores[0] as AuditStore,
      dir,
      location: path,
      exec(sql, params = []) {
        const db = new Database(path);
        try {
          db.prepare(sql).run(...params);
        } finally {
          db.close();
        }
        return Promise.resolve();
      },
      reopen() {
        const s = openSqliteAuditStore({ path });
        stores.push(s);
        return Promise.resolve(s);
      },
      async cleanup() {
        for (const s of stores) await s.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `audit_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const stores: AuditStore[] = [await openPostgresAuditStore({ connectionString: PG_URL, schema })];
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    store: stores[0] as AuditStore,
    dir,
    location: schema,
    async exec(sql, params = []) {
      await client.query(sql, [...params]);
    },
    async reopen() {
      const s = await openPostgresAuditStore({ connectionString: PG_URL, schema });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) await s.close().catch(() => undefined);
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes events as one chained stream, in order, straight to the store. */
export async function seedStore(store: AuditStore, inputs: readonly unknown[], stream = 'seed'): Promise<void> {
  let prev = GENESIS_HASH;
  const batch: StoredEvent[] = inputs.map((input, i) => {
    const n = normalizeEvent(input);
    if (!n.ok) throw new Error(`bad seed event ${i}: ${n.error}`);
    const seq = i + 1;
    const hash = chainHash(prev, stream, seq, n.value);
    const s = { stream, seq, prevHash: prev, hash, event: n.value };
    prev = hash;
    return s;
  });
  await store.append(batch);
}
