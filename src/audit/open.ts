// The composition the gateway and the CLI use: from the validated configuration to a store (SQLite file
// `<home>/audit.db` or PostgreSQL `audit_*` tables), a checkpoint signer and the batched write path.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Clock, Config, Result } from '../core/index.ts';
import { hmacCheckpointSigner, type CheckpointSigner } from './chain.ts';
import { createExporterSet, type ExporterSet } from './exporters/index.ts';
import { createContentStore, parseContentKey, type ContentStore } from './content.ts';
import { createAuditLog, type AuditLog, type AuditLogOptions } from './log.ts';
import { openPostgresAuditStore } from './postgres/postgres-store.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-store.ts';
import type { AuditStore } from './store.ts';

export interface AuditOpenOptions {
  /** PostgreSQL schema for the audit tables (tests use one per run). */
  readonly pgSchema?: string;
  readonly clock?: Clock;
  readonly onError?: AuditLogOptions['onError'];
  readonly onEvents?: AuditLogOptions['onEvents'];
}

export async function openAuditStore(config: Config, opts: AuditOpenOptions = {}): Promise<Result<AuditStore, string>> {
  try {
    if (config.state.driver === 'postgres') {
      const url = config.state.postgres?.url;
      if (!url) return { ok: false, error: 'state.postgres.url is missing' };
      const store = await openPostgresAuditStore({
        connectionString: url.reveal(),
        ...(opts.pgSchema !== undefined ? { schema: opts.pgSchema } : {}),
      });
      return { ok: true, value: store };
    }
    mkdirSync(config.home, { recursive: true });
    return { ok: true, value: openSqliteAuditStore({ path: join(config.home, 'audit.db'), synchronous: 'FULL' }) };
  } catch (e) {
    // Driver messages can carry connection strings; report the kind of failure only.
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, error: `cannot open the audit store (${config.state.driver}${code ? `: ${code}` : ''})` };
  }
}

/** The checkpoint key: by reference from config, else a key file created once in the state folder (0600). */
export function loadCheckpointSigner(config: Config): CheckpointSigner {
  const ref = config.audit.checkpointKey;
  if (ref) return hmacCheckpointSigner(Buffer.from(ref.reveal(), 'utf8'));
  const path = join(config.home, 'audit-checkpoint.key');
  if (!existsSync(path)) {
    mkdirSync(config.home, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  return hmacCheckpointSigner(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));
}

export function auditStreamName(config: Config): string {
  return config.audit.stream ?? (hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'local');
}

export interface AuditSystem {
  readonly log: AuditLog;
  readonly store: AuditStore;
  readonly signer: CheckpointSigner;
  /** Present when `audit.contentKey` is configured: where policies capture prompt/response text. */
  readonly content: ContentStore | undefined;
  /** The configured SIEM exporters; their stats feed `/metrics`. */
  readonly exporters: ExporterSet;
  /** Flushes the log, drains the exporters briefly and closes the store. */
  close(): Promise<void>;
}

/** Opens the store and the write path for the gateway. */
export async function openAuditLog(config: Config, opts: AuditOpenOptions = {}): Promise<Result<AuditSystem, string>> {
  const store = await openAuditStore(config, opts);
  if (!store.ok) return store;
  const a = config.audit;
  let contentKey: Buffer | undefined;
  if (a.contentKey) {
    const k = parseContentKey(a.contentKey.reveal());
    if (!k.ok) {
      await store.value.close();
      return k;
    }
    contentKey = k.value;
  }
  const signer = loadCheckpointSigner(config);
  const exporters = createExporterSet(a.exporters, config.home);
  const onEvents = (events: Parameters<ExporterSet['push']>[0]): void => {
    exporters.push(events);
    opts.onEvents?.(events);
  };
  const spoolPath = isAbsolute(a.spoolPath) ? a.spoolPath : join(config.home, a.spoolPath);
  try {
    const log = await createAuditLog({
      store: store.value,
      stream: auditStreamName(config),
      durability: a.durability,
      batchInterval: a.batchInterval,
      batchSize: a.batchSize,
      maxQueue: a.maxQueue,
      spoolPath,
      signer,
      checkpointEvery: a.checkpointEvery,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.onError ? { onError: opts.onError } : {}),
      onEvents,
    });
    return {
      ok: true,
      value: {
        log,
        store: store.value,
        signer,
        exporters,
        content: contentKey ? createContentStore({ store: store.value, key: contentKey, log, ...(opts.clock ? { clock: opts.clock } : {}) }) : undefined,
        async close() {
          await log.close();
          await exporters.close();
          await store.value.close();
        },
      },
    };
  } catch (e) {
    await exporters.close();
    await store.value.close();
    return { ok: false, error: `cannot start the audit log (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}
