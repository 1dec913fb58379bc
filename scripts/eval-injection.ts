// npm run eval:injection — evaluates the committed injection model on the VALIDATION split of the dev set
// only (the split train:injection held back), and prints every metric of the issue plus a per-category table.
// Options: --dataset DIR (default ../shared/datasets/injection), --model DIR (default models/injection),
// --threshold N (default: the configured threshold for user prompts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_INJECTION_THRESHOLDS } from '../src/core/config/injection.ts';
import { CONTEXT_DEPENDENT_CATEGORIES, parseRecord, splitRecords, type LabelledRecord } from '../src/detect/injection/dataset.ts';
import { loadInjectionModel } from '../src/detect/injection/load-model.ts';
import { rocAuc, thresholdMetrics, tprAtFpr, type Scored } from '../src/detect/injection/metrics.ts';
import { classify } from '../src/detect/injection/model.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasetDir = resolve(arg('--dataset') ?? resolve(root, '..', 'shared', 'datasets', 'injection'));
const modelDir = resolve(arg('--model') ?? join(root, 'models', 'injection'));
const threshold = Number(arg('--threshold') ?? DEFAULT_INJECTION_THRESHOLDS.user);
const devFile = join(datasetDir, 'dev.jsonl');

if (!existsSync(devFile)) {
  console.log(`eval:injection: no dataset at ${devFile}; nothing to evaluate.`);
  process.exit(0);
}
const loaded = loadInjectionModel(modelDir);
if (!loaded.ok) {
  console.error(`eval:injection: ${loaded.error}`);
  process.exit(1);
}
const model = loaded.value;

const records: LabelledRecord[] = [];
for (const line of readFileSync(devFile, 'utf8').split('\n')) {
  const r = line.trim() === '' ? undefined : parseRecord(line);
  if (r) records.push(r);
}
const { validation } = splitRecords(records);

const scored: Array<Scored & { category: string }> = validation.map((r) => ({
  score: classify(model, r.text).score,
  attack: r.label === 'attack',
  category: r.category,
}));

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)} %`);
const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

const all = thresholdMetrics(scored, threshold);
const noCtx = scored.filter((s) => !CONTEXT_DEPENDENT_CATEGORIES.has(s.category));
const noCtxM = thresholdMetrics(noCtx, threshold);
const auc = rocAuc(scored);
const at1 = tprAtFpr(scored, 0.01);

const HARD_NEGATIVES: Array<[string, (c: string) => boolean]> = [
  ['role-play prompts (awesome-chatgpt-prompts)', (c) => c.startsWith('awesome_chatgpt_prompts')],
  ['documents (BIPIA email/code/table)', (c) => c.startsWith('bipia:') && c.endsWith('_context')],
  ['system prompts (PurpleLlama)', (c) => c === 'purplellama:system_prompt'],
];

console.log(`eval:injection — VALIDATION split only (${validation.length} of ${records.length} records; never the training split)`);
console.log(`model ${modelDir}, threshold ${threshold} (user prompts)\n`);
console.log('| metric | value |');
console.log('|---|---|');
console.log(`| balanced accuracy | ${num(all.balancedAccuracy)} |`);
console.log(`| precision | ${num(all.precision)} |`);
console.log(`| recall | ${num(all.recall)} |`);
console.log(`| F1 | ${num(all.f1)} |`);
console.log(`| ROC AUC | ${num(auc)} |`);
console.log(`| TPR at 1 % FPR | ${num(at1.tpr)} (threshold > ${num(at1.threshold)}) |`);
console.log(`| FPR, all benign | ${pct(all.fpr)} (${all.fp}/${all.fp + all.tn}) |`);
for (const [name, pred] of HARD_NEGATIVES) {
  const m = thresholdMetrics(scored.filter((s) => !s.attack && pred(s.category)), threshold);
  console.log(`| FPR, ${name} | ${pct(m.fpr)} (${m.fp}/${m.fp + m.tn}) |`);
}
{
  // Documents reach the detector as `document` / `tool-result` segments, judged at the lower document threshold.
  const docThreshold = DEFAULT_INJECTION_THRESHOLDS.document;
  const m = thresholdMetrics(scored.filter((s) => !s.attack && s.category.startsWith('bipia:') && s.category.endsWith('_context')), docThreshold);
  console.log(`| FPR, documents at the document threshold ${docThreshold} | ${pct(m.fpr)} (${m.fp}/${m.fp + m.tn}) |`);
}
console.log(`| recall without context-dependent categories | ${num(noCtxM.recall)} |`);
console.log(`| balanced accuracy without context-dependent categories | ${num(noCtxM.balancedAccuracy)} |`);
console.log(`| confusion (tp fp tn fn) | ${all.tp} ${all.fp} ${all.tn} ${all.fn} |`);

const byCategory = new Map<string, Array<Scored & { category: string }>>();
for (const s of scored) {
  const key = `${s.attack ? 'attack' : 'benign'}\u0000${s.category}`;
  byCategory.set(key, [...(byCategory.get(key) ?? []), s]);
}
console.log('\n| label | category | n | flagged | rate |');
console.log('|---|---|---|---|---|');
for (const key of [...byCategory.keys()].sort()) {
  const list = byCategory.get(key) ?? [];
  const [label, category] = key.split('\u0000');
  const flagged = list.filter((s) => s.score >= threshold).length;
  const mark = category !== undefined && CONTEXT_DEPENDENT_CATEGORIES.has(category) ? ' (context-dependent)' : '';
  console.log(`| ${label} | ${category}${mark} | ${list.length} | ${flagged} | ${pct(flagged / list.length)} |`);
}
