// Sensitive information detection: built-in types with validators, secrets, custom types, exact data
// match and sensitivity labels, behind one pure scan API (text in, findings out) and a streaming scanner.
// Nothing here logs, stores or returns a matched value; findings carry offsets and keyed hashes only.
import type { DetectionConfig } from '../core/config/detection.ts';
import type { ConfidenceLevel, Detector } from '../core/finding.ts';
import { err, ok, type Result } from '../core/result.ts';
import { createCustomDetector } from './custom.ts';
import { createEdmDetector, type EdmSource } from './edm/detector.ts';
import { loadEdmIndex } from './edm/store.ts';
import { createLabelDetector, type LabelDetector } from './labels.ts';
import { builtinDetectors } from './registry.ts';
import { buildScanReport, type ScanReport } from './report.ts';
import { createDetectionEngine, type DetectionEngine, type ScanOptions } from './scan.ts';

export { scan, createDetectionEngine, resolveOverlaps, minScore } from './scan.ts';
export type { ScanOptions, DetectionEngine, EngineOptions, SegmentText, SegmentFinding } from './scan.ts';
export { createStreamingScanner, HOLD_BACK } from './stream.ts';
export type { StreamingScanner, StreamOptions } from './stream.ts';
export { normalizeText } from './normalize.ts';
export type { NormalizedText } from './normalize.ts';
export { buildScanReport, maskValue } from './report.ts';
export type { ScanReport, ReportFinding, ReportLabel } from './report.ts';
export { createLabelDetector } from './labels.ts';
export type { LabelDetector, LabelHit, LabelInputs, LabelResolution, LabelSource } from './labels.ts';
export { createCustomDetector } from './custom.ts';
export { AhoCorasick } from './aho-corasick.ts';
export type { LiteralPattern } from './aho-corasick.ts';
export { importEdmCsv, loadEdmIndex, normalizeCell, edmPaths } from './edm/store.ts';
export type { EdmMeta, EdmIndex, EdmHit, EdmImportOptions } from './edm/store.ts';
export { createEdmDetector, edmType } from './edm/detector.ts';
export type { EdmSource } from './edm/detector.ts';
export { builtinDetectors } from './registry.ts';
export type { BuiltinDetectorOptions } from './registry.ts';
export { BUILTIN_SITS } from './sit/builtin.ts';
export { PEOPLE_SITS } from './sit/people.ts';
export type { SitDefinition, SitCategory, SitAnchor } from './sit/types.ts';
export { SECRET_RULES } from './secrets/rules.ts';
export type { SecretRule } from './secrets/rules.ts';
export { VALIDATORS } from './validators.ts';

export interface Detection {
  readonly engine: DetectionEngine;
  readonly labels: LabelDetector;
  /**
   * The scan report: exactly what `palisade scan --format json` prints and `POST /v1/palisade/scan`
   * returns. `labelHeader` is the request's `x-palisade-labels`, `mcpMeta` MCP resource metadata.
   */
  report(text: string, options?: ReportOptions): ScanReport;
}

export interface ReportOptions extends ScanOptions {
  readonly labelHeader?: string;
  readonly mcpMeta?: unknown;
}

export interface DetectionSetup {
  /** Exact data match tables, already loaded (see `loadConfiguredEdm`). */
  readonly edm?: readonly EdmSource[];
  /** More detectors to run alongside (e.g. prompt injection). */
  readonly additional?: readonly Detector[];
}

/** Builds the engine, custom types, exact data match and labels from palisade.yaml's `detection` section. */
export function createDetection(config: DetectionConfig, setup: DetectionSetup = {}): Detection {
  const additional: Detector[] = [];
  const custom = createCustomDetector(config);
  if (custom !== undefined) additional.push(custom);
  const edm = createEdmDetector(setup.edm ?? []);
  if (edm !== undefined) additional.push(edm);
  additional.push(...(setup.additional ?? []));
  const engine = createDetectionEngine({
    exclusive: builtinDetectors({ proximity: config.proximity, phoneRegions: config.phoneRegions }),
    additional,
    disabledTypes: config.disabledTypes,
  });
  const labels = createLabelDetector(config.labels);
  return {
    engine,
    labels,
    report(text: string, options: ReportOptions = {}): ScanReport {
      const findings = engine.scan(text, options);
      const resolution = labels.resolve({
        text,
        ...(options.labelHeader !== undefined ? { header: options.labelHeader } : {}),
        ...(options.mcpMeta !== undefined ? { mcpMeta: options.mcpMeta } : {}),
      });
      return buildScanReport(text, findings, {
        effective: resolution.effective,
        found: resolution.found,
      });
    },
  };
}

/** Loads every exact data match table the configuration names from `<home>/edm/`. */
export function loadConfiguredEdm(config: DetectionConfig, home: string): Result<EdmSource[], string[]> {
  const sources: EdmSource[] = [];
  const problems: string[] = [];
  for (const src of config.edm) {
    const loaded = loadEdmIndex(home, src.name);
    if (!loaded.ok) {
      problems.push(loaded.error);
      continue;
    }
    sources.push({
      index: loaded.value,
      ...(src.primary !== undefined ? { primary: src.primary } : {}),
      proximity: src.proximity ?? config.proximity,
    });
  }
  return problems.length > 0 ? err(problems) : ok(sources);
}

export const CONFIDENCE_LEVELS: readonly ConfidenceLevel[] = ['low', 'medium', 'high'];
