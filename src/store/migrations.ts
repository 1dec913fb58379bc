// Migrations live in code (no files to ship or find at run time) and only ever append. Every step is
// written so that re-running it is harmless, because two processes may open a fresh store at once.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const MIGRATIONS: Record<string, Migration> = {
  '0001_api_keys_settings': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('palisade_api_keys')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('owner', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('models', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('palisade_api_keys_name').ifNotExists().on('palisade_api_keys').column('name').execute();
      await db.schema.createIndex('palisade_api_keys_prefix').ifNotExists().on('palisade_api_keys').column('prefix').execute();
      await db.schema
        .createTable('palisade_settings')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('palisade_revisions')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into palisade_revisions (name, value) values ('keys', 0) on conflict (name) do nothing`.execute(db);
    },
  },
  '0002_policies': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('palisade_policies')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into palisade_revisions (name, value) values ('policies', 0) on conflict (name) do nothing`.execute(db);
    },
  },
};

export const MIGRATION_PROVIDER: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
