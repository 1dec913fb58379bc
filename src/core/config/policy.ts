// The `policies` section of palisade.yaml: DLP policies for prompts, responses and tool traffic.
import { z } from 'zod';
import { duration, secretRef } from './primitives.ts';

export const POLICY_LOCATIONS = ['prompt', 'response', 'tool-input', 'tool-output', 'scan-api'] as const;
export type PolicyLocation = (typeof POLICY_LOCATIONS)[number];

export const POLICY_MODES = ['enforce', 'simulate', 'off'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/** Principal risk levels, lowest first (Purview's insider-risk levels). */
export const RISK_LEVELS = ['none', 'minor', 'moderate', 'elevated'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** `strip` removes the matched text (the natural redaction of hidden characters, whatever style a rule names). */
export const REDACTION_STYLES = ['mask', 'partial', 'placeholder', 'tokenize', 'strip'] as const;
export type RedactionStyle = (typeof REDACTION_STYLES)[number];

export const ALERT_SEVERITIES = ['low', 'medium', 'high'] as const;

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,99}$/, 'letters, digits, space, _ . : - (at most 100)');
const list = z.array(z.string().min(1)).optional();

const scopeSet = z
  .object({
    users: list,
    groups: list,
    agents: list,
    /** Palisade key names or ids. */
    keys: list,
    /** Client applications (OIDC client ids, or the `x-palisade-app` header). */
    apps: list,
    models: list,
    mcpServers: list,
    tools: list,
  })
  .strict();

const sitCondition = z
  .object({
    sit: z
      .object({
        /** SIT ids such as CREDIT_CARD, or globs (`AWS_*`, `*`). */
        types: list,
        /** Categories from the detector catalogue: financial, government-id, secret, … */
        categories: list,
        minConfidence: z.enum(['low', 'medium', 'high']).default('low'),
        minCount: z.number().int().min(1).default(1),
        maxCount: z.number().int().min(1).optional(),
      })
      .strict()
      .refine((s) => (s.types?.length ?? 0) + (s.categories?.length ?? 0) > 0, 'give types or categories'),
  })
  .strict();

const labelCondition = z.object({ label: z.object({ atLeast: z.string().min(1) }).strict() }).strict();
/** Finding types of the attack and content-safety detectors (kept in step with them by a test in detect/). */
export const DETECTOR_CONDITION_TYPES = [
  'PROMPT_INJECTION',
  'JAILBREAK',
  'INDIRECT_INJECTION',
  'PROMPT_LEAK',
  'HIDDEN_CHARACTERS',
  'HATE',
  'SEXUAL',
  'VIOLENCE',
  'SELF_HARM',
  'WEAPONS',
  'CRIME',
] as const;
export type DetectorConditionType = (typeof DETECTOR_CONDITION_TYPES)[number];

/** Content-safety severity, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

const detectorCondition = z
  .object({
    detector: z
      .object({
        types: z.array(z.enum(DETECTOR_CONDITION_TYPES)).min(1),
        minScore: z.number().min(0).max(1).default(0.5),
        /** Content-safety findings below this severity do not count; findings without a severity are judged by score only. */
        minSeverity: z.enum(SEVERITIES).optional(),
      })
      .strict(),
  })
  .strict();
const riskCondition = z.object({ risk: z.object({ atLeast: z.enum(RISK_LEVELS) }).strict() }).strict();
const predicateCondition = z.object({ predicate: z.string().min(1) }).strict();
/** The content carries parts Palisade cannot read (images, audio, PDFs, token arrays): at least this many. */
const uninspectedCondition = z.object({ uninspected: z.object({ atLeast: z.number().int().min(1).default(1) }).strict() }).strict();

const CONDITION_KINDS = {
  sit: sitCondition,
  label: labelCondition,
  detector: detectorCondition,
  risk: riskCondition,
  predicate: predicateCondition,
  uninspected: uninspectedCondition,
} as const;

/**
 * For a value that failed a union of one-key objects (`{ sit: … }`, `{ redact: … }`): the message of the member
 * its key names, with the path inside it, or the list of valid keys. Zod's own union message says only
 * "Invalid input", which tells an operator nothing about a typo.
 */
function keyedUnionMessage(input: unknown, members: Readonly<Record<string, z.ZodType>>, words: readonly string[], what: string): string {
  const valid = [...words, ...Object.keys(members).filter((k) => !words.includes(k)).map((k) => `{ ${k}: … }`)].join(', ');
  if (typeof input === 'string') {
    const near = closest(input, [...words, ...Object.keys(members)]);
    return `unknown ${what} "${input}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; valid: ${valid}`;
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const keys = Object.keys(input);
    const key = keys.length === 1 ? keys[0] : undefined;
    const member = key !== undefined ? members[key] : undefined;
    if (member !== undefined) {
      const r = member.safeParse(input);
      const issue = r.success ? undefined : r.error.issues[0];
      if (issue !== undefined) return `${[...issue.path.map(String)].join('.')}: ${issue.message}`;
    }
    const near = key !== undefined ? closest(key, Object.keys(members)) : undefined;
    return `a ${what} is one of: ${valid}${near !== undefined ? ` (did you mean "${near}"?)` : ''}`;
  }
  return `a ${what} is one of: ${valid}`;
}

