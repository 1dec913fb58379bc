// Inspection in the request path: the text segments of a request or response go through every detector,
// the policies decide, and the body is rewritten (redaction) or refused (block). Streams go through a
// StreamGuard judged by the same detectors and policies.
import {
  palisadeError,
  type Finding,
  type InspectionConfig,
  type PalisadeError,
  type PolicyConfig,
  type PolicyLocation,
  type Principal,
  type RiskLevel,
  type SegmentSource,
  type ValueHasher,
  type ExternalCheck,
} from '../../core/index.ts';
import type { DetectionEngine, LabelDetector } from '../../detect/index.ts';
import { detectPromptLeak, type Canary } from '../../detect/injection/index.ts';
import { ALLOW, evaluatePolicies, policyApplies, typesNeeded, RedactionSession, type Decision, type PolicyCatalog, type PolicyContext, type Redaction } from '../../policy/index.ts';
import type { ClientApi } from '../upstreams/index.ts';
import { extractRequest, extractResponse, rewrite, type Segment } from './segments.ts';
import { StreamGuard, type StreamJudge } from './stream-guard.ts';

export interface InspectionContext {
  readonly principal: Principal;
  readonly model: string;
  readonly app?: string;
  readonly riskLevel?: RiskLevel;
  /** The raw labels header. */
  readonly labelsHeader?: string;
  readonly overrideJustification?: string;
  /** This request's canary, inserted into its system prompt; seeing it (or the prompt) in output is a leak. */
  readonly canary?: { readonly canary: Canary; readonly systemPrompt: string; readonly minFragmentChars: number };
}

/** A finding as the audit log keeps it: where, what, how sure — never the value. */
export interface FindingSummary {
  readonly type: string;
  readonly confidence: number;
  readonly count: number;
  readonly location: PolicyLocation;
  readonly source: SegmentSource;
  readonly score?: number;
}

export interface Inspection {
  readonly decision: Decision;
  readonly findings: readonly FindingSummary[];
  readonly labels: readonly string[];
  /** Time spent inspecting, in milliseconds. */
  readonly ms: number;
}

export interface RequestInspection extends Inspection {
  readonly body: Record<string, unknown>;
  readonly session: RedactionSession;
  readonly segments: number;
  readonly notInspected: number;
}

export interface InspectorDeps {
  readonly engine: DetectionEngine;
  readonly labels: LabelDetector;
  readonly policies: () => readonly PolicyConfig[];
  readonly catalog: PolicyCatalog;
  readonly hashValue: ValueHasher;
  readonly config: InspectionConfig;
  /**
   * External detection services (injection shields, content-safety checks), each consulted only when an
   * applicable policy looks for one of the types it reports.
   */
  readonly shields?: readonly ExternalCheck[];
}

/** A bounded LRU of segment findings, keyed by a keyed hash (never the text itself). */
interface Scanned {
  readonly findings: readonly Finding[];
  /** Sensitivity labels evident in the text. */
  readonly labels: readonly string[];
}

