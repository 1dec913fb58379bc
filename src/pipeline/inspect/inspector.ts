// Inspection: the segments of one piece of content go through every detector the applicable policies
// need (each text once, cached by a keyed hash), the policies decide, and redactions are written back by
// path. Every ingress calls the same methods; only the content's shape differs, and that is the adapters'.
import { LRUCache } from 'lru-cache';
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
import type { DetectionEngine, LabelDetector, SegmentFinding } from '../../detect/index.ts';
import { detectPromptLeak, type Canary } from '../../detect/injection/index.ts';
import { ALLOW, evaluatePolicies, policyApplies, typesNeeded, type Decision, type PolicyCatalog, type PolicyContext, type Redaction, type RedactionSession } from '../../policy/index.ts';
import type { ApiAdapter } from '../apis/types.ts';
import { rewrite, type Content, type JsonPath, type Obj, type Segment } from '../content.ts';
import { StreamGuard, type StreamJudge } from './stream-guard.ts';

export interface InspectionContext {
  readonly principal: Principal;
  readonly model?: string;
  readonly app?: string;
  readonly mcpServer?: string;
  /** Namespaced: `server__tool`, `server__prompt`, or a wrapped resource URI. */
  readonly tool?: string;
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
  readonly detector: string;
  readonly confidence: number;
  readonly count: number;
  readonly location: PolicyLocation;
  readonly source: SegmentSource;
  readonly score?: number;
}

export interface Inspection {
  readonly location: PolicyLocation;
  readonly decision: Decision;
  readonly findings: readonly FindingSummary[];
  readonly labels: readonly string[];
  /** Time spent inspecting, in milliseconds. */
  readonly ms: number;
  /** Redactions per segment index, in the segment's own offsets (empty unless the outcome is redact). */
  readonly redactions: ReadonlyMap<number, readonly Redaction[]>;
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

interface Scanned {
  readonly findings: readonly Finding[];
  /** Sensitivity labels evident in the text. */
  readonly labels: readonly string[];
}

/** Offsets of different segments never meet: segment k's text starts at k × SEGMENT_SPAN. */
const SEGMENT_SPAN = 2 ** 32;
/** Locations whose text a shield judges (what a user or a tool sends a model; not the model's own answer). */
const SHIELDED: ReadonlySet<PolicyLocation> = new Set(['prompt', 'tool-output', 'scan-api']);

export function isBlocking(decision: Decision): boolean {
  return decision.outcome === 'block' || decision.outcome === 'block-with-override';
}

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

function sourceAt(location: PolicyLocation, seg: Segment): SegmentSource {
  switch (location) {
    case 'response':
      return 'model-output';
    case 'tool-output':
      return seg.source === 'document' ? 'document' : 'tool-result';
    case 'tool-input':
      return 'assistant';
    case 'prompt':
    case 'scan-api':
      return seg.source;
  }
}

function summarise(findings: readonly (Finding & { source: SegmentSource })[], location: PolicyLocation): FindingSummary[] {
  const by = new Map<string, { type: string; detector: string; confidence: number; count: number; source: SegmentSource; score?: number; hashes: Set<string> }>();
  for (const f of findings) {
    const key = `${f.type}\u0000${f.source}\u0000${f.detector}`;
    const e = by.get(key);
    if (e === undefined) {
      by.set(key, { type: f.type, detector: f.detector, confidence: f.confidence, count: 1, source: f.source, ...(f.score !== undefined ? { score: f.score } : {}), hashes: new Set([f.valueHash]) });
    } else {
      if (!e.hashes.has(f.valueHash)) e.count++;
      e.hashes.add(f.valueHash);
      e.confidence = Math.max(e.confidence, f.confidence);
      if (f.score !== undefined) e.score = Math.max(e.score ?? 0, f.score);
    }
  }
  return [...by.values()].map(({ hashes: _h, ...rest }) => ({ ...rest, location }));
}

const NOTHING: ReadonlyMap<number, readonly Redaction[]> = new Map();

export class Inspector {
  readonly #deps: InspectorDeps;
  /** Findings per text, keyed by a keyed hash of the text (never the text itself); bounded in entries and age. */
  readonly #cache: LRUCache<string, Scanned> | undefined;
  /** Junction findings per pair of adjacent texts (conversations resend their history every turn). */
  readonly #junctionCache = new LRUCache<string, readonly SegmentFinding[]>({ max: 4096, ttl: 10 * 60_000 });
  /** Types needed per set of applicable policies (the set object changes when policies change). */
  readonly #needed = new WeakMap<readonly PolicyConfig[], Map<string, { types: string[]; signature: string }>>();

  constructor(deps: InspectorDeps) {
    this.#deps = deps;
    this.#cache = deps.config.scanCache > 0 ? new LRUCache({ max: deps.config.scanCache, ttl: 10 * 60_000 }) : undefined;
  }

