// npm run eval:injection — three views of how the injection classifier does on text it was not trained on:
//   1. the committed model on the VALIDATION split of the dev set (the split train:injection held back);
//   2. CROSS-SOURCE: for each fold, a model trained exactly like the committed one but without any record of
//      the fold's public collections, scored on those collections only (SOURCE_FOLDS in dataset.ts); pooled,
//      every dev record is judged by a model that never saw its source;
//   3. the committed model on the held-out ordinary prompts (test/fixtures/ordinary-prompts, never trained on).
// Options: --dataset DIR, --model DIR (default models/injection), --threshold N (default: the user threshold),
// --no-cross (skip 2, which trains one model per fold and takes a few minutes on one core).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_INJECTION_THRESHOLDS } from '../src/core/config/injection.ts';
import { CONTEXT_DEPENDENT_CATEGORIES, SOURCE_FOLDS, sourceFamily, splitRecords, type LabelledRecord } from '../src/detect/injection/dataset.ts';
import { loadInjectionModel } from '../src/detect/injection/load-model.ts';
import { rocAuc, thresholdMetrics, tprAtFpr, type Scored } from '../src/detect/injection/metrics.ts';
import { classify, type InjectionModel } from '../src/detect/injection/model.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../src/detect/injection/train.ts';
import { arg, articleDocs, findDataset, npmReadmeDocs, ordinaryPrompts, readRecords, ROOT, trainingSet } from './injection-corpus.ts';

const datasetDir = findDataset('injection', arg('--dataset'));
const modelDir = resolve(arg('--model') ?? join(ROOT, 'models', 'injection'));
const threshold = Number(arg('--threshold') ?? DEFAULT_INJECTION_THRESHOLDS.user);
const devFile = join(datasetDir, 'dev.jsonl');

const loaded = loadInjectionModel(modelDir);
if (!loaded.ok) {
  console.error(`eval:injection: ${loaded.error}`);
  process.exit(1);
}
const model = loaded.value;

