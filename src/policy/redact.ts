// Applying redactions. A RedactionSession lives for one request: it numbers placeholders per type (the same
// value gets the same placeholder everywhere in the request) and, for reversible tokenization, keeps the
// original values in memory only, so the placeholders the model echoes back can be restored for the caller.
import type { Redaction } from './evaluate.ts';

const SEPARATOR = /[\s\-./:]/;

function mask(value: string): string {
  let out = '';
  for (const ch of value) out += SEPARATOR.test(ch) ? ch : '*';
  return out;
}

/** Keeps the last four letters or digits visible, e.g. `**** **** **** 1111`. */
function partial(value: string): string {
  const chars = [...value];
  let keep = 4;
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i] ?? '';
    if (SEPARATOR.test(ch)) continue;
    if (keep > 0 && /[\p{L}\p{N}]/u.test(ch)) keep--;
    else chars[i] = '*';
  }
  return chars.join('');
}

export class RedactionSession {
  readonly #numbers = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  /** placeholder → original value; only for tokenize. */
  readonly #vault = new Map<string, string>();

  placeholder(type: string, valueHash: string): string {
    const key = `${type}\u0000${valueHash}`;
    let p = this.#numbers.get(key);
    if (p === undefined) {
      const n = (this.#counters.get(type) ?? 0) + 1;
      this.#counters.set(type, n);
      p = `[${type}_${n}]`;
      this.#numbers.set(key, p);
    }
    return p;
  }

  /** Rewrites `text`, replacing each redacted span (sorted, non-overlapping) by its style's replacement. */
  apply(text: string, redactions: readonly Redaction[]): string {
    if (redactions.length === 0) return text;
    let out = '';
    let at = 0;
    for (const r of redactions) {
      if (r.start < at || r.end > text.length) continue;
      out += text.slice(at, r.start);
      const value = text.slice(r.start, r.end);
      switch (r.style) {
        case 'mask':
          out += mask(value);
          break;
        case 'partial':
          out += partial(value);
          break;
        case 'placeholder':
          out += this.placeholder(r.type, r.valueHash);
          break;
        case 'strip':
          break;
        case 'tokenize': {
          const p = this.placeholder(r.type, r.valueHash);
          this.#vault.set(p, value);
          out += p;
          break;
        }
      }
      at = r.end;
    }
    return out + text.slice(at);
  }

  get hasTokens(): boolean {
    return this.#vault.size > 0;
  }

  /** Longest placeholder, so a streaming restorer knows how much to hold back. */
  get longestToken(): number {
    let n = 0;
    for (const k of this.#vault.keys()) n = Math.max(n, k.length);
    return n;
  }

  /** Restores tokenized placeholders in model output for the same caller. */
  restore(text: string): string {
    if (this.#vault.size === 0 || !text.includes('[')) return text;
    return text.replace(/\[[A-Z0-9_]+_\d+\]/g, (p) => this.#vault.get(p) ?? p);
  }

  /** Forget every value (end of request). */
  clear(): void {
    this.#vault.clear();
  }
}
