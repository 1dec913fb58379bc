// Turns query text into tokens with their line and column, so every later error can point at the spot.
import type { Result } from '../core/index.ts';
import type { HuntError, Pos } from './ast.ts';

export type TokenKind = 'ident' | 'string' | 'long' | 'real' | 'timespan' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier name, punctuation, the decoded string, or the number's text. */
  readonly text: string;
  /** Numbers and timespans (milliseconds). */
  readonly value?: number;
  readonly pos: Pos;
}

// Longest first, so `!in~` wins over `!in` and `..` over `.`.
const PUNCT = ['!contains', '!startswith', '!endswith', '!has', '!in~', '!in', '!between', '==', '!=', '<=', '>=', '=~', '!~', '..', 'in~', '|', '(', ')', '[', ']', ',', ';', '=', '<', '>', '+', '-', '*', '/', '%', '.', '!', '{', '}', ':'];
const WORD_PUNCT = new Set(['!contains', '!startswith', '!endswith', '!has', '!in~', '!in', '!between', 'in~']);
const HYPHENATED = ['project-away', 'project-rename', 'mv-expand', 'project-keep'];
const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  seconds: 1_000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
};

/** Identifiers are plain ASCII words, so they can be quoted into SQL without any escaping question. */
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const MAX_QUERY = 64 * 1024;

export function tokenize(src: string): Result<Token[], HuntError> {
  if (src.length > MAX_QUERY) return { ok: false, error: { message: `query is longer than ${MAX_QUERY} characters`, line: 1, column: 1 } };
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, column: at - lineStart + 1 });
  const fail = (message: string, at: number): Result<Token[], HuntError> => ({ ok: false, error: { message, ...pos(at) } });
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || ((c === '@' || c === 'h' || c === 'H') && (src[i + 1] === '"' || src[i + 1] === "'"))) {
      const verbatim = c === '@';
      if (c !== '"' && c !== "'") i++;
      const quote = src[i];
      i++;
      let out = '';
      for (;;) {
        if (i >= src.length || src[i] === '\n') return fail('unterminated string literal', start);
        const ch = src[i] ?? '';
        if (ch === quote) {
          if (verbatim && src[i + 1] === quote) {
            out += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ch === '\\' && !verbatim) {
          const n = src[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\u0000' };
          if (n === undefined || map[n] === undefined) return fail(`unknown escape sequence \\${n ?? ''}`, i);
          out += map[n];
          i += 2;
          continue;
        }
        out += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: out, pos: pos(start) });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9]/.test(src[i] ?? '')) i++;
      let isReal = false;
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) {
        isReal = true;
        i++;
        while (i < src.length && /[0-9]/.test(src[i] ?? '')) i++;
      }
      if ((src[i] === 'e' || src[i] === 'E') && /[0-9+-]/.test(src[i + 1] ?? '')) {
        let j = i + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        if (/[0-9]/.test(src[j] ?? '')) {
          isReal = true;
          i = j;
          while (i < src.length && /[0-9]/.test(src[i] ?? '')) i++;
        }
      }
      const numText = src.slice(start, i);
      let j = i;
      while (j < src.length && /[A-Za-z]/.test(src[j] ?? '')) j++;
      const unit = src.slice(i, j);
      if (unit !== '') {
        const mult = TIMESPAN_UNITS[unit];
        if (mult === undefined) return fail(`unknown timespan unit "${unit}" (expected d, h, m, s or ms)`, i);
        i = j;
        tokens.push({ kind: 'timespan', text: src.slice(start, i), value: Math.round(Number(numText) * mult), pos: pos(start) });
        continue;
      }
      const value = Number(numText);
      if (!isReal && !Number.isSafeInteger(value)) return fail('integer literal is too large', start);
      tokens.push({ kind: isReal ? 'real' : 'long', text: numText, value, pos: pos(start) });
      continue;
    }
    if (c === '$' && /^\$(left|right)\b/.test(src.slice(i, i + 7))) {
      const word = src.startsWith('$left', i) ? '$left' : '$right';
      i += word.length;
      tokens.push({ kind: 'ident', text: word, pos: pos(start) });
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < src.length && IDENT_PART.test(src[i] ?? '')) i++;
      let word = src.slice(start, i);
      for (const h of HYPHENATED) {
        if (src.startsWith(h, start) && !IDENT_PART.test(src[start + h.length] ?? '')) {
          word = h;
          i = start + h.length;
        }
      }
      if (word === 'in' && src[i] === '~') {
        i++;
        tokens.push({ kind: 'punct', text: 'in~', pos: pos(start) });
        continue;
      }
      if (word.length > 63) return fail('identifier is longer than 63 characters', start);
      tokens.push({ kind: 'ident', text: word, pos: pos(start) });
      // datetime(2024-01-31T10:00:00Z): the raw text inside is one literal, not numbers and minus signs.
      if (word === 'datetime') {
        let j = i;
        while (src[j] === ' ') j++;
        if (src[j] === '(') {
          let k = j + 1;
          while (src[k] === ' ') k++;
          if (src[k] !== '"' && src[k] !== "'") {
            const close = src.indexOf(')', k);
            const nl = src.indexOf('\n', k);
            if (close < 0 || (nl >= 0 && nl < close)) return fail('expected ")" to close datetime(', j);
            tokens.push({ kind: 'punct', text: '(', pos: pos(j) });
            tokens.push({ kind: 'string', text: src.slice(k, close).trim(), pos: pos(k) });
            tokens.push({ kind: 'punct', text: ')', pos: pos(close) });
            i = close + 1;
          }
        }
      }
      continue;
    }
    let matched: string | undefined;
    for (const p of PUNCT) {
      if (!src.startsWith(p, i)) continue;
      // Word operators such as !has must end at a word boundary (`!hasx` is not `!has`).
      if (WORD_PUNCT.has(p) && IDENT_PART.test(src[i + p.length] ?? '') && !p.endsWith('~')) continue;
      matched = p;
      break;
    }
    if (matched === undefined) return fail(`unexpected character "${c}"`, i);
    tokens.push({ kind: 'punct', text: matched, pos: pos(start) });
    i += matched.length;
  }
  tokens.push({ kind: 'eof', text: '', pos: pos(i) });
  return { ok: true, value: tokens };
}
