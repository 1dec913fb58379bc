// The scan report: the exact JSON `palisade scan --format json` prints and `POST /v1/palisade/scan`
// returns. Values are only ever shown masked; the masked form keeps separators and a few edge
// characters so a person can recognise their own data without the report disclosing it.
import { confidenceLevel, type ConfidenceLevel, type Finding } from '../core/finding.ts';

export interface ReportFinding {
  readonly type: string;
  readonly detector: string;
  readonly confidence: number;
  readonly level: ConfidenceLevel;
  readonly start: number;
  readonly end: number;
  readonly masked: string;
  readonly valueHash: string;
}

export interface ReportLabel {
  readonly name: string;
  readonly priority: number;
  readonly source: string;
}

export interface ScanReport {
  readonly findings: readonly ReportFinding[];
  readonly summary: {
    readonly count: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly highest: ConfidenceLevel | null;
  };
  /** Present when a label taxonomy is configured. */
  readonly label?: { readonly effective: ReportLabel | null; readonly found: readonly ReportLabel[] };
}

const MAX_MASKED = 48;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/**
 * Masks a value: letters and digits become `*` except the first and last few (4 + 4 from 16
 * characters, 2 + 2 from 10, only the last 2 below that); separators stay. Long values are shortened.
 */
export function maskValue(value: string): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) alnum++;
  const keepHead = alnum >= 16 ? 4 : alnum >= 10 ? 2 : 0;
  const keepTail = alnum >= 16 ? 4 : alnum >= 6 ? 2 : 0;
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    const c = value.charCodeAt(i);
    if (c === 10 || c === 13) {
      out += ' ';
      continue;
    }
    if (!isAlnum(c)) {
      out += ch;
      continue;
    }
    seen++;
    out += seen <= keepHead || seen > alnum - keepTail ? ch : '*';
  }
  if (out.length > MAX_MASKED) out = `${out.slice(0, MAX_MASKED - 12)}…${out.slice(-8)} (${value.length} chars)`;
  return out;
}

export function buildScanReport(
  text: string,
  findings: readonly Finding[],
  label?: ScanReport['label'],
): ScanReport {
  const byType: Record<string, number> = {};
  let top = 0;
  const out = findings.map((f): ReportFinding => {
    byType[f.type] = (byType[f.type] ?? 0) + 1;
    top = Math.max(top, f.confidence);
    return {
      type: f.type,
      detector: f.detector,
      confidence: f.confidence,
      level: confidenceLevel(f.confidence) ?? 'low',
      start: f.start,
      end: f.end,
      masked: maskValue(text.slice(f.start, f.end)),
      valueHash: f.valueHash,
    };
  });
  return {
    findings: out,
    summary: { count: out.length, byType, highest: out.length === 0 ? null : (confidenceLevel(top) ?? 'low') },
    ...(label !== undefined ? { label } : {}),
  };
}
