// The data of train:injection and eval:injection, assembled in one place so the committed model and the
// cross-source fold models are trained the same way: the dev set (../shared/datasets/injection), the
// constructed families (src/detect/injection/synthetic.ts), benign documentation from the READMEs of the npm
// packages this repository installs (pinned by package-lock.json, permissive licences only), and the held-out
// ordinary prompts (test/fixtures/ordinary-prompts), which are never trained on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  articleParagraphs,
  augmentAttacks,
  benignFragments,
  benignRequests,
  CONTEXT_DEPENDENT_CATEGORIES,
  parseRecord,
  plantedInjections,
  type LabelledRecord,
} from '../src/detect/injection/dataset.ts';
import { syntheticTrainingData } from '../src/detect/injection/synthetic.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared/datasets/<name>` of the repository, or of the folder above it (git worktrees live one level deeper). */
export function findDataset(name: string, override?: string): string {
  if (override !== undefined) return resolve(override);
  for (const base of [resolve(ROOT, '..'), resolve(ROOT, '..', '..')]) {
    const dir = join(base, 'shared', 'datasets', name);
    if (existsSync(dir)) return dir;
  }
  return join(resolve(ROOT, '..'), 'shared', 'datasets', name);
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function readRecords(file: string): { records: LabelledRecord[]; sha256: string } {
  const raw = readFileSync(file, 'utf8');
  const records: LabelledRecord[] = [];
  for (const line of raw.split('\n')) {
    const r = line.trim() === '' ? undefined : parseRecord(line);
    if (r) records.push(r);
  }
  return { records, sha256: createHash('sha256').update(raw).digest('hex') };
}

export interface OrdinaryPrompt {
  readonly id: string;
  readonly kind: string;
  readonly text: string;
}

export const ORDINARY_PROMPTS_FILE = join(ROOT, 'test', 'fixtures', 'ordinary-prompts', 'prompts.jsonl');

export function ordinaryPrompts(): OrdinaryPrompt[] {
  return readFileSync(ORDINARY_PROMPTS_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as OrdinaryPrompt);
}

const PERMISSIVE = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense', 'MIT-0']);

function licenceOf(pkgDir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { license?: unknown };
    const l = pkg.license;
    if (typeof l === 'string') return l;
    if (l !== null && typeof l === 'object' && typeof (l as { type?: unknown }).type === 'string') return (l as { type: string }).type;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Paragraph chunks of a markdown file, code fences kept whole. */
function chunks(markdown: string, max: number): string[] {
  const out: string[] = [];
  let buf = '';
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === '' && buf.length >= max / 2) {
      out.push(buf.trim());
      buf = '';
      continue;
    }
    buf += `${line}\n`;
    if (buf.length >= max * 2) {
      out.push(buf.trim());
      buf = '';
      inFence = false;
    }
  }
  if (buf.trim() !== '') out.push(buf.trim());
  return out.filter((c) => c.length >= 80);
}

/**
 * Benign technical documents: chunks of README.md of every installed npm package with a permissive licence
 * (prose, code blocks, tables, configuration), at most `perPackage` per package chosen by hash, `max` in all.
 * The provenance of each is `npm:<package>@<version>`.
 */
