// The one place the CLI reads configuration: `--config FILE`, else ./palisade.yaml when present, else
// embedded defaults. Problems are printed with their paths and the process exits 2.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile, type Config, type ConfigProblem } from '../core/index.ts';

export const DEFAULT_CONFIG_FILE = 'palisade.yaml';

export function configPath(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit !== undefined) return explicit;
  return existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? DEFAULT_CONFIG_FILE : undefined;
}

export function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path === '' ? '(file)' : p.path}: ${p.message}`);
  return `invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Loads the configuration or exits 2 with every problem listed. */
export function loadCliConfig(explicit: string | undefined): Config {
  const path = configPath(explicit);
  const result = loadConfigFile(path, { env: process.env, cwd: process.cwd() });
  if (!result.ok) {
    console.error(formatProblems(path ?? 'embedded defaults', result.error));
    process.exit(2);
  }
  return result.value;
}