/** The candidate nearest to `word` (case and separators ignored), if it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const w = fold(word);
  // A word with another ending (`finance` for `financial`) is a typo too: most of it is shared from the start.
  const shared = (a: string, b: string): number => {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  };
  const stem = w.length >= 4 ? candidates.find((c) => shared(w, fold(c)) >= Math.max(4, 0.75 * Math.min(w.length, fold(c).length))) : undefined;
  if (stem !== undefined) return stem;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(w, fold(c));
    if (best === undefined || d < best.d) best = { c, d };
  }
  return best !== undefined && best.d <= Math.max(1, Math.floor(w.length / 4)) ? best.c : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export const policyCondition = z.union([sitCondition, labelCondition, detectorCondition, riskCondition, predicateCondition, uninspectedCondition], {
  error: (iss) => keyedUnionMessage(iss.input, CONDITION_KINDS, [], 'condition'),
});

const tip = z.string().max(500).optional();
function tipless(): { tip?: string | undefined } {
  return {};
}
const ACTION_WORDS = ['audit', 'alert', 'redact', 'block', 'block-with-override', 'capture'] as const;
const actionObjects = {
  audit: z.object({ audit: z.literal(true) }).strict(),
  alert: z.object({ alert: z.object({ severity: z.enum(ALERT_SEVERITIES).default('medium') }).strict() }).strict(),
  redact: z.object({ redact: z.object({ style: z.enum(REDACTION_STYLES).default('placeholder') }).strict() }).strict(),
  block: z.object({ block: z.object({ tip }).strict() }).strict(),
  'block-with-override': z.object({ 'block-with-override': z.object({ tip }).strict() }).strict(),
  /** `capture` and `{ capture: true }` (the forms docs/dlp.md shows). */
  capture: z.object({ capture: z.literal(true) }).strict(),
} as const;

export const policyAction = z.union([
  z.enum(ACTION_WORDS).transform((a) => {
    switch (a) {
      case 'audit':
        return { audit: true as const };
      case 'alert':
        return { alert: { severity: 'medium' as const } };
      case 'redact':
        return { redact: { style: 'placeholder' as const } };
      case 'block':
        return { block: tipless() };
      case 'block-with-override':
        return { 'block-with-override': tipless() };
      case 'capture':
        return { capture: true as const };
    }
  }),
  actionObjects.audit,
  actionObjects.alert,
  actionObjects.redact,
  actionObjects.block,
  actionObjects['block-with-override'],
  actionObjects.capture,
], { error: (iss) => keyedUnionMessage(iss.input, actionObjects, ACTION_WORDS, 'action') });

export const policyRule = z
  .object({
    name,
    /** `any` (default): one condition suffices; `all`: every condition must hold. */
    match: z.enum(['any', 'all']).default('any'),
    conditions: z.array(policyCondition).min(1),
    actions: z.array(policyAction).min(1),
  })
  .strict();

export const policyConfig = z
  .object({
    name,
    description: z.string().max(1000).default(''),
    mode: z.enum(POLICY_MODES).default('enforce'),
    /** Lower numbers are evaluated and reported first; the most restrictive action wins regardless. */
    priority: z.number().int().min(0).max(10_000).default(100),
    scope: z.object({ include: scopeSet.optional(), exclude: scopeSet.optional() }).strict().default({}),
    locations: z.array(z.enum(POLICY_LOCATIONS)).min(1).default(['prompt', 'response']),
    rules: z.array(policyRule).min(1),
  })
  .strict();

export const policiesConfig = z
  .array(policyConfig)
  .default([])
  .superRefine((ps, ctx) => {
    const seen = new Set<string>();
    ps.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', message: `duplicate policy name "${p.name}"`, path: [i, 'name'] });
      seen.add(p.name);
    });
  });

export type PolicyConfig = z.output<typeof policyConfig>;
export type PolicyConfigInput = z.input<typeof policyConfig>;
export type PolicyRuleConfig = z.output<typeof policyRule>;
export type PolicyConditionConfig = z.output<typeof policyCondition>;
export type PolicyActionConfig = z.output<typeof policyAction>;
export type PolicyScopeSet = z.output<typeof scopeSet>;

/** How the gateway inspects traffic (`inspection` in palisade.yaml). */
export const inspectionConfig = z
  .object({
    stream: z
      .object({
        /**
         * `window` (default): hold back `window` characters per text channel so redaction and blocks apply
         * before any byte of a match is sent; `buffer`: inspect the whole answer, then send it; `audit-only`:
         * send at once and record findings afterwards (never blocks or redacts a stream).
         */
        mode: z.enum(['window', 'buffer', 'audit-only']).default('window'),
        window: z.number().int().min(16).max(65_536).default(256),
      })
      .strict()
      .default({ mode: 'window', window: 256 }),
    /**
     * Findings of recently scanned segments, keyed by a keyed hash of the text (the text itself is not kept):
     * conversations resend their whole history every turn, so most segments were scanned before. 0 disables.
     */
    scanCache: z.number().int().min(0).max(1_000_000).default(4096),
    /** Request header that carries a justification for a block-with-override rule. */
    overrideHeader: z.string().min(1).default('x-palisade-override-justification'),
    /** Request header with sensitivity labels for the request's content. */
    labelsHeader: z.string().min(1).default('x-palisade-labels'),
  })
  .strict();

export type InspectionConfig = z.output<typeof inspectionConfig>;

/** Where policy alerts go (`alerts` in palisade.yaml): webhooks, HMAC-signed, batched, retried. */
export const alertsConfig = z
  .object({
    webhooks: z
      .array(
        z
          .object({
            url: z.url(),
            /** HMAC-SHA256 key for the `x-palisade-signature` header, by reference. */
            secret: secretRef.optional(),
            minSeverity: z.enum(ALERT_SEVERITIES).default('low'),
            /** Also send alerts of rules in simulate mode. */
            includeSimulated: z.boolean().default(false),
            timeout: duration.default(10_000),
          })
          .strict(),
      )
      .default([]),
    /** Alerts kept per webhook while it is unreachable; older ones are dropped (and counted in /metrics). */
    maxBacklog: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .strict();

export type AlertsConfig = z.output<typeof alertsConfig>;
