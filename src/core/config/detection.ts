// The `detection` section of palisade.yaml: custom sensitive information types, keyword lists, exact
// data match sources, the sensitivity label taxonomy and the supporting-keyword proximity. Custom
// patterns are compiled with RE2 here, so a pattern RE2 cannot run is reported with its path at config
// check, not at the first request.
import { isSupportedCountry } from 'libphonenumber-js';
import RE2 from 're2';
import { z } from 'zod';

const LEVELS = ['low', 'medium', 'high'] as const;
const level = z.enum(LEVELS);

/** Validators a custom type may name; detect/validators.ts implements each one (a test checks). */
export const VALIDATOR_NAMES = [
  'luhn',
  'credit-card',
  'iban',
  'swift-bic',
  'aba-routing',
  'verhoeff',
  'mod97-iban',
  'us-ssn',
  'uk-nino',
  'uk-nhs',
  'nl-bsn',
  'br-cpf',
  'br-cnpj',
  'es-dni',
  'it-codice-fiscale',
  'fr-nir',
  'de-tax-id',
  'sg-nric',
  'in-aadhaar',
  'au-tfn',
  'ca-sin',
  'ipv4',
  'ipv6',
  'jwt',
  'not-trivial',
] as const;

const TYPE_ID = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'type ids are UPPER_SNAKE_CASE, e.g. EMPLOYEE_ID');
const LIST_ID = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'letters, digits, - and _ only');

const keywordList = z
  .object({
    id: LIST_ID,
    words: z.array(z.string().min(1).max(200)).min(1).max(100_000),
    caseSensitive: z.boolean().default(false),
  })
  .strict();

const customType = z
  .object({
    id: TYPE_ID,
    name: z.string().min(1).optional(),
    /** An RE2 pattern; the whole match is the value. */
    pattern: z.string().min(1).max(4096).optional(),
    /** Or: every word of this keyword list is a value (e.g. project code names). */
    keywordList: LIST_ID.optional(),
    /** A named checksum the value must pass. */
    validator: z.enum(VALIDATOR_NAMES).optional(),
    /** Supporting keywords: inline words and/or keyword lists. */
    keywords: z.array(z.string().min(1)).default([]),
    keywordLists: z.array(LIST_ID).default([]),
    /** Characters around a value searched for supporting keywords; defaults to detection.proximity. */
    proximity: z.number().int().min(0).max(10_000).optional(),
    /** Fewest instances in one text before any is reported. */
    minCount: z.number().int().min(1).max(1000).default(1),
    /** Confidence with a supporting keyword (or always, when no keywords are configured). */
    confidence: level.default('medium'),
    /** Confidence without a supporting keyword; absent means keywords are required. */
    confidenceWithoutKeywords: level.optional(),
    caseSensitive: z.boolean().default(true),
    /** Policy categories besides `custom` (e.g. `financial`), so category-based policies and templates select the type. */
    categories: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'category names are lower-case words joined by -, e.g. financial')).max(16).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.pattern === undefined) === (t.keywordList === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a custom type needs exactly one of pattern or keywordList', path: ['pattern'] });
    }
    if (t.pattern !== undefined) {
      try {
        new RE2(t.pattern, t.caseSensitive ? 'u' : 'iu');
      } catch (e) {
        const reason = e instanceof Error ? e.message : 'unsupported syntax';
        ctx.addIssue({ code: 'custom', message: `RE2 cannot compile this pattern: ${reason}`, path: ['pattern'] });
      }
    }
  });

const edmSource = z
  .object({
    /** The name given to `palisade edm import --name`. */
    name: LIST_ID,
    /** Columns whose values alone identify a row; the others corroborate. Defaults to the first column. */
    primary: z.array(z.string().min(1)).optional(),
    proximity: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

const label = z
  .object({
    name: z.string().min(1).max(100),
    /** Higher wins. */
    priority: z.number().int().min(0).max(1000),
    /** Visible markings that set this label, matched as whole words (case-sensitive), e.g. CONFIDENTIAL. */
    markings: z.array(z.string().min(2)).default([]),
    /** Label GUIDs (Microsoft Purview `MSIP_Label_<guid>_…`) that map to this label. */
    ids: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const DEFAULT_LABELS = [
  { name: 'Public', priority: 0, markings: [], ids: [] },
  { name: 'General', priority: 1, markings: ['INTERNAL USE ONLY', 'INTERNAL ONLY'], ids: [] },
  { name: 'Confidential', priority: 2, markings: ['CONFIDENTIAL'], ids: [] },
  { name: 'Highly Confidential', priority: 3, markings: ['HIGHLY CONFIDENTIAL', 'STRICTLY CONFIDENTIAL', 'TOP SECRET'], ids: [] },
];

export const detectionConfig = z
  .object({
    /** Supporting-keyword window in characters, before and after a value. */
    proximity: z.number().int().min(0).max(10_000).default(300),
    /** Built-in types switched off. */
    disabledTypes: z.array(z.string().min(1)).default([]),
    /**
     * Regions (ISO 3166 alpha-2, in order) in which phone numbers written without a country code are read,
     * e.g. [GB, IE] for "020 7946 0958". Numbers with +/00 are read whatever this says.
     */
    phoneRegions: z
      .array(z.string().refine((c) => isSupportedCountry(c), 'unknown or unsupported region: use an ISO 3166 alpha-2 code, e.g. US, GB, DE'))
      .min(1)
      .max(20)
      .default(['US']),
    keywordLists: z.array(keywordList).default([]),
    customTypes: z.array(customType).default([]),
    edm: z.array(edmSource).default([]),
    labels: z.array(label).default(DEFAULT_LABELS),
  })
  .strict()
  .superRefine((d, ctx) => {
    const lists = new Set(d.keywordLists.map((l) => l.id));
    d.customTypes.forEach((t, i) => {
      if (t.keywordList !== undefined && !lists.has(t.keywordList)) {
        ctx.addIssue({ code: 'custom', message: `unknown keyword list "${t.keywordList}"`, path: ['customTypes', i, 'keywordList'] });
      }
      t.keywordLists.forEach((l, j) => {
        if (!lists.has(l)) ctx.addIssue({ code: 'custom', message: `unknown keyword list "${l}"`, path: ['customTypes', i, 'keywordLists', j] });
      });
    });
    const seen = new Set<string>();
    d.customTypes.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', message: `duplicate custom type id ${t.id}`, path: ['customTypes', i, 'id'] });
      seen.add(t.id);
    });
    const names = new Set<string>();
    d.labels.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', message: `duplicate label ${l.name}`, path: ['labels', i, 'name'] });
      names.add(l.name);
    });
  });

export const DETECTION_DEFAULTS = detectionConfig.parse({});

export type DetectionConfig = z.output<typeof detectionConfig>;
export type DetectionConfigInput = z.input<typeof detectionConfig>;
export type CustomTypeConfig = z.output<typeof customType>;
export type KeywordListConfig = z.output<typeof keywordList>;
export type EdmSourceConfig = z.output<typeof edmSource>;
export type LabelConfig = z.output<typeof label>;
