// `palisade hunt`: runs a hunting query (KQL subset) against the audit store and prints a table, JSON or CSV.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openAuditStore, type AuditStore } from '../../audit/index.ts';
import { TABLE_NAMES, loadQueryLibrary, runHunt, tableColumns, type HuntError, type HuntResult } from '../../hunt/index.ts';
import { loadCliConfig } from '../load-config.ts';

export type HuntFormat = 'table' | 'json' | 'csv';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Spreadsheets run cells that start with = + - @ as formulas; a leading quote keeps them text. */
function csvCell(v: unknown): string {
  let s = cell(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatResult(result: HuntResult, format: HuntFormat): string {
  const names = result.columns.map((c) => c.name);
  switch (format) {
    case 'json':
      return JSON.stringify(result.rows, null, 2);
    case 'csv':
      return [names.map(csvCell).join(','), ...result.rows.map((r) => names.map((n) => csvCell(r[n])).join(','))].join('\n');
    case 'table': {
      const MAX = 60;
      const clip = (s: string): string => {
        const flat = s.replace(/[\r\n\t]/g, ' ');
        return flat.length > MAX ? `${flat.slice(0, MAX - 1)}…` : flat;
      };
      const rows = result.rows.map((r) => names.map((n) => clip(cell(r[n]))));
      const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
      const out = [line(names), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
      out.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', more were cut: raise --max-rows' : ''})`);
      return out.join('\n');
    }
  }
}

/** The error with the offending line and a caret under the column. */
export function formatHuntError(query: string, e: HuntError): string {
  const src = query.split('\n')[e.line - 1];
  const pointer = src !== undefined ? `\n  ${src}\n  ${' '.repeat(Math.max(0, e.column - 1))}^` : '';
  return `error at line ${e.line}, column ${e.column}: ${e.message}${pointer}`;
}

interface HuntOpts {
  file?: string;
  builtin?: string;
  list?: boolean;
  tables?: boolean;
  format: string;
  maxRows: string;
  now?: string;
  config?: string;
}

export async function runHuntCommand(queryArg: string | undefined, opts: HuntOpts, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (opts.list) {
    const lib = loadQueryLibrary();
    if (!lib.ok) {
      err(lib.error);
      return 2;
    }
    for (const q of lib.value) out(`${q.name}\n    ${q.description}${q.tags.length ? `\n    tags: ${q.tags.join(', ')}` : ''}`);
    return 0;
  }
  if (opts.tables) {
    for (const t of TABLE_NAMES) out(`${t}: ${(tableColumns(t) ?? []).map((c) => `${c.name}:${c.type}`).join(', ')}`);
    return 0;
  }
  if (!['table', 'json', 'csv'].includes(opts.format)) {
    err(`--format must be table, json or csv, got "${opts.format}"`);
    return 2;
  }
  const maxRows = Number(opts.maxRows);
  if (!Number.isInteger(maxRows) || maxRows < 1) {
    err(`--max-rows must be a positive whole number, got "${opts.maxRows}"`);
    return 2;
  }
  const now = opts.now !== undefined ? Date.parse(opts.now) : Date.now();
  if (!Number.isFinite(now)) {
    err(`--now must be an ISO date, got "${opts.now}"`);
    return 2;
  }
  const sources = [queryArg !== undefined, opts.file !== undefined, opts.builtin !== undefined].filter(Boolean).length;
  if (sources !== 1) {
    err('give exactly one of: a query, --file FILE, --builtin NAME (see --list)');
    return 2;
  }
  let query: string;
  if (opts.file !== undefined) {
    try {
      query = readFileSync(opts.file, 'utf8');
    } catch (e) {
      err(`cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      return 2;
    }
  } else if (opts.builtin !== undefined) {
    const lib = loadQueryLibrary();
    const found = lib.ok ? lib.value.find((q) => q.name === opts.builtin) : undefined;
    if (!found) {
      err(`no built-in query named "${opts.builtin}" (see palisade hunt --list)`);
      return 2;
    }
    query = found.query;
  } else {
    query = queryArg ?? '';
  }
  const config = loadCliConfig(opts.config);
  const store = await openAuditStore(config);
  if (!store.ok) {
    err(store.error);
    return 1;
  }
  return withStore(store.value, async (s) => {
    const r = await runHunt(s, query, { now, maxRows });
    if (!r.ok) {
      err(formatHuntError(query, r.error));
      return 2;
    }
    out(formatResult(r.value, opts.format as HuntFormat));
    return 0;
  });
}

async function withStore<T>(store: AuditStore, fn: (s: AuditStore) => Promise<T>): Promise<T> {
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function registerHuntCommand(program: Command): void {
  program
    .command('hunt')
    .description('run a hunting query (a KQL subset) over the audit log')
    .argument('[query]', "the query, e.g. 'AIInteractions | where time > ago(1d) | summarize count() by principal'")
    .option('-f, --file <file>', 'read the query from a file')
    .option('-b, --builtin <name>', 'run a built-in query from hunting/ (see --list)')
    .option('--list', 'list the built-in queries')
    .option('--tables', 'list the tables and their columns')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--max-rows <n>', 'most rows to print', '1000')
    .option('--now <iso>', 'evaluate now() and ago() at this time (reproducible hunts)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (query: string | undefined, opts: HuntOpts) => {
      process.exitCode = await runHuntCommand(query, opts, (s) => console.log(s), (s) => console.error(s));
    });
}
