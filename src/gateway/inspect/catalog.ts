// What the policy evaluator knows about the world: which category each detector type belongs to (so a
// policy can say "financial" or "secret"), the order of sensitivity labels, and the named predicates.
import type { DetectionConfig, RedactionStyle } from '../../core/index.ts';
import { BUILTIN_SITS, PEOPLE_SITS, SECRET_RULES } from '../../detect/index.ts';
import { HIDDEN_TEXT_REDACTION, HIDDEN_TEXT_TYPES, INJECTION_TYPES } from '../../detect/injection/index.ts';
import { SAFETY_TYPES } from '../../detect/safety/index.ts';
import type { PolicyCatalog } from '../../policy/index.ts';

/** Policy-facing category names; `government-id` is what the one-click templates (and Purview) call national ids. */
const CATEGORY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'national-id': ['national-id', 'government-id'],
};

export function createPolicyCatalog(detection: DetectionConfig): PolicyCatalog {
  const categories = new Map<string, readonly string[]>();
  for (const sit of [...BUILTIN_SITS, ...PEOPLE_SITS]) categories.set(sit.id, CATEGORY_ALIASES[sit.category] ?? [sit.category]);
  for (const rule of SECRET_RULES) categories.set(rule.id, ['secret']);
  for (const t of INJECTION_TYPES) categories.set(t, ['attack']);
  for (const t of HIDDEN_TEXT_TYPES) categories.set(t, ['attack', 'evasion']);
  for (const t of SAFETY_TYPES) categories.set(t, ['harmful-content', t.toLowerCase().replace('_', '-')]);
  const fixedRedaction = new Map<string, RedactionStyle>(HIDDEN_TEXT_TYPES.map((t) => [t, HIDDEN_TEXT_REDACTION]));
  for (const t of detection.customTypes) categories.set(t.id, ['custom']);
  const ranks = new Map<string, number>();
  for (const l of detection.labels) {
    ranks.set(l.name.toLowerCase(), l.priority);
    for (const id of l.ids) ranks.set(id.toLowerCase(), l.priority);
  }
  return {
    categoriesOf: (type) => categories.get(type) ?? (type.startsWith('EDM_') ? ['edm'] : []),
    redactionOf: (type) => fixedRedaction.get(type),
    labelRank: (label) => ranks.get(label.toLowerCase()),
    predicates: {
      always: () => true,
      'agent-caller': (ctx) => ctx.principal?.kind === 'agent',
      'has-tool-results': (ctx) => ctx.location === 'tool-output',
    },
  };
}
