// npm run train:injection — trains the local prompt-injection classifier from the dev set in
// ../shared/datasets/injection/dev.jsonl (training split only) and writes models/injection/.
// Options: --dataset DIR (default ../shared/datasets/injection), --out DIR (default models/injection).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  articleParagraphs,
  augmentAttacks,
  benignFragments,
  benignRequests,
  plantedInjections,
  CONTEXT_DEPENDENT_CATEGORIES,
  parseRecord,
  splitRecords,
  SPLIT_SEED,
  VALIDATION_SHARE,
  type LabelledRecord,
} from '../src/detect/injection/dataset.ts';
import { DEFAULT_TRAIN_OPTIONS, toExamples, train } from '../src/detect/injection/train.ts';
import { modelMeta, modelWeightBytes } from '../src/detect/injection/model.ts';
import { MODEL_META_FILE, MODEL_WEIGHTS_FILE } from '../src/detect/injection/load-model.ts';
import { HASH_BITS, STRIDE, WINDOW } from '../src/detect/injection/features.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? resolve(process.argv[i + 1] ?? '') : fallback;
}

const datasetDir = arg('--dataset', resolve(root, '..', 'shared', 'datasets', 'injection'));
const outDir = arg('--out', join(root, 'models', 'injection'));
const devFile = join(datasetDir, 'dev.jsonl');

if (!existsSync(devFile)) {
  console.log(`train:injection: no dataset at ${devFile}; nothing to train (the committed model is unchanged).`);
  process.exit(0);
}

const raw = readFileSync(devFile, 'utf8');
const records: LabelledRecord[] = [];
for (const line of raw.split('\n')) {
  if (line.trim() === '') continue;
  const r = parseRecord(line);
  if (r) records.push(r);
}
const { train: trainSplit, validation } = splitRecords(records);
const trainable = trainSplit.filter((r) => !CONTEXT_DEPENDENT_CATEGORIES.has(r.category));
const augmented = augmentAttacks(trainable, 0.15, 7);
const requests = benignRequests(80, 11);
const fragments = benignFragments(trainable, 2, 13);
const planted = plantedInjections(trainable, 120, 17);
const articlesFile = resolve(root, '..', 'shared', 'seeds', 'security-for-ai-articles.txt');
const articles = existsSync(articlesFile) ? articleParagraphs(readFileSync(articlesFile, 'utf8'), 1200) : [];
const all = [...trainable, ...augmented, ...requests, ...fragments, ...planted, ...articles];

console.log('train:injection — training split only; the validation split is held back for eval:injection');
console.log(`  dataset      ${devFile} (${records.length} records, sha256 ${createHash('sha256').update(raw).digest('hex').slice(0, 16)}…)`);
console.log(`  split        stratified by label+category, sha256("${SPLIT_SEED}:" + id) order, ${VALIDATION_SHARE * 100} % validation`);
console.log(`  train        ${trainSplit.length} records (${trainSplit.length - trainable.length} context-dependent attacks left out), validation ${validation.length}`);
console.log(
  `  extra        ${augmented.length} obfuscated attack copies, ${planted.length} planted indirect injections, ${requests.length} ordinary requests, ${fragments.length} benign fragments, ${articles.length} article paragraphs`,
);

const started = Date.now();
const examples = toExamples(all);
console.log(`  examples     ${examples.length} windows (features in ${Date.now() - started} ms)`);
const options = DEFAULT_TRAIN_OPTIONS;
const model = train(
  examples,
  options,
  {
    dataset: 'shared/datasets/injection/dev.jsonl',
    datasetSha256: createHash('sha256').update(raw).digest('hex'),
    splitSeed: SPLIT_SEED,
    validationShare: VALIDATION_SHARE,
    trainRecords: trainable.length,
    extraRecords: { augmented: augmented.length, planted: planted.length, requests: requests.length, fragments: fragments.length, articles: articles.length },
    options,
    hashBits: HASH_BITS,
    window: WINDOW,
    stride: STRIDE,
  },
  (epoch, loss) => console.log(`  epoch ${String(epoch).padStart(2)}     loss ${loss.toFixed(4)}`),
);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, MODEL_META_FILE), JSON.stringify(modelMeta(model), null, 2) + '\n');
writeFileSync(join(outDir, MODEL_WEIGHTS_FILE), modelWeightBytes(model));
console.log(`  wrote        ${join(outDir, MODEL_META_FILE)}, ${join(outDir, MODEL_WEIGHTS_FILE)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
