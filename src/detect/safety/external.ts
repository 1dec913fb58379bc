// External content-safety checks: Azure AI Content Safety (text:analyze) and the OpenAI moderation API,
// mapped onto Palisade's harm types and severities. The HTTP client is injected (a fetch-like function) so
// detect/ makes no network calls of its own. A timeout, an HTTP error or an answer of the wrong shape follows
// the fail mode: `open` reports nothing, `closed` reports every type the service covers at low confidence and
// high severity (a policy decision, not evidence). Neither the text nor the key appears in a finding or error.
import type { SafetyCheckConfig } from '../../core/config/safety.ts';
import { CONFIDENCE, type ExternalCheck, type Finding, type ScanContext, type SegmentSource } from '../../core/finding.ts';
import type { FetchLike } from '../injection/shield.ts';
import type { SafetySeverity, SafetyType } from './types.ts';

export const OPENAI_MODERATION_URL = 'https://api.openai.com/v1/moderations';

/** Azure analyses at most 10 000 characters per call; longer texts are sent in pieces, at most this many. */
const AZURE_CHUNK = 10_000;
const AZURE_MAX_CHUNKS = 10;

interface Verdict {
  readonly type: SafetyType;
  readonly severity: SafetySeverity;
  readonly score: number;
}

/** Azure's four severity levels (0, 2, 4, 6) as Palisade severities; 0 is no finding. */
function azureSeverity(level: number): SafetySeverity | undefined {
  if (level >= 6) return 'high';
  if (level >= 4) return 'medium';
  if (level >= 2) return 'low';
  return undefined;
}

const AZURE_TYPES: Readonly<Record<string, SafetyType>> = { Hate: 'HATE', Sexual: 'SEXUAL', Violence: 'VIOLENCE', SelfHarm: 'SELF_HARM' };

function azureVerdicts(answer: unknown): Verdict[] | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const list = (answer as { categoriesAnalysis?: unknown }).categoriesAnalysis;
  if (!Array.isArray(list)) return undefined;
  const out: Verdict[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { category, severity } = item as { category?: unknown; severity?: unknown };
    if (typeof category !== 'string' || typeof severity !== 'number') return undefined;
    const type = AZURE_TYPES[category];
    const sev = azureSeverity(severity);
    if (type !== undefined && sev !== undefined) out.push({ type, severity: sev, score: Math.min(1, severity / 6) });
  }
  return out;
}

/**
 * OpenAI moderation categories → types. `/minors`, `/threatening`, `/graphic`, `/intent` and `/instructions`
 * sub-categories are the severe forms; harassment maps to HATE, its threatening form to VIOLENCE; `illicit`
 * (non-violent wrongdoing) to CRIME, `illicit/violent` (which includes procuring weapons) to WEAPONS.
 */
const OPENAI_TYPES: ReadonlyArray<readonly [string, SafetyType, boolean]> = [
  ['hate', 'HATE', false],
  ['hate/threatening', 'HATE', true],
  ['harassment', 'HATE', false],
  ['harassment/threatening', 'VIOLENCE', true],
  ['sexual', 'SEXUAL', false],
  ['sexual/minors', 'SEXUAL', true],
  ['violence', 'VIOLENCE', false],
  ['violence/graphic', 'VIOLENCE', true],
  ['self-harm', 'SELF_HARM', false],
  ['self-harm/intent', 'SELF_HARM', true],
  ['self-harm/instructions', 'SELF_HARM', true],
  ['illicit', 'CRIME', false],
  ['illicit/violent', 'WEAPONS', true],
];

function openaiVerdicts(answer: unknown): Verdict[] | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const results = (answer as { results?: unknown }).results;
  if (!Array.isArray(results) || results.length === 0) return undefined;
  const best = new Map<SafetyType, Verdict>();
  for (const r of results) {
    if (typeof r !== 'object' || r === null) return undefined;
    const { categories, category_scores: scores } = r as { categories?: unknown; category_scores?: unknown };
    if (typeof categories !== 'object' || categories === null) return undefined;
    const flags = categories as Record<string, unknown>;
    const sc = (typeof scores === 'object' && scores !== null ? scores : {}) as Record<string, unknown>;
    for (const [name, type, severe] of OPENAI_TYPES) {
      if (flags[name] !== true) continue;
      const raw = sc[name];
      const score = typeof raw === 'number' && Number.isFinite(raw) ? Math.max(0, Math.min(1, raw)) : 1;
      const severity: SafetySeverity = severe || score >= 0.8 ? 'high' : score >= 0.5 ? 'medium' : 'low';
      const prev = best.get(type);
      const rank = (s: SafetySeverity): number => ['low', 'medium', 'high'].indexOf(s);
      if (prev === undefined || rank(severity) > rank(prev.severity) || (severity === prev.severity && score > prev.score)) best.set(type, { type, severity, score });
    }
  }
  return [...best.values()];
}