export function npmReadmeDocs(max: number, perPackage: number): LabelledRecord[] {
  const nm = join(ROOT, 'node_modules');
  if (!existsSync(nm)) return [];
  const dirs: string[] = [];
  for (const name of readdirSync(nm).sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(nm, name)).sort()) dirs.push(join(name, sub));
    else dirs.push(name);
  }
  const candidates: LabelledRecord[] = [];
  for (const d of dirs) {
    const dir = join(nm, d);
    const licence = licenceOf(dir);
    if (licence === undefined || !PERMISSIVE.has(licence)) continue;
    const readme = ['README.md', 'readme.md', 'Readme.md'].map((f) => join(dir, f)).find((f) => existsSync(f));
    if (readme === undefined) continue;
    let version = '';
    try {
      const v = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
      version = typeof v === 'string' ? v : '';
    } catch {
      continue;
    }
    const parts = chunks(readFileSync(readme, 'utf8'), 1200)
      .map((text, i) => ({ text, k: createHash('sha256').update(`${d}:${i}`).digest('hex') }))
      .sort((a, b) => (a.k < b.k ? -1 : 1))
      .slice(0, perPackage);
    parts.forEach((p, i) => candidates.push({ id: `npm-${d}-${i}`, text: p.text, label: 'benign', category: 'npm:readme_context', source: `npm:${d}@${version}` }));
  }
  return candidates
    .map((r) => ({ r, k: createHash('sha256').update(r.id).digest('hex') }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .slice(0, max)
    .map((x) => x.r);
}

/**
 * Short benign lines from the same READMEs: questions ("How do I use this with TypeScript?") and headings,
 * markdown stripped. They stand in for the short questions users send, which the dev set lacks.
 */
export function npmReadmeLines(docs: readonly LabelledRecord[], max: number): LabelledRecord[] {
  const out: LabelledRecord[] = [];
  const seen = new Set<string>();
  for (const d of docs) {
    let inFence = false;
    for (const raw of d.text.split('\n')) {
      if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
      if (inFence) continue;
      const heading = /^#{1,4} /.test(raw);
      const line = raw.replace(/^#{1,6} |^\s*[-*+] |[*_`]|\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
      if (line.length < 15 || line.length > 200 || seen.has(line)) continue;
      if (!heading && !line.endsWith('?')) continue;
      seen.add(line);
      out.push({ id: `${d.id}-line${out.length}`, text: line, label: 'benign', category: 'npm:readme-line', source: d.source ?? 'npm' });
    }
  }
  return out
    .map((r) => ({ r, k: createHash('sha256').update(r.text).digest('hex') }))
    .sort((a, b) => (a.k < b.k ? -1 : 1))
    .slice(0, max)
    .map((x) => x.r);
}

export interface TrainingSet {
  readonly records: LabelledRecord[];
  readonly counts: Readonly<Record<string, number>>;
  /** Constructed texts dropped because they equal a held-out ordinary prompt. */
  readonly droppedHeldOut: number;
}

const key = (t: string): string => t.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The training set built from dev records (the training split, or the sources a fold keeps): the dev records
 * minus context-dependent attacks, obfuscated and planted copies, benign fragments, the constructed families,
 * npm README documents and AI-security articles. `extra` (e.g. npm docs) is read once by the caller.
 */
export function trainingSet(dev: readonly LabelledRecord[], extra: { readonly npmDocs: readonly LabelledRecord[]; readonly articles: readonly LabelledRecord[] }): TrainingSet {
  const trainable = dev.filter((r) => !CONTEXT_DEPENDENT_CATEGORIES.has(r.category));
  const withDocs = [...trainable, ...extra.npmDocs];
  const parts: Record<string, LabelledRecord[]> = {
    dev: trainable,
    obfuscated: augmentAttacks(trainable, 0.15, 7),
    requests: benignRequests(80, 11),
    fragments: benignFragments(trainable, 2, 13),
    planted: plantedInjections(withDocs, 160, 17),
    synthetic: syntheticTrainingData(29),
    npmDocs: [...extra.npmDocs],
    npmLines: npmReadmeLines(extra.npmDocs, 400),
    articles: [...extra.articles],
  };
  const heldOut = new Set(ordinaryPrompts().map((p) => key(p.text)));
  let droppedHeldOut = 0;
  const records: LabelledRecord[] = [];
  const counts: Record<string, number> = {};
  for (const [name, list] of Object.entries(parts)) {
    let n = 0;
    for (const r of list) {
      if (heldOut.has(key(r.text))) {
        droppedHeldOut++;
        continue;
      }
      records.push(r);
      n++;
    }
    counts[name] = n;
  }
  return { records, counts, droppedHeldOut };
}

export function articleDocs(): LabelledRecord[] {
  for (const base of [resolve(ROOT, '..'), resolve(ROOT, '..', '..')]) {
    const file = join(base, 'shared', 'seeds', 'security-for-ai-articles.txt');
    if (existsSync(file)) return articleParagraphs(readFileSync(file, 'utf8'), 1200);
  }
  return [];
}
