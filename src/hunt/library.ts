// The built-in hunting queries: `.kql` files in `hunting/`, each opening with `// name:`,
// `// description:` and `// tags:` lines. They are checked (parsed) when loaded.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../core/index.ts';
import { parseHunt } from './parser.ts';

export interface BuiltinQuery {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly query: string;
  readonly file: string;
}

/** `hunting/` at the package root, from src/hunt/ and from dist/hunt/ alike. */
export const BUILTIN_QUERY_DIR = fileURLToPath(new URL('../../hunting/', import.meta.url));

export function parseQueryFile(file: string, text: string): Result<BuiltinQuery, string> {
  const header: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\/\/\s*(name|description|tags):\s*(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) header[m[1]] = m[2].trim();
  }
  const name = header['name'];
  const description = header['description'];
  if (!name || !description) return { ok: false, error: `${file}: needs "// name:" and "// description:" lines` };
  const parsed = parseHunt(text);
  if (!parsed.ok) return { ok: false, error: `${file}: ${parsed.error.message} (line ${parsed.error.line}, column ${parsed.error.column})` };
  const tags = (header['tags'] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  return { ok: true, value: { name, description, tags, query: text, file } };
}

export function loadQueryLibrary(dir: string = BUILTIN_QUERY_DIR): Result<BuiltinQuery[], string> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.kql')).sort();
  } catch (e) {
    return { ok: false, error: `cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  const out: BuiltinQuery[] = [];
  for (const f of files) {
    const q = parseQueryFile(f, readFileSync(join(dir, f), 'utf8'));
    if (!q.ok) return q;
    out.push(q.value);
  }
  return { ok: true, value: out };
}
