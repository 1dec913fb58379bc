// Derived views of a text that evasion hides values in: payloads in base64, hex or URL encoding (decoded),
// and values broken by a line break (joined). Each view maps its offsets back to the text it came from, so
// a finding in a view redacts the original bytes (the encoded span, or the value with its line break).
// Candidates are found with one cheap pass each and confirmed before any detector runs on them.

export interface DerivedView {
  readonly text: string;
  /** Maps a [start, end) range of the view to the range of the original text that produced it. */
  toOriginal(start: number, end: number): readonly [number, number];
}

/** A joined view, and the view offsets where removed characters sat: a finding must straddle one. */
export interface JoinedView extends DerivedView {
  readonly joints: readonly number[];
}

/** Shortest encoded run worth decoding (shorter runs hold no value worth hiding). */
const MIN_ENCODED = 16;
/** Decoded payloads larger than this are not rescanned (keeps the work linear and bounded). */
const MAX_DECODED = 64 * 1024;
/** At most this many payloads per text. */
const MAX_PAYLOADS = 64;

const B64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_RUN = /(?<![A-Za-z0-9])(?:0x)?((?:[0-9a-fA-F]{2}){8,})(?![A-Za-z0-9])/g;
const URL_RUN = /[^\s"'<>`]*%[0-9A-Fa-f]{2}[^\s"'<>`]*/g;

/** True when every byte is printable ASCII or common whitespace: decoded text, not binary. */
function printable(buf: Buffer): boolean {
  if (buf.length < 8) return false;
  let letters = 0;
  for (const b of buf) {
    if (b === 9 || b === 10 || b === 13) continue;
    if (b < 32 || b > 126) return false;
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)) letters++;
  }
  // Mostly letters and digits: text or values, not a run of punctuation that happened to decode.
  return letters * 2 >= buf.length;
}

function base64View(text: string, start: number, run: string): DerivedView | undefined {
  const body = run.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  // Identifiers and words are base64 alphabet too; a payload mixes cases or has digits.
  if (!/[0-9+/]/.test(body) && !(/[a-z]/.test(body) && /[A-Z]/.test(body))) return undefined;
  const decoded = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (decoded.length > MAX_DECODED || !printable(decoded)) return undefined;
  const end = start + run.length;
  return {
    text: decoded.toString('latin1'),
    // Byte i of the payload comes from characters 4⌊i/3⌋ … 4⌊i/3⌋+3 of the run.
    toOriginal: (s, e) => [start + Math.floor(s / 3) * 4, Math.min(end, start + Math.ceil(e / 3) * 4)],
  };
}

function hexView(text: string, start: number, digits: string): DerivedView | undefined {
  const decoded = Buffer.from(digits, 'hex');
  if (decoded.length > MAX_DECODED || !printable(decoded)) return undefined;
  return { text: decoded.toString('latin1'), toOriginal: (s, e) => [start + 2 * s, start + 2 * e] };
}

function urlView(run: string, start: number): DerivedView | undefined {
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let changed = false;
  for (let i = 0; i < run.length; ) {
    const c = run[i] ?? '';
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(run.slice(i + 1, i + 3))) {
      const code = Number.parseInt(run.slice(i + 1, i + 3), 16);
      chars.push(String.fromCharCode(code));
      from.push(start + i);
      to.push(start + i + 3);
      i += 3;
      changed = true;
      continue;
    }
    chars.push(c === '+' ? ' ' : c);
    from.push(start + i);
    to.push(start + i + 1);
    i++;
  }
  if (!changed || chars.length > MAX_DECODED) return undefined;
  const decoded = chars.join('');
  if (!printable(Buffer.from(decoded, 'latin1'))) return undefined;
  const last = start + run.length;
  return {
    text: decoded,
    toOriginal: (s, e) => [from[s] ?? last, e > 0 ? (to[e - 1] ?? last) : (from[s] ?? last)],
  };
}

