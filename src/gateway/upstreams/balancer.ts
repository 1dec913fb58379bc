// Backend choice inside a model route: smooth weighted round-robin (nginx's algorithm: every pick adds each
// candidate's weight to its running score, takes the highest and subtracts the total, so 2:1 gives a, b, a — evenly
// interleaved, not bursts) or least-in-flight (fewest open requests, ties to the heavier weight, then list order).

export interface Candidate {
  readonly weight: number;
  /** Smooth WRR running score; owned by the balancer. */
  current: number;
  inFlight(): number;
}

export function pickWeightedRoundRobin<T extends Candidate>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let total = 0;
  for (const c of candidates) {
    c.current += c.weight;
    total += c.weight;
    if (best === undefined || c.current > best.current) best = c;
  }
  if (best !== undefined) best.current -= total;
  return best;
}

export function pickLeastInFlight<T extends Candidate>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestLoad = Infinity;
  for (const c of candidates) {
    const load = c.inFlight();
    if (best === undefined || load < bestLoad || (load === bestLoad && c.weight > best.weight)) {
      best = c;
      bestLoad = load;
    }
  }
  return best;
}

/** Compiles a route's `match` once: an exact name, or a glob where `*` is any run of characters and `?` one. */
export function compileMatcher(pattern: string): (model: string) => boolean {
  if (!isGlob(pattern)) return (model) => model === pattern;
  let source = '^';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`${source}$`, 's');
  return (model) => re.test(model);
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
