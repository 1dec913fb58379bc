// The hunting tables and their columns, and how each is read from the audit store's tables per dialect.
// Column SQL here is written by us (constant); user input never reaches it.

export type HuntType = 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
export type Dialect = 'sqlite' | 'postgres';

export interface HuntColumn {
  readonly name: string;
  readonly type: HuntType;
}

interface ColumnDef extends HuntColumn {
  /** SQL over the physical table, per dialect. */
  readonly sql: (d: Dialect) => string;
}

const col = (name: string, type: HuntType, physical: string): ColumnDef => ({ name, type, sql: () => physical });
/** A text field inside the `extra` JSON column. */
const extraText = (name: string, key: string): ColumnDef => ({
  name,
  type: 'string',
  sql: (d) => (d === 'sqlite' ? `json_extract(extra, '$.${key}')` : `(extra ->> '${key}')`),
});
const extraJson = (name: string, key: string): ColumnDef => ({
  name,
  type: 'dynamic',
  sql: (d) => (d === 'sqlite' ? `(extra -> '$.${key}')` : `(extra -> '${key}')`),
});
/** A text field of the first element of a JSON array column. */
const firstOf = (name: string, column: string, key: string): ColumnDef => ({
  name,
  type: 'string',
  sql: (d) => (d === 'sqlite' ? `json_extract(${column}, '$[0].${key}')` : `(${column} -> 0 ->> '${key}')`),
});

const COMMON: readonly ColumnDef[] = [
  col('time', 'datetime', 'time'),
  col('id', 'string', 'id'),
  col('recordType', 'string', 'record_type'),
  col('operation', 'string', 'operation'),
  col('principal', 'string', 'principal_id'),
  col('principalKind', 'string', 'principal_kind'),
  col('principalName', 'string', 'principal_name'),
  col('principalGroups', 'dynamic', 'principal_groups'),
  col('agentId', 'string', 'agent_id'),
  col('agentName', 'string', 'agent_name'),
  col('agentVersion', 'string', 'agent_version'),
  col('app', 'string', 'app_name'),
  col('userAgent', 'string', 'user_agent'),
  col('clientIp', 'string', 'client_ip'),
  col('outcome', 'string', 'outcome'),
  col('riskLevel', 'string', 'risk_level'),
  col('errorCode', 'string', 'error_code'),
  col('findings', 'dynamic', 'findings'),
  col('policyMatches', 'dynamic', 'policy_matches'),
  col('stream', 'string', 'stream'),
  col('seq', 'long', 'seq'),
];

const LATENCY: readonly ColumnDef[] = [col('latencyMs', 'real', 'latency_ms'), col('addedLatencyMs', 'real', 'added_latency_ms')];

interface TableDef {
  readonly source: 'audit_events' | 'audit_findings';
  readonly recordType?: string;
  readonly columns: readonly ColumnDef[];
}

const TABLES: Record<string, TableDef> = {
  AIInteractions: {
    source: 'audit_events',
    recordType: 'AIInteraction',
    columns: [
      ...COMMON,
      col('modelRequested', 'string', 'model_requested'),
      col('model', 'string', 'model_served'),
      col('provider', 'string', 'provider'),
      col('backend', 'string', 'backend'),
      col('conversationId', 'string', 'conversation_id'),
      col('messages', 'dynamic', 'messages'),
      col('tokensIn', 'long', 'tokens_in'),
      col('tokensOut', 'long', 'tokens_out'),
      ...LATENCY,
      col('sensitivityLabels', 'dynamic', 'labels'),
    ],
  },
  ToolInvocations: {
    source: 'audit_events',
    recordType: 'ToolInvocation',
    columns: [
      ...COMMON,
      col('resources', 'dynamic', 'resources'),
      firstOf('server', 'resources', 'server'),
      firstOf('tool', 'resources', 'tool'),
      col('conversationId', 'string', 'conversation_id'),
      ...LATENCY,
    ],
  },
  PolicyMatches: {
    source: 'audit_events',
    recordType: 'PolicyMatch',
    columns: [
      ...COMMON,
      firstOf('policy', 'policy_matches', 'policy'),
      firstOf('rule', 'policy_matches', 'rule'),
      firstOf('action', 'policy_matches', 'action'),
      firstOf('mode', 'policy_matches', 'mode'),
      extraText('justification', 'justification'),
      extraText('subjectId', 'subjectId'),
    ],
  },
  AccessDenied: { source: 'audit_events', recordType: 'AccessDenied', columns: [...COMMON, extraText('resource', 'resource'), extraText('reason', 'reason')] },
  SignIns: { source: 'audit_events', recordType: 'SignIn', columns: [...COMMON, extraText('method', 'method')] },
  AdminActions: { source: 'audit_events', recordType: 'AdminAction', columns: [...COMMON, extraText('target', 'target'), extraJson('details', 'details')] },
  RiskChanges: {
    source: 'audit_events',
    recordType: 'RiskChange',
    columns: [...COMMON, extraText('previousLevel', 'previousLevel'), extraText('reason', 'reason')],
  },
  Findings: {
    source: 'audit_findings',
    columns: [
      col('time', 'datetime', 'time'),
      col('eventId', 'string', 'event_id'),
      col('recordType', 'string', 'record_type'),
      col('principal', 'string', 'principal_id'),
      col('principalName', 'string', 'principal_name'),
      col('app', 'string', 'app_name'),
      col('model', 'string', 'model'),
      col('type', 'string', 'type'),
      col('confidence', 'real', 'confidence'),
      col('count', 'long', 'count'),
      col('location', 'string', 'location'),
      col('detector', 'string', 'detector'),
    ],
  },
};

export const TABLE_NAMES: readonly string[] = Object.keys(TABLES);

/** The columns of a hunting table, for completion and docs. */
export function tableColumns(name: string): readonly HuntColumn[] | undefined {
  return TABLES[name]?.columns.map(({ name: n, type }) => ({ name: n, type }));
}

/** The SELECT a table name stands for, with its columns. */
export function tableSource(name: string, d: Dialect): { sql: string; columns: HuntColumn[] } | undefined {
  const t = TABLES[name];
  if (!t) return undefined;
  const list = t.columns.map((c) => `${c.sql(d)} AS "${c.name}"`).join(', ');
  const where = t.recordType ? ` WHERE record_type = '${t.recordType}'` : '';
  return { sql: `SELECT ${list} FROM ${t.source}${where}`, columns: t.columns.map(({ name: n, type }) => ({ name: n, type })) };
}
