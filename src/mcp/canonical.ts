// Canonical forms of tool definitions, so that a pin is a stable hash: keys sorted, undefined dropped, the
// fields that define what a tool does (and what the model reads about it) included, nothing else.
import { createHash } from 'node:crypto';

/** What Palisade pins of a tool: everything a model reads or that changes what a call does. */
export interface ToolDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: unknown;
}

/** JSON with object keys sorted at every depth; the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function pinnedShape(tool: ToolDefinition): Record<string, unknown> {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
    annotations: tool.annotations,
  };
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** The definition hash; the name is part of it, so a rename is a change. */
export function toolHash(tool: ToolDefinition): string {
  return sha256(canonicalJson(pinnedShape(tool)));
}

export function instructionsHash(instructions: string | undefined): string {
  return sha256(canonicalJson({ instructions: instructions ?? null }));
}

/** A line diff of two canonical definitions, pretty-printed so an admin can read what changed. */
export function definitionDiff(before: unknown, after: unknown): string {
  const a = prettyCanonical(before).split('\n');
  const b = prettyCanonical(after).split('\n');
  // Longest common subsequence over lines: definitions are small, so O(n·m) is fine.
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i] ?? ''}`);
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push(`- ${a[i] ?? ''}`);
      i++;
    } else {
      out.push(`+ ${b[j] ?? ''}`);
      j++;
    }
  }
  while (i < n) out.push(`- ${a[i++] ?? ''}`);
  while (j < m) out.push(`+ ${b[j++] ?? ''}`);
  return out.join('\n');
}

function prettyCanonical(value: unknown): string {
  if (value === undefined) return '(none)';
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2);
}
