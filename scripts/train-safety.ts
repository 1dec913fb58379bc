// npm run train:safety — trains the local content-safety classifier and writes models/safety/.
// Data: the TRAINING split of ../shared/datasets/safety/dev.jsonl (the validation split is held back for
// eval:safety), the constructed harmful and hard-negative families, benign requests and npm README chunks.
// Options: --dataset DIR (default ../shared/datasets/safety), --out DIR (default models/safety).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODEL_META_FILE, MODEL_WEIGHTS_FILE } from '../src/detect/injection/load-model.ts';
import { SAFETY_SPLIT_SEED, splitSafety } from '../src/detect/safety/dataset.ts';
import { safetyModelMeta, safetyWeightBytes } from '../src/detect/safety/model.ts';
import { DEFAULT_SAFETY_TRAIN_OPTIONS, trainSafetyModel } from '../src/detect/safety/train.ts';
import { arg, findDataset, ROOT } from './injection-corpus.ts';
import { readSafetyRecords, safetyExtras, safetyFragments } from './safety-corpus.ts';

const datasetDir = findDataset('safety', arg('--dataset'));
const outDir = resolve(arg('--out') ?? join(ROOT, 'models', 'safety'));
const devFile = join(datasetDir, 'dev.jsonl');
if (!existsSync(devFile)) {
  console.log(`train:safety: no dataset at ${devFile}; nothing to train (the committed model is unchanged).`);
  process.exit(0);
}
const { records, sha256 } = readSafetyRecords(devFile);
const { train, validation } = splitSafety(records);
const extras = [...safetyExtras(), ...safetyFragments(train)];
const all = [...train, ...extras];
console.log('train:safety — training split only; the validation split is held back for eval:safety');
console.log(`  dataset      ${devFile} (${records.length} records, sha256 ${sha256.slice(0, 16)}…)`);
console.log(`  dev          ${train.length} training records, ${validation.length} validation records held back (split seed ${SAFETY_SPLIT_SEED})`);
console.log(`  extra        ${extras.length} constructed and npm records (${extras.filter((r) => r.label === 'harmful').length} harmful)`);
const started = Date.now();
const options = DEFAULT_SAFETY_TRAIN_OPTIONS;
const model = trainSafetyModel(all, options, { dataset: 'shared/datasets/safety/dev.jsonl', datasetSha256: sha256, splitSeed: SAFETY_SPLIT_SEED, extra: extras.length, options }, (l) =>
  console.log(l),
);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, MODEL_META_FILE), JSON.stringify(safetyModelMeta(model), null, 2) + '\n');
writeFileSync(join(outDir, MODEL_WEIGHTS_FILE), safetyWeightBytes(model));
console.log(`  wrote        ${join(outDir, MODEL_META_FILE)}, ${join(outDir, MODEL_WEIGHTS_FILE)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
