// Policy evaluation: pure, synchronous, no I/O. Scope, then conditions, then the most restrictive action of
// every matched enforced rule; simulated rules are recorded with what they would have done.
import {
  CONFIDENCE,
  globMatch,
  RISK_LEVELS,
  SEVERITIES,
  type Finding,
  type PolicyConditionConfig,
  type PolicyConfig,
  type PolicyLocation,
  type PolicyScopeSet,
  type Principal,
  type RedactionStyle,
  type RiskLevel,
} from '../core/index.ts';

export type Outcome = 'allow' | 'audit' | 'alert' | 'redact' | 'block-with-override' | 'block';

/** Most restrictive last. */
export const OUTCOME_RANK: Readonly<Record<Outcome, number>> = {
  allow: 0,
  audit: 1,
  alert: 2,
  redact: 3,
  'block-with-override': 4,
  block: 5,
};

export interface PolicyContext {
  readonly location: PolicyLocation;
  readonly principal: Principal | undefined;
  readonly riskLevel?: RiskLevel;
  readonly model?: string;
  readonly app?: string;
  readonly mcpServer?: string;
  readonly tool?: string;
  readonly findings: readonly Finding[];
  /** Sensitivity labels seen on the content or passed with the request. */
  readonly labels: readonly string[];
  /** A justification the caller sent to override a block-with-override rule. */
  readonly overrideJustification?: string;
  /** Parts of the content that carry no inspectable text (images, audio, files, token arrays). */
  readonly uninspectedParts?: number;
}

/** What the evaluator needs to know about the world: type categories, the label order, named predicates. */
export interface PolicyCatalog {
  categoriesOf(type: string): readonly string[];
  /** A redaction style fixed by the nature of a type (hidden characters are stripped), whatever a rule names. */
  redactionOf?(type: string): RedactionStyle | undefined;
  /** Higher is more sensitive; undefined for a label outside the taxonomy. */
  labelRank(label: string): number | undefined;
  readonly predicates: Readonly<Record<string, (ctx: PolicyContext) => boolean>>;
}

export interface Redaction {
  readonly start: number;
  readonly end: number;
  readonly type: string;
  readonly valueHash: string;
  readonly style: RedactionStyle;
}

export interface RuleMatch {
  readonly policy: string;
  readonly rule: string;
  readonly mode: 'enforce' | 'simulate';
  /** The most restrictive action of this rule. */
  readonly action: Outcome;
  /** Types that satisfied the rule's conditions, with instance counts (never values). */
  readonly types: Readonly<Record<string, number>>;
}

export interface Alert {
  readonly policy: string;
  readonly rule: string;
  readonly severity: 'low' | 'medium' | 'high';
  readonly simulated: boolean;
}

export interface Decision {
  /** What is enforced. */
  readonly outcome: Outcome;
  /** What would happen if simulated policies were enforced too. */
  readonly simulatedOutcome: Outcome;
  readonly matches: readonly RuleMatch[];
  readonly redactions: readonly Redaction[];
  readonly alerts: readonly Alert[];
  /** The user-facing policy tip of the deciding block rule. */
  readonly tip: string | undefined;
  /** A policy asked to store the prompt and response content. */
  readonly capture: boolean;
  /** The caller's justification lifted a block-with-override. */
  readonly overridden: boolean;
}

export const ALLOW: Decision = Object.freeze({
  outcome: 'allow',
  simulatedOutcome: 'allow',
  matches: [],
  redactions: [],
  alerts: [],
  tip: undefined,
  capture: false,
  overridden: false,
});

const CONFIDENCE_MIN = { low: CONFIDENCE.low, medium: CONFIDENCE.medium, high: CONFIDENCE.high } as const;

function anyGlob(patterns: readonly string[] | undefined, values: readonly (string | undefined)[]): boolean {
  if (patterns === undefined) return false;
  for (const p of patterns) for (const v of values) if (v !== undefined && globMatch(p, v)) return true;
  return false;
}

/** Who: users, agents, groups and keys form one set (any of them); apps, models, servers, tools each narrow further. */
function inScopeSet(set: PolicyScopeSet, ctx: PolicyContext, mode: 'include' | 'exclude'): boolean {
  const p = ctx.principal;
  const whoGiven = set.users !== undefined || set.agents !== undefined || set.groups !== undefined || set.keys !== undefined;
  const who =
    p !== undefined &&
    ((p.kind === 'user' && anyGlob(set.users, [p.id, p.name])) ||
      (p.kind === 'agent' && anyGlob(set.agents, [p.id, p.name])) ||
      anyGlob(set.groups, p.groups) ||
      (p.authMethod === 'api-key' && anyGlob(set.keys, [p.keyId, p.name])));
  const dims: [readonly string[] | undefined, readonly (string | undefined)[]][] = [
    [set.apps, [ctx.app, p?.clientAppId]],
    [set.models, [ctx.model]],
    [set.mcpServers, [ctx.mcpServer]],
    [set.tools, [ctx.tool]],
  ];
  if (mode === 'exclude') {
    return (whoGiven && who) || dims.some(([patterns, values]) => patterns !== undefined && anyGlob(patterns, values));
  }
  if (whoGiven && !who) return false;
  return dims.every(([patterns, values]) => patterns === undefined || anyGlob(patterns, values));
}