const COVERED: Readonly<Record<SafetyCheckConfig['preset'], readonly SafetyType[]>> = {
  'azure-content-safety': ['HATE', 'SEXUAL', 'VIOLENCE', 'SELF_HARM'],
  'openai-moderation': ['HATE', 'SEXUAL', 'VIOLENCE', 'SELF_HARM', 'CRIME', 'WEAPONS'],
};

export type SafetyCheckFailure = 'timeout' | 'http-status' | 'network' | 'invalid-response';

export interface SafetyCheck extends ExternalCheck {
  readonly types: readonly SafetyType[];
  /** The service's verdicts, or the failure; exposed for tests and `palisade` diagnostics. */
  check(text: string): Promise<{ verdicts: Verdict[] } | { failure: SafetyCheckFailure; status?: number }>;
}

export function createSafetyCheck(config: SafetyCheckConfig, fetchLike: FetchLike): SafetyCheck {
  const sources = new Set<SegmentSource>(config.sources);
  const azure = config.preset === 'azure-content-safety';
  const url = config.url ?? OPENAI_MODERATION_URL;
  const types = COVERED[config.preset];

  function headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (config.apiKey !== undefined) {
      if (azure) h['ocp-apim-subscription-key'] = config.apiKey.reveal();
      else h['authorization'] = `Bearer ${config.apiKey.reveal()}`;
    }
    return h;
  }

  async function call(body: unknown): Promise<{ verdicts: Verdict[] } | { failure: SafetyCheckFailure; status?: number }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeout);
    try {
      const res = await fetchLike(url, { method: 'POST', headers: headers(), body: JSON.stringify(body), signal: controller.signal });
      if (!res.ok) return { failure: 'http-status', status: res.status };
      let answer: unknown;
      try {
        answer = await res.json();
      } catch {
        return { failure: timedOut ? 'timeout' : 'invalid-response' };
      }
      const verdicts = azure ? azureVerdicts(answer) : openaiVerdicts(answer);
      return verdicts === undefined ? { failure: 'invalid-response' } : { verdicts };
    } catch {
      return { failure: timedOut ? 'timeout' : 'network' };
    } finally {
      clearTimeout(timer);
    }
  }

  async function check(text: string): Promise<{ verdicts: Verdict[] } | { failure: SafetyCheckFailure; status?: number }> {
    if (!azure) return call({ model: config.model, input: text });
    const all: Verdict[] = [];
    for (let i = 0, n = 0; i < text.length && n < AZURE_MAX_CHUNKS; i += AZURE_CHUNK, n++) {
      const r = await call({ text: text.slice(i, i + AZURE_CHUNK), categories: ['Hate', 'Sexual', 'Violence', 'SelfHarm'], outputType: 'FourSeverityLevels' });
      if ('failure' in r) return r;
      all.push(...r.verdicts);
    }
    return { verdicts: all };
  }

  return {
    name: config.name,
    types,
    appliesTo: (source) => sources.has(source),
    check,
    async scan(text: string, ctx: ScanContext): Promise<Finding[]> {
      if (text.length === 0 || !sources.has(ctx.source)) return [];
      const r = await check(text);
      const detector = `safety-check:${config.name}`;
      const finding = (type: SafetyType, severity: SafetySeverity, score: number, confidence: number): Finding => ({
        detector,
        type,
        confidence,
        start: 0,
        end: text.length,
        valueHash: ctx.hashValue(text),
        score,
        severity,
      });
      if ('failure' in r) return config.failMode === 'closed' ? types.map((t) => finding(t, 'high', 0.5, CONFIDENCE.low)) : [];
      // One finding per type: the most severe verdict (Azure reports each piece of a long text).
      const byType = new Map<SafetyType, Verdict>();
      for (const v of r.verdicts) {
        const prev = byType.get(v.type);
        if (prev === undefined || v.score > prev.score) byType.set(v.type, v);
      }
      return [...byType.values()].map((v) => finding(v.type, v.severity, v.score, CONFIDENCE.high));
    },
  };
}
