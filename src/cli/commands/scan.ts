// `palisade scan [FILE|-]`: scans a file or standard input with every configured detector and prints
// the findings with masked values. Exits 1 when a finding reaches --min-confidence (for CI pipelines),
// 2 on usage or configuration errors, 0 otherwise. `--format json` prints the same report as
// `POST /v1/palisade/scan`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createValueHasher, randomToken, type ConfidenceLevel, type Config, type ValueHasher } from '../../core/index.ts';
import { createDetection, loadConfiguredEdm, minScore, type ScanReport } from '../../detect/index.ts';
import { openConfiguredStateStore } from '../../store/index.ts';
import { loadCliConfig } from '../load-config.ts';

interface ScanOpts {
  readonly format: string;
  readonly minConfidence: string;
  readonly config?: string;
  readonly types?: string;
  readonly labels?: string;
  readonly ephemeralKey?: boolean;
}

const LEVELS = new Set(['low', 'medium', 'high']);

function fail(message: string): never {
  console.error(`palisade scan: ${message}`);
  process.exit(2);
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The installation's finding-hash key, so hashes printed here match the gateway's audit records. */
async function findingHasher(config: Config, ephemeral: boolean): Promise<ValueHasher> {
  if (ephemeral) return createValueHasher(randomToken(32));
  const store = await openConfiguredStateStore(config);
  try {
    return createValueHasher(await store.settings.getOrCreateSecret('finding-hash', 32));
  } finally {
    await store.close();
  }
}

function lineCol(text: string, offset: number, lineStarts: number[]): string {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return `${lo + 1}:${offset - (lineStarts[lo] ?? 0) + 1}`;
}

export function formatTable(text: string, report: ScanReport): string {
  if (report.findings.length === 0) return 'no findings';
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const rows = report.findings.map((f) => [lineCol(text, f.start, lineStarts), f.type, `${f.level} (${f.confidence})`, f.masked]);
  const header = ['LINE:COL', 'TYPE', 'CONFIDENCE', 'VALUE (masked)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines = [fmt(header), ...rows.map(fmt)];
  const types = Object.entries(report.summary.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  lines.push('', `${report.summary.count} finding${report.summary.count === 1 ? '' : 's'}: ${types}`);
  if (report.label?.effective) lines.push(`sensitivity label: ${report.label.effective.name} (from ${report.label.effective.source})`);
  return lines.join('\n');
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('scan a file or standard input for sensitive data and secrets; exits 1 when something reaches --min-confidence')
    .argument('[file]', 'file to scan, or - for standard input (the default)')
    .option('--format <format>', 'table or json', 'table')
    .option('--min-confidence <level>', 'low, medium or high: report and fail on findings at or above this', 'medium')
    .option('--types <types>', 'only these types, comma-separated')
    .option('--labels <labels>', 'labels passed with the content, as in the x-palisade-labels header')
    .option('--ephemeral-key', 'hash values with a throw-away key instead of the installation key (no state store needed)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (file: string | undefined, opts: ScanOpts) => {
      if (opts.format !== 'table' && opts.format !== 'json') fail(`--format must be table or json, got "${opts.format}"`);
      if (!LEVELS.has(opts.minConfidence)) fail(`--min-confidence must be low, medium or high, got "${opts.minConfidence}"`);
      const level = opts.minConfidence as ConfidenceLevel;
      const config = loadCliConfig(opts.config);
      const edm = loadConfiguredEdm(config.detection, config.home);
      if (!edm.ok) fail(edm.error.join('; '));
      const detection = createDetection(config.detection, { edm: edm.value });
      const text = await readInput(file);
      const hashValue = await findingHasher(config, opts.ephemeralKey === true);
      const types = opts.types?.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const report = detection.report(text, {
        hashValue,
        minConfidence: level,
        ...(types !== undefined ? { types } : {}),
        ...(opts.labels !== undefined ? { labelHeader: opts.labels } : {}),
      });
      console.log(opts.format === 'json' ? JSON.stringify(report, null, 2) : formatTable(text, report));
      const threshold = minScore(level);
      process.exitCode = report.findings.some((f) => f.confidence >= threshold) ? 1 : 0;
    });
}