type Item = Scored & { category: string; family: string };

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)} %`);
const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

function score(m: InjectionModel, records: readonly LabelledRecord[]): Item[] {
  return records.map((r) => ({ score: classify(m, r.text).score, attack: r.label === 'attack', category: r.category, family: sourceFamily(r.source) }));
}

function summaryRow(name: string, items: readonly Item[]): string {
  const m = thresholdMetrics(items, threshold);
  const noCtx = thresholdMetrics(items.filter((s) => !CONTEXT_DEPENDENT_CATEGORIES.has(s.category)), threshold);
  const at1 = tprAtFpr(items, 0.01);
  const attacks = items.filter((i) => i.attack).length;
  return `| ${name} | ${attacks} / ${items.length - attacks} | ${num(m.balancedAccuracy)} | ${num(m.recall)} | ${pct(m.fpr)} | ${num(noCtx.balancedAccuracy)} | ${num(noCtx.recall)} | ${num(rocAuc(items))} | ${num(at1.tpr)} |`;
}

const HEADER = [
  '| data | attack / benign | balanced accuracy | recall | FPR | balanced accuracy w/o context-dependent | recall w/o context-dependent | ROC AUC | TPR at 1 % FPR |',
  '|---|---|---|---|---|---|---|---|---|',
];

function categoryTable(items: readonly Item[]): void {
  const byCategory = new Map<string, Item[]>();
  for (const s of items) {
    const k = `${s.attack ? 'attack' : 'benign'}\u0000${s.category}`;
    byCategory.set(k, [...(byCategory.get(k) ?? []), s]);
  }
  console.log('\n| label | category | n | flagged | rate |');
  console.log('|---|---|---|---|---|');
  for (const k of [...byCategory.keys()].sort()) {
    const list = byCategory.get(k) ?? [];
    const [label, category] = k.split('\u0000');
    const flagged = list.filter((s) => s.score >= threshold).length;
    const mark = category !== undefined && CONTEXT_DEPENDENT_CATEGORIES.has(category) ? ' (context-dependent)' : '';
    console.log(`| ${label} | ${category}${mark} | ${list.length} | ${flagged} | ${pct(flagged / list.length)} |`);
  }
}

console.log(`eval:injection — model ${modelDir}, threshold ${threshold} (user prompts)\n`);

if (!existsSync(devFile)) {
  console.log(`eval:injection: no dataset at ${devFile}; the dev-set evaluations (1, 2) are skipped.\n`);
} else {
  const { records } = readRecords(devFile);
  const { validation } = splitRecords(records);
  const val = score(model, validation);

  console.log(`## 1. Random split: validation records (${validation.length} of ${records.length}; never trained on)\n`);
  console.log(HEADER.join('\n'));
  console.log(summaryRow('validation split', val));
  const HARD_NEGATIVES: Array<[string, (c: string) => boolean, number]> = [
    ['role-play prompts (awesome-chatgpt-prompts)', (c) => c.startsWith('awesome_chatgpt_prompts'), threshold],
    ['documents (BIPIA email/code/table)', (c) => c.startsWith('bipia:') && c.endsWith('_context'), threshold],
    [`documents at the document threshold ${DEFAULT_INJECTION_THRESHOLDS.document}`, (c) => c.startsWith('bipia:') && c.endsWith('_context'), DEFAULT_INJECTION_THRESHOLDS.document],
    ['system prompts (PurpleLlama)', (c) => c === 'purplellama:system_prompt', threshold],
  ];
  console.log('\n| benign hard negatives | FPR |');
  console.log('|---|---|');
  for (const [name, pred, t] of HARD_NEGATIVES) {
    const m = thresholdMetrics(val.filter((s) => !s.attack && pred(s.category)), t);
    console.log(`| ${name} | ${pct(m.fpr)} (${m.fp}/${m.fp + m.tn}) |`);
  }
  categoryTable(val);

  if (!process.argv.includes('--no-cross')) {
    console.log('\n## 2. Cross-source: each fold trained without the collections it is tested on\n');
    const npmDocs = npmReadmeDocs(700, 3);
    const articles = articleDocs();
    const pooled: Item[] = [];
    const rows: string[] = [];
    for (const fold of SOURCE_FOLDS) {
      const held = new Set(fold.heldOut);
      const trainDev = records.filter((r) => !held.has(sourceFamily(r.source)));
      const testDev = records.filter((r) => held.has(sourceFamily(r.source)));
      const started = Date.now();
      const set = trainingSet(trainDev, { npmDocs, articles });
      const m = trainModel(set.records, DEFAULT_TRAIN_OPTIONS, {});
      const items = score(m, testDev);
      pooled.push(...items);
      rows.push(summaryRow(`held out: ${fold.name}`, items));
      console.log(`  fold "${fold.name}": trained on ${set.records.length} records (${trainDev.length} dev) in ${((Date.now() - started) / 1000).toFixed(0)} s, tested on ${testDev.length}`);
    }
    console.log(`\n${HEADER.join('\n')}`);
    for (const r of rows) console.log(r);
    console.log(summaryRow('**pooled (every dev record, by a model that never saw its source)**', pooled));
    categoryTable(pooled);
  }
}

console.log('\n## 3. Held-out ordinary prompts (test/fixtures/ordinary-prompts; never trained on)\n');
const prompts = ordinaryPrompts();
const flagged = prompts.map((p) => ({ p, s: classify(model, p.text).score })).filter((x) => x.s >= threshold);
console.log(`| prompts | flagged at ${threshold} | benign rate |`);
console.log('|---|---|---|');
console.log(`| ${prompts.length} | ${flagged.length} | ${pct(flagged.length / prompts.length)} |`);
for (const kind of [...new Set(prompts.map((p) => p.kind))]) {
  const n = prompts.filter((p) => p.kind === kind).length;
  const f = flagged.filter((x) => x.p.kind === kind).length;
  console.log(`| ${kind}: ${n} | ${f} | ${pct(f / n)} |`);
}
if (flagged.length > 0) console.log(`flagged ids: ${flagged.map((x) => `${x.p.id} (${x.s.toFixed(2)})`).join(', ')}`);
