// `npm run eval:detect`: span-level precision / recall / F1 / F2 of the sensitive information detectors
// on ../shared/datasets/pii (per type, through the dataset's canonical names) and line-level scores of
// the secrets detector on ../shared/datasets/secrets. Options: --min-confidence low|medium|high,
// --errors N (print up to N misses and false alarms per type, with text, for development only),
// --datasets DIR.
//
// Held-out split: a fixed 30 % of the records (PII: by record id; secrets: by whole source file, so no
// file is split between the two) is never printed by --errors; rules are tuned on the rest only. The
// summary reports both parts. Each dataset has a single upstream source, so this is a held-out split,
// not a cross-source one; the lead's hold-out sets from other sources are the cross-source check.
import { createHash } from 'node:crypto';
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
  LOCATION: 'LOCATION',
  ORGANIZATION: 'ORGANIZATION',
};
/** Pattern types (held to the pattern-type target); "all types" adds person, location, organisation, dates, URLs. */
const CLAIMED = new Set(['CREDIT_CARD', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'US_SSN', 'IBAN_CODE', 'IP_ADDRESS', 'US_DRIVER_LICENSE']);

/** True for the fixed 30 % of keys held out from tuning (--errors never prints them). */
const heldOut = (key: string): boolean => (createHash('sha256').update(key).digest()[0] ?? 0) < 77;
type Part = 'all' | 'tuning' | 'held-out';
const PARTS: readonly Part[] = ['all', 'tuning', 'held-out'];
const inPart = (part: Part, key: string): boolean => part === 'all' || (part === 'held-out') === heldOut(key);

interface Counts {
  pred: number;
  predTp: number;
  gold: number;
  goldTp: number;
  /** Predictions whose boundaries equal a gold span's exactly (for the stricter exact-match F1). */
  exact?: number;
}
const zero = (): Counts => ({ pred: 0, predTp: 0, gold: 0, goldTp: 0, exact: 0 });
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
const add = (tot: Counts, c: Counts): void => {
  tot.pred += c.pred;
  tot.predTp += c.predTp;
  tot.gold += c.gold;
  tot.goldTp += c.goldTp;
  tot.exact = (tot.exact ?? 0) + (c.exact ?? 0);
};
const PII_HEADER = `| type                     |  gold |  pred | prec  | recall|  F1   |  F2   | exact-span F1 |\n|---|---|---|---|---|---|---|---|`;

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

const engine = createDetectionEngine({ exclusive: builtinDetectors() });
/** Summary rows: name → figure per part. */
const summary = new Map<string, Record<Part, string>>();
const note = (name: string, part: Part, figure: string): void => {
  const r = summary.get(name) ?? { all: '', tuning: '', 'held-out': '' };
  r[part] = figure;
  summary.set(name, r);
};

