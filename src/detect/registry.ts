// The one static list of built-in detectors. Adding a detector (e.g. prompt injection from
// ./injection/) means adding it here; shared code never branches on a detector's id.
import type { Detector } from '../core/finding.ts';
import type { CountryCode } from 'libphonenumber-js';
import { builtinSits } from './sit/builtin.ts';
import { PEOPLE_SITS } from './sit/people.ts';
import { createSitDetector } from './sit/detector.ts';
import { createSecretsDetector } from './secrets/detector.ts';
import { createEntityDetector } from './ner/detector.ts';

export interface BuiltinDetectorOptions {
  /** Supporting-keyword window in characters (palisade.yaml `detection.proximity`). */
  readonly proximity?: number;
  /** Regions for national phone numbers (palisade.yaml `detection.phoneRegions`). */
  readonly phoneRegions?: readonly CountryCode[];
}

/** Detectors whose findings compete for the same characters: overlaps among them are resolved. */
export function builtinDetectors(options: BuiltinDetectorOptions = {}): Detector[] {
  const proximity = options.proximity ?? 300;
  return [
    createSitDetector('sit', [...builtinSits(options.phoneRegions !== undefined ? { phoneRegions: options.phoneRegions } : {}), ...PEOPLE_SITS], { proximity }),
    createSecretsDetector('secrets', { proximity }),
    // Named entities (compromise): the costliest detector per character, run only when a policy needs its types.
    createEntityDetector(),
  ];
}
