// Sensitivity labels: a taxonomy with priorities (palisade.yaml `detection.labels`), labels found in
// content (visible markings such as "CONFIDENTIAL", Microsoft Purview `MSIP_Label_<guid>_…` properties
// in pasted document text) and labels passed with a request (the `x-palisade-labels` header, MCP
// resource metadata). The highest priority wins.
import type { LabelConfig } from '../core/config/detection.ts';
import { AhoCorasick } from './aho-corasick.ts';

export type LabelSource = 'marking' | 'metadata' | 'header' | 'mcp';

export interface LabelHit {
  readonly name: string;
  readonly priority: number;
  readonly source: LabelSource;
}

export interface LabelInputs {
  /** Content to search for markings and label metadata. */
  readonly text?: string;
  /** The raw `x-palisade-labels` header: label names or ids, comma-separated. */
  readonly header?: string;
  /** MCP resource metadata (`_meta` / annotations); string values under label-like keys are read. */
  readonly mcpMeta?: unknown;
}

export interface LabelResolution {
  readonly effective: LabelHit | null;
  readonly found: readonly LabelHit[];
  /** Header or metadata values that name no configured label (reported, never trusted). */
  readonly unknown: readonly string[];
}

export interface LabelDetector {
  readonly taxonomy: readonly LabelConfig[];
  /** Labels evident in content. */
  detect(text: string): LabelHit[];
  resolve(inputs: LabelInputs): LabelResolution;
}

// `MSIP_Label_<guid>_<Property>` then its value: after `=` / `:` (headers, `msip_labels:` lists, PDF and
// text metadata) or as the element text of an Office custom property (`name="…_Name"><vt:lpwstr>Value<`).
// The value is not taken to the end of the line: another property, a tag or prose may follow it.
const MSIP = /MSIP_Label_([0-9a-fA-F-]{36})_([A-Za-z]+)(?:\s*[=:]\s*"?|"?\s*>\s*(?:<[A-Za-z:]{1,24}>)?)([^\r\n]{0,200})/g;
const MCP_KEYS = new Set(['label', 'labels', 'sensitivity', 'sensitivitylabel', 'sensitivity_label', 'classification', 'palisade/labels']);

const isWordUnit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export function createLabelDetector(taxonomy: readonly LabelConfig[]): LabelDetector {
  const byName = new Map(taxonomy.map((l) => [l.name.toLowerCase(), l]));
  const byId = new Map<string, LabelConfig>();
  for (const l of taxonomy) for (const id of l.ids) byId.set(id.toLowerCase(), l);
  const markingOwners: LabelConfig[] = [];
  const markings: { text: string }[] = [];
  for (const l of taxonomy) {
    for (const m of l.markings) {
      markings.push({ text: m });
      markingOwners.push(l);
    }
  }
  const matcher = markings.length > 0 ? new AhoCorasick(markings) : undefined;
  const hit = (l: LabelConfig, source: LabelSource): LabelHit => ({ name: l.name, priority: l.priority, source });
  const lookup = (value: string): LabelConfig | undefined => {
    const v = value.trim().toLowerCase();
    return byName.get(v) ?? byId.get(v);
  };
  // Label names longest first, so "Highly Confidential" wins over "Confidential" at the same place.
  const names = [...byName.keys()].sort((a, b) => b.length - a.length);
  /** The label whose name (or id) the metadata value starts with, followed by a non-word character or the end. */
  const labelAtStart = (value: string): LabelConfig | undefined => {
    const v = value.toLowerCase();
    for (const n of names) {
      if (v.startsWith(n) && !isWordUnit(v.charCodeAt(n.length))) return byName.get(n);
    }
    const id = /^[0-9a-f-]{36}(?![0-9a-f-])/.exec(v);
    return id !== null ? byId.get(id[0]) : undefined;
  };

  function detect(text: string): LabelHit[] {
    const out = new Map<string, LabelHit>();
    const add = (h: LabelHit): void => {
      if (!out.has(`${h.name}:${h.source}`)) out.set(`${h.name}:${h.source}`, h);
    };
    matcher?.scan(text, (idx, start, end) => {
      const owner = markingOwners[idx];
      if (owner === undefined) return;
      if (start > 0 && isWordUnit(text.charCodeAt(start - 1))) return;
      if (end < text.length && isWordUnit(text.charCodeAt(end))) return;
      add(hit(owner, 'marking'));
    });
    if (text.includes('MSIP_Label_')) {
      MSIP.lastIndex = 0;
      for (let m = MSIP.exec(text); m !== null; m = MSIP.exec(text)) {
        const byGuid = byId.get((m[1] ?? '').toLowerCase());
        if (byGuid !== undefined) add(hit(byGuid, 'metadata'));
        if ((m[2] ?? '').toLowerCase() === 'name') {
          const named = labelAtStart(m[3] ?? '');
          if (named !== undefined) add(hit(named, 'metadata'));
        }
        // The next property may sit on the same line: continue right after this one's name.
        MSIP.lastIndex = m.index + 11 + (m[1] ?? '').length + (m[2] ?? '').length;
      }
    }
    return [...out.values()];
  }

  function mcpValues(meta: unknown, depth = 0): string[] {
    if (depth > 4 || meta === null || typeof meta !== 'object') return [];
    const out: string[] = [];
    for (const [k, v] of Object.entries(meta as Record<string, unknown>)) {
      if (MCP_KEYS.has(k.toLowerCase())) {
        if (typeof v === 'string') out.push(...v.split(','));
        else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.push(x);
      } else if (typeof v === 'object') {
        out.push(...mcpValues(v, depth + 1));
      }
    }
    return out;
  }

  return {
    taxonomy,
    detect,
    resolve(inputs: LabelInputs): LabelResolution {
      const found: LabelHit[] = inputs.text !== undefined ? detect(inputs.text) : [];
      const unknown: string[] = [];
      const named = (values: readonly string[], source: LabelSource): void => {
        for (const raw of values) {
          const v = raw.trim();
          if (v === '') continue;
          const l = lookup(v);
          if (l === undefined) unknown.push(v.slice(0, 100));
          else found.push(hit(l, source));
        }
      };
      if (inputs.header !== undefined) named(inputs.header.split(','), 'header');
      if (inputs.mcpMeta !== undefined) named(mcpValues(inputs.mcpMeta), 'mcp');
      let effective: LabelHit | null = null;
      for (const h of found) if (effective === null || h.priority > effective.priority) effective = h;
      return { effective, found, unknown };
    },
  };
}