class ScanCache {
  readonly #max: number;
  readonly #map = new Map<string, Scanned>();
  constructor(max: number) {
    this.#max = max;
  }
  get(key: string): Scanned | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: Scanned): void {
    if (this.#max === 0) return;
    this.#map.set(key, v);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }
}

/** Offsets of different segments never meet: segment k's text starts at k × SEGMENT_SPAN. */
const SEGMENT_SPAN = 2 ** 32;

export function blockError(decision: Decision): PalisadeError {
  const policies = [...new Set(decision.matches.filter((m) => m.mode === 'enforce' && (m.action === 'block' || m.action === 'block-with-override')).map((m) => m.policy))];
  const named = policies.length > 0 ? ` (policy: ${policies.join(', ')})` : '';
  const tip = decision.tip ?? 'This content was blocked by your organisation’s AI data protection policy.';
  if (decision.outcome === 'block-with-override') {
    return palisadeError(
      'content_blocked_overridable',
      `${tip}${named} To proceed, repeat the request with a business justification in the x-palisade-override-justification header.`,
    );
  }
  return palisadeError('content_blocked', `${tip}${named}`);
}

function summarise(findings: readonly (Finding & { source: SegmentSource })[], location: PolicyLocation): FindingSummary[] {
  const by = new Map<string, { type: string; confidence: number; count: number; source: SegmentSource; score?: number; hashes: Set<string> }>();
  for (const f of findings) {
    const key = `${f.type}\u0000${f.source}`;
    const e = by.get(key);
    if (e === undefined) {
      by.set(key, { type: f.type, confidence: f.confidence, count: 1, source: f.source, ...(f.score !== undefined ? { score: f.score } : {}), hashes: new Set([f.valueHash]) });
    } else {
      if (!e.hashes.has(f.valueHash)) e.count++;
      e.hashes.add(f.valueHash);
      e.confidence = Math.max(e.confidence, f.confidence);
      if (f.score !== undefined) e.score = Math.max(e.score ?? 0, f.score);
    }
  }
  return [...by.values()].map(({ hashes: _h, ...rest }) => ({ ...rest, location }));
}

export class Inspector {
  readonly #deps: InspectorDeps;
  readonly #cache: ScanCache;
  /** Types needed per set of applicable policies (the set object changes when policies change). */
  readonly #needed = new WeakMap<readonly PolicyConfig[], Map<string, { types: string[]; signature: string }>>();

  constructor(deps: InspectorDeps) {
    this.#deps = deps;
    this.#cache = new ScanCache(deps.config.scanCache);
  }

  /** The detector types that can matter for these policies, and a short signature of the set for cache keys. */
  #wanted(policies: readonly PolicyConfig[]): { types: string[]; signature: string } {
    const all = this.#deps.policies();
    let byKey = this.#needed.get(all);
    if (byKey === undefined) {
      byKey = new Map();
      this.#needed.set(all, byKey);
    }
    const key = policies.map((p) => p.name).join('\u0000');
    let hit = byKey.get(key);
    if (hit === undefined) {
      const types = [...typesNeeded(policies, this.#deps.engine.types, this.#deps.catalog)].sort();
      hit = { types, signature: this.#deps.hashValue(types.join(',')) };
      byKey.set(key, hit);
    }
    return hit;
  }

  /** Findings and labels of one text, from the cache when this text was seen before under the same policies. */
  #scanned(text: string, source: SegmentSource, wanted: { types: string[]; signature: string }): Scanned {
    const key = this.#deps.config.scanCache > 0 ? this.#deps.hashValue(`${wanted.signature}\u0000${source}\u0000${text}`) : '';
    const cached = key === '' ? undefined : this.#cache.get(key);
    if (cached !== undefined) return cached;
    const entry: Scanned = {
      findings: wanted.types.length === 0 ? [] : this.#deps.engine.scan(text, { source, hashValue: this.#deps.hashValue, types: wanted.types }),
      labels: this.#deps.labels.detect(text).map((l) => l.name),
    };
    if (key !== '') this.#cache.set(key, entry);
    return entry;
  }

  #scan(text: string, source: SegmentSource, wanted: { types: string[]; signature: string }): readonly Finding[] {
    return this.#scanned(text, source, wanted).findings;
  }

  get streamMode(): InspectionConfig['stream']['mode'] {
    return this.#deps.config.stream.mode;
  }

  /** Policies that could act at this location for this caller; none means nothing to inspect. */
  #applicable(location: PolicyLocation, ctx: InspectionContext): PolicyConfig[] {
    const probe: PolicyContext = { location, principal: ctx.principal, model: ctx.model, findings: [], labels: [], ...(ctx.app !== undefined ? { app: ctx.app } : {}) };
    return this.#deps.policies().filter((p) => policyApplies(p, probe));
  }

  /** Prompt-leak findings (the request's canary, or long runs of its system prompt) in model output. */
  #leaks(text: string, ctx: InspectionContext | undefined): Finding[] {
    const c = ctx?.canary;
    if (c === undefined) return [];
    return detectPromptLeak(text, { canary: c.canary, systemPrompt: c.systemPrompt, minFragmentChars: c.minFragmentChars }, { source: 'model-output', hashValue: this.#deps.hashValue });
  }

  #scanSegments(
    segments: readonly Segment[],
    location: PolicyLocation,
    policies: readonly PolicyConfig[],
    ctx?: InspectionContext,
  ): { findings: (Finding & { source: SegmentSource })[]; global: Finding[]; labels: string[] } {
    const findings: (Finding & { source: SegmentSource })[] = [];
    const global: Finding[] = [];
    const labels = new Set<string>();
    const wanted = this.#wanted(policies);
    segments.forEach((seg, i) => {
      const source: SegmentSource = location === 'response' ? 'model-output' : seg.source;
      const scanned = this.#scanned(seg.text, source, wanted);
      const found = location === 'response' ? [...scanned.findings, ...this.#leaks(seg.text, ctx)] : scanned.findings;
      for (const f of found) {
        findings.push({ ...f, source });
        global.push({ ...f, start: f.start + i * SEGMENT_SPAN, end: f.end + i * SEGMENT_SPAN });
      }
      for (const l of scanned.labels) labels.add(l);
    });
    return { findings, global, labels: [...labels] };
  }

  #labelsFromHeader(header: string | undefined): string[] {
    if (header === undefined || header.trim() === '') return [];
    return this.#deps.labels
      .resolve({ header })
      .found.map((l) => l.name);
  }

  #decide(policies: readonly PolicyConfig[], location: PolicyLocation, ctx: InspectionContext, findings: readonly Finding[], labels: readonly string[]): Decision {
    return evaluatePolicies(
      policies,
      {
        location,
        principal: ctx.principal,
        model: ctx.model,
        findings,
        labels,
        ...(ctx.app !== undefined ? { app: ctx.app } : {}),
        ...(ctx.riskLevel !== undefined ? { riskLevel: ctx.riskLevel } : {}),
        // A justification covers the whole interaction: the answer may repeat what the caller justified sending.
        ...(ctx.overrideJustification !== undefined ? { overrideJustification: ctx.overrideJustification } : {}),
      },
      this.#deps.catalog,
    );
  }

  #apply(body: Record<string, unknown>, segments: readonly Segment[], redactions: readonly Redaction[], session: RedactionSession): Record<string, unknown> {
    if (redactions.length === 0) return body;
    const perSegment = new Map<number, Redaction[]>();
    for (const r of redactions) {
      const i = Math.floor(r.start / SEGMENT_SPAN);
      const local = { ...r, start: r.start - i * SEGMENT_SPAN, end: r.end - i * SEGMENT_SPAN };
      const list = perSegment.get(i) ?? [];
      list.push(local);
      perSegment.set(i, list);
    }
    const edits = [...perSegment].flatMap(([i, rs]) => {
      const seg = segments[i];
      return seg === undefined ? [] : [{ path: seg.path, value: session.apply(seg.text, rs) }];
    });
    return rewrite(body, edits);
  }

  /**
   * As `inspectRequest`, after also asking the configured external shields about every segment they cover
   * (only when an applicable policy acts on attack findings: a shield is a network call).
   */
  async inspectRequestWithShields(api: ClientApi, body: Record<string, unknown>, ctx: InspectionContext): Promise<RequestInspection> {
    const shields = this.#deps.shields ?? [];
    if (shields.length === 0) return this.inspectRequest(api, body, ctx);
    const policies = this.#applicable('prompt', ctx);
    const wanted = this.#wanted(policies);
    const active = shields.filter((sh) => sh.types.some((t) => wanted.types.includes(t)));
    if (active.length === 0) return this.inspectRequest(api, body, ctx);
    const { segments } = extractRequest(api, body);
    const hashValue = this.#deps.hashValue;
    const extra = await Promise.all(
      segments.map(async (seg) => (await Promise.all(active.map((sh) => sh.scan(seg.text, { source: seg.source, hashValue })))).flat()),
    );
    return this.inspectRequest(api, body, ctx, extra);
  }

  inspectRequest(api: ClientApi, body: Record<string, unknown>, ctx: InspectionContext, extra?: readonly (readonly Finding[])[]): RequestInspection {
    const t0 = performance.now();
    const session = new RedactionSession();
    const policies = this.#applicable('prompt', ctx);
    const headerLabels = this.#labelsFromHeader(ctx.labelsHeader);
    if (policies.length === 0) {
      return { decision: ALLOW, findings: [], labels: headerLabels, ms: performance.now() - t0, body, session, segments: 0, notInspected: 0 };
    }
    const { segments, notInspected } = extractRequest(api, body);
    const scanned = this.#scanSegments(segments, 'prompt', policies);
    extra?.forEach((found, i) => {
      const seg = segments[i];
      if (seg === undefined) return;
      for (const f of found) {
        scanned.findings.push({ ...f, source: seg.source });
        scanned.global.push({ ...f, start: f.start + i * SEGMENT_SPAN, end: f.end + i * SEGMENT_SPAN });
      }
    });
    const labels = [...new Set([...headerLabels, ...scanned.labels])];
    const decision = this.#decide(policies, 'prompt', ctx, scanned.global, labels);
    const out = decision.outcome === 'redact' ? this.#apply(body, segments, decision.redactions, session) : body;
    return {
      decision,
      findings: summarise(scanned.findings, 'prompt'),
      labels,
      ms: performance.now() - t0,
      body: out,
      session,
      segments: segments.length,
      notInspected,
    };
  }

  inspectResponse(api: ClientApi, body: Record<string, unknown>, ctx: InspectionContext, session: RedactionSession): Inspection & { body: Record<string, unknown> } {
    const t0 = performance.now();
    const policies = this.#applicable('response', ctx);
    const { segments } = policies.length > 0 || session.hasTokens ? extractResponse(api, body) : { segments: [] };
    let decision = ALLOW;
    let findings: FindingSummary[] = [];
    let labels: string[] = [];
    let out = body;
    if (policies.length > 0) {
      const scanned = this.#scanSegments(segments, 'response', policies, ctx);
      labels = scanned.labels;
      decision = this.#decide(policies, 'response', ctx, scanned.global, labels);
      findings = summarise(scanned.findings, 'response');
      if (decision.outcome === 'redact') out = this.#apply(body, segments, decision.redactions, session);
    }
    if (session.hasTokens && decision.outcome !== 'block' && decision.outcome !== 'block-with-override') {
      const again = out === body ? segments : extractResponse(api, out).segments;
      out = rewrite(out, again.map((s) => ({ path: s.path, value: session.restore(s.text) })).filter((e, i) => e.value !== again[i]?.text));
    }
    return { decision, findings, labels, ms: performance.now() - t0, body: out };
  }

  /**
   * Inspects one piece of MCP tool traffic: arguments (`tool-input`, written by the model) or a result
   * (`tool-output`, where instructions are indirect injection). Same detectors and policies as prompts.
   */
  inspectText(
    location: 'tool-input' | 'tool-output',
    text: string,
    ctx: { principal: Principal; server: string; tool: string; riskLevel?: RiskLevel },
  ): { outcome: Decision['outcome']; text?: string; findings: Finding[]; tip?: string; decision: Decision } {
    const probe: PolicyContext = { location, principal: ctx.principal, mcpServer: ctx.server, tool: ctx.tool, findings: [], labels: [] };
    const policies = this.#deps.policies().filter((p) => policyApplies(p, probe));
    if (policies.length === 0) return { outcome: 'allow', findings: [], decision: ALLOW };
    const source: SegmentSource = location === 'tool-output' ? 'tool-result' : 'assistant';
    const scanned = this.#scanned(text, source, this.#wanted(policies));
    const findings = [...scanned.findings];
    const labels = scanned.labels;
    const decision = evaluatePolicies(
      policies,
      { ...probe, findings, labels, ...(ctx.riskLevel !== undefined ? { riskLevel: ctx.riskLevel } : {}) },
      this.#deps.catalog,
    );
    const redacted = decision.outcome === 'redact' ? new RedactionSession().apply(text, decision.redactions) : undefined;
    return {
      outcome: decision.outcome,
      findings,
      decision,
      ...(redacted !== undefined ? { text: redacted } : {}),
      ...(decision.tip !== undefined ? { tip: decision.tip } : {}),
    };
  }

  /** A guard for a streamed answer, or undefined when no policy applies and nothing needs restoring. */
  streamGuard(api: ClientApi, ctx: InspectionContext, session: RedactionSession): { guard: StreamGuard; decision: () => Decision; findings: () => FindingSummary[] } | undefined {
    const policies = this.#applicable('response', ctx);
    if (policies.length === 0 && !session.hasTokens) return undefined;
    let last: Decision = ALLOW;
    const engine = this.#deps.engine;
    const hashValue = this.#deps.hashValue;
    const wanted = this.#wanted(policies);
    const judge: StreamJudge = {
      scan: (text) => [...(wanted.types.length === 0 ? [] : engine.scan(text, { source: 'model-output', hashValue, types: wanted.types })), ...this.#leaks(text, ctx)],
      decide: (findings) => {
        last = policies.length === 0 ? ALLOW : this.#decide(policies, 'response', ctx, findings, []);
        if (last.outcome === 'block' || last.outcome === 'block-with-override') return { block: true };
        return { block: false, redactions: last.redactions };
      },
      replace: (value, r) => session.apply(value, [{ ...r, start: 0, end: value.length }]),
      restore: (text) => session.restore(text),
      rewriteWhole: (text) => {
        if (policies.length === 0) return session.restore(text);
        const found = [...this.#scan(text, 'model-output', wanted), ...this.#leaks(text, ctx)];
        const d = this.#decide(policies, 'response', ctx, found, []);
        return session.restore(d.outcome === 'redact' ? session.apply(text, d.redactions) : text);
      },
    };
    const mode = this.#deps.config.stream.mode;
    const guard = new StreamGuard(api, judge, { mode, window: this.#deps.config.stream.window });
    return {
      guard,
      decision: () => last,
      findings: () => summarise(guard.findings().map((f) => ({ ...f, source: 'model-output' as const })), 'response'),
    };
  }
}
