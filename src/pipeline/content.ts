// The text of an interaction as the pipeline sees it: segments, each with the path where it sits in the
// body, so that inspection reads every text-bearing field once and redaction writes back exactly those
// strings. JSON values that are text to a model (tool arguments, schemas, metadata) are one segment
// rendered as `key: value` lines, with the offsets of every string leaf, so a detector sees the key as
// context and a redaction lands in the leaf it covers, never in the structure.
import type { SegmentSource } from '../core/index.ts';

export type JsonPath = readonly (string | number)[];

/** Where one string leaf of a JSON value sits inside its segment's rendered text. */
export interface Leaf {
  readonly start: number;
  readonly end: number;
  readonly path: JsonPath;
}

export interface Segment {
  readonly text: string;
  readonly source: SegmentSource;
  /** Where the string sits in the body (for a JSON view: where the value sits). */
  readonly path: JsonPath;
  /** A JSON value rendered as text: where each string leaf is (redactions outside leaves cannot be applied). */
  readonly leaves?: readonly Leaf[];
  /**
   * The field holds this text encoded: `base64` (a text document; `text` is the decoded text) or `json` (a
   * string holding JSON, e.g. tool-call arguments; `text` is the JSON view of `value`). Redaction re-encodes.
   */
  readonly encoding?: 'base64' | 'json';
  /** For `json`: the parsed value the leaves point into. */
  readonly value?: unknown;
}

export interface Content {
  readonly segments: readonly Segment[];
  /** Parts that carry no inspectable text (images, audio, files, token arrays). */
  readonly notInspected: number;
}

export const EMPTY_CONTENT: Content = Object.freeze({ segments: Object.freeze<Segment[]>([]), notInspected: 0 });

type Json = unknown;
export type Obj = Record<string, Json>;

export function isObj(v: Json): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deepest JSON nesting a JSON view walks; deeper values are counted as not inspected (callers bound depth first). */
const MAX_VIEW_DEPTH = 64;

/** Builds a Content while an adapter walks a body. */
export class Collector {
  readonly segments: Segment[] = [];
  notInspected = 0;

  /** A string field; anything else that is present counts as not inspected. */
  text(v: Json, source: SegmentSource, path: JsonPath): void {
    if (typeof v === 'string') {
      if (v.length > 0) this.segments.push({ text: v, source, path });
    } else if (v !== undefined && v !== null) {
      this.notInspected++;
    }
  }

  /** A string field if it is one; silently nothing otherwise (optional metadata fields). */
  optionalText(v: Json, source: SegmentSource, path: JsonPath): void {
    if (typeof v === 'string' && v.length > 0) this.segments.push({ text: v, source, path });
  }

  /**
   * A JSON value a model reads as text (tool arguments, schemas, metadata): a string is a plain segment, a
   * string holding JSON stays a string segment (it is what travels), an object or array becomes a JSON view.
   */
  json(v: Json, source: SegmentSource, path: JsonPath): void {
    if (v === undefined || v === null) return;
    if (typeof v === 'string') {
      // JSON carried as a string (tool-call arguments): inspected as a view of its values, so escapes
      // and quoting do not hide a value and a redaction re-serialises valid JSON.
      const parsed = parseJsonText(v);
      if (parsed === undefined) return this.optionalText(v, source, path);
      const view = jsonView(parsed);
      if (view === undefined) this.notInspected++;
      else if (view.text.length > 0) this.segments.push({ text: view.text, source, path, leaves: view.leaves, encoding: 'json', value: parsed });
      return;
    }
    if (typeof v !== 'object') return;
    const view = jsonView(v);
    if (view === undefined) {
      this.notInspected++;
      return;
    }
    if (view.text.length > 0) this.segments.push({ text: view.text, source, path, leaves: view.leaves });
  }

  /** Base64 text (a text document): the decoded text is inspected; redaction re-encodes. */
  base64(v: Json, source: SegmentSource, path: JsonPath): void {
    if (typeof v !== 'string') {
      if (v !== undefined && v !== null) this.notInspected++;
      return;
    }
    const decoded = decodeBase64Text(v);
    if (decoded === undefined) this.notInspected++;
    else if (decoded.length > 0) this.segments.push({ text: decoded, source, path, encoding: 'base64' });
  }

  done(): Content {
    return { segments: this.segments, notInspected: this.notInspected };
  }
}

/** An object or array from JSON text, or undefined (plain text, a scalar, or invalid JSON). */
function parseJsonText(v: string): object | undefined {
  const c = v.trimStart().charCodeAt(0);
  if (c !== 123 && c !== 91) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** UTF-8 text from base64, or undefined when it is not valid base64 of valid UTF-8. */
export function decodeBase64Text(v: string): string | undefined {
  const compact = v.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * Renders a JSON value as `key.path: value` lines. String leaves are written raw (unescaped), so a detector
 * reads `password: hunter2` as a person would, and each leaf's span maps a finding back to its path.
 */
export function jsonView(value: Json): { text: string; leaves: Leaf[] } | undefined {
  const leaves: Leaf[] = [];
  let text = '';
  let tooDeep = false;
  const walk = (v: Json, path: (string | number)[], label: string, depth: number): void => {
    if (depth > MAX_VIEW_DEPTH) {
      tooDeep = true;
      return;
    }
    if (typeof v === 'string') {
      const prefix = label === '' ? '' : `${label}: `;
      const start = text.length + prefix.length;
      text += `${prefix}${v}\n`;
      leaves.push({ start, end: start + v.length, path: [...path] });
      return;
    }
    if (typeof v === 'number' || typeof v === 'boolean') {
      text += `${label === '' ? '' : `${label}: `}${String(v)}\n`;
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        path.push(i);
        walk(x, path, `${label}[${i}]`, depth + 1);
        path.pop();
      });
      return;
    }
    if (isObj(v)) {
      for (const k of Object.keys(v)) {
        path.push(k);
        walk(v[k], path, label === '' ? k : `${label}.${k}`, depth + 1);
        path.pop();
      }
    }
  };
  walk(value, [], '', 0);
  return tooDeep ? undefined : { text, leaves };
}

/**
 * Deepest nesting of a JSON text, counted without parsing (strings skipped). Lets the wire refuse a
 * 20,000-level body with a 400 before anything recursive touches it.
 */
export function jsonDepthExceeds(buf: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/**
 * Writes values at paths without mutating `root`: only the objects and arrays on each path are copied
 * (once, however many edits share them), so rewriting one string of a large body costs its depth, not its size.
 */
export function rewrite(root: Obj, edits: readonly { path: JsonPath; value: Json }[]): Obj {
  if (edits.length === 0) return root;
  const copies = new Map<object, object>();
  const copyOf = <T extends object>(v: T): T => {
    let c = copies.get(v);
    if (c === undefined) {
      c = Array.isArray(v) ? [...(v as unknown[])] : { ...(v as Obj) };
      copies.set(v, c);
      copies.set(c, c);
    }
    return c as T;
  };
  const out = copyOf(root);
  for (const { path, value } of edits) {
    if (path.length === 0) continue;
    let node: Record<string | number, Json> = out;
    let ok = true;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string | number;
      const next = node[key];
      if (next === null || typeof next !== 'object') {
        ok = false;
        break;
      }
      const copied = copyOf(next) as Record<string | number, Json>;
      node[key] = copied;
      node = copied;
    }
    if (ok) node[path[path.length - 1] as string | number] = value;
  }
  return out;
}

/** The value at `path`, or undefined. */
export function valueAt(root: Json, path: JsonPath): Json {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[key];
  }
  return node;
}
