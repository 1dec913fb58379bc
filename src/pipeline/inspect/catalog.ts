// What the policy evaluator knows about the world: which categories each detector type belongs to (so a
// policy can say "financial" or "secret"), the order of sensitivity labels, and the named predicates.
// Categories come from the detection engine, i.e. from each detector's own definition of its types.
import type { DetectionConfig } from '../../core/index.ts';
import type { DetectionEngine } from '../../detect/index.ts';
import type { PolicyCatalog } from '../../policy/index.ts';

export function createPolicyCatalog(engine: Pick<DetectionEngine, 'categoriesOf' | 'redactionOf'>, detection: DetectionConfig): PolicyCatalog {
  const ranks = new Map<string, number>();
  for (const l of detection.labels) {
    ranks.set(l.name.toLowerCase(), l.priority);
    for (const id of l.ids) ranks.set(id.toLowerCase(), l.priority);
  }
  return {
    categoriesOf: (type) => engine.categoriesOf(type),
    redactionOf: (type) => engine.redactionOf(type),
    labelRank: (label) => ranks.get(label.toLowerCase()),
    predicates: {
      always: () => true,
      'agent-caller': (ctx) => ctx.principal?.kind === 'agent',
      'has-tool-results': (ctx) => ctx.location === 'tool-output',
    },
  };
}
