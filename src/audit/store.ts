// The store interface both backends implement, and the SQL they share. Kysely owns the connections,
// reads and maintenance; each backend writes batches its own fastest way. Statements carry placeholders only.
import { CompiledQuery, type Kysely } from 'kysely';
import { EVENT_COLUMNS, rowToEvent, type Row, type StoredEvent } from './rows.ts';

export type AuditDialect = 'sqlite' | 'postgres';

/** A signed statement that a stream's chain reached `seq` with `hash` (kind `checkpoint`), or that records up to `seq` were purged by retention (kind `purge`). */
export interface Checkpoint {
  readonly stream: string;
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  readonly kind: 'checkpoint' | 'purge';
  readonly signature: string;
}

/** Encrypted prompt/response content captured by policy (never stored in the event itself). */
export interface ContentRecord {
  readonly id: string;
  readonly eventId: string;
  readonly time: number;
  readonly principalId: string | null;
  /** base64 of nonce ‖ ciphertext ‖ tag. */
  readonly sealed: string;
  readonly keyId: string;
}

export interface ChainRange {
  readonly from?: number;
  readonly to?: number;
}

export interface AuditStore {
  readonly dialect: AuditDialect;
  /** Writes events (and their `Findings` rows) and checkpoints in one transaction. */
  append(events: readonly StoredEvent[], checkpoints?: readonly Checkpoint[]): Promise<void>;
  /** The last link of a stream, or undefined for a stream with no events. */
  head(stream: string): Promise<{ seq: number; hash: string } | undefined>;
  streams(): Promise<string[]>;
  /** Events of one stream with seq > afterSeq in seq order. */
  readChain(stream: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The lowest and highest seq of a stream's events inside a time range. */
  seqBounds(stream: string, range: ChainRange): Promise<{ min: number; max: number } | undefined>;
  checkpoints(stream: string): Promise<Checkpoint[]>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  /** Runs a read-only statement (hunting queries); writes are refused by the connection itself. */
  query(sql: string, parameters: readonly unknown[]): Promise<Row[]>;
  /**
   * Retention: deletes a stream's events (and their findings) up to `checkpoint.seq`, in the same
   * transaction as the signed `purge` checkpoint that lets verification start after them.
   */
  purgeThrough(checkpoint: Checkpoint): Promise<number>;
  /** Releases storage left empty by retention (PostgreSQL day partitions before `time`). */
  compact(time: number): Promise<void>;
  putContent(record: ContentRecord): Promise<void>;
  getContent(id: string): Promise<ContentRecord | undefined>;
  purgeContentBefore(time: number): Promise<number>;
  close(): Promise<void>;
}

// Keeps every statement under SQLite's 32 766 bound-variable limit and PostgreSQL's 65 535.
const ROWS_PER_STATEMENT = 400;

export abstract class SqlAuditStore implements AuditStore {
  abstract readonly dialect: AuditDialect;
  protected constructor(protected readonly db: Kysely<Record<string, Row>>) {}

  /** `?` for SQLite, `$n` for PostgreSQL. */
  protected abstract placeholder(index: number): string;
  /** Makes sure storage exists for the given days (PostgreSQL partitions); a no-op elsewhere. */
  protected abstract ensurePartitions(times: readonly number[]): Promise<void>;
  abstract query(sql: string, parameters: readonly unknown[]): Promise<Row[]>;
  protected abstract closeExtra(): Promise<void>;

