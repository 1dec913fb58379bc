// The data of train:safety and eval:safety, assembled in one place so the committed model and the
// cross-source fold models are trained the same way: the content-safety dev set (../shared/datasets/safety),
// the constructed families (src/detect/safety/synthetic.ts), ordinary requests and developer questions built
// for the injection detector (benign), and README chunks of the installed npm packages (benign).
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { benignFragments } from '../src/detect/injection/dataset.ts';
import { ordinaryRequests, triggerWordRequests } from '../src/detect/injection/synthetic.ts';
import { parseSafetyRecord, type SafetyRecord } from '../src/detect/safety/dataset.ts';
import { benignSafetyRecords, harmfulRecords } from '../src/detect/safety/synthetic.ts';
import { npmReadmeDocs, npmReadmeLines, ordinaryPrompts } from './injection-corpus.ts';

export function readSafetyRecords(file: string): { records: SafetyRecord[]; sha256: string } {
  const raw = readFileSync(file, 'utf8');
  const records: SafetyRecord[] = [];
  for (const line of raw.split('\n')) {
    const r = line.trim() === '' ? undefined : parseSafetyRecord(line);
    if (r) records.push(r);
  }
  return { records, sha256: createHash('sha256').update(raw).digest('hex') };
}

const benign = (id: string, text: string, source: string): SafetyRecord => ({ id, text, label: 'benign', type: undefined, category: 'benign', source });

/** Constructed and npm data added to every training set (read once by the caller). */
export function safetyExtras(): SafetyRecord[] {
  const injectionBenign = [...ordinaryRequests(900, 401), ...triggerWordRequests(400, 402)].map((r) => benign(r.id, r.text, r.source ?? 'synthetic'));
  const readmes = npmReadmeDocs(300, 1);
  const docs = [...readmes, ...npmReadmeLines(readmes, 300)].map((r) => benign(r.id, r.text, r.source ?? 'npm'));
  const held = new Set(ordinaryPrompts().map((p) => p.text.trim().toLowerCase()));
  return [...harmfulRecords(140, 301), ...benignSafetyRecords(120, 351), ...injectionBenign, ...docs].filter((r) => !held.has(r.text.trim().toLowerCase()));
}

/**
 * Short benign pieces of the benign dev records a model trains on: the quoted "my first request is …" of
 * role-play prompts (real user requests) and single sentences of the others.
 */
export function safetyFragments(train: readonly SafetyRecord[]): SafetyRecord[] {
  const base = train.filter((r) => r.label === 'benign').map((r) => ({ id: r.id, text: r.text, label: 'benign' as const, category: 'fragment', source: r.source }));
  return benignFragments(base, 2, 13).map((r) => benign(r.id, r.text, `fragment:${r.id}`));
}
