// npm run train:injection — trains the local prompt-injection classifier and writes models/injection/.
// Data: the TRAINING split of ../shared/datasets/injection/dev.jsonl (the validation split is held back for
// eval:injection), the constructed attack and hard-negative families, README chunks of the installed npm
// packages, and the AI-security articles in ../shared/seeds. The held-out ordinary prompts are never used.
// Options: --dataset DIR (default ../shared/datasets/injection), --out DIR (default models/injection).
import { mkdirSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitRecords, SPLIT_SEED, VALIDATION_SHARE } from '../src/detect/injection/dataset.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../src/detect/injection/train.ts';
import { modelMeta, modelWeightBytes } from '../src/detect/injection/model.ts';
import { MODEL_META_FILE, MODEL_WEIGHTS_FILE } from '../src/detect/injection/load-model.ts';
import { HASH_BITS, STRIDE, WINDOW } from '../src/detect/injection/features.ts';
import { arg, articleDocs, findDataset, npmReadmeDocs, readRecords, ROOT, trainingSet } from './injection-corpus.ts';

const datasetDir = findDataset('injection', arg('--dataset'));
const outDir = resolve(arg('--out') ?? join(ROOT, 'models', 'injection'));
const devFile = join(datasetDir, 'dev.jsonl');

if (!existsSync(devFile)) {
  console.log(`train:injection: no dataset at ${devFile}; nothing to train (the committed model is unchanged).`);
  process.exit(0);
}

const { records, sha256 } = readRecords(devFile);
const { train: trainSplit, validation } = splitRecords(records);
const npmDocs = npmReadmeDocs(700, 3);
const set = trainingSet(trainSplit, { npmDocs, articles: articleDocs() });
const attacks = set.records.filter((r) => r.label === 'attack').length;

console.log('train:injection — training split only; the validation split is held back for eval:injection');
console.log(`  dataset      ${devFile} (${records.length} records, sha256 ${sha256.slice(0, 16)}…)`);
console.log(`  split        stratified by label+category, sha256("${SPLIT_SEED}:" + id) order, ${VALIDATION_SHARE * 100} % validation`);
console.log(`  dev          ${trainSplit.length} training records, ${validation.length} validation records held back`);
console.log(`  parts        ${Object.entries(set.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`  held out     ${set.droppedHeldOut} constructed texts equal to a held-out ordinary prompt were dropped`);
console.log(`  total        ${set.records.length} records (${attacks} attack, ${set.records.length - attacks} benign)`);

const started = Date.now();
const options = DEFAULT_TRAIN_OPTIONS;
const model = trainModel(
  set.records,
  options,
  {
    dataset: 'shared/datasets/injection/dev.jsonl',
    datasetSha256: sha256,
    splitSeed: SPLIT_SEED,
    validationShare: VALIDATION_SHARE,
    parts: set.counts,
    npmReadmes: npmDocs.length,
    options,
    hashBits: HASH_BITS,
    window: WINDOW,
    stride: STRIDE,
  },
  (line) => console.log(line),
);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, MODEL_META_FILE), JSON.stringify(modelMeta(model), null, 2) + '\n');
writeFileSync(join(outDir, MODEL_WEIGHTS_FILE), modelWeightBytes(model));
console.log(`  wrote        ${join(outDir, MODEL_META_FILE)}, ${join(outDir, MODEL_WEIGHTS_FILE)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