/** Decoded views of the base64, hex and URL-encoded payloads in a text. */
export function decodedViews(text: string): DerivedView[] {
  const out: DerivedView[] = [];
  if (text.length < MIN_ENCODED) return out;
  B64_RUN.lastIndex = 0;
  for (let m = B64_RUN.exec(text); m !== null && out.length < MAX_PAYLOADS; m = B64_RUN.exec(text)) {
    // Pure hex is decoded as hex below, not as base64.
    if (/^(?:0x)?[0-9a-fA-F]+$/.test(m[0])) continue;
    const v = base64View(text, m.index, m[0]);
    if (v !== undefined) out.push(v);
  }
  HEX_RUN.lastIndex = 0;
  for (let m = HEX_RUN.exec(text); m !== null && out.length < MAX_PAYLOADS; m = HEX_RUN.exec(text)) {
    const digits = m[1] ?? '';
    const v = hexView(text, m.index + m[0].length - digits.length, digits);
    if (v !== undefined) out.push(v);
  }
  if (text.includes('%')) {
    URL_RUN.lastIndex = 0;
    for (let m = URL_RUN.exec(text); m !== null && out.length < MAX_PAYLOADS; m = URL_RUN.exec(text)) {
      const v = urlView(m[0], m.index);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

const isTokenUnit = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 43 || c === 47 || c === 61;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Characters of a joined window on each side of a line break. */
const JOIN_WINDOW = 160;
const MAX_JOINTS = 512;

/**
 * Line breaks that may cut a value in two: token characters on both sides, at least 4 on each side and 16
 * together, and a digit among them (wrapped prose and code lines rarely qualify; a key, a token or a
 * base64 body broken over lines does).
 */
function breakPoints(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (let nl = text.indexOf('\n'); nl >= 0 && out.length < MAX_JOINTS; nl = text.indexOf('\n', nl + 1)) {
    const brk = nl > 0 && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let l = brk;
    let digit = false;
    while (l > 0 && brk - l < 64 && isTokenUnit(text.charCodeAt(l - 1))) {
      l--;
      if (isDigit(text.charCodeAt(l))) digit = true;
    }
    let r = nl + 1;
    while (r < text.length && r - nl - 1 < 64 && isTokenUnit(text.charCodeAt(r))) {
      if (isDigit(text.charCodeAt(r))) digit = true;
      r++;
    }
    const left = brk - l;
    const right = r - nl - 1;
    if (left >= 4 && right >= 4 && left + right >= 16 && digit) out.push([brk, nl + 1]);
  }
  return out;
}

/** Builds a view of `pieces` (ranges of the original text) joined together, with a map back. */
function joinRanges(text: string, pieces: readonly (readonly [number, number])[]): JoinedView {
  const parts: string[] = [];
  const viewStarts: number[] = [];
  const joints: number[] = [];
  let len = 0;
  for (const [s, e] of pieces) {
    if (len > 0) joints.push(len);
    viewStarts.push(len);
    parts.push(text.slice(s, e));
    len += e - s;
  }
  const origin = (v: number, isEnd: boolean): number => {
    // The piece holding view offset v (for an end offset, the piece holding v - 1).
    const at = isEnd ? v - 1 : v;
    let k = 0;
    while (k + 1 < viewStarts.length && (viewStarts[k + 1] ?? 0) <= at) k++;
    const [s] = pieces[k] ?? [0, 0];
    return s + (at - (viewStarts[k] ?? 0)) + (isEnd ? 1 : 0);
  };
  return { text: parts.join(''), joints, toOriginal: (s, e) => [origin(s, false), e > s ? origin(e, true) : origin(s, false)] };
}

/** Views in which qualifying line breaks are removed, one per cluster of nearby breaks. */
export function joinedLineViews(text: string): JoinedView[] {
  if (!text.includes('\n')) return [];
  const points = breakPoints(text);
  if (points.length === 0) return [];
  const views: JoinedView[] = [];
  let i = 0;
  while (i < points.length) {
    // A cluster: breaks whose windows overlap are removed together (a base64 body over many lines).
    let j = i;
    while (j + 1 < points.length && (points[j + 1]?.[0] ?? 0) - (points[j]?.[1] ?? 0) < 2 * JOIN_WINDOW) j++;
    // A few breaks: one view each, so a value is not glued to the word on the next line ("…hJ5" + "thanks").
    // Many (a base64 body wrapped at 64 columns): one view with all of them removed.
    const groups: [number, number][] = j - i < 4 ? Array.from({ length: j - i + 1 }, (_, k) => [i + k, i + k]) : [[i, j]];
    for (const [gi, gj] of groups) {
      const first = points[gi] ?? [0, 0];
      const last = points[gj] ?? [0, 0];
      const ws = Math.max(0, first[0] - JOIN_WINDOW);
      const we = Math.min(text.length, last[1] + JOIN_WINDOW);
      const pieces: [number, number][] = [];
      let from = ws;
      for (let k = gi; k <= gj; k++) {
        const [bs, be] = points[k] ?? [0, 0];
        pieces.push([from, bs]);
        from = be;
      }
      pieces.push([from, we]);
      views.push(joinRanges(text, pieces));
    }
    i = j + 1;
  }
  return views;
}

/** The view of the end of one text joined directly to the start of the next (two segments of a request). */
export function segmentJoint(left: string, right: string, window = JOIN_WINDOW): { text: string; joint: number; leftStart: number } {
  const leftStart = Math.max(0, left.length - window);
  const l = left.slice(leftStart);
  return { text: l + right.slice(0, window), joint: l.length, leftStart };
}
