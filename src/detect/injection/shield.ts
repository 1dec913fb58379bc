// Pluggable external shields: a remote detection service called over HTTP (Azure AI Content Safety Prompt
// Shields, or any service whose request and response shapes are described in config). The HTTP client is
// injected (a fetch-like function) so detect/ stays free of network code. A timeout, an HTTP error or an
// unreadable answer is decided by the configured fail mode: `open` lets the text through, `closed` reports it.
// Neither the text nor the API key ever appears in a verdict or an error message.
import type { ShieldConfig } from '../../core/config/injection.ts';
import { CONFIDENCE, type ExternalCheck, type Finding, type ScanContext, type SegmentSource } from '../../core/finding.ts';

/** The part of `fetch` the adapter uses; `globalThis.fetch` and undici's `fetch` both fit. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ readonly ok: boolean; readonly status: number; json(): Promise<unknown> }>;

export type ShieldFailure = 'timeout' | 'http-status' | 'network' | 'invalid-response';

export interface ShieldVerdict {
  readonly shield: string;
  /** True when the service reported an attack, or when it failed and the shield fails closed. */
  readonly attack: boolean;
  /** The service's score when it gives one. */
  readonly score?: number;
  /** Set when the service could not answer; `attack` then follows the fail mode. */
  readonly failure?: ShieldFailure;
  /** HTTP status of a failed call. */
  readonly status?: number;
}

export interface Shield extends ExternalCheck {
  readonly name: string;
  /** Whether texts from this source are sent to the service. */
  appliesTo(source: SegmentSource): boolean;
  check(text: string, source: SegmentSource): Promise<ShieldVerdict>;
}

/** What a shield can report (the external-check contract: the inspector asks it only when a policy wants one). */
const SHIELD_TYPES = ['PROMPT_INJECTION', 'INDIRECT_INJECTION'] as const;

const INDIRECT_SOURCES: ReadonlySet<SegmentSource> = new Set(['document', 'tool-result']);

function getPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (cur !== null && typeof cur === 'object') cur = (cur as Record<string, unknown>)[key];
    else return undefined;
  }
  return cur;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] ?? '';
    const next = cur[key];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) cur = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      cur[key] = created;
      cur = created;
    }
  }
  cur[keys[keys.length - 1] ?? ''] = value;
}

type Interpretation = { attack: boolean; score?: number } | undefined;

/** Azure Prompt Shields: user prompts go in `userPrompt`, documents and tool results in `documents`. */
function azureBody(text: string, source: SegmentSource): unknown {
  return INDIRECT_SOURCES.has(source) ? { userPrompt: '', documents: [text] } : { userPrompt: text, documents: [] };
}

function azureVerdict(body: unknown, source: SegmentSource): Interpretation {
  if (INDIRECT_SOURCES.has(source)) {
    const docs = getPath(body, 'documentsAnalysis');
    if (!Array.isArray(docs) || docs.length === 0) return undefined;
    let attack = false;
    for (const d of docs) {
      const flag = getPath(d, 'attackDetected');
      if (typeof flag !== 'boolean') return undefined;
      attack ||= flag;
    }
    return { attack };
  }
  const flag = getPath(body, 'userPromptAnalysis.attackDetected');
  return typeof flag === 'boolean' ? { attack: flag } : undefined;
}

export function createShield(config: ShieldConfig, fetchLike: FetchLike): Shield {
  const sources = new Set<SegmentSource>(config.sources);
  const isAzure = config.preset === 'azure-prompt-shields';

  function body(text: string, source: SegmentSource): unknown {
    if (isAzure) return azureBody(text, source);
    const req = config.request ?? { textPath: 'text', extra: {} };
    const out: Record<string, unknown> = { ...req.extra };
    setPath(out, req.textPath, text);
    if (req.sourcePath !== undefined) setPath(out, req.sourcePath, source);
    return out;
  }

  function interpret(answer: unknown, source: SegmentSource): Interpretation {
    if (isAzure) return azureVerdict(answer, source);
    const res = config.response;
    if (res === undefined) return undefined;
    if (res.flagPath !== undefined) {
      const flag = getPath(answer, res.flagPath);
      if (typeof flag !== 'boolean') return undefined;
      const score = res.scorePath !== undefined ? getPath(answer, res.scorePath) : undefined;
      return typeof score === 'number' && Number.isFinite(score) ? { attack: flag, score } : { attack: flag };
    }
    const score = res.scorePath !== undefined ? getPath(answer, res.scorePath) : undefined;
    if (typeof score !== 'number' || !Number.isFinite(score)) return undefined;
    return { attack: score >= res.threshold, score };
  }

  function headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (config.apiKey !== undefined) {
      const key = config.apiKey.reveal();
      if (config.apiKeyHeader !== undefined) h[config.apiKeyHeader.toLowerCase()] = key;
      else if (isAzure) h['ocp-apim-subscription-key'] = key;
      else h['authorization'] = `Bearer ${key}`;
    }
    return h;
  }

  const failed = (failure: ShieldFailure, status?: number): ShieldVerdict => ({
    shield: config.name,
    attack: config.failMode === 'closed',
    failure,
    ...(status !== undefined ? { status } : {}),
  });

  const shield: Shield = {
    name: config.name,
    types: SHIELD_TYPES,
    appliesTo: (source) => sources.has(source),
    scan: (text, ctx) => scanWithShield(shield, text, ctx),
    async check(text, source) {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, config.timeout);
      try {
        const res = await fetchLike(config.url, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify(body(text, source)),
          signal: controller.signal,
        });
        if (!res.ok) return failed('http-status', res.status);
        let answer: unknown;
        try {
          answer = await res.json();
        } catch {
          return timedOut ? failed('timeout') : failed('invalid-response');
        }
        const verdict = interpret(answer, source);
        if (verdict === undefined) return failed('invalid-response');
        return { shield: config.name, ...verdict };
      } catch {
        return timedOut ? failed('timeout') : failed('network');
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return shield;
}

/** Runs a shield on a text and turns an attack verdict into a finding over the whole text. */
export async function scanWithShield(shield: Shield, text: string, ctx: ScanContext): Promise<Finding[]> {
  if (text.length === 0 || !shield.appliesTo(ctx.source)) return [];
  const v = await shield.check(text, ctx.source);
  if (!v.attack) return [];
  const indirect = INDIRECT_SOURCES.has(ctx.source);
  return [
    {
      detector: `shield:${shield.name}`,
      type: indirect ? 'INDIRECT_INJECTION' : 'PROMPT_INJECTION',
      // A fail-closed verdict is a policy choice, not evidence: it is reported with low confidence.
      confidence: v.failure !== undefined ? CONFIDENCE.low : CONFIDENCE.high,
      start: 0,
      end: text.length,
      valueHash: ctx.hashValue(text),
      score: v.score ?? (v.failure !== undefined ? 0.5 : 1),
    },
  ];
}
