// The PostgreSQL backend: events and findings partitioned by day on `time` (epoch ms), partitions created
// on demand before a batch lands, so hunts over a time range touch only the days they name. Hunting
// queries run in READ ONLY transactions with a statement timeout.
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { SqlAuditStore, type Checkpoint } from '../store.ts';
import { EVENT_COLUMNS, FINDING_COLUMNS, eventToRow, findingRows, type Row, type StoredEvent } from '../rows.ts';

const DAY = 86_400_000;

const EVENT_DDL = `
  stream text NOT NULL, seq bigint NOT NULL, id text NOT NULL, time bigint NOT NULL, record_type text NOT NULL,
  operation text, principal_id text, principal_kind text, principal_name text, principal_groups jsonb,
  agent_id text, agent_name text, agent_version text, app_name text, user_agent text, client_ip text,
  model_requested text, model_served text, provider text, backend text, conversation_id text,
  tokens_in bigint, tokens_out bigint, latency_ms double precision, added_latency_ms double precision,
  outcome text, risk_level text, error_code text,
  messages jsonb, findings jsonb, labels jsonb, policy_matches jsonb, resources jsonb,
  extra jsonb NOT NULL, prev_hash text NOT NULL, hash text NOT NULL`;

const MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE audit_events (${EVENT_DDL}) PARTITION BY RANGE (time)`,
    'CREATE INDEX audit_events_stream_seq ON audit_events (stream, seq)',
    'CREATE INDEX audit_events_type_time ON audit_events (record_type, time)',
    'CREATE INDEX audit_events_id ON audit_events (id)',
    `CREATE TABLE audit_findings (
      stream text NOT NULL, seq bigint NOT NULL, event_id text NOT NULL, time bigint NOT NULL, record_type text NOT NULL,
      principal_id text, principal_name text, app_name text, model text,
      type text NOT NULL, confidence double precision NOT NULL, count bigint NOT NULL, location text, detector text
    ) PARTITION BY RANGE (time)`,
    'CREATE INDEX audit_findings_event ON audit_findings (event_id)',
    'CREATE INDEX audit_findings_time ON audit_findings (time)',
    `CREATE TABLE audit_checkpoints (
      stream text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, time bigint NOT NULL, kind text NOT NULL, signature text NOT NULL
    )`,
    'CREATE INDEX audit_checkpoints_stream ON audit_checkpoints (stream, seq)',
    `CREATE TABLE audit_content (
      id text PRIMARY KEY, event_id text NOT NULL, time bigint NOT NULL, principal_id text, sealed text NOT NULL, key_id text NOT NULL
    )`,
    'CREATE INDEX audit_content_time ON audit_content (time)',
  ],
];

export interface PostgresAuditStoreOptions {
  readonly connectionString: string;
  /** A schema for the audit tables (created when missing); tests use one per run. */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** Longest a hunting query may run. */
  readonly queryTimeoutMs?: number;
}

// int8 and numeric arrive as strings by default; audit values fit in a double. Set per pool, not globally,
// so other pg users in the process keep the defaults.
const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (v: string): number => Number(v);
const auditTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 || oid === NUMERIC ? toNumber : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as typeof pg.types.getTypeParser,
};

class PostgresAuditStore extends SqlAuditStore {
  readonly dialect = 'postgres' as const;
  private readonly days = new Set<number>();
  constructor(
    db: Kysely<Record<string, Row>>,
    private readonly queryTimeoutMs: number,
  ) {
    super(db);
  }
  protected placeholder(index: number): string {
    return `$${index}`;
  }
  /**
   * A whole batch travels as one jsonb parameter and is expanded server-side: far cheaper than one bound
   * parameter per column per row, and a constant statement text for the plan cache.
   */
  override async append(events: readonly StoredEvent[], checkpoints: readonly Checkpoint[] = []): Promise<void> {
    if (events.length === 0 && checkpoints.length === 0) return;
    await this.ensurePartitions(events.map((e) => e.event.time));
    const eventRows = JSON.stringify(events.map((s) => eventToRow(s, false)));
    const findings = JSON.stringify(events.flatMap(findingRows));
    const ev = EVENT_COLUMNS.join(',');
    const fc = FINDING_COLUMNS.join(',');
    await this.db.transaction().execute(async (trx) => {
      if (events.length > 0) {
        await trx.executeQuery(CompiledQuery.raw(`INSERT INTO audit_events (${ev}) SELECT ${ev} FROM jsonb_populate_recordset(NULL::audit_events, $1::jsonb)`, [eventRows]));
        await trx.executeQuery(CompiledQuery.raw(`INSERT INTO audit_findings (${fc}) SELECT ${fc} FROM jsonb_populate_recordset(NULL::audit_findings, $1::jsonb)`, [findings]));
      }
      for (const s of this.insertStatements('audit_checkpoints', ['stream', 'seq', 'hash', 'time', 'kind', 'signature'], checkpoints.map((c) => ({ ...c })))) {
        await trx.executeQuery(s);
      }
    });
  }

  protected async ensurePartitions(times: readonly number[]): Promise<void> {
    const wanted = new Set(times.map((t) => Math.floor(t / DAY)));
    for (const day of wanted) {
      if (this.days.has(day)) continue;
      const from = day * DAY;
      const suffix = new Date(from).toISOString().slice(0, 10).replace(/-/g, '');
      // Names and bounds are derived from integers computed here, never from input text.
      for (const table of ['audit_events', 'audit_findings']) {
        await sql
          .raw(`CREATE TABLE IF NOT EXISTS ${table}_p${suffix} PARTITION OF ${table} FOR VALUES FROM (${from}) TO (${from + DAY})`)
          .execute(this.db);
      }
      this.days.add(day);
    }
  }
  override async compact(time: number): Promise<void> {
    // Whole-day partitions before the cut-off that retention left empty are dropped, so storage shrinks.
    const parts = await this.rows(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname IN ('audit_events', 'audit_findings') AND n.nspname = current_schema()`,
      [],
    );
    for (const p of parts) {
      const m = /^(audit_events|audit_findings)_p(\d{4})(\d{2})(\d{2})$/.exec(String(p['name']));
      if (!m) continue;
      const start = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]));
      if (start + DAY > time) continue;
      const left = await this.rows(`SELECT 1 AS x FROM ${m[0]} LIMIT 1`, []);
      if (left.length > 0) continue;
      await sql.raw(`DROP TABLE IF EXISTS ${m[0]}`).execute(this.db);
      if (m[1] === 'audit_events') this.days.delete(start / DAY);
    }
  }
  async query(text: string, parameters: readonly unknown[]): Promise<Row[]> {
    return this.db.transaction().execute(async (trx) => {
      await sql.raw('SET TRANSACTION READ ONLY').execute(trx);
      await sql.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.queryTimeoutMs))}`).execute(trx);
      const r = await trx.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
      return [...r.rows];
    });
  }
  protected closeExtra(): Promise<void> {
    return Promise.resolve();
  }
}

async function migrate(db: Kysely<Record<string, Row>>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // One migrator at a time across replicas.
    await sql.raw('SELECT pg_advisory_xact_lock(7244106)').execute(trx);
    await sql.raw('CREATE TABLE IF NOT EXISTS audit_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)').execute(trx);
    const r = await trx.executeQuery<{ v: number | null }>(CompiledQuery.raw('SELECT MAX(version) AS v FROM audit_migrations', []));
    const current = r.rows[0]?.v ?? 0;
    for (let i = current; i < MIGRATIONS.length; i++) {
      for (const s of MIGRATIONS[i] ?? []) await sql.raw(s).execute(trx);
      await trx.executeQuery(CompiledQuery.raw('INSERT INTO audit_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]));
    }
  });
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgresAuditStore(opts: PostgresAuditStoreOptions): Promise<SqlAuditStore> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new Error('invalid schema name');
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.maxConnections ?? 4,
    types: auditTypes,
    ...(opts.schema !== undefined ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  const db = new Kysely<Record<string, Row>>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (opts.schema !== undefined) await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`).execute(db);
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return new PostgresAuditStore(db, opts.queryTimeoutMs ?? 30_000);
}
