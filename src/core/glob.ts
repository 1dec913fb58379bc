// Glob patterns for model names and similar identifiers: `*` any run, `?` one character; everything else literal.

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function globMatch(pattern: string, value: string): boolean {
  return isGlob(pattern) ? globToRegExp(pattern).test(value) : pattern === value;
}

/** True when `value` matches any pattern; `undefined` patterns mean "no restriction". */
export function matchesAny(patterns: readonly string[] | undefined, value: string): boolean {
  if (patterns === undefined) return true;
  for (const p of patterns) if (globMatch(p, value)) return true;
  return false;
}
