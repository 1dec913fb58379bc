// The `safety` section of palisade.yaml: the local content-safety detector (harm categories HATE, SEXUAL,
// VIOLENCE, SELF_HARM, WEAPONS, CRIME) and optional external checks (Azure AI Content Safety, the OpenAI
// moderation API) called over HTTP when a policy looks for those categories.
import { z } from 'zod';
import type { SegmentSource } from '../finding.ts';
import { duration, secretRef } from './primitives.ts';

const SOURCES = ['user', 'system', 'assistant', 'tool-result', 'document', 'model-output'] as const satisfies readonly SegmentSource[];
export const SAFETY_CHECK_PRESETS = ['azure-content-safety', 'openai-moderation'] as const;

const check = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-_.]*$/i, 'letters, digits, -, _ and . only'),
    preset: z.enum(SAFETY_CHECK_PRESETS),
    /**
     * Azure: `https://<resource>.cognitiveservices.azure.com/contentsafety/text:analyze?api-version=2024-09-01`;
     * OpenAI: defaults to `https://api.openai.com/v1/moderations`.
     */
    url: z.url().optional(),
    /** Sent as `Ocp-Apim-Subscription-Key` (Azure) or `Authorization: Bearer` (OpenAI). */
    apiKey: secretRef.optional(),
    /** OpenAI moderation model. */
    model: z.string().min(1).default('omni-moderation-latest'),
    timeout: duration.default(2_000),
    /** What a timeout or error means: `open` lets the text through, `closed` reports every category it covers. */
    failMode: z.enum(['open', 'closed']).default('open'),
    /** Which segment sources are sent to this service. */
    sources: z.array(z.enum(SOURCES)).min(1).default(['user', 'document', 'tool-result']),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.preset === 'azure-content-safety' && c.url === undefined) {
      ctx.addIssue({ code: 'custom', message: 'an azure-content-safety check needs the url of your resource', path: ['url'] });
    }
  });

export const safetyConfig = z
  .object({
    /** Run the local detector (a policy must still name the categories for anything to happen). */
    enabled: z.boolean().default(true),
    /** Calibrated score at or above which the local detector reports a category. */
    threshold: z.number().min(0).max(1).default(0.5),
    checks: z.array(check).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.checks.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate check name "${s.name}"`, path: ['checks', i, 'name'] });
      names.add(s.name);
    });
  });

export type SafetyConfig = z.output<typeof safetyConfig>;
export type SafetyCheckConfig = z.output<typeof check>;
