// The tables of the state store, as Kysely sees them. Timestamps are epoch milliseconds in BIGINT
// columns; Postgres hands BIGINT back as a string, so every read goes through Number().
import type { ColumnType } from 'kysely';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null, number | null>;

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  owner: string | null;
  /** JSON array of strings. */
  roles: string;
  /** JSON array of strings, or null for every model. */
  models: string | null;
  created_at: Millis;
  expires_at: NullableMillis;
  revoked_at: NullableMillis;
}

export interface SettingsTable {
  name: string;
  /** base64 */
  value: string;
}

export interface RevisionsTable {
  name: string;
  value: ColumnType<number | string, number, number>;
}

export interface PoliciesTable {
  name: string;
  /** The policy as JSON, in palisade.yaml's shape (validated by the reader). */
  definition: string;
  updated_at: Millis;
}

export interface StateDatabase {
  palisade_policies: PoliciesTable;
  palisade_api_keys: ApiKeysTable;
  palisade_settings: SettingsTable;
  palisade_revisions: RevisionsTable;
}
