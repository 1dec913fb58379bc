// The SQLite McpStateStore: `<home>/mcp.db`, WAL, so the gateway and the `palisade mcp` CLI share pins and
// approvals. Kept apart from src/store (another module's backend) on purpose; the schema is two tables.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ToolDefinition } from './canonical.ts';
import type { ApprovalRequest, ApprovalStatus, McpStateStore, PinStatus, ToolPin } from './state.ts';

export const MCP_DB_FILE = 'mcp.db';

interface PinRow {
  server: string;
  tool: string;
  status: string;
  approved_hash: string | null;
  approved_definition: string | null;
  current_hash: string;
  current_definition: string;
  reasons: string;
  signals: string;
  updated_at: number;
}

interface ApprovalRow {
  id: string;
  principal_id: string;
  principal_name: string;
  server: string;
  tool: string;
  arguments_hash: string;
  created_at: number;
  expires_at: number;
  status: string;
  decided_by: string | null;
  decided_at: number | null;
}

function toPin(r: PinRow): ToolPin {
  return {
    server: r.server,
    tool: r.tool,
    status: r.status as PinStatus,
    ...(r.approved_hash !== null ? { approvedHash: r.approved_hash } : {}),
    ...(r.approved_definition !== null ? { approvedDefinition: JSON.parse(r.approved_definition) as ToolDefinition } : {}),
    currentHash: r.current_hash,
    currentDefinition: JSON.parse(r.current_definition) as ToolDefinition,
    reasons: JSON.parse(r.reasons) as string[],
    signals: JSON.parse(r.signals) as string[],
    updatedAt: r.updated_at,
  };
}

function toApproval(r: ApprovalRow): ApprovalRequest {
  return {
    id: r.id,
    principalId: r.principal_id,
    principalName: r.principal_name,
    server: r.server,
    tool: r.tool,
    argumentsHash: r.arguments_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status as ApprovalStatus,
    ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
  };
}

/** Opens (creating when missing) `<home>/mcp.db`. */
export function openSqliteMcpStateStore(home: string): McpStateStore {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const db = new Database(join(home, MCP_DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS mcp_pins (
      server TEXT NOT NULL, tool TEXT NOT NULL, status TEXT NOT NULL,
      approved_hash TEXT, approved_definition TEXT, current_hash TEXT NOT NULL, current_definition TEXT NOT NULL,
      reasons TEXT NOT NULL, signals TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (server, tool)
    );
    CREATE TABLE IF NOT EXISTS mcp_approvals (
      id TEXT PRIMARY KEY, principal_id TEXT NOT NULL, principal_name TEXT NOT NULL, server TEXT NOT NULL,
      tool TEXT NOT NULL, arguments_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
      status TEXT NOT NULL, decided_by TEXT, decided_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS mcp_approvals_status ON mcp_approvals (status, created_at);
  `);
  const listAll = db.prepare<[], PinRow>('SELECT * FROM mcp_pins ORDER BY server, tool');
  const listServer = db.prepare<[string], PinRow>('SELECT * FROM mcp_pins WHERE server = ? ORDER BY tool');
  const getPin = db.prepare<[string, string], PinRow>('SELECT * FROM mcp_pins WHERE server = ? AND tool = ?');
  const putPin = db.prepare(`
    INSERT INTO mcp_pins (server, tool, status, approved_hash, approved_definition, current_hash, current_definition, reasons, signals, updated_at)
    VALUES (@server, @tool, @status, @approved_hash, @approved_definition, @current_hash, @current_definition, @reasons, @signals, @updated_at)
    ON CONFLICT (server, tool) DO UPDATE SET status = excluded.status, approved_hash = excluded.approved_hash,
      approved_definition = excluded.approved_definition, current_hash = excluded.current_hash,
      current_definition = excluded.current_definition, reasons = excluded.reasons, signals = excluded.signals,
      updated_at = excluded.updated_at`);
  const insertApproval = db.prepare(`
    INSERT INTO mcp_approvals (id, principal_id, principal_name, server, tool, arguments_hash, created_at, expires_at, status, decided_by, decided_at)
    VALUES (@id, @principal_id, @principal_name, @server, @tool, @arguments_hash, @created_at, @expires_at, @status, NULL, NULL)`);
  const getApproval = db.prepare<[string], ApprovalRow>('SELECT * FROM mcp_approvals WHERE id = ?');
  const listApprovals = db.prepare<[], ApprovalRow>('SELECT * FROM mcp_approvals ORDER BY created_at');
  const listApprovalsBy = db.prepare<[string], ApprovalRow>('SELECT * FROM mcp_approvals WHERE status = ? ORDER BY created_at');
  const decide = db.prepare<[string, string, number, string]>(
    "UPDATE mcp_approvals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
  );

  return {
    listPins: (server) => Promise.resolve((server === undefined ? listAll.all() : listServer.all(server)).map(toPin)),
    getPin: (server, tool) => {
      const row = getPin.get(server, tool);
      return Promise.resolve(row === undefined ? undefined : toPin(row));
    },
    putPin: (pin) => {
      putPin.run({
        server: pin.server,
        tool: pin.tool,
        status: pin.status,
        approved_hash: pin.approvedHash ?? null,
        approved_definition: pin.approvedDefinition === undefined ? null : JSON.stringify(pin.approvedDefinition),
        current_hash: pin.currentHash,
        current_definition: JSON.stringify(pin.currentDefinition),
        reasons: JSON.stringify(pin.reasons),
        signals: JSON.stringify(pin.signals),
        updated_at: pin.updatedAt,
      });
      return Promise.resolve();
    },
    createApproval: (r) => {
      insertApproval.run({
        id: r.id,
        principal_id: r.principalId,
        principal_name: r.principalName,
        server: r.server,
        tool: r.tool,
        arguments_hash: r.argumentsHash,
        created_at: r.createdAt,
        expires_at: r.expiresAt,
        status: r.status,
      });
      return Promise.resolve();
    },
    getApproval: (id) => {
      const row = getApproval.get(id);
      return Promise.resolve(row === undefined ? undefined : toApproval(row));
    },
    listApprovals: (status) => Promise.resolve((status === undefined ? listApprovals.all() : listApprovalsBy.all(status)).map(toApproval)),
    decideApproval: (id, status, by, at) => Promise.resolve(decide.run(status, by, at, id).changes === 1),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
