// Policies name detector types and categories as strings; a typo (`CREDITCARD`, `finance`) would make a rule
// that never matches — a silent hole. These checks run wherever a policy enters (palisade.yaml at
// `config check` and at start, the admin API, the CLI) against the types and categories the detection
// engine actually registers, and name the valid values.
import { closest, globMatch, isGlob, type ConfigProblem, type PolicyConfig } from '../core/index.ts';

export interface KnownTypes {
  /** Every type the engine registers (built-in, custom, exact data match, detectors). */
  readonly types: readonly string[];
  /** Every category those types declare, plus accepted aliases. */
  readonly categories: readonly string[];
}

function listed(values: readonly string[], max = 12): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length} in all; docs/sensitive-info-types.md lists them)`;
}

/** Problems with the type names and categories a policy refers to; `path` prefixes each problem's path. */
export function checkPolicyReferences(policy: PolicyConfig, known: KnownTypes, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const types = [...known.types].sort();
  const categories = [...new Set(known.categories)].sort();
  policy.rules.forEach((rule, r) => {
    rule.conditions.forEach((c, i) => {
      if (!('sit' in c)) return;
      const at = `${path}.rules.${r}.conditions.${i}.sit`;
      (c.sit.types ?? []).forEach((t, j) => {
        if (isGlob(t) ? types.some((k) => globMatch(t, k)) : types.includes(t)) return;
        const near = isGlob(t) ? undefined : closest(t, types);
        problems.push({
          path: `${at}.types.${j}`,
          message: isGlob(t)
            ? `the pattern "${t}" matches no registered type`
            : `unknown sensitive information type "${t}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; valid types include: ${listed(types)}`,
        });
      });
      (c.sit.categories ?? []).forEach((cat, j) => {
        if (categories.includes(cat)) return;
        const near = closest(cat, categories);
        problems.push({ path: `${at}.categories.${j}`, message: `unknown category "${cat}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; valid: ${listed(categories, 40)}` });
      });
    });
  });
  return problems;
}
