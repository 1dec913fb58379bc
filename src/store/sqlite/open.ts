// The embedded backend: one better-sqlite3 file, `<home>/state.db`, in WAL mode so the CLI and the
// server can use it at once. The folder is private to the user (0700) and the file to its owner (0600).
// Open one store per process: better-sqlite3 waits for a lock by blocking its thread, so two stores
// writing the same file from one process could wait on each other until busy_timeout expires.
// (Separate processes are fine; within one store Kysely serialises everything on its one connection.)
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { StateDatabase } from '../schema.ts';
import { createKyselyStateStore, type StateStore } from '../state-store.ts';

/** How long a writer waits for another process's lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Kysely's migration lock is a no-op on SQLite (it assumes one connection), so two processes opening a
 * fresh file can both run a migration: the loser fails on the lock or on kysely_migration's primary
 * key, its transaction rolls back, and the retry finds the migration applied.
 */
function isMigrationRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_CONSTRAINT'));
}

export async function openSqliteStateStore(home: string): Promise<StateStore> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = join(home, 'state.db');
  const database = new Database(file);
  try {
    chmodSync(file, 0o600);
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<StateDatabase>({ dialect: new SqliteDialect({ database }) });
  return createKyselyStateStore(db, { isRetryable: isMigrationRace });
}
