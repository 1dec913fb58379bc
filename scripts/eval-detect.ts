// `npm run eval:detect`: span-level precision / recall / F1 / F2 of the sensitive information detectors
// on ../shared/datasets/pii (per type, through the dataset's canonical names) and line-level scores of
// the secrets detector on ../shared/datasets/secrets. Options: --min-confidence low|medium|high,
// --errors N (print up to N misses and false alarms per type, with text, for development only).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDetectionEngine } from '../src/detect/scan.ts';
import { builtinDetectors } from '../src/detect/registry.ts';
import type { ConfidenceLevel, Finding } from '../src/core/finding.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: { 'min-confidence': { type: 'string', default: 'low' }, errors: { type: 'string', default: '0' }, datasets: { type: 'string' } },
});
// A worktree sits one level deeper than the main checkout: look upwards for shared/datasets.
const DATASETS =
  args.datasets !== undefined
    ? resolve(args.datasets)
    : ([resolve(ROOT, '..', 'shared', 'datasets'), resolve(ROOT, '..', '..', 'shared', 'datasets')].find((d) => existsSync(d)) ?? resolve(ROOT, '..', 'shared', 'datasets'));
const minConfidence = (args['min-confidence'] ?? 'low') as ConfidenceLevel;
const showErrors = Number(args.errors ?? '0');

if (!existsSync(DATASETS)) {
  console.log(`eval:detect: no datasets at ${DATASETS} (expected ../shared/datasets relative to the repository root); nothing to evaluate.`);
  process.exit(0);
}

/** Our type → the dataset's canonical (Presidio) type. */
const TO_CANONICAL: Record<string, string> = {
  CREDIT_CARD: 'CREDIT_CARD',
  PHONE_NUMBER: 'PHONE_NUMBER',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  US_SSN: 'US_SSN',
  IBAN: 'IBAN_CODE',
  IP_ADDRESS: 'IP_ADDRESS',
  IPV6_ADDRESS: 'IP_ADDRESS',
  US_DRIVER_LICENSE: 'US_DRIVER_LICENSE',
  DATE_OF_BIRTH: 'DATE_TIME',
  PERSON_NAME: 'PERSON',
  STREET_ADDRESS: 'LOCATION',
};
/** Types we claim (held to the precision/recall targets); the others are reported for information. */
const CLAIMED = new Set(['CREDIT_CARD', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'US_SSN', 'IBAN_CODE', 'IP_ADDRESS', 'US_DRIVER_LICENSE']);

interface Counts {
  pred: number;
  predTp: number;
  gold: number;
  goldTp: number;
  /** Predictions whose boundaries equal a gold span's exactly (for the stricter exact-match F1). */
  exact?: number;
}
const scores = (c: Counts): { p: number; r: number; f1: number; f2: number } => {
  const p = c.pred === 0 ? (c.gold === 0 ? 1 : 0) : c.predTp / c.pred;
  const r = c.gold === 0 ? 1 : c.goldTp / c.gold;
  const f = (beta: number): number => (p + r === 0 ? 0 : ((1 + beta * beta) * p * r) / (beta * beta * p + r));
  return { p, r, f1: f(1), f2: f(2) };
};
const fmt = (x: number): string => x.toFixed(3);
const row = (name: string, c: Counts): string => {
  const s = scores(c);
  const exact = c.exact === undefined ? '' : ` ${fmt(c.pred + c.gold === 0 ? 1 : (2 * c.exact) / (c.pred + c.gold))} |`;
  return `| ${name.padEnd(24)} | ${String(c.gold).padStart(5)} | ${String(c.pred).padStart(5)} | ${fmt(s.p)} | ${fmt(s.r)} | ${fmt(s.f1)} | ${fmt(s.f2)} |${exact}`;
};
const HEADER = `| type                     |  gold |  pred | prec  | recall|  F1   |  F2   |\n|---|---|---|---|---|---|---|`;
const PII_HEADER = `| type                     |  gold |  pred | prec  | recall|  F1   |  F2   | exact-span F1 |\n|---|---|---|---|---|---|---|---|`;

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

const engine = createDetectionEngine({ exclusive: builtinDetectors() });

