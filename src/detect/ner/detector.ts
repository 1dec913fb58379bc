// Named entities — people, places, organisations — from compromise's rule-based English tagger (MIT,
// pure JavaScript, lexicon shipped in the package: nothing is downloaded). It costs far more per character
// than the pattern detectors, so it is loaded on first use and runs only when a policy needs one of its
// types (the engine skips detectors whose types nobody asked for). Findings carry offsets and hashes only.
import { createRequire } from 'node:module';
import { categoriesFor, CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';

export const ENTITY_DETECTOR_ID = 'entities';
export const ENTITY_TYPES = ['PERSON_NAME', 'LOCATION', 'ORGANIZATION'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

interface TermJson {
  readonly text: string;
  readonly tags: readonly string[];
  readonly post: string;
  readonly offset: { readonly start: number; readonly length: number };
}
interface SentenceJson {
  readonly terms: readonly TermJson[];
}
type Nlp = (text: string) => { json(options: { offset: boolean; terms: { offset: boolean } }): SentenceJson[] };

let nlp: Nlp | undefined;
/** compromise is required on first use: the lexicon costs ~30 MB and a moment to load. */
function tagger(): Nlp {
  nlp ??= createRequire(import.meta.url)('compromise') as Nlp;
  return nlp;
}

/** Texts are tagged in pieces of at most this size, cut at a line break or sentence end (bounded memory, linear time). */
const PIECE = 4096;
/**
 * Characters of one text tagged at most (the first ones). The tagger runs at roughly 100 KB/s, so a large
 * paste would otherwise hold a request for seconds; names and places are low-confidence evidence anyway.
 */
export const MAX_ENTITY_CHARS = 65_536;

function pieces(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < text.length; ) {
    let e = Math.min(text.length, s + PIECE);
    if (e < text.length) {
      const cut = Math.max(text.lastIndexOf('\n', e), text.lastIndexOf('. ', e));
      if (cut > s + PIECE / 2) e = cut + 1;
    }
    out.push([s, e]);
    s = e;
  }
  return out;
}

const ORG_SUFFIX = /\b(?:Ltd|Limited|Inc|LLC|LLP|GmbH|AG|SA|SAS|BV|NV|plc|PLC|Corp|Corporation|Co|Company|Group|Bank|University|Foundation|Institute|Holdings|Partners)\.?$/;

function classOf(t: TermJson): EntityType | undefined {
  const tags = t.tags;
  if (tags.includes('Pronoun')) return undefined;
  if (tags.includes('Person')) return 'PERSON_NAME';
  if (tags.includes('Organization')) return 'ORGANIZATION';
  if (tags.includes('Place')) return 'LOCATION';
  return undefined;
}

function levelOf(type: EntityType, value: string, tags: ReadonlySet<string>): ConfidenceLevel {
  const words = value.split(/\s+/).length;
  if (type === 'PERSON_NAME') return words >= 2 ? 'medium' : 'low';
  if (type === 'ORGANIZATION') return ORG_SUFFIX.test(value) ? 'medium' : 'low';
  return tags.has('Country') || tags.has('City') || words >= 2 ? 'medium' : 'low';
}

export function createEntityDetector(id = ENTITY_DETECTOR_ID): Detector {
  return {
    id,
    types: ENTITY_TYPES,
    categories: { ...categoriesFor(['PERSON_NAME', 'LOCATION'], ['personal']), ORGANIZATION: ['organization'] },
    scan(text: string, ctx: ScanContext): Finding[] {
      const out: Finding[] = [];
      // Nothing to name without a capital letter (compromise tags lower-case words too, rarely as entities).
      if (!/[A-Z]/.test(text)) return out;
      const doc = tagger();
      for (const [ps, pe] of pieces(text.length > MAX_ENTITY_CHARS ? text.slice(0, MAX_ENTITY_CHARS) : text)) {
        const piece = text.slice(ps, pe);
        // Prose mixes cases; keys, base64 and SHOUTED headers are not where names are written.
        if (!/[a-z]{2}/.test(piece) || !/[A-Z][a-z]/.test(piece)) continue;
        for (const sentence of doc(piece).json({ offset: true, terms: { offset: true } })) {
          let cur: { type: EntityType; start: number; end: number; tags: Set<string> } | undefined;
          const flush = (): void => {
            if (cur === undefined) return;
            const value = text.slice(cur.start, cur.end);
            // A lone lower-case word is a common noun the lexicon knows as a name ("will", "bill").
            if (/[A-Z]/.test(value)) {
              out.push({ detector: id, type: cur.type, confidence: CONFIDENCE[levelOf(cur.type, value, cur.tags)], start: cur.start, end: cur.end, valueHash: ctx.hashValue(value) });
            }
            cur = undefined;
          };
          for (const term of sentence.terms) {
            const type = classOf(term);
            const start = ps + term.offset.start;
            const end = start + term.offset.length;
            if (type === undefined) {
              flush();
              continue;
            }
            if (cur !== undefined && cur.type === type) {
              cur.end = end;
              for (const t of term.tags) cur.tags.add(t);
            } else {
              flush();
              cur = { type, start, end, tags: new Set(term.tags) };
            }
            // A comma or other punctuation after a term ends the entity ("Paris, France" is two places).
            if (/[^\s'’-]/.test(term.post)) flush();
          }
          flush();
        }
      }
      return out;
    },
  };
}
