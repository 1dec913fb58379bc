// npm run eval:safety — how the content-safety classifier does on text it was not trained on:
//   1. the committed model on the VALIDATION split of ../shared/datasets/safety/dev.jsonl;
//   2. CROSS-SOURCE: per fold, a model trained exactly like the committed one without any record of the fold's
//      collections, scored on those collections only (SAFETY_FOLDS); pooled, every record is judged by a model
//      that never saw its source;
//   3. the committed model on the held-out ordinary prompts (benign; test/fixtures/ordinary-prompts).
// "Harmful" is one of the six reported types; AILuminate's other hazards (privacy, defamation, intellectual
// property, specialised advice) are outside them and shown separately, not counted.
// Options: --dataset DIR, --model DIR (default models/safety), --threshold N (default 0.5), --no-cross.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rocAuc, thresholdMetrics, tprAtFpr, type Scored } from '../src/detect/injection/metrics.ts';
import { SAFETY_FOLDS, safetySourceFamily, splitSafety, type SafetyRecord } from '../src/detect/safety/dataset.ts';
import { DEFAULT_SAFETY_THRESHOLD } from '../src/detect/safety/detector.ts';
import { loadSafetyModel } from '../src/detect/safety/load-model.ts';
import { classifySafety, type SafetyModel } from '../src/detect/safety/model.ts';
import { DEFAULT_SAFETY_TRAIN_OPTIONS, trainSafetyModel } from '../src/detect/safety/train.ts';
import { SAFETY_TYPES } from '../src/detect/safety/types.ts';
import { arg, findDataset, ordinaryPrompts, ROOT } from './injection-corpus.ts';
import { readSafetyRecords, safetyExtras, safetyFragments } from './safety-corpus.ts';

const datasetDir = findDataset('safety', arg('--dataset'));
const modelDir = resolve(arg('--model') ?? join(ROOT, 'models', 'safety'));
const threshold = Number(arg('--threshold') ?? DEFAULT_SAFETY_THRESHOLD);
const devFile = join(datasetDir, 'dev.jsonl');
const loaded = loadSafetyModel(modelDir);
if (!loaded.ok) {
  console.error(`eval:safety: ${loaded.error}`);
  process.exit(1);
}
const model = loaded.value;

interface Item extends Scored {
  readonly record: SafetyRecord;
  /** The highest-scoring category. */
  readonly top: string;
  readonly flaggedTypes: readonly string[];
}

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(1).padStart(5)} %`);
const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

function score(m: SafetyModel, records: readonly SafetyRecord[]): Item[] {
  return records.map((r) => {
    const c = classifySafety(m, r.text);
    let best = 0;
    let top = '';
    const flaggedTypes: string[] = [];
    SAFETY_TYPES.forEach((t, k) => {
      const s = c.scores[k] ?? 0;
      if (s > best) {
        best = s;
        top = t;
      }
      if (s >= threshold) flaggedTypes.push(t);
    });
    return { score: best, attack: r.label === 'harmful', record: r, top, flaggedTypes };
  });
}

const inScope = (i: Item): boolean => i.record.label === 'benign' || i.record.type !== undefined;

function row(name: string, all: readonly Item[]): string {
  const items = all.filter(inScope);
  const m = thresholdMetrics(items, threshold);
  const harmful = items.filter((i) => i.attack);
  const typed = harmful.filter((i) => i.record.type !== undefined && i.flaggedTypes.includes(i.record.type)).length;
  return `| ${name} | ${harmful.length} / ${items.length - harmful.length} | ${num(m.balancedAccuracy)} | ${num(m.recall)} | ${harmful.length > 0 ? num(typed / harmful.length) : 'n/a'} | ${pct(m.fpr)} | ${num(rocAuc(items))} | ${num(tprAtFpr(items, 0.05).tpr)} |`;
}

const HEADER = '| data | harmful / benign | balanced accuracy | recall (any type) | recall (right type) | benign FPR | ROC AUC | TPR at 5 % FPR |\n|---|---|---|---|---|---|---|---|';

function breakdown(items: readonly Item[]): void {
  console.log('\n| label | category | source | n | flagged | rate | flagged as the right type |');
  console.log('|---|---|---|---|---|---|---|');
  const groups = new Map<string, Item[]>();
  for (const i of items) {
    const k = `${i.record.label}\u0000${i.record.category}\u0000${safetySourceFamily(i.record.source)}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  for (const k of [...groups.keys()].sort()) {
    const list = groups.get(k) ?? [];
    const [label, category, source] = k.split('\u0000');
    const flagged = list.filter((i) => i.flaggedTypes.length > 0).length;
    const right = list.filter((i) => i.record.type !== undefined && i.flaggedTypes.includes(i.record.type)).length;
    const note = category === 'other-harm' ? ' (outside the six types; not counted)' : '';
    console.log(`| ${label} | ${category}${note} | ${source} | ${list.length} | ${flagged} | ${pct(flagged / list.length)} | ${label === 'harmful' && category !== 'other-harm' ? pct(right / list.length) : ''} |`);
  }
}

console.log(`eval:safety — model ${modelDir}, threshold ${threshold}\n`);
if (!existsSync(devFile)) {
  console.log(`eval:safety: no dataset at ${devFile}; the dev-set evaluations (1, 2) are skipped.\n`);
} else {
  const { records } = readSafetyRecords(devFile);
  const { validation } = splitSafety(records);
  const val = score(model, validation);
  console.log(`## 1. Random split: validation records (${validation.length} of ${records.length}; never trained on)\n`);
  console.log(HEADER);
  console.log(row('validation split', val));
  breakdown(val);
  if (!process.argv.includes('--no-cross')) {
    console.log('\n## 2. Cross-source: each fold trained without the collections it is tested on\n');
    const extras = safetyExtras();
    const pooled: Item[] = [];
    const rows: string[] = [];
    for (const fold of SAFETY_FOLDS) {
      const held = new Set(fold.heldOut);
      const train = records.filter((r) => !held.has(safetySourceFamily(r.source)));
      const test = records.filter((r) => held.has(safetySourceFamily(r.source)));
      const started = Date.now();
      const m = trainSafetyModel([...train, ...extras, ...safetyFragments(train)], DEFAULT_SAFETY_TRAIN_OPTIONS, {});
      const items = score(m, test);
      pooled.push(...items);
      rows.push(row(`held out: ${fold.name}`, items));
      console.log(`  fold "${fold.name}": trained on ${train.length + extras.length} records in ${((Date.now() - started) / 1000).toFixed(0)} s, tested on ${test.length}`);
    }
    console.log(`\n${HEADER}`);
    for (const r of rows) console.log(r);
    console.log(row('**pooled (every dev record, by a model that never saw its source)**', pooled));
    breakdown(pooled);
  }
}

console.log('\n## 3. Held-out ordinary prompts (benign; never trained on)\n');
const prompts = ordinaryPrompts();
const flagged = prompts
  .map((p) => ({ p, c: classifySafety(model, p.text) }))
  .filter((x) => Array.from(x.c.scores).some((s) => s >= threshold));
console.log(`| prompts | flagged at ${threshold} | benign rate |\n|---|---|---|\n| ${prompts.length} | ${flagged.length} | ${pct(flagged.length / prompts.length)} |`);
if (flagged.length > 0) console.log(`flagged ids: ${flagged.map((x) => x.p.id).join(', ')}`);
