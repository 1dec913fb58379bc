// The shared backend: a pg.Pool whose connections all use one schema (search_path), so several
// installations or test runs can share a database. Kysely's migration tables sit in the same schema.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { StateDatabase } from '../schema.ts';
import { createKyselyStateStore, type StateStore } from '../state-store.ts';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresStoreOptions {
  readonly url: string;
  readonly schema?: string;
  readonly maxConnections?: number;
}

export async function openPostgresStateStore(options: PostgresStoreOptions): Promise<StateStore> {
  const schema = options.schema ?? 'public';
  // The name goes into search_path and DDL, where it cannot be a parameter; allow only plain identifiers.
  if (!SCHEMA_NAME.test(schema)) throw new Error('state.postgres schema must be a plain SQL identifier');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${schema}`,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would end the
  // process. The pool replaces the client, and ping() reports the outage to /readyz.
  pool.on('error', () => undefined);
  const db = new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await ensureSchema(db, schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStateStore(db, { migrationTableSchema: schema });
}

async function ensureSchema(db: Kysely<StateDatabase>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two processes creating the schema at once: the loser sees a unique violation although the
    // schema now exists, which is all we wanted.
    const found = await sql<{ n: number }>`select 1 as n from pg_namespace where nspname = ${schema}`.execute(db);
    if (found.rows.length === 0) throw error;
  }
}
