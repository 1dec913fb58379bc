// The content-safety dev set (../shared/datasets/safety/dev.jsonl): parsing, the mapping of its categories to
// finding types, the deterministic random split and the leave-collections-out folds. Pure: scripts read the
// file and pass the lines in.
import { createHash } from 'node:crypto';
import { SAFETY_TYPES, type SafetyType } from './types.ts';

export interface SafetyRecord {
  readonly id: string;
  readonly text: string;
  readonly label: 'harmful' | 'benign';
  /** The finding type of a harmful record; undefined for benign records and for harms outside the six types. */
  readonly type: SafetyType | undefined;
  /** The dataset's own category (`hate`, …, `other-harm`), or `benign`. */
  readonly category: string;
  readonly source: string;
}

const CATEGORY_TYPES: Readonly<Record<string, SafetyType>> = {
  hate: 'HATE',
  sexual: 'SEXUAL',
  violence: 'VIOLENCE',
  'self-harm': 'SELF_HARM',
  weapons: 'WEAPONS',
  crime: 'CRIME',
};

export function typeOfCategory(category: string): SafetyType | undefined {
  return CATEGORY_TYPES[category];
}

export function parseSafetyRecord(line: string): SafetyRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { id, text, label, category, source } = v as Record<string, unknown>;
  if (typeof id !== 'string' || typeof text !== 'string' || (label !== 'harmful' && label !== 'benign')) return undefined;
  const cat = label === 'benign' ? 'benign' : typeof category === 'string' ? category : 'other-harm';
  return { id, text, label, type: label === 'harmful' ? typeOfCategory(cat) : undefined, category: cat, source: typeof source === 'string' ? source : 'unknown' };
}

/** The public collection a record comes from. */
export function safetySourceFamily(source: string): string {
  const s = source.toLowerCase();
  if (s.includes('ailuminate')) return 'ailuminate';
  if (s.includes('toxigen')) return 'toxigen';
  if (s.includes('awesome-chatgpt-prompts')) return 'awesome-chatgpt-prompts';
  if (s.includes('purplellama')) return 'purplellama';
  if (s.includes('bipia')) return 'bipia';
  return s.split(':')[0] ?? 'unknown';
}

export interface SafetyFold {
  readonly name: string;
  readonly heldOut: readonly string[];
}

/**
 * Leave-collections-out folds: ToxiGen's hateful and neutral statements about groups; AILuminate's hazard
 * prompts together with benign system prompts and documents; role-play prompts (benign only, an FPR check).
 */
export const SAFETY_FOLDS: readonly SafetyFold[] = [
  { name: 'ToxiGen statements (hate / neutral)', heldOut: ['toxigen'] },
  { name: 'AILuminate prompts + PurpleLlama system prompts + BIPIA documents', heldOut: ['ailuminate', 'purplellama', 'bipia'] },
  { name: 'awesome-chatgpt-prompts role-play (benign)', heldOut: ['awesome-chatgpt-prompts'] },
];

export const SAFETY_SPLIT_SEED = 'palisade-safety-split-v1';

/** Stratified by (label, category, source family); 20 % of each stratum by SHA-256(seed:id) order. */
export function splitSafety(records: readonly SafetyRecord[]): { train: SafetyRecord[]; validation: SafetyRecord[] } {
  const strata = new Map<string, SafetyRecord[]>();
  for (const r of records) {
    const k = `${r.label}\u0000${r.category}\u0000${safetySourceFamily(r.source)}`;
    strata.set(k, [...(strata.get(k) ?? []), r]);
  }
  const validation = new Set<string>();
  for (const list of strata.values()) {
    const ordered = list
      .map((r) => ({ r, k: createHash('sha256').update(`${SAFETY_SPLIT_SEED}:${r.id}`).digest('hex') }))
      .sort((a, b) => (a.k < b.k ? -1 : 1));
    const n = Math.max(list.length >= 3 ? 1 : 0, Math.round(list.length * 0.2));
    for (let i = 0; i < n; i++) {
      const item = ordered[i];
      if (item) validation.add(item.r.id);
    }
  }
  return { train: records.filter((r) => !validation.has(r.id)), validation: records.filter((r) => validation.has(r.id)) };
}

export { SAFETY_TYPES };