  get streamMode(): InspectionConfig['stream']['mode'] {
    return this.#deps.config.stream.mode;
  }

  /** Policies that could act at this location for this caller; none means nothing to inspect. */
  applicable(location: PolicyLocation, ctx: InspectionContext): PolicyConfig[] {
    const probe = this.#context(location, ctx, [], []);
    return this.#deps.policies().filter((p) => policyApplies(p, probe));
  }

  #context(location: PolicyLocation, ctx: InspectionContext, findings: readonly Finding[], labels: readonly string[], uninspectedParts = 0): PolicyContext {
    return {
      location,
      ...(uninspectedParts > 0 ? { uninspectedParts } : {}),
      principal: ctx.principal,
      findings,
      labels,
      ...(ctx.model !== undefined ? { model: ctx.model } : {}),
      ...(ctx.app !== undefined ? { app: ctx.app } : {}),
      ...(ctx.mcpServer !== undefined ? { mcpServer: ctx.mcpServer } : {}),
      ...(ctx.tool !== undefined ? { tool: ctx.tool } : {}),
      ...(ctx.riskLevel !== undefined ? { riskLevel: ctx.riskLevel } : {}),
      // A justification covers the whole interaction: the answer may repeat what the caller justified sending.
      ...(ctx.overrideJustification !== undefined ? { overrideJustification: ctx.overrideJustification } : {}),
    };
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
    const key = this.#cache === undefined ? '' : this.#deps.hashValue(`${wanted.signature}\u0000${source}\u0000${text}`);
    const cached = key === '' ? undefined : this.#cache?.get(key);
    if (cached !== undefined) return cached;
    const entry: Scanned = {
      findings: wanted.types.length === 0 ? [] : this.#deps.engine.scan(text, { source, hashValue: this.#deps.hashValue, types: wanted.types }),
      labels: this.#deps.labels.detect(text).map((l) => l.name),
    };
    if (key !== '') this.#cache?.set(key, entry);
    return entry;
  }