// ---------------- PII ----------------
function evalPii(): void {
  const dir = join(DATASETS, 'pii');
  const types = JSON.parse(readFileSync(join(dir, 'types.json'), 'utf8')) as Record<string, string | null>;
  const lines = readFileSync(join(dir, 'dev.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const counts = new Map<string, Counts>();
  const get = (t: string): Counts => {
    let c = counts.get(t);
    if (c === undefined) counts.set(t, (c = { pred: 0, predTp: 0, gold: 0, goldTp: 0, exact: 0 }));
    return c;
  };
  const unmapped = new Map<string, number>();
  const errors = new Map<string, string[]>();
  const note = (key: string, msg: string): void => {
    if (showErrors <= 0) return;
    const list = errors.get(key) ?? [];
    if (list.length < showErrors) list.push(msg);
    errors.set(key, list);
  };
  const started = performance.now();
  let chars = 0;
  for (const line of lines) {
    const rec = JSON.parse(line) as { id: string; text: string; spans: { start: number; end: number; type: string }[] };
    chars += rec.text.length;
    const gold = rec.spans.map((s) => ({ ...s, canon: types[s.type] ?? null }));
    const preds: (Finding & { canon: string | undefined })[] = engine
      .scan(rec.text, { minConfidence })
      .map((f) => ({ ...f, canon: TO_CANONICAL[f.type] }));
    for (const p of preds) {
      if (p.canon === undefined) {
        unmapped.set(p.type, (unmapped.get(p.type) ?? 0) + 1);
        continue;
      }
      const c = get(p.canon);
      c.pred++;
      if (gold.some((g) => g.canon === p.canon && g.start === p.start && g.end === p.end)) c.exact = (c.exact ?? 0) + 1;
      if (gold.some((g) => g.canon === p.canon && overlaps(g, p))) c.predTp++;
      else note(`FP ${p.canon}`, `${rec.id}: "${rec.text.slice(p.start, p.end)}" (${p.type} ${p.confidence}) in: ${rec.text.slice(Math.max(0, p.start - 60), p.end + 60).replace(/\n/g, '⏎')}`);
    }
    for (const g of gold) {
      if (g.canon === null) continue;
      const c = get(g.canon);
      c.gold++;
      if (preds.some((p) => p.canon === g.canon && overlaps(g, p))) c.goldTp++;
      else note(`FN ${g.canon}`, `${rec.id}: "${rec.text.slice(g.start, g.end)}" in: ${rec.text.slice(Math.max(0, g.start - 60), g.end + 60).replace(/\n/g, '⏎')}`);
    }
  }
  const elapsed = performance.now() - started;
  console.log(`\n## PII (${lines.length} records, span-level overlap, min confidence ${minConfidence})\n`);
  console.log(PII_HEADER);
  const claimedTotal: Counts = { pred: 0, predTp: 0, gold: 0, goldTp: 0, exact: 0 };
  const allTotal: Counts = { pred: 0, predTp: 0, gold: 0, goldTp: 0, exact: 0 };
  for (const [t, c] of [...counts.entries()].sort((a, b) => b[1].gold - a[1].gold)) {
    console.log(row(`${t}${CLAIMED.has(t) ? '' : ' (not claimed)'}`, c));
    const add = (tot: Counts): void => {
      tot.pred += c.pred;
      tot.predTp += c.predTp;
      tot.gold += c.gold;
      tot.goldTp += c.goldTp;
      tot.exact = (tot.exact ?? 0) + (c.exact ?? 0);
    };
    if (CLAIMED.has(t)) add(claimedTotal);
    add(allTotal);
  }
  console.log(row('OVERALL (claimed types)', claimedTotal));
  console.log(row('overall (all mapped)', allTotal));
  const um = [...unmapped.entries()].map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`\nPredictions of types with no dataset equivalent (not scored): ${um === '' ? 'none' : um}`);
  console.log(`Scan time: ${elapsed.toFixed(0)} ms for ${(chars / 1024).toFixed(0)} KiB`);
  for (const [k, list] of errors) {
    console.log(`\n### ${k}`);
    for (const m of list) console.log(`- ${m}`);
  }
}

// ---------------- secrets ----------------
function evalSecrets(): void {
  const dir = join(DATASETS, 'secrets');
  const records = readFileSync(join(dir, 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; text: string; label: string; rule_hint: string | null; source: string });
  const secretDetectors = new Set(engine.detectors.filter((d) => d.id === 'secrets'));
  const secretTypes = new Set([...secretDetectors].flatMap((d) => d.types));
  const isSecret = (f: Finding): boolean => secretTypes.has(f.type);

  const lineNo = (id: string): number => Number(/-L(\d+)$/.exec(id)?.[1] ?? '0');
  const byFile = new Map<string, typeof records>();
  for (const r of records) byFile.set(r.source, [...(byFile.get(r.source) ?? []), r]);

  const predictedFile = new Map<string, boolean>();
  const predictedLine = new Map<string, boolean>();
  const typeHits = new Map<string, number>();
  for (const [, recs] of byFile) {
    recs.sort((a, b) => lineNo(a.id) - lineNo(b.id));
    // File mode: the lines of one sample file, in order, scanned as one text (as a gateway sees a paste).
    const text = recs.map((r) => r.text).join('\n');
    const found = engine.scan(text, { minConfidence }).filter(isSecret);
    for (const f of found) typeHits.set(f.type, (typeHits.get(f.type) ?? 0) + 1);
    let offset = 0;
    for (const r of recs) {
      const span = { start: offset, end: offset + r.text.length };
      predictedFile.set(r.id, found.some((f) => overlaps(f, span)));
      predictedLine.set(r.id, engine.scan(r.text, { minConfidence }).some(isSecret));
      offset += r.text.length + 1;
    }
  }
  const report = (name: string, predicted: Map<string, boolean>): void => {
    const c: Counts = { pred: 0, predTp: 0, gold: 0, goldTp: 0 };
    for (const r of records) {
      const p = predicted.get(r.id) === true;
      const g = r.label === 'secret';
      if (p) c.pred++;
      if (g) c.gold++;
      if (p && g) {
        c.predTp++;
        c.goldTp++;
      }
    }
    console.log(row(name, c));
  };
  console.log(`\n## Secrets (${records.length} lines, ${byFile.size} files, min confidence ${minConfidence})\n`);
  console.log(HEADER.replace('type                    ', 'mode                    '));
  report('file mode (lines joined)', predictedFile);
  report('line mode (each alone)', predictedLine);

  const byRule = new Map<string, { n: number; hit: number }>();
  for (const r of records) {
    if (r.label !== 'secret') continue;
    const k = r.rule_hint ?? '?';
    const e = byRule.get(k) ?? { n: 0, hit: 0 };
    e.n++;
    if (predictedFile.get(r.id) === true) e.hit++;
    byRule.set(k, e);
  }
  console.log('\nRecall by CredSweeper rule (file mode, rules with ≥ 3 lines):\n');
  console.log('| rule | lines | recall |\n|---|---|---|');
  for (const [k, e] of [...byRule.entries()].sort((a, b) => b[1].n - a[1].n)) {
    if (e.n >= 3) console.log(`| ${k} | ${e.n} | ${fmt(e.hit / e.n)} |`);
  }
  console.log(`\nFindings by our type (file mode): ${[...typeHits.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (showErrors > 0) {
    const fps = records.filter((r) => r.label !== 'secret' && predictedFile.get(r.id) === true).slice(0, showErrors);
    const fns = records.filter((r) => r.label === 'secret' && predictedFile.get(r.id) !== true).slice(0, showErrors);
    console.log('\n### false alarms');
    for (const r of fps) console.log(`- ${r.id}: ${r.text.slice(0, 160)}`);
    console.log('\n### misses');
    for (const r of fns) console.log(`- ${r.id} [${r.rule_hint ?? ''}]: ${r.text.slice(0, 160)}`);
  }
}

console.log(`eval:detect — datasets from ${DATASETS}`);
if (existsSync(join(DATASETS, 'pii', 'dev.jsonl'))) evalPii();
else console.log('no pii/dev.jsonl; skipped');
if (existsSync(join(DATASETS, 'secrets', 'dev.jsonl'))) evalSecrets();
else console.log('no secrets/dev.jsonl; skipped');
