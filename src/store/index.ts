// Palisade's runtime state (API keys, installation secrets, and later agents, pins, approvals) behind
// one small interface, with an embedded SQLite backend and a PostgreSQL backend for several replicas.
// Both backends run the same Kysely queries and the same test suite.
import type { Config } from '../core/index.ts';
import { openPostgresStateStore } from './postgres/open.ts';
import { openSqliteStateStore } from './sqlite/open.ts';
import type { StateStore } from './state-store.ts';

export type { StateStore, SettingsStore, PolicyStore, StoredPolicy } from './state-store.ts';

export interface OpenStateStoreOptions {
  readonly driver: 'sqlite' | 'postgres';
  /** SQLite: the folder holding `state.db` (created with mode 0700 when missing). */
  readonly home: string;
  readonly postgresUrl?: string;
  /** Postgres schema (default `public`); created when missing. */
  readonly schema?: string;
}

/** Opens the store and brings its schema up to date. */
export async function openStateStore(opts: OpenStateStoreOptions): Promise<StateStore> {
  switch (opts.driver) {
    case 'sqlite':
      return openSqliteStateStore(opts.home);
    case 'postgres':
      if (opts.postgresUrl === undefined) throw new Error('state.driver is postgres but no postgres URL was given');
      return openPostgresStateStore({ url: opts.postgresUrl, ...(opts.schema !== undefined ? { schema: opts.schema } : {}) });
  }
}

/** Opens the store a validated configuration names (`state.driver`, `state.home`, `state.postgres.url`). */
export function openConfiguredStateStore(config: Config): Promise<StateStore> {
  return openStateStore({
    driver: config.state.driver,
    home: config.home,
    ...(config.state.postgres ? { postgresUrl: config.state.postgres.url.reveal() } : {}),
  });
}