  /**
   * Findings of values that straddle two adjacent plain-text segments of the same source, one per part
   * (so each part is redacted where it is). JSON views and decoded fields are not joined: their parts
   * map to leaves, and a value across their edge cannot be written back.
   */
  #junctions(location: PolicyLocation, content: Content, wanted: { types: string[]; signature: string }): (Finding & { source: SegmentSource; segment: number })[] {
    if (wanted.types.length === 0 || content.segments.length < 2) return [];
    const out: (Finding & { source: SegmentSource; segment: number })[] = [];
    for (let i = 0; i + 1 < content.segments.length; i++) {
      const a = content.segments[i];
      const b = content.segments[i + 1];
      if (a === undefined || b === undefined || a.leaves !== undefined || b.leaves !== undefined || a.encoding !== undefined || b.encoding !== undefined) continue;
      const source = sourceAt(location, a);
      if (source !== sourceAt(location, b)) continue;
      const key = this.#cache === undefined ? '' : this.#deps.hashValue(`${wanted.signature}\u0000junction\u0000${source}\u0000${a.text}\u0000${b.text}`);
      let found = key === '' ? undefined : this.#junctionCache.get(key);
      if (found === undefined) {
        found = this.#deps.engine.scanJunctions([{ text: a.text, source }, { text: b.text, source }], { hashValue: this.#deps.hashValue, types: wanted.types });
        if (key !== '') this.#junctionCache.set(key, found);
      }
      for (const f of found) out.push({ ...f, segment: f.segment + i, source });
    }
    return out;
  }

  /** Prompt-leak findings (the request's canary, or long runs of its system prompt) in model output. */
  #leaks(text: string, ctx: InspectionContext | undefined): Finding[] {
    const c = ctx?.canary;
    if (c === undefined) return [];
    return detectPromptLeak(text, { canary: c.canary, systemPrompt: c.systemPrompt, minFragmentChars: c.minFragmentChars }, { source: 'model-output', hashValue: this.#deps.hashValue });
  }

  #labelsFromHeader(header: string | undefined): string[] {
    if (header === undefined || header.trim() === '') return [];
    return this.#deps.labels.resolve({ header }).found.map((l) => l.name);
  }

  #decide(policies: readonly PolicyConfig[], location: PolicyLocation, ctx: InspectionContext, findings: readonly Finding[], labels: readonly string[], uninspectedParts = 0): Decision {
    return evaluatePolicies(policies, this.#context(location, ctx, findings, labels, uninspectedParts), this.#deps.catalog);
  }

  /**
   * Findings of the configured external shields for each segment they cover, only when an applicable
   * policy acts on attack findings (a shield is a network call). Indexed like `content.segments`.
   */
  async shieldFindings(location: PolicyLocation, content: Content, ctx: InspectionContext): Promise<readonly (readonly Finding[])[] | undefined> {
    const shields = this.#deps.shields ?? [];
    if (shields.length === 0 || !SHIELDED.has(location) || content.segments.length === 0) return undefined;
    const wanted = this.#wanted(this.applicable(location, ctx));
    const active = shields.filter((sh) => sh.types.some((t) => wanted.types.includes(t)));
    if (active.length === 0) return undefined;
    const hashValue = this.#deps.hashValue;
    return Promise.all(
      content.segments.map(async (seg) => {
        const source = sourceAt(location, seg);
        return (await Promise.all(active.filter((sh) => sh.appliesTo(source)).map((sh) => sh.scan(seg.text, { source, hashValue })))).flat();
      }),
    );
  }

  /** Detects and decides on one piece of content. `extra` adds findings per segment (shields). */
  inspect(location: PolicyLocation, content: Content, ctx: InspectionContext, extra?: readonly (readonly Finding[])[]): Inspection {
    const t0 = performance.now();
    const policies = this.applicable(location, ctx);
    const headerLabels = location === 'prompt' || location === 'scan-api' ? this.#labelsFromHeader(ctx.labelsHeader) : [];
    if (policies.length === 0) {
      return { location, decision: ALLOW, findings: [], labels: headerLabels, ms: performance.now() - t0, redactions: NOTHING };
    }
    const wanted = this.#wanted(policies);
    const findings: (Finding & { source: SegmentSource })[] = [];
    const global: Finding[] = [];
    const labels = new Set(headerLabels);
    content.segments.forEach((seg, i) => {
      const source = sourceAt(location, seg);
      const scanned = this.#scanned(seg.text, source, wanted);
      const found = location === 'response' ? [...scanned.findings, ...this.#leaks(seg.text, ctx)] : [...scanned.findings, ...(extra?.[i] ?? [])];
      for (const f of found) {
        findings.push({ ...f, source });
        global.push({ ...f, start: f.start + i * SEGMENT_SPAN, end: f.end + i * SEGMENT_SPAN });
      }
      for (const l of scanned.labels) labels.add(l);
    });
    // A value split across two adjacent text segments of the same source (two messages, two parts).
    for (const f of this.#junctions(location, content, wanted)) {
      findings.push(f);
      global.push({ ...f, start: f.start + f.segment * SEGMENT_SPAN, end: f.end + f.segment * SEGMENT_SPAN });
    }
    const labelList = [...labels];
    const decision = this.#decide(policies, location, ctx, global, labelList, content.notInspected);
    let redactions = NOTHING;
    if (decision.outcome === 'redact' && decision.redactions.length > 0) {
      const per = new Map<number, Redaction[]>();
      for (const r of decision.redactions) {
        const i = Math.floor(r.start / SEGMENT_SPAN);
        const list = per.get(i) ?? [];
        list.push({ ...r, start: r.start - i * SEGMENT_SPAN, end: r.end - i * SEGMENT_SPAN });
        per.set(i, list);
      }
      redactions = per;
    }
    return { location, decision, findings: summarise(findings, location), labels: labelList, ms: performance.now() - t0, redactions };
  }

  /**
   * The body with the inspection's redactions written back at their paths, or `undefined` when a redaction
   * falls outside every string leaf of a JSON value (it cannot be applied without breaking the structure:
   * callers refuse the content instead). Also returns the paths rewritten.
   */
  redact(body: Obj, content: Content, inspection: Inspection, session: RedactionSession): { body: Obj; rewritten: JsonPath[] } | undefined {
    if (inspection.redactions.size === 0) return { body, rewritten: [] };
    const edits: { path: JsonPath; value: unknown }[] = [];
    for (const [i, rs] of inspection.redactions) {
      const seg = content.segments[i];
      if (seg === undefined) continue;
      const segEdits = segmentEdits(seg, rs, session);
      if (segEdits === undefined) return undefined;
      edits.push(...segEdits);
    }
    return { body: rewrite(body, edits), rewritten: edits.map((e) => e.path) };
  }

  /** Restores tokenized placeholders the model echoed (reversible tokenization). */
  restore(body: Obj, content: Content, session: RedactionSession): Obj {
    if (!session.hasTokens) return body;
    const edits: { path: JsonPath; value: unknown }[] = [];
    for (const seg of content.segments) {
      if (seg.leaves !== undefined || seg.encoding !== undefined) {
        for (const e of leafEdits(seg, (text) => session.restore(text))) edits.push(e);
        continue;
      }
      const restored = session.restore(seg.text);
      if (restored !== seg.text) edits.push({ path: seg.path, value: restored });
    }
    return rewrite(body, edits);
  }

  /** A guard for a streamed answer, or undefined when no policy applies and nothing needs restoring. */
  streamGuard(
    adapter: ApiAdapter,
    ctx: InspectionContext,
    session: RedactionSession,
  ): { guard: StreamGuard; decision: () => Decision; findings: () => FindingSummary[] } | undefined {
    const policies = this.applicable('response', ctx);
    if (policies.length === 0 && !session.hasTokens) return undefined;
    let last: Decision = ALLOW;
    let wholeBlocked = false;
    const wanted = this.#wanted(policies);
    const engine = this.#deps.engine;
    const hashValue = this.#deps.hashValue;
    const judge: StreamJudge = {
      scan: (text) => [...(wanted.types.length === 0 ? [] : engine.scan(text, { source: 'model-output', hashValue, types: wanted.types })), ...this.#leaks(text, ctx)],
      decide: (findings) => {
        last = policies.length === 0 ? ALLOW : this.#decide(policies, 'response', ctx, findings, []);
        if (isBlocking(last)) return { block: true };
        return { block: false, redactions: last.redactions };
      },
      replace: (value, r) => session.apply(value, [{ ...r, start: 0, end: value.length }]),
      restore: (text) => session.restore(text),
      rewriteWhole: (text) => {
        if (policies.length === 0) return session.restore(text);
        const found = [...this.#scanned(text, 'model-output', wanted).findings, ...this.#leaks(text, ctx)];
        const d = this.#decide(policies, 'response', ctx, found, []);
        if (isBlocking(d)) {
          last = d;
          wholeBlocked = true;
        }
        return session.restore(d.outcome === 'redact' ? session.apply(text, d.redactions) : text);
      },
      blocked: () => wholeBlocked,
    };
    const guard = new StreamGuard(adapter, judge, { mode: this.#deps.config.stream.mode, window: this.#deps.config.stream.window });
    return {
      guard,
      decision: () => last,
      findings: () => summarise(guard.findings().map((f) => ({ ...f, source: 'model-output' as const })), 'response'),
    };
  }
}

/** Edits for one segment's redactions: the whole string, each affected leaf of a JSON value, or re-encoded text. */
function segmentEdits(seg: Segment, rs: readonly Redaction[], session: RedactionSession): { path: JsonPath; value: unknown }[] | undefined {
  const leaves = seg.leaves;
  if (leaves === undefined) {
    const text = session.apply(seg.text, rs);
    return [{ path: seg.path, value: seg.encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text }];
  }
  const byLeaf = new Map<number, Redaction[]>();
  for (const r of rs) {
    const li = leaves.findIndex((l) => r.start >= l.start && r.end <= l.end);
    const leaf = leaves[li];
    if (leaf === undefined) return undefined;
    const list = byLeaf.get(li) ?? [];
    list.push({ ...r, start: r.start - leaf.start, end: r.end - leaf.start });
    byLeaf.set(li, list);
  }
  const edits = [...byLeaf].flatMap(([li, list]) => {
    const leaf = leaves[li];
    return leaf === undefined ? [] : [{ path: leaf.path, value: session.apply(seg.text.slice(leaf.start, leaf.end), list) }];
  });
  return placeLeafEdits(seg, edits);
}

/** Applies `fn` to every leaf (or the whole or decoded text) of a segment, returning edits for the changed ones. */
function leafEdits(seg: Segment, fn: (text: string) => string): { path: JsonPath; value: unknown }[] {
  if (seg.leaves === undefined) {
    const out = fn(seg.text);
    if (out === seg.text) return [];
    return [{ path: seg.path, value: seg.encoding === 'base64' ? Buffer.from(out, 'utf8').toString('base64') : out }];
  }
  const edits: { path: JsonPath; value: unknown }[] = [];
  for (const leaf of seg.leaves) {
    const text = seg.text.slice(leaf.start, leaf.end);
    const out = fn(text);
    if (out !== text) edits.push({ path: leaf.path, value: out });
  }
  return placeLeafEdits(seg, edits);
}

/** Leaf edits (paths inside the segment's value) as body edits: prefixed by the segment's path, or re-serialised JSON text. */
function placeLeafEdits(seg: Segment, edits: { path: JsonPath; value: unknown }[]): { path: JsonPath; value: unknown }[] {
  if (edits.length === 0) return [];
  if (seg.encoding === 'json') {
    const value = seg.value;
    const updated = Array.isArray(value) ? rewrite({ v: value }, edits.map((e) => ({ path: ['v', ...e.path], value: e.value })))['v'] : rewrite(value as Obj, edits);
    return [{ path: seg.path, value: JSON.stringify(updated) }];
  }
  return edits.map((e) => ({ path: [...seg.path, ...e.path], value: e.value }));
}
