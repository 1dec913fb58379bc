// The embedded backend: one SQLite file (`<home>/audit.db`) in WAL mode. Hunting queries run on a second,
// read-only connection, so a compiled query can never write whatever it contains.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import RE2 from 're2';
import { SqlAuditStore, type Checkpoint } from '../store.ts';
import { EVENT_COLUMNS, FINDING_COLUMNS, eventToRow, findingRows, type Row, type StoredEvent } from '../rows.ts';

const CHECKPOINT_COLUMNS = ['stream', 'seq', 'hash', 'time', 'kind', 'signature'];

const MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE audit_events (
      stream TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, time INTEGER NOT NULL, record_type TEXT NOT NULL,
      operation TEXT, principal_id TEXT, principal_kind TEXT, principal_name TEXT, principal_groups TEXT,
      agent_id TEXT, agent_name TEXT, agent_version TEXT, app_name TEXT, user_agent TEXT, client_ip TEXT,
      model_requested TEXT, model_served TEXT, provider TEXT, backend TEXT, conversation_id TEXT,
      tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL, added_latency_ms REAL,
      outcome TEXT, risk_level TEXT, error_code TEXT,
      messages TEXT, findings TEXT, labels TEXT, policy_matches TEXT, resources TEXT,
      extra TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
      PRIMARY KEY (stream, seq)
    ) WITHOUT ROWID`,
    'CREATE INDEX audit_events_type_time ON audit_events (record_type, time)',
    'CREATE INDEX audit_events_time ON audit_events (time)',
    'CREATE INDEX audit_events_id ON audit_events (id)',
    `CREATE TABLE audit_findings (
      stream TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL, time INTEGER NOT NULL, record_type TEXT NOT NULL,
      principal_id TEXT, principal_name TEXT, app_name TEXT, model TEXT,
      type TEXT NOT NULL, confidence REAL NOT NULL, count INTEGER NOT NULL, location TEXT, detector TEXT
    )`,
    'CREATE INDEX audit_findings_time ON audit_findings (time)',
    'CREATE INDEX audit_findings_event ON audit_findings (event_id)',
    `CREATE TABLE audit_checkpoints (
      stream TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL, signature TEXT NOT NULL
    )`,
    'CREATE INDEX audit_checkpoints_stream ON audit_checkpoints (stream, seq)',
    `CREATE TABLE audit_content (
      id TEXT PRIMARY KEY, event_id TEXT NOT NULL, time INTEGER NOT NULL, principal_id TEXT, sealed TEXT NOT NULL, key_id TEXT NOT NULL
    )`,
    'CREATE INDEX audit_content_time ON audit_content (time)',
  ],
];

export interface SqliteAuditStoreOptions {
  /** The database file. */
  readonly path: string;
  /** `FULL` syncs every commit (strict durability); `NORMAL` survives a process crash, and the spool covers the rest. */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

/** Installs `REGEXP` (RE2: linear time, no backtracking) on a connection, for `matches regex` and `has`. */
export function installRegexp(db: Database.Database): void {
  const cache = new Map<string, RE2>();
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || value === undefined || typeof pattern !== 'string') return null;
    let re = cache.get(pattern);
    if (!re) {
      re = new RE2(pattern, 'u');
      if (cache.size > 256) cache.clear();
      cache.set(pattern, re);
    }
    re.lastIndex = 0;
    return re.test(typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '') ? 1 : 0;
  });
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS audit_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM audit_migrations').get() as { v: number | null } | undefined;
  const current = row?.v ?? 0;
  MIGRATIONS.forEach((steps, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      for (const s of steps) db.exec(s);
      db.prepare('INSERT INTO audit_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
    })();
  });
}

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`;
}

class SqliteAuditStore extends SqlAuditStore {
  readonly dialect = 'sqlite' as const;
  // Writes go straight to better-sqlite3 with statements prepared once: the write path is synchronous,
  // so a transaction here can never interleave with another one, and it is several times faster than
  // compiling a multi-row statement per batch.
  private readonly insertEvent: Database.Statement;
  private readonly insertFinding: Database.Statement;
  private readonly insertCheckpoint: Database.Statement;
  private readonly writeBatch: (events: readonly StoredEvent[], checkpoints: readonly Checkpoint[]) => void;
  private readonly purge: (c: Checkpoint) => number;

  constructor(
    db: Kysely<Record<string, Row>>,
    writer: Database.Database,
    private readonly reader: Database.Database,
  ) {
    super(db);
    this.insertEvent = writer.prepare(insertSql('audit_events', EVENT_COLUMNS));
    this.insertFinding = writer.prepare(insertSql('audit_findings', FINDING_COLUMNS));
    this.insertCheckpoint = writer.prepare(insertSql('audit_checkpoints', CHECKPOINT_COLUMNS));
    const values = (row: Row, columns: readonly string[]): unknown[] => columns.map((c) => row[c] ?? null);
    this.writeBatch = writer.transaction((events: readonly StoredEvent[], checkpoints: readonly Checkpoint[]) => {
      for (const s of events) {
        this.insertEvent.run(values(eventToRow(s), EVENT_COLUMNS));
        for (const f of findingRows(s)) this.insertFinding.run(values(f, FINDING_COLUMNS));
      }
      for (const c of checkpoints) this.insertCheckpoint.run(values({ ...c }, CHECKPOINT_COLUMNS));
    });
    const delFindings = writer.prepare('DELETE FROM audit_findings WHERE stream = ? AND seq <= ?');
    const delEvents = writer.prepare('DELETE FROM audit_events WHERE stream = ? AND seq <= ?');
    this.purge = writer.transaction((c: Checkpoint) => {
      this.insertCheckpoint.run(values({ ...c }, CHECKPOINT_COLUMNS));
      delFindings.run(c.stream, c.seq);
      return delEvents.run(c.stream, c.seq).changes;
    });
  }

  override append(events: readonly StoredEvent[], checkpoints: readonly Checkpoint[] = []): Promise<void> {
    try {
      this.writeBatch(events, checkpoints);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  override purgeThrough(c: Checkpoint): Promise<number> {
    try {
      return Promise.resolve(this.purge(c));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
  protected placeholder(): string {
    return '?';
  }
  protected ensurePartitions(): Promise<void> {
    return Promise.resolve();
  }
  query(sql: string, parameters: readonly unknown[]): Promise<Row[]> {
    try {
      const stmt = this.reader.prepare(sql);
      if (!stmt.reader) return Promise.reject(new Error('only queries that return rows may run'));
      return Promise.resolve(stmt.all(...parameters) as Row[]);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
  protected closeExtra(): Promise<void> {
    this.reader.close();
    return Promise.resolve();
  }
}

export function openSqliteAuditStore(opts: SqliteAuditStoreOptions): SqlAuditStore {
  const writer = new Database(opts.path);
  writer.pragma('journal_mode = WAL');
  writer.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  writer.pragma('busy_timeout = 5000');
  migrate(writer);
  installRegexp(writer);
  const reader = new Database(opts.path, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  installRegexp(reader);
  // SQLite's own lower()/upper() fold ASCII only; hunts fold case the way PostgreSQL does (Unicode).
  reader.function('lower', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : s));
  reader.function('upper', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? s.toUpperCase() : s));
  const db = new Kysely<Record<string, Row>>({ dialect: new SqliteDialect({ database: writer }) });
  return new SqliteAuditStore(db, writer, reader);
}