  protected insertStatements(table: string, columns: readonly string[], rows: readonly Row[]): CompiledQuery[] {
    const out: CompiledQuery[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      const tuples = chunk.map((row) => {
        const ph = columns.map((c) => {
          params.push(row[c] ?? null);
          return this.placeholder(params.length);
        });
        return `(${ph.join(',')})`;
      });
      out.push(CompiledQuery.raw(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${tuples.join(',')}`, params));
    }
    return out;
  }

  /** Each backend writes batches its own fastest way (prepared statements; one jsonb parameter). */
  abstract append(events: readonly StoredEvent[], checkpoints?: readonly Checkpoint[]): Promise<void>;

  protected async rows(text: string, params: readonly unknown[]): Promise<Row[]> {
    const r = await this.db.executeQuery<Row>(CompiledQuery.raw(text, [...params]));
    return [...r.rows];
  }

  async head(stream: string): Promise<{ seq: number; hash: string } | undefined> {
    const rows = await this.rows(
      `SELECT seq, hash FROM audit_events WHERE stream = ${this.placeholder(1)} ORDER BY seq DESC LIMIT 1`,
      [stream],
    );
    const r = rows[0];
    return r ? { seq: Number(r['seq']), hash: String(r['hash']) } : undefined;
  }

  async streams(): Promise<string[]> {
    const rows = await this.rows('SELECT DISTINCT stream FROM audit_events UNION SELECT DISTINCT stream FROM audit_checkpoints', []);
    return rows.map((r) => String(r['stream'])).sort();
  }

  async readChain(stream: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.rows(
      `SELECT ${EVENT_COLUMNS.join(',')} FROM audit_events WHERE stream = ${this.placeholder(1)} AND seq > ${this.placeholder(2)} ORDER BY seq LIMIT ${this.placeholder(3)}`,
      [stream, afterSeq, limit],
    );
    return rows.map(rowToEvent);
  }

  async seqBounds(stream: string, range: ChainRange): Promise<{ min: number; max: number } | undefined> {
    const params: unknown[] = [stream];
    let where = `stream = ${this.placeholder(1)}`;
    if (range.from !== undefined) {
      params.push(range.from);
      where += ` AND time >= ${this.placeholder(params.length)}`;
    }
    if (range.to !== undefined) {
      params.push(range.to);
      where += ` AND time < ${this.placeholder(params.length)}`;
    }
    const rows = await this.rows(`SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM audit_events WHERE ${where}`, params);
    const r = rows[0];
    if (!r || r['lo'] === null || r['lo'] === undefined) return undefined;
    return { min: Number(r['lo']), max: Number(r['hi']) };
  }

  async checkpoints(stream: string): Promise<Checkpoint[]> {
    const rows = await this.rows(
      `SELECT stream, seq, hash, time, kind, signature FROM audit_checkpoints WHERE stream = ${this.placeholder(1)} ORDER BY seq, kind`,
      [stream],
    );
    return rows.map((r) => ({
      stream: String(r['stream']),
      seq: Number(r['seq']),
      hash: String(r['hash']),
      time: Number(r['time']),
      kind: r['kind'] === 'purge' ? 'purge' : 'checkpoint',
      signature: String(r['signature']),
    }));
  }

  async getEvent(id: string): Promise<StoredEvent | undefined> {
    const rows = await this.rows(`SELECT ${EVENT_COLUMNS.join(',')} FROM audit_events WHERE id = ${this.placeholder(1)} LIMIT 1`, [id]);
    const r = rows[0];
    return r ? rowToEvent(r) : undefined;
  }

  async purgeThrough(c: Checkpoint): Promise<number> {
    const [insert] = this.insertStatements('audit_checkpoints', ['stream', 'seq', 'hash', 'time', 'kind', 'signature'], [{ ...c }]);
    return this.db.transaction().execute(async (trx) => {
      if (insert) await trx.executeQuery(insert);
      const where = `stream = ${this.placeholder(1)} AND seq <= ${this.placeholder(2)}`;
      await trx.executeQuery(CompiledQuery.raw(`DELETE FROM audit_findings WHERE ${where}`, [c.stream, c.seq]));
      const r = await trx.executeQuery(CompiledQuery.raw(`DELETE FROM audit_events WHERE ${where}`, [c.stream, c.seq]));
      return Number(r.numAffectedRows ?? 0n);
    });
  }

  compact(_time: number): Promise<void> {
    return Promise.resolve();
  }

  async putContent(c: ContentRecord): Promise<void> {
    const [stmt] = this.insertStatements(
      'audit_content',
      ['id', 'event_id', 'time', 'principal_id', 'sealed', 'key_id'],
      [{ id: c.id, event_id: c.eventId, time: c.time, principal_id: c.principalId, sealed: c.sealed, key_id: c.keyId }],
    );
    if (stmt) await this.db.executeQuery(stmt);
  }

  async getContent(id: string): Promise<ContentRecord | undefined> {
    const rows = await this.rows(
      `SELECT id, event_id, time, principal_id, sealed, key_id FROM audit_content WHERE id = ${this.placeholder(1)}`,
      [id],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: String(r['id']),
      eventId: String(r['event_id']),
      time: Number(r['time']),
      principalId: typeof r['principal_id'] === 'string' ? r['principal_id'] : null,
      sealed: String(r['sealed']),
      keyId: String(r['key_id']),
    };
  }

  async purgeContentBefore(time: number): Promise<number> {
    const r = await this.db.executeQuery(CompiledQuery.raw(`DELETE FROM audit_content WHERE time < ${this.placeholder(1)}`, [time]));
    return Number(r.numAffectedRows ?? 0n);
  }

  async close(): Promise<void> {
    await this.closeExtra();
    await this.db.destroy();
  }
}
