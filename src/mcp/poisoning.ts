// The poisoning scan of tool definitions: text a model reads (descriptions, titles, schema descriptions,
// enum values, defaults, server instructions) judged by the injection detector plus MCP-specific signals.
// It returns signal names only, never the matched text, so results can be stored and shown safely.
import type { InjectionDetector } from '../detect/injection/index.ts';
import type { ToolDefinition } from './canonical.ts';

/** What scans definitions for instructions aimed at the model: the injection detector. */
export type DefinitionScanner = InjectionDetector;

export interface PoisoningSignal {
  readonly name: string;
  readonly pattern: RegExp;
}

/** MCP-specific signals; each names an attack seen in published tool-poisoning research. */
export const POISONING_SIGNALS: readonly PoisoningSignal[] = [
  {
    name: 'model-instructions',
    pattern:
      /<\s*\/?\s*(important|instructions?|system|secret|hidden)\s*>|\b(ignore|disregard|override)\b[^.\n]{0,40}\b(previous|prior|above|other|all)\b[^.\n]{0,20}\b(instructions?|rules|tools?)\b|\bbefore (using|calling) (this|any|the) tool\b|\b(the )?(assistant|model|ai|llm) (must|should|needs to|has to)\b/i,
  },
  {
    name: 'conceal-from-user',
    pattern:
      /\b(do not|don't|never|without)\b[^.\n]{0,30}\b(tell|telling|inform|informing|mention|mentioning|show|showing|reveal|revealing|notify|notifying)\b[^.\n]{0,20}\b(the )?(user|human)\b|\b(hide|conceal) (this|it) from\b/i,
  },
  {
    name: 'credential-or-dotfile',
    pattern:
      /~\/\.(ssh|aws|config|gnupg|kube|docker|npmrc|netrc|env)\b|\bid_(rsa|ed25519|ecdsa)\b|\.aws\/credentials|\bmcp\.json\b|\.env\b|\b(private key|api[_ -]?key|access[_ -]?token|secret key|password|credentials?)\b[^.\n]{0,40}\b(read|send|include|pass|provide|upload|add|append)\b|\b(read|send|include|pass|provide|upload|add|append)\b[^.\n]{0,40}\b(private key|api[_ -]?key|access[_ -]?token|secret key|password|credentials?)\b/i,
  },
  {
    name: 'cross-tool-instruction',
    pattern: /\b(when|whenever|if) (the )?(user|assistant|model)?\s*(calls?|uses?|invokes?|runs?) (the )?[\w.-]+ tool\b|\binstead of (the )?[\w.-]+ tool\b|\b(all|every|any) other tools?\b/i,
  },
];

/** Zero-width, bidirectional overrides, tag characters, soft hyphen, BOM: text a human does not see but a model reads. */
 
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;

export interface PoisoningReport {
  /** Signal names: `model-instructions`, `invisible-unicode`, `injection-classifier`, `shadowing`, … */
  readonly signals: readonly string[];
  /** The injection classifier's score of the definition's text. */
  readonly score: number;
  /** Other servers' tools the text refers to (shadowing). */
  readonly shadows: readonly string[];
}

/** Every string in a schema a model may read: descriptions, titles, enum values, defaults, examples, property names. */
export function schemaText(schema: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 32 || schema === null || typeof schema !== 'object') {
    if (typeof schema === 'string') out.push(schema);
    return out;
  }
  if (Array.isArray(schema)) {
    for (const v of schema) schemaText(v, out, depth + 1);
    return out;
  }
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === 'properties' && v !== null && typeof v === 'object') out.push(...Object.keys(v));
    if (k === 'type' || k === '$schema' || k === 'required' || k === '$ref') continue;
    schemaText(v, out, depth + 1);
  }
  return out;
}

export function definitionText(tool: ToolDefinition): string {
  return [tool.title ?? '', tool.description ?? '', ...schemaText(tool.inputSchema), ...schemaText(tool.outputSchema)]
    .filter((s) => s !== '')
    .join('\n');
}

/** A tool name distinctive enough that its mention in prose is a reference, not an ordinary word. */
function distinctive(name: string): boolean {
  return name.length >= 5 && /[_\-.]|[a-z][A-Z]/.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ForeignTool {
  readonly server: string;
  readonly name: string;
}

/**
 * Scans one definition. `foreign` lists the other servers' tools: a reference to one of them by its
 * namespaced name, or by a distinctive bare name this server does not itself define, is shadowing.
 */
export function scanDefinition(
  text: string,
  detector: InjectionDetector,
  minScore: number,
  foreign: readonly ForeignTool[] = [],
  ownNames: ReadonlySet<string> = new Set(),
): PoisoningReport {
  const signals: string[] = [];
  for (const s of POISONING_SIGNALS) if (s.pattern.test(text)) signals.push(s.name);
  if (INVISIBLE.test(text)) signals.push('invisible-unicode');
  const assessment = detector.assess(text, 'document');
  if (assessment.score >= minScore) signals.push('injection-classifier');
  const shadows: string[] = [];
  const lower = text.toLowerCase();
  for (const f of foreign) {
    const namespaced = `${f.server}__${f.name}`;
    const bare = !ownNames.has(f.name) && distinctive(f.name) && new RegExp(`(^|[^\\w])${escapeRegExp(f.name)}($|[^\\w])`).test(text);
    if (lower.includes(namespaced.toLowerCase()) || bare) shadows.push(namespaced);
  }
  if (shadows.length > 0) signals.push('shadowing');
  return { signals, score: assessment.score, shadows };
}