// ---------------- PII ----------------
function evalPii(): void {
  const dir = join(DATASETS, 'pii');
  const types = JSON.parse(readFileSync(join(dir, 'types.json'), 'utf8')) as Record<string, string | null>;
  const records = readFileSync(join(dir, 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { id: string; text: string; spans: { start: number; end: number; type: string }[] });
  const counts = new Map<Part, Map<string, Counts>>(PARTS.map((p) => [p, new Map()]));
  const unmapped = new Map<string, number>();
  const errors = new Map<string, string[]>();
  const noteError = (key: string, msg: string): void => {
    if (showErrors <= 0) return;
    const list = errors.get(key) ?? [];
    if (list.length < showErrors) list.push(msg);
    errors.set(key, list);
  };
  const started = performance.now();
  let chars = 0;
  for (const rec of records) {
    chars += rec.text.length;
    const parts = PARTS.filter((p) => inPart(p, rec.id));
    const get = (t: string): Counts[] =>
      parts.map((part) => {
        const m = counts.get(part) ?? new Map<string, Counts>();
        let c = m.get(t);
        if (c === undefined) m.set(t, (c = zero()));
        return c;
      });
    const tuning = !heldOut(rec.id);
    const gold = rec.spans.map((s) => ({ ...s, canon: types[s.type] ?? null }));
    const preds: (Finding & { canon: string | undefined })[] = engine
      .scan(rec.text, { minConfidence })
      .map((f) => ({ ...f, canon: TO_CANONICAL[f.type] }));
    for (const p of preds) {
      if (p.canon === undefined) {
        unmapped.set(p.type, (unmapped.get(p.type) ?? 0) + 1);
        continue;
      }
      const exact = gold.some((g) => g.canon === p.canon && g.start === p.start && g.end === p.end);
      const tp = gold.some((g) => g.canon === p.canon && overlaps(g, p));
      for (const c of get(p.canon)) {
        c.pred++;
        if (exact) c.exact = (c.exact ?? 0) + 1;
        if (tp) c.predTp++;
      }
      if (!tp && tuning) noteError(`FP ${p.canon}`, `${rec.id}: "${rec.text.slice(p.start, p.end)}" (${p.type} ${p.confidence}) in: ${rec.text.slice(Math.max(0, p.start - 60), p.end + 60).replace(/\n/g, '⏎')}`);
    }
    for (const g of gold) {
      if (g.canon === null) continue;
      const tp = preds.some((p) => p.canon === g.canon && overlaps(g, p));
      for (const c of get(g.canon)) {
        c.gold++;
        if (tp) c.goldTp++;
      }
      if (!tp && tuning) noteError(`FN ${g.canon}`, `${rec.id}: "${rec.text.slice(g.start, g.end)}" in: ${rec.text.slice(Math.max(0, g.start - 60), g.end + 60).replace(/\n/g, '⏎')}`);
    }
  }
  const elapsed = performance.now() - started;
  console.log(`\n## PII (${records.length} records, span-level overlap, min confidence ${minConfidence})\n`);
  for (const part of PARTS) {
    const byType = counts.get(part) ?? new Map<string, Counts>();
    const claimed = zero();
    const all = zero();
    for (const [t, c] of byType) {
      if (CLAIMED.has(t)) add(claimed, c);
      add(all, c);
    }
    note('PII F2, pattern types', part, fmt(scores(claimed).f2));
    note('PII F2, all types', part, fmt(scores(all).f2));
    for (const t of ['PERSON', 'LOCATION', 'ORGANIZATION']) {
      const c = byType.get(t) ?? zero();
      const s = scores(c);
      note(`  ${t} precision / recall`, part, `${fmt(s.p)} / ${fmt(s.r)}`);
    }
    if (part !== 'all') continue;
    console.log(PII_HEADER);
    for (const [t, c] of [...byType.entries()].sort((a, b) => b[1].gold - a[1].gold)) console.log(row(`${t}${CLAIMED.has(t) ? '' : ' (all types)'}`, c));
    console.log(row('OVERALL (pattern types)', claimed));
    console.log(row('overall (all types)', all));
  }
  const um = [...unmapped.entries()].map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`\nPredictions of types with no dataset equivalent (not scored): ${um === '' ? 'none' : um}`);
  console.log(`Scan time: ${elapsed.toFixed(0)} ms for ${(chars / 1024).toFixed(0)} KiB (one pass, machine shared: indicative only)`);
  for (const [k, list] of errors) {
    console.log(`\n### ${k} (tuning part only)`);
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
  // A credential is whatever the detectors declare in the `secret` category (no detector id is named here).
  const isSecret = (f: Finding): boolean => engine.categoriesOf(f.type).includes('secret');

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
  const report = (name: string, predicted: Map<string, boolean>, part: Part): Counts & { fp: number; negatives: number } => {
    const c = { ...zero(), fp: 0, negatives: 0 };
    delete c.exact;
    for (const r of records) {
      if (!inPart(part, r.source)) continue;
      const p = predicted.get(r.id) === true;
      const g = r.label === 'secret';
      if (p) c.pred++;
      if (g) c.gold++;
      else c.negatives++;
      if (p && !g) c.fp++;
      if (p && g) {
        c.predTp++;
        c.goldTp++;
      }
    }
    return c;
  };
  console.log(`\n## Secrets (${records.length} lines, ${byFile.size} files, min confidence ${minConfidence})\n`);
  console.log('| mode / part              |  gold |  pred | prec  | recall|  F1   |  F2   | FPR |\n|---|---|---|---|---|---|---|---|');
  for (const part of PARTS) {
    for (const [mode, predicted] of [['file mode', predictedFile], ['line mode', predictedLine]] as const) {
      const c = report(mode, predicted, part);
      const fpr = c.negatives === 0 ? 0 : c.fp / c.negatives;
      console.log(`${row(`${mode}, ${part}`, c)} ${fmt(fpr)} |`);
      if (mode === 'file mode') note('secrets F1 / FPR (file mode)', part, `${fmt(scores(c).f1)} / ${fmt(fpr)}`);
      else note('secrets F1 / FPR (line mode)', part, `${fmt(scores(c).f1)} / ${fmt(fpr)}`);
    }
  }

  const byRule = new Map<string, { n: number; hit: number }>();
  for (const r of records) {
    if (r.label !== 'secret' || heldOut(r.source)) continue;
    const k = r.rule_hint ?? '?';
    const e = byRule.get(k) ?? { n: 0, hit: 0 };
    e.n++;
    if (predictedFile.get(r.id) === true) e.hit++;
    byRule.set(k, e);
  }
  console.log('\nRecall by CredSweeper rule (file mode, tuning part, rules with ≥ 3 lines):\n');
  console.log('| rule | lines | recall |\n|---|---|---|');
  for (const [k, e] of [...byRule.entries()].sort((a, b) => b[1].n - a[1].n)) {
    if (e.n >= 3) console.log(`| ${k} | ${e.n} | ${fmt(e.hit / e.n)} |`);
  }
  console.log(`\nFindings by our type (file mode): ${[...typeHits.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (showErrors > 0) {
    const tuning = records.filter((r) => !heldOut(r.source));
    const fps = tuning.filter((r) => r.label !== 'secret' && predictedFile.get(r.id) === true).slice(0, showErrors);
    const fns = tuning.filter((r) => r.label === 'secret' && predictedFile.get(r.id) !== true).slice(0, showErrors);
    console.log('\n### false alarms (tuning part only)');
    for (const r of fps) console.log(`- ${r.id}: ${r.text.slice(0, 160)}`);
    console.log('\n### misses (tuning part only)');
    for (const r of fns) console.log(`- ${r.id} [${r.rule_hint ?? ''}]: ${r.text.slice(0, 160)}`);
  }
}

console.log(`eval:detect — datasets from ${DATASETS}`);
if (existsSync(join(DATASETS, 'pii', 'dev.jsonl'))) evalPii();
else console.log('no pii/dev.jsonl; skipped');
if (existsSync(join(DATASETS, 'secrets', 'dev.jsonl'))) evalSecrets();
else console.log('no secrets/dev.jsonl; skipped');
console.log('\n## Summary (issue 18 rows; held-out = 30 % never used for tuning, same upstream source)\n');
console.log('| row | all (dev) | tuning part | held-out part |\n|---|---|---|---|');
for (const [name, r] of summary) console.log(`| ${name} | ${r.all} | ${r.tuning} | ${r['held-out']} |`);
