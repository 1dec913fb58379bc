// The `injection` section of palisade.yaml: per-source thresholds of the local prompt-injection detector,
// canary tokens, and optional external shields (remote detection services called over HTTP).
import { z } from 'zod';
import type { SegmentSource } from '../finding.ts';
import { duration, secretRef } from './primitives.ts';

const SOURCES = ['user', 'system', 'assistant', 'tool-result', 'document', 'model-output'] as const satisfies readonly SegmentSource[];

const score = z.number().min(0).max(1);

/**
 * Scores at or above a source's threshold become findings. Instructions inside tool results and retrieved
 * documents are suspicious where the same words from the user are not, so those thresholds are lower;
 * system prompts are written by the operator and are judged leniently.
 */
export const DEFAULT_INJECTION_THRESHOLDS = {
  user: 0.5,
  system: 0.85,
  assistant: 0.8,
  'tool-result': 0.4,
  document: 0.4,
  'model-output': 0.8,
} as const satisfies Record<(typeof SOURCES)[number], number>;

const thresholds = z
  .object({
    user: score.default(DEFAULT_INJECTION_THRESHOLDS.user),
    system: score.default(DEFAULT_INJECTION_THRESHOLDS.system),
    assistant: score.default(DEFAULT_INJECTION_THRESHOLDS.assistant),
    'tool-result': score.default(DEFAULT_INJECTION_THRESHOLDS['tool-result']),
    document: score.default(DEFAULT_INJECTION_THRESHOLDS.document),
    'model-output': score.default(DEFAULT_INJECTION_THRESHOLDS['model-output']),
  })
  .strict();

const canary = z
  .object({
    /** Insert a per-request canary into system prompts and look for it in model output. */
    enabled: z.boolean().default(false),
    /** A verbatim run of the system prompt at least this long in model output is a leak. */
    minFragmentChars: z.number().int().min(20).max(10_000).default(80),
  })
  .strict();

/** A dotted path into a JSON value, e.g. `result.flagged` or `documentsAnalysis.0.attackDetected`. */
const jsonPath = z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'expected a dotted path such as result.score');

const customRequest = z
  .object({
    /** Where the scanned text goes in the JSON body. */
    textPath: jsonPath.default('text'),
    /** Where the segment source goes (omitted when absent). */
    sourcePath: jsonPath.optional(),
    /** Constant fields merged into every body. */
    extra: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();

const customResponse = z
  .object({
    /** A boolean in the answer meaning "attack". */
    flagPath: jsonPath.optional(),
    /** A number in [0, 1] in the answer; an attack when at or above `threshold`. */
    scorePath: jsonPath.optional(),
    threshold: score.default(0.5),
  })
  .strict()
  .refine((r) => r.flagPath !== undefined || r.scorePath !== undefined, {
    message: 'a custom shield response needs flagPath or scorePath',
  });

const shield = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-_.]*$/i, 'letters, digits, -, _ and . only'),
    url: z.url(),
    preset: z.enum(['azure-prompt-shields', 'custom']),
    /** Sent in `apiKeyHeader`; `Ocp-Apim-Subscription-Key` for the Azure preset, `Authorization: Bearer` otherwise. */
    apiKey: secretRef.optional(),
    apiKeyHeader: z.string().min(1).optional(),
    timeout: duration.default(2_000),
    /** What a timeout or error means: `open` lets the text through, `closed` reports it as an attack. */
    failMode: z.enum(['open', 'closed']).default('open'),
    /** Which segment sources are sent to this shield. */
    sources: z.array(z.enum(SOURCES)).min(1).default(['user', 'document', 'tool-result']),
    request: customRequest.optional(),
    response: customResponse.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.preset === 'custom' && s.response === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a custom shield needs a response mapping', path: ['response'] });
    }
  });

export const injectionConfig = z
  .object({
    enabled: z.boolean().default(true),
    thresholds: thresholds.default(DEFAULT_INJECTION_THRESHOLDS),
    canary: canary.default({ enabled: false, minFragmentChars: 80 }),
    shields: z.array(shield).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.shields.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate shield name "${s.name}"`, path: ['shields', i, 'name'] });
      names.add(s.name);
    });
  });

export type InjectionConfig = z.output<typeof injectionConfig>;
export type InjectionThresholds = z.output<typeof thresholds>;
export type ShieldConfig = z.output<typeof shield>;
