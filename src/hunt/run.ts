// Runs a hunt against any store that can execute a read-only SELECT, and turns driver values into the
// column types the query promised (SQLite's 0/1 into booleans, JSON text into objects, ms into ISO dates).
import type { Result } from '../core/index.ts';
import type { HuntError } from './ast.ts';
import { compileProgram, type CompiledHunt } from './compiler.ts';
import { parseHunt } from './parser.ts';
import type { Dialect, HuntColumn } from './tables.ts';

/** What a hunt needs from a store: its dialect and a read-only query. The audit store satisfies it. */
export interface HuntExecutor {
  readonly dialect: Dialect;
  query(sql: string, parameters: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

export interface HuntResult {
  readonly columns: readonly HuntColumn[];
  readonly rows: readonly Record<string, unknown>[];
  /** More rows matched than `maxRows`; only the first `maxRows` are returned. */
  readonly truncated: boolean;
}

export interface HuntOptions {
  readonly now?: number;
  readonly maxRows?: number;
}

/** Parses and compiles in one step. */
export function compileHunt(text: string, opts: { dialect: Dialect; now: number; maxRows?: number }): Result<CompiledHunt, HuntError> {
  const program = parseHunt(text);
  if (!program.ok) return program;
  return compileProgram(program.value, opts);
}

function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = Math.round(rest - s * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${sign}${days > 0 ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${frac > 0 ? `.${pad(frac, 3)}` : ''}`;
}

function convert(value: unknown, column: HuntColumn): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
    case 'long':
    case 'real':
      return typeof value === 'number' ? value : Number(value);
    case 'bool':
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    case 'datetime': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? new Date(n).toISOString() : null;
    }
    case 'timespan': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? formatTimespan(n) : null;
    }
    case 'dynamic':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          return value;
        }
      }
      return value;
  }
}

export function normalizeRows(rows: readonly Record<string, unknown>[], compiled: CompiledHunt): HuntResult {
  const truncated = rows.length > compiled.maxRows;
  const kept = truncated ? rows.slice(0, compiled.maxRows) : rows;
  return {
    columns: compiled.columns,
    truncated,
    rows: kept.map((r) => {
      const out: Record<string, unknown> = {};
      for (const c of compiled.columns) out[c.name] = convert(r[c.name], c);
      return out;
    }),
  };
}

/** Parses, compiles for the executor's dialect and runs; query and database errors come back as values. */
export async function runHunt(executor: HuntExecutor, text: string, opts: HuntOptions = {}): Promise<Result<HuntResult, HuntError>> {
  const compiled = compileHunt(text, {
    dialect: executor.dialect,
    now: opts.now ?? Date.now(),
    ...(opts.maxRows !== undefined ? { maxRows: opts.maxRows } : {}),
  });
  if (!compiled.ok) return compiled;
  try {
    const rows = await executor.query(compiled.value.sql, compiled.value.parameters);
    return { ok: true, value: normalizeRows(rows, compiled.value) };
  } catch (e) {
    // The database's message names our SQL, not the analyst's query; keep it short and position-free.
    const msg = e instanceof Error ? e.message.split('\n')[0]?.slice(0, 200) ?? 'error' : 'error';
    return { ok: false, error: { message: `the query failed while running: ${msg}`, line: 1, column: 1 } };
  }
}
