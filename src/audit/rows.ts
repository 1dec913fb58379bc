// Maps an event to the flat row both backends store and back, losslessly: the columns hunting needs are
// pulled out, and whatever is left (record-specific fields, empty objects) travels in `extra`. Because the
// mapping is lossless, verification recomputes each hash from the stored columns, so an edit to any column
// a hunt reads is caught.
import type { AuditEvent } from './events.ts';

export type ColumnKind = 'text' | 'int' | 'real' | 'json';

/** Physical column → path into the event. Order is the insert column order. */
export const MAPPED_COLUMNS: readonly (readonly [string, readonly string[], ColumnKind])[] = [
  ['operation', ['operation'], 'text'],
  ['principal_id', ['principal', 'id'], 'text'],
  ['principal_kind', ['principal', 'kind'], 'text'],
  ['principal_name', ['principal', 'name'], 'text'],
  ['principal_groups', ['principal', 'groups'], 'json'],
  ['agent_id', ['agent', 'id'], 'text'],
  ['agent_name', ['agent', 'name'], 'text'],
  ['agent_version', ['agent', 'version'], 'text'],
  ['app_name', ['app', 'name'], 'text'],
  ['user_agent', ['app', 'userAgent'], 'text'],
  ['client_ip', ['clientIp'], 'text'],
  ['model_requested', ['model', 'requested'], 'text'],
  ['model_served', ['model', 'served'], 'text'],
  ['provider', ['provider'], 'text'],
  ['backend', ['backend'], 'text'],
  ['conversation_id', ['conversationId'], 'text'],
  ['tokens_in', ['tokens', 'in'], 'int'],
  ['tokens_out', ['tokens', 'out'], 'int'],
  ['latency_ms', ['latency', 'totalMs'], 'real'],
  ['added_latency_ms', ['latency', 'addedMs'], 'real'],
  ['outcome', ['outcome'], 'text'],
  ['risk_level', ['riskLevel'], 'text'],
  ['error_code', ['errorCode'], 'text'],
  ['messages', ['messages'], 'json'],
  ['findings', ['findings'], 'json'],
  ['labels', ['sensitivityLabels'], 'json'],
  ['policy_matches', ['policyMatches'], 'json'],
  ['resources', ['resources'], 'json'],
];

/** The fixed columns, then the mapped ones, then `extra`, `prev_hash`, `hash`. */
export const EVENT_COLUMNS: readonly string[] = [
  'stream',
  'seq',
  'id',
  'time',
  'record_type',
  ...MAPPED_COLUMNS.map(([c]) => c),
  'extra',
  'prev_hash',
  'hash',
];

export const FINDING_COLUMNS: readonly string[] = [
  'stream',
  'seq',
  'event_id',
  'time',
  'record_type',
  'principal_id',
  'principal_name',
  'app_name',
  'model',
  'type',
  'confidence',
  'count',
  'location',
  'detector',
];

/** An event with its place in the hash chain. */
export interface StoredEvent {
  readonly stream: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly event: AuditEvent;
}

export type Row = Record<string, unknown>;

// Precomputed from MAPPED_COLUMNS: which top-level members are columns, and which members of nested
// objects are. Whatever is left of an event goes to `extra`; a nested object whose members are all
// columns still leaves `{}` there, so its presence survives the round trip.
const TOP_LEVEL = new Set(['id', 'time', 'recordType', ...MAPPED_COLUMNS.filter(([, p]) => p.length === 1).map(([, p]) => p[0] as string)]);
const NESTED = new Map<string, Set<string>>();
for (const [, p] of MAPPED_COLUMNS) {
  if (p.length !== 2) continue;
  const [outer, inner] = p as readonly [string, string];
  const set = NESTED.get(outer) ?? new Set<string>();
  set.add(inner);
  NESTED.set(outer, set);
}

/**
 * JSON columns are text in SQLite and jsonb in PostgreSQL; both take a JSON string on insert. With
 * `jsonAsText` false they stay values, for a row that is itself serialised as JSON (PostgreSQL bulk insert).
 */
export function eventToRow(s: StoredEvent, jsonAsText = true): Row {
  const e = s.event as unknown as Record<string, unknown>;
  const row: Row = { stream: s.stream, seq: s.seq, id: s.event.id, time: s.event.time, record_type: s.event.recordType };
  for (const [column, path, kind] of MAPPED_COLUMNS) {
    let v: unknown = e[path[0] as string];
    if (path.length === 2) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[path[1] as string] : undefined;
    row[column] = v === undefined ? null : kind === 'json' && jsonAsText ? JSON.stringify(v) : v;
  }
  const extra: Record<string, unknown> = {};
  for (const k in e) {
    const v = e[k];
    if (v === undefined || TOP_LEVEL.has(k)) continue;
    const inner = NESTED.get(k);
    if (inner && v !== null && typeof v === 'object') {
      const rest: Record<string, unknown> = {};
      for (const ik in v as Record<string, unknown>) if (!inner.has(ik)) rest[ik] = (v as Record<string, unknown>)[ik];
      extra[k] = rest;
    } else {
      extra[k] = v;
    }
  }
  row['extra'] = jsonAsText ? JSON.stringify(extra) : extra;
  row['prev_hash'] = s.prevHash;
  row['hash'] = s.hash;
  return row;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] ?? '';
    const next = cur[key];
    if (next === null || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1] ?? ''] = value;
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function rowToEvent(row: Row): StoredEvent {
  const event = (parseJson(row['extra']) ?? {}) as Record<string, unknown>;
  event['id'] = row['id'];
  event['time'] = num(row['time']);
  event['recordType'] = row['record_type'];
  for (const [column, path, kind] of MAPPED_COLUMNS) {
    const v = row[column];
    if (v === null || v === undefined) continue;
    setPath(event, path, kind === 'json' ? parseJson(v) : kind === 'text' ? v : num(v));
  }
  return {
    stream: String(row['stream']),
    seq: num(row['seq']),
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
    event: event as unknown as AuditEvent,
  };
}

/** One row per finding, for the `Findings` hunting table. */
export function findingRows(s: StoredEvent): Row[] {
  const e = s.event;
  const model = e.recordType === 'AIInteraction' ? (e.model.served ?? e.model.requested ?? null) : null;
  return e.findings.map((f) => ({
    stream: s.stream,
    seq: s.seq,
    event_id: e.id,
    time: e.time,
    record_type: e.recordType,
    principal_id: e.principal?.id ?? null,
    principal_name: e.principal?.name ?? null,
    app_name: e.app?.name ?? null,
    model,
    type: f.type,
    confidence: f.confidence,
    count: f.count,
    location: f.location ?? null,
    detector: f.detector ?? null,
  }));
}
