// The dialect-agnostic half of the state store: every query here is plain Kysely, so SQLite and
// Postgres run the same code; the backend folders only build the Kysely instance and its migrator.
import { randomBytes } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable } from 'kysely';
import type { KeyRecord, KeyStore } from '../identity/index.ts';
import { MIGRATION_PROVIDER } from './migrations.ts';
import type { ApiKeysTable, StateDatabase } from './schema.ts';

export interface SettingsStore {
  /**
   * A random per-installation secret, created once. Racing creators all answer the value that won
   * the insert. A later call with a different `bytes` answers the stored value unchanged.
   */
  getOrCreateSecret(name: string, bytes: number): Promise<Buffer>;
}

/** A policy created from the CLI, the admin API or a template; its definition is JSON in palisade.yaml's shape. */
export interface StoredPolicy {
  readonly name: string;
  readonly definition: unknown;
  readonly updatedAt: number;
}

export interface PolicyStore {
  list(): Promise<StoredPolicy[]>;
  /** Creates or replaces the policy of that name. */
  put(name: string, definition: unknown, at: number): Promise<void>;
  remove(name: string): Promise<boolean>;
  /** Bumped on every change; cheap to poll. */
  revision(): Promise<number>;
}

export interface StateStore {
  readonly keys: KeyStore;
  readonly policies: PolicyStore;
  readonly settings: SettingsStore;
  /** True when the database answers a trivial query (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const KEYS_REVISION = 'keys';

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function parseStringArray(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error('palisade_api_keys holds a malformed string array');
  }
  return value;
}

function toRecord(row: Selectable<ApiKeysTable>): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    ...(row.owner !== null ? { owner: row.owner } : {}),
    roles: parseStringArray(row.roles),
    ...(row.models !== null ? { models: parseStringArray(row.models) } : {}),
    createdAt: toNumber(row.created_at),
    ...(row.expires_at !== null ? { expiresAt: toNumber(row.expires_at) } : {}),
    ...(row.revoked_at !== null ? { revokedAt: toNumber(row.revoked_at) } : {}),
  };
}

class KyselyKeyStore implements KeyStore {
  readonly #db: Kysely<StateDatabase>;
  constructor(db: Kysely<StateDatabase>) {
    this.#db = db;
  }

  async insertKey(record: KeyRecord): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      // The revision bump comes first: on SQLite it takes the write lock at once (waiting on
      // busy_timeout) rather than upgrading a read lock later, which could fail with SQLITE_BUSY.
      await bumpRevision(trx);
      await trx
        .insertInto('palisade_api_keys')
        .values({
          id: record.id,
          name: record.name,
          prefix: record.prefix,
          hash: record.hash,
          owner: record.owner ?? null,
          roles: JSON.stringify(record.roles),
          models: record.models === undefined ? null : JSON.stringify(record.models),
          created_at: record.createdAt,
          expires_at: record.expiresAt ?? null,
          revoked_at: record.revokedAt ?? null,
        })
        .execute();
    });
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    const row = await this.#db.selectFrom('palisade_api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async listKeys(): Promise<KeyRecord[]> {
    const rows = await this.#db.selectFrom('palisade_api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  async revokeKey(ref: string, revokedAt: number): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      await bumpRevision(trx);
      const result = await trx
        .updateTable('palisade_api_keys')
        .set({ revoked_at: revokedAt })
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('id', '=', ref), eb('prefix', '=', ref), eb('name', '=', ref)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  async revision(): Promise<number> {
    const row = await this.#db
      .selectFrom('palisade_revisions')
      .select('value')
      .where('name', '=', KEYS_REVISION)
      .executeTakeFirst();
    return row === undefined ? 0 : toNumber(row.value);
  }
}

async function bumpRevision(db: Kysely<StateDatabase>, name = KEYS_REVISION): Promise<void> {
  await db
    .updateTable('palisade_revisions')
    .set({ value: sql<number>`value + 1` })
    .where('name', '=', name)
    .execute();
}

async function readRevision(db: Kysely<StateDatabase>, name: string): Promise<number> {
  const row = await db.selectFrom('palisade_revisions').select('value').where('name', '=', name).executeTakeFirst();
  return row === undefined ? 0 : toNumber(row.value);
}

const POLICIES_REVISION = 'policies';

class KyselyPolicyStore implements PolicyStore {
  readonly #db: Kysely<StateDatabase>;
  constructor(db: Kysely<StateDatabase>) {
    this.#db = db;
  }

  async list(): Promise<StoredPolicy[]> {
    const rows = await this.#db.selectFrom('palisade_policies').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, definition: JSON.parse(r.definition) as unknown, updatedAt: toNumber(r.updated_at) }));
  }

  async put(name: string, definition: unknown, at: number): Promise<void> {
    const json = JSON.stringify(definition);
    await this.#db.transaction().execute(async (trx) => {
      await bumpRevision(trx, POLICIES_REVISION);
      await trx
        .insertInto('palisade_policies')
        .values({ name, definition: json, updated_at: at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ definition: json, updated_at: at }))
        .execute();
    });
  }

  async remove(name: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await bumpRevision(trx, POLICIES_REVISION);
      const r = await trx.deleteFrom('palisade_policies').where('name', '=', name).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  revision(): Promise<number> {
    return readRevision(this.#db, POLICIES_REVISION);
  }
}

class KyselySettingsStore implements SettingsStore {
  readonly #db: Kysely<StateDatabase>;
  constructor(db: Kysely<StateDatabase>) {
    this.#db = db;
  }

  async getOrCreateSecret(name: string, bytes: number): Promise<Buffer> {
    if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('a secret needs at least 16 bytes');
    // Insert-if-absent then read back: whichever process inserts first wins, and everyone reads its value.
    await this.#db
      .insertInto('palisade_settings')
      .values({ name, value: randomBytes(bytes).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.#db.selectFrom('palisade_settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'base64');
  }
}

export interface KyselyStateStoreOptions {
  /** Postgres: the schema holding Kysely's own migration tables. */
  readonly migrationTableSchema?: string;
  /** Whether a failed migration attempt may be retried (SQLite lock contention between processes). */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Runs after the Kysely instance is destroyed. */
  readonly onClose?: () => Promise<void> | void;
}

const MIGRATION_ATTEMPTS = 20;

/** Brings the schema up to date. Safe when several processes do it at once. */
export async function migrate(db: Kysely<StateDatabase>, options: KyselyStateStoreOptions): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: MIGRATION_PROVIDER,
    ...(options.migrationTableSchema !== undefined ? { migrationTableSchema: options.migrationTableSchema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (attempt >= MIGRATION_ATTEMPTS || options.isRetryable?.(error) !== true) {
      throw error instanceof Error ? error : new Error('state store migration failed');
    }
    // Another process holds the database; back off briefly and try again.
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
}

export async function createKyselyStateStore(
  db: Kysely<StateDatabase>,
  options: KyselyStateStoreOptions = {},
): Promise<StateStore> {
  try {
    await migrate(db, options);
  } catch (error) {
    await db.destroy();
    await options.onClose?.();
    throw error;
  }
  let closed = false;
  return {
    keys: new KyselyKeyStore(db),
    policies: new KyselyPolicyStore(db),
    settings: new KyselySettingsStore(db),
    async ping() {
      if (closed) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await options.onClose?.();
    },
  };
}