export function policyApplies(policy: PolicyConfig, ctx: PolicyContext): boolean {
  if (policy.mode === 'off' || !policy.locations.includes(ctx.location)) return false;
  const { include, exclude } = policy.scope;
  if (include !== undefined && !inScopeSet(include, ctx, 'include')) return false;
  if (exclude !== undefined && inScopeSet(exclude, ctx, 'exclude')) return false;
  return true;
}

interface ConditionResult {
  readonly holds: boolean;
  /** Findings that made a SIT condition hold (candidates for redaction). */
  readonly findings: readonly Finding[];
}

const NO: ConditionResult = { holds: false, findings: [] };
const YES: ConditionResult = { holds: true, findings: [] };

/** Categories of findings that are judged by `detector` conditions, never by `sit` ones. */
const NOT_SENSITIVE_CATEGORIES: readonly string[] = ['attack', 'harmful-content'];

function notSensitive(catalog: PolicyCatalog, type: string): boolean {
  return catalog.categoriesOf(type).some((c) => NOT_SENSITIVE_CATEGORIES.includes(c));
}

function evalCondition(c: PolicyConditionConfig, ctx: PolicyContext, catalog: PolicyCatalog): ConditionResult {
  if ('sit' in c) {
    const min = CONFIDENCE_MIN[c.sit.minConfidence];
    // Attack and harmful-content findings are not sensitive information, even for `types: ['*']`.
    const hits = ctx.findings.filter(
      (f) =>
        f.confidence >= min &&
        !notSensitive(catalog, f.type) &&
        (anyGlob(c.sit.types, [f.type]) || (c.sit.categories !== undefined && catalog.categoriesOf(f.type).some((k) => c.sit.categories?.includes(k)))),
    );
    const count = new Set(hits.map((f) => `${f.type}\u0000${f.valueHash}`)).size;
    const holds = count >= c.sit.minCount && (c.sit.maxCount === undefined || count <= c.sit.maxCount);
    return holds ? { holds, findings: hits } : NO;
  }
  if ('label' in c) {
    const threshold = catalog.labelRank(c.label.atLeast);
    if (threshold === undefined) return NO;
    return ctx.labels.some((l) => (catalog.labelRank(l) ?? -1) >= threshold) ? YES : NO;
  }
  if ('detector' in c) {
    const minSeverity = c.detector.minSeverity === undefined ? -1 : SEVERITIES.indexOf(c.detector.minSeverity);
    const hits = ctx.findings.filter(
      (f) =>
        (c.detector.types as readonly string[]).includes(f.type) &&
        (f.score ?? f.confidence / 100) >= c.detector.minScore &&
        (f.severity === undefined || SEVERITIES.indexOf(f.severity) >= minSeverity),
    );
    return hits.length > 0 ? { holds: true, findings: hits } : NO;
  }
  if ('uninspected' in c) return (ctx.uninspectedParts ?? 0) >= c.uninspected.atLeast ? YES : NO;
  if ('risk' in c) {
    const level = ctx.riskLevel ?? 'none';
    return RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(c.risk.atLeast) ? YES : NO;
  }
  const predicate = catalog.predicates[c.predicate];
  return predicate !== undefined && predicate(ctx) ? YES : NO;
}

/**
 * The detector types a set of policies can act on, from the types a catalogue knows: inspection runs only
 * the detectors that emit one of them. Undefined means "no finding can matter" only when the set is empty.
 */
export function typesNeeded(policies: readonly PolicyConfig[], allTypes: readonly string[], catalog: PolicyCatalog): Set<string> {
  const out = new Set<string>();
  for (const p of policies) {
    for (const rule of p.rules) {
      for (const c of rule.conditions) {
        if ('sit' in c) {
          for (const t of allTypes) {
            if (notSensitive(catalog, t)) continue;
            if (anyGlob(c.sit.types, [t]) || (c.sit.categories !== undefined && catalog.categoriesOf(t).some((k) => c.sit.categories?.includes(k)))) out.add(t);
          }
        } else if ('detector' in c) {
          for (const t of c.detector.types) out.add(t);
        }
      }
    }
  }
  return out;
}

