// The audit log: every AI interaction, tool call, policy match, denial, sign-in, admin action and risk
// change, written off the request path in hash-chained batches to SQLite or PostgreSQL, verifiable,
// with retention, an encrypted content store for captured prompts, and the store hunting queries run on.
export { RECORD_TYPES, auditEventSchema, normalizeEvent } from './events.ts';
export type {
  RecordType,
  AuditEvent,
  AuditEventInput,
  AIInteraction,
  ToolInvocation,
  PolicyMatch,
  AccessDenied,
  SignIn,
  AdminAction,
  RiskChange,
  AuditFinding,
  AuditPolicyMatchRef,
  AuditPrincipal,
} from './events.ts';
export { canonicalJson, chainHash, GENESIS_HASH } from './canonical.ts';
export type { StoredEvent } from './rows.ts';
export type { AuditStore, AuditDialect, Checkpoint, ContentRecord, ChainRange } from './store.ts';
export { openSqliteAuditStore } from './sqlite/sqlite-store.ts';
export type { SqliteAuditStoreOptions } from './sqlite/sqlite-store.ts';
export { openPostgresAuditStore } from './postgres/postgres-store.ts';
export type { PostgresAuditStoreOptions } from './postgres/postgres-store.ts';
export { createAuditLog } from './log.ts';
export type { AuditLog, AuditLogOptions, AuditLogStats, Durability } from './log.ts';
export { hmacCheckpointSigner, verifyChain } from './chain.ts';
export type { CheckpointSigner, ChainProblem, ChainProblemKind, VerifyReport } from './chain.ts';
export { applyRetention } from './retention.ts';
export type { RetentionReport } from './retention.ts';
export { openAuditLog, openAuditStore, loadCheckpointSigner, auditStreamName } from './open.ts';
export type { AuditSystem, AuditOpenOptions } from './open.ts';
export { createContentStore, parseContentKey, CONTENT_READER_ROLE } from './content.ts';
export type { ContentStore, CapturedContent, ContentReader } from './content.ts';
export { createExporterSet, ExportQueue, fileExporter, syslogExporter, webhookExporter, otlpExporter, webhookSignature, toOcsf, toCef, toSyslog, toOtlpLogRecord } from './exporters/index.ts';
export type { ExporterSet, Exporter, ExporterStats, ExportQueueOptions } from './exporters/index.ts';
export { registerAuditMetrics } from './metrics.ts';
