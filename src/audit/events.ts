// The audit record types and their field names (docs/audit-schema.md). Events are plain data: they carry
// finding types, counts and locations, never the matched values or any prompt text.
import { z } from 'zod';
import type { Result } from '../core/index.ts';

/**
 * zod outputs keys in shape order; declaring every shape sorted makes validated events already
 * canonical (sorted keys), so hashing them allocates nothing extra.
 */
function obj<T extends z.ZodRawShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const sorted = Object.fromEntries(Object.entries(shape).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
  return z.object(sorted).strict();
}

export const RECORD_TYPES = [
  'AIInteraction',
  'ToolInvocation',
  'PolicyMatch',
  'AccessDenied',
  'SignIn',
  'AdminAction',
  'RiskChange',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const NUL = String.fromCharCode(0);
const text = z.string().max(4096);

/**
 * NUL cannot be stored in PostgreSQL text or jsonb. Rejecting such events would let anyone hide from the
 * log with a NUL in a header, so NULs are stripped instead; the walk allocates only when one is present
 * (a zod transform on every string would triple validation time).
 */
function stripNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes(NUL) ? value.split(NUL).join('') : value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const c = stripNul(v);
      if (c !== v) (out ??= [...(value as unknown[])])[i] = c;
    });
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  const src = value as Record<string, unknown>;
  for (const k in src) {
    const v = src[k];
    const c = stripNul(v);
    if (k.includes(NUL)) {
      out ??= { ...(value as Record<string, unknown>) };
      delete out[k];
      out[k.split(NUL).join('')] = c;
    } else if (c !== v) {
      (out ??= { ...(value as Record<string, unknown>) })[k] = c;
    }
  }
  return (out ?? value) as T;
}

const principal = obj({ id: text, kind: z.enum(['user', 'agent', 'service']), name: text, groups: z.array(text).max(256).default([]) });
const agent = obj({ id: text, name: text.optional(), version: text.optional() });
const app = obj({ name: text.optional(), userAgent: text.optional() });
const message = obj({
  id: text.optional(),
  role: text,
  size: z.number().int().nonnegative(),
  isPrompt: z.boolean(),
  source: text.optional(),
});
const finding = obj({
  type: text,
  confidence: z.number().min(0).max(100),
  count: z.number().int().positive().default(1),
  /** Where it was seen, e.g. `prompt`, `response`, `tool-result`, `messages[2]`. Never the value. */
  location: text.optional(),
  detector: text.optional(),
});
const policyMatchRef = obj({
  policy: text,
  rule: text,
  action: z.enum(['allow', 'audit', 'redact', 'block', 'require-approval', 'override']),
  mode: z.enum(['enforce', 'simulate', 'test']).default('enforce'),
});
const resource = obj({ server: text, tool: text.optional() });

const base = {
  /** Epoch milliseconds. */
  time: z.number().int().nonnegative(),
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/),
  operation: text,
  principal: principal.optional(),
  agent: agent.optional(),
  app: app.optional(),
  clientIp: text.optional(),
  outcome: z.enum(['success', 'failure', 'blocked', 'redacted', 'denied']).default('success'),
  /** The principal's risk level when the event happened. */
  riskLevel: z.enum(['none', 'low', 'moderate', 'elevated', 'high']).optional(),
  errorCode: text.optional(),
  findings: z.array(finding).max(1024).default([]),
  policyMatches: z.array(policyMatchRef).max(256).default([]),
};

const aiInteraction = obj({
  ...base,
  recordType: z.literal('AIInteraction'),
  model: obj({ requested: text.optional(), served: text.optional() }).default({}),
  provider: text.optional(),
  backend: text.optional(),
  conversationId: text.optional(),
  messages: z.array(message).max(4096).default([]),
  tokens: obj({ in: z.number().int().nonnegative(), out: z.number().int().nonnegative() }).optional(),
  latency: obj({ totalMs: z.number().nonnegative(), addedMs: z.number().nonnegative() }).optional(),
  sensitivityLabels: z.array(text).max(256).default([]),
  /** Set when a policy captured the prompt/response into the content store. */
  contentRef: text.optional(),
  /** Non-text message parts (images, audio, files) that were not inspected. */
  uninspectedParts: z.number().int().nonnegative().optional(),
  /** The backend's own HTTP status when it refused the request (errorCode `upstream_rejected`). */
  upstreamStatus: z.number().int().min(100).max(599).optional(),
});

const toolInvocation = obj({
  ...base,
  recordType: z.literal('ToolInvocation'),
  resources: z.array(resource).max(64).default([]),
  /** Canonical hash of the tool definition the call was made against (pinning). */
  definitionHash: text.optional(),
  /** UTF-8 bytes of the JSON arguments and result; never their text. */
  argumentBytes: z.number().int().nonnegative().optional(),
  resultBytes: z.number().int().nonnegative().optional(),
  /** What Palisade decided: allowed, redacted, denied, quarantined, blocked-input, … */
  decision: text.optional(),
  /** Why, when not allowed: the deciding Cedar policies, the quarantine reasons, the upstream's error. */
  reason: text.optional(),
  /** The human approval request the call waited on. */
  approvalId: text.optional(),
  conversationId: text.optional(),
  latency: obj({ totalMs: z.number().nonnegative(), addedMs: z.number().nonnegative() }).optional(),
});

const policyMatch = obj({
  ...base,
  recordType: z.literal('PolicyMatch'),
  /** The interaction or tool call that matched. */
  subjectId: text.optional(),
  /** The user's justification when the action is an override. */
  justification: text.optional(),
});

const accessDenied = obj({ ...base, recordType: z.literal('AccessDenied'), resource: text.optional(), reason: text.optional() });

const signIn = obj({ ...base, recordType: z.literal('SignIn'), method: text.optional() });

const adminAction = obj({
  ...base,
  recordType: z.literal('AdminAction'),
  target: text.optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});

const riskChange = obj({
  ...base,
  recordType: z.literal('RiskChange'),
  previousLevel: z.enum(['none', 'low', 'moderate', 'elevated', 'high']).optional(),
  reason: text.optional(),
});

export const auditEventSchema = z.discriminatedUnion('recordType', [
  aiInteraction,
  toolInvocation,
  policyMatch,
  accessDenied,
  signIn,
  adminAction,
  riskChange,
]);

/** What callers pass to `record()`; defaults are filled in by `normalizeEvent`. */
export type AuditEventInput = z.input<typeof auditEventSchema>;
/** A validated, normalised event: what is stored, hashed and exported. */
export type AuditEvent = z.output<typeof auditEventSchema>;
export type AIInteraction = z.output<typeof aiInteraction>;
export type ToolInvocation = z.output<typeof toolInvocation>;
export type PolicyMatch = z.output<typeof policyMatch>;
export type AccessDenied = z.output<typeof accessDenied>;
export type SignIn = z.output<typeof signIn>;
export type AdminAction = z.output<typeof adminAction>;
export type RiskChange = z.output<typeof riskChange>;
export type AuditFinding = z.output<typeof finding>;
export type AuditPolicyMatchRef = z.output<typeof policyMatchRef>;
export type AuditPrincipal = z.output<typeof principal>;

/** Validates and fills defaults; a bad event is a caller bug, reported as a value so it never throws into a request. */
export function normalizeEvent(input: unknown): Result<AuditEvent, string> {
  const r = auditEventSchema.safeParse(input);
  // Members explicitly set to undefined may remain; every serialised form (hash, row, spool, export) drops them.
  if (r.success) return { ok: true, value: stripNul(r.data) };
  // Paths and codes only: messages could echo a field's value.
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; ') };
}