export function evaluatePolicies(policies: readonly PolicyConfig[], ctx: PolicyContext, catalog: PolicyCatalog): Decision {
  const matches: RuleMatch[] = [];
  const alerts: Alert[] = [];
  const redactions: Redaction[] = [];
  let enforced: Outcome = 'allow';
  let enforcedWithoutOverride: Outcome = 'allow';
  let simulated: Outcome = 'allow';
  let tip: string | undefined;
  let tipRank = -1;
  let capture = false;

  for (const policy of policies) {
    if (!policyApplies(policy, ctx)) continue;
    const mode = policy.mode === 'simulate' ? 'simulate' : 'enforce';
    for (const rule of policy.rules) {
      const results = rule.conditions.map((c) => evalCondition(c, ctx, catalog));
      const holds = rule.match === 'all' ? results.every((r) => r.holds) : results.some((r) => r.holds);
      if (!holds) continue;
      const contributing = results.filter((r) => r.holds).flatMap((r) => r.findings);
      const types: Record<string, number> = {};
      for (const f of contributing) types[f.type] = (types[f.type] ?? 0) + 1;

      let action: Outcome = 'allow';
      let ruleTip: string | undefined;
      for (const a of rule.actions) {
        let o: Outcome | undefined;
        if ('audit' in a) o = 'audit';
        else if ('alert' in a) {
          o = 'alert';
          alerts.push({ policy: policy.name, rule: rule.name, severity: a.alert.severity, simulated: mode === 'simulate' });
        } else if ('redact' in a) {
          o = 'redact';
          if (mode === 'enforce') {
            for (const f of contributing) {
              const style = catalog.redactionOf?.(f.type) ?? a.redact.style;
              if (f.end > f.start) redactions.push({ start: f.start, end: f.end, type: f.type, valueHash: f.valueHash, style });
            }
          }
        } else if ('block' in a) {
          o = 'block';
          ruleTip = a.block.tip;
        } else if ('block-with-override' in a) {
          o = 'block-with-override';
          ruleTip = a['block-with-override'].tip;
        } else if ('capture' in a) {
          if (mode === 'enforce') capture = true;
          o = 'audit';
        }
        if (o !== undefined && OUTCOME_RANK[o] > OUTCOME_RANK[action]) action = o;
      }
      matches.push({ policy: policy.name, rule: rule.name, mode, action, types });
      if (OUTCOME_RANK[action] > OUTCOME_RANK[simulated]) simulated = action;
      if (mode === 'enforce') {
        if (OUTCOME_RANK[action] > OUTCOME_RANK[enforced]) enforced = action;
        if (action !== 'block-with-override' && OUTCOME_RANK[action] > OUTCOME_RANK[enforcedWithoutOverride]) enforcedWithoutOverride = action;
        if ((action === 'block' || action === 'block-with-override') && OUTCOME_RANK[action] > tipRank) {
          tip = ruleTip;
          tipRank = OUTCOME_RANK[action];
        }
      }
    }
  }

  let overridden = false;
  if (enforced === 'block-with-override' && ctx.overrideJustification !== undefined && ctx.overrideJustification.trim().length >= 3) {
    enforced = enforcedWithoutOverride;
    overridden = true;
    tip = undefined;
  }
  // Redactions matter only when redaction is the enforced outcome; a block sends nothing anywhere.
  const applied = enforced === 'redact' ? mergeRedactions(redactions) : [];
  return {
    outcome: enforced,
    simulatedOutcome: simulated,
    matches,
    redactions: applied,
    alerts,
    tip: enforced === 'block' || enforced === 'block-with-override' ? tip : undefined,
    capture,
    overridden,
  };
}

// `strip` ranks lowest: when a removed run of hidden characters overlaps a secret, the secret's own style wins
// over the merged span (the hidden characters inside it are replaced with it).
const STYLE_RANK: Readonly<Record<RedactionStyle, number>> = { strip: -1, partial: 0, tokenize: 1, placeholder: 2, mask: 3 };

/** Sorts and merges overlapping spans; the merged span takes the strictest style of its parts. */
export function mergeRedactions(rs: readonly Redaction[]): Redaction[] {
  const sorted = [...rs].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Redaction[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last !== undefined && r.start < last.end) {
      out[out.length - 1] = {
        ...last,
        end: Math.max(last.end, r.end),
        style: STYLE_RANK[r.style] > STYLE_RANK[last.style] ? r.style : last.style,
      };
    } else {
      out.push(r);
    }
  }
  return out;
}
