// `palisade edm import FILE.csv --name NAME [--columns a,b]`: stores salted SHA-256 digests of the
// normalised cells (never plaintext) under <home>/edm/, with a progress bar on large files.
// `palisade edm list` shows the stored tables (metadata only).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { importEdmCsv, type EdmMeta } from '../../detect/index.ts';
import { loadCliConfig } from '../load-config.ts';

function fail(message: string): never {
  console.error(`palisade edm: ${message}`);
  process.exit(2);
}

/** Redraws one stderr line on a terminal; prints every tenth on pipes and log files. */
function progressReporter(): (read: number, total: number, rows: number) => void {
  let lastDecile = -1;
  return (read, total, rows) => {
    const ratio = total > 0 ? Math.min(1, read / total) : 1;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en')} rows`);
      if (ratio >= 1) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile > lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${decile * 10}% (${rows} rows)\n`);
    }
  };
}

export function registerEdmCommand(program: Command): void {
  const edm = program.command('edm').description('exact data match: tables of known sensitive values, stored as salted digests');
  edm
    .command('import')
    .description('import a CSV file (first line: column names); only salted SHA-256 digests are stored')
    .argument('<file>', 'CSV file')
    .requiredOption('--name <name>', 'table name (letters, digits, - and _)')
    .option('--columns <columns>', 'columns to store, comma-separated (default: all)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (file: string, opts: { name: string; columns?: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      const columns = opts.columns?.split(',').map((c) => c.trim()).filter((c) => c !== '');
      const started = Date.now();
      const result = await importEdmCsv({
        file,
        name: opts.name,
        home: config.home,
        ...(columns !== undefined ? { columns } : {}),
        onProgress: progressReporter(),
      });
      if (!result.ok) fail(result.error);
      const m = result.value;
      console.log(`imported "${m.name}": ${m.rows} rows, ${m.entries} digests of columns ${m.columns.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (!config.detection.edm.some((s) => s.name === m.name)) {
        console.log(`add it to palisade.yaml to use it:\n  detection:\n    edm:\n      - name: ${m.name}\n        primary: [${m.columns[0] ?? ''}]`);
      }
    });
  edm
    .command('list')
    .description('list stored tables (metadata only)')
    .option('-c, --config <file>', 'configuration file')
    .action((opts: { config?: string }) => {
      const config = loadCliConfig(opts.config);
      const dir = join(config.home, 'edm');
      const metas = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EdmMeta)
        : [];
      if (metas.length === 0) {
        console.log('no exact data match tables');
        return;
      }
      for (const m of metas) console.log(`${m.name}\t${m.rows} rows\tcolumns: ${m.columns.join(', ')}\timported ${m.createdAt}`);
    });
}
