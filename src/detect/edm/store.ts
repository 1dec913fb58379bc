// Exact data match storage. `palisade edm import` reads a CSV and keeps only salted SHA-256 digests of
// normalised cell values (never plaintext): `<home>/edm/<name>.json` holds the metadata and salt,
// `<name>.edm` the digests (first 64 bits of SHA-256(salt ‖ 0 ‖ value)), each with its row and
// column, sorted for binary search. 64-bit digests keep a million-row table compact; a chance
// collision needs ~4 billion values.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { err, ok, type Result } from '../../core/result.ts';

export interface EdmMeta {
  readonly version: 1;
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: number;
  readonly entries: number;
  /** Hex; not secret on its own, but never leaves the state folder. */
  readonly salt: string;
  /** Most words any stored value spans in text (bounds the n-grams hashed at scan time). */
  readonly maxWords: number;
  readonly createdAt: string;
}

export interface EdmHit {
  readonly row: number;
  readonly column: number;
}

export interface EdmIndex {
  readonly meta: EdmMeta;
  /** Rows and columns whose stored value equals this (already normalised) value. */
  lookup(normalized: string): EdmHit[];
}

const MAGIC = Buffer.from('PALEDM01', 'ascii');
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const MAX_WORDS = 6;

/** Words as the scanner sees them (shared by import and scan so n-gram lengths agree). */
export const EDM_TOKEN = /[\p{L}\p{N}](?:[\p{L}\p{N}@._+'’-]*[\p{L}\p{N}])?/gu;

/** NFKC, lower case, single spaces; phone-like and number-like values reduce to their digits. */
export function normalizeCell(value: string): string {
  const s = value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ').replace(/^["'([]+|["')\].,;:]+$/g, '');
  if (/^[+\d\s().\-/]+$/.test(s)) {
    const digits = s.replace(/\D/g, '');
    if (digits.length >= 4) return digits;
  }
  return s;
}

function wordCount(value: string): number {
  EDM_TOKEN.lastIndex = 0;
  let n = 0;
  while (EDM_TOKEN.exec(value) !== null) n++;
  return n;
}

export function edmDigest(salt: Buffer, normalized: string): [number, number] {
  const d = createHash('sha256').update(salt).update(Buffer.of(0)).update(normalized, 'utf8').digest();
  return [d.readUInt32BE(0), d.readUInt32BE(4)];
}

export function edmPaths(home: string, name: string): { dir: string; meta: string; data: string } {
  const dir = join(home, 'edm');
  return { dir, meta: join(dir, `${name}.json`), data: join(dir, `${name}.edm`) };
}

/** Splits one CSV record (RFC 4180 quoting); returns undefined while a quoted field is still open. */
export function parseCsvRecord(line: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}

/** Growable columns of entries: digest high/low words, row, column. */
class EntryBuffer {
  hi = new Uint32Array(1 << 16);
  lo = new Uint32Array(1 << 16);
  row = new Uint32Array(1 << 16);
  col = new Uint8Array(1 << 16);
  length = 0;
  push(hi: number, lo: number, row: number, col: number): void {
    if (this.length === this.hi.length) {
      const grow = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.hi = grow(this.hi, (n) => new Uint32Array(n));
      this.lo = grow(this.lo, (n) => new Uint32Array(n));
      this.row = grow(this.row, (n) => new Uint32Array(n));
      this.col = grow(this.col, (n) => new Uint8Array(n));
    }
    this.hi[this.length] = hi;
    this.lo[this.length] = lo;
    this.row[this.length] = row;
    this.col[this.length] = col;
    this.length++;
  }
}

/** LSD radix sort by (hi, lo), 8 passes of 8 bits: linear, so a million rows sort in well under a second. */
function radixSort(e: EntryBuffer): void {
  const n = e.length;
  let hi = e.hi.subarray(0, n);
  let lo = e.lo.subarray(0, n);
  let row = e.row.subarray(0, n);
  let col = e.col.subarray(0, n);
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let row2 = new Uint32Array(n);
  let col2 = new Uint8Array(n);
  const count = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const src = pass < 4 ? lo : hi;
    const shift = (pass % 4) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const b = ((src[i] as number) >>> shift) & 0xff;
      count[b] = (count[b] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b] as number;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const b = ((src[i] as number) >>> shift) & 0xff;
      const to = count[b] as number;
      count[b] = to + 1;
      hi2[to] = hi[i] as number;
      lo2[to] = lo[i] as number;
      row2[to] = row[i] as number;
      col2[to] = col[i] as number;
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    [row, row2] = [row2, row];
    [col, col2] = [col2, col];
  }
  // Eight passes: the sorted data is back in the original arrays.
  e.hi = hi;
  e.lo = lo;
  e.row = row;
  e.col = col;
}

export interface EdmImportOptions {
  readonly file: string;
  readonly name: string;
  readonly home: string;
  /** Columns to store (header names); defaults to every column. */
  readonly columns?: readonly string[];
  readonly onProgress?: (bytesRead: number, totalBytes: number, rows: number) => void;
}

export async function importEdmCsv(opts: EdmImportOptions): Promise<Result<EdmMeta, string>> {
  if (!NAME.test(opts.name)) return err('the name may hold letters, digits, - and _ only');
  let total: number;
  try {
    total = statSync(opts.file).size;
  } catch {
    return err(`cannot read ${opts.file}`);
  }
  const salt = randomBytes(32);
  const entries = new EntryBuffer();
  const stream = createReadStream(opts.file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytesRead = 0;
  stream.on('data', (chunk) => {
    bytesRead += Buffer.byteLength(chunk);
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string[] | undefined;
  let selected: number[] = [];
  let rows = 0;
  let maxWords = 1;
  let pending = '';
  let lastProgress = 0;
  for await (const raw of lines) {
    const line = pending === '' ? raw : `${pending}\n${raw}`;
    const record = parseCsvRecord(line.replace(/^\uFEFF/, ''));
    if (record === undefined) {
      pending = line;
      continue;
    }
    pending = '';
    if (header === undefined) {
      header = record.map((h) => h.trim());
      const wanted = opts.columns ?? header;
      const missing = wanted.filter((c) => !header?.includes(c));
      if (missing.length > 0) {
        stream.destroy();
        return err(`no such column(s) in the CSV header: ${missing.join(', ')}`);
      }
      if (wanted.length > 255) return err('at most 255 columns');
      selected = wanted.map((c) => header?.indexOf(c) ?? -1);
      continue;
    }
    if (record.length === 1 && (record[0] ?? '').trim() === '') continue;
    selected.forEach((idx, col) => {
      const cell = record[idx];
      if (cell === undefined) return;
      const norm = normalizeCell(cell);
      if (norm.length < 2) return;
      const [hi, lo] = edmDigest(salt, norm);
      entries.push(hi, lo, rows, col);
      // Numbers may be written with spaces in text (`536 22 1234`): allow them several words.
      if (maxWords < MAX_WORDS) maxWords = Math.min(MAX_WORDS, Math.max(maxWords, /^\d+$/.test(norm) ? 5 : wordCount(cell)));
    });
    rows++;
    if (opts.onProgress !== undefined && rows - lastProgress >= 10_000) {
      lastProgress = rows;
      opts.onProgress(bytesRead, total, rows);
    }
  }
  if (header === undefined) return err('the CSV file is empty');
  radixSort(entries);
  const meta: EdmMeta = {
    version: 1,
    name: opts.name,
    columns: selected.map((i) => header?.[i] ?? ''),
    rows,
    entries: entries.length,
    salt: salt.toString('hex'),
    maxWords,
    createdAt: new Date().toISOString(),
  };
  const paths = edmPaths(opts.home, opts.name);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const n = entries.length;
  const count = Buffer.alloc(4);
  count.writeUInt32LE(n);
  const body = Buffer.concat([
    MAGIC,
    count,
    Buffer.from(entries.hi.buffer, entries.hi.byteOffset, n * 4),
    Buffer.from(entries.lo.buffer, entries.lo.byteOffset, n * 4),
    Buffer.from(entries.row.buffer, entries.row.byteOffset, n * 4),
    Buffer.from(entries.col.buffer, entries.col.byteOffset, n),
  ]);
  // Write then rename, so a scan never loads a half-written table.
  writeFileSync(`${paths.data}.tmp`, body, { mode: 0o600 });
  writeFileSync(`${paths.meta}.tmp`, JSON.stringify(meta, null, 2), { mode: 0o600 });
  renameSync(`${paths.data}.tmp`, paths.data);
  renameSync(`${paths.meta}.tmp`, paths.meta);
  opts.onProgress?.(total, total, rows);
  return ok(meta);
}

export function loadEdmIndex(home: string, name: string): Result<EdmIndex, string> {
  const paths = edmPaths(home, name);
  if (!existsSync(paths.meta) || !existsSync(paths.data)) return err(`no exact data match table "${name}" in ${paths.dir}`);
  let meta: EdmMeta;
  let data: Buffer;
  try {
    meta = JSON.parse(readFileSync(paths.meta, 'utf8')) as EdmMeta;
    data = readFileSync(paths.data);
  } catch {
    return err(`exact data match table "${name}" is unreadable`);
  }
  if (meta.version !== 1 || !data.subarray(0, 8).equals(MAGIC)) return err(`exact data match table "${name}" has an unknown format`);
  const n = data.readUInt32LE(8);
  if (data.length !== 12 + n * 13) return err(`exact data match table "${name}" is truncated`);
  // Copy into aligned typed arrays (the file offsets are not 4-byte aligned relative to the pool).
  const u32 = (offset: number): Uint32Array => {
    const a = new Uint32Array(n);
    Buffer.from(a.buffer).set(data.subarray(offset, offset + n * 4));
    return a;
  };
  const hi = u32(12);
  const lo = u32(12 + n * 4);
  const row = u32(12 + n * 8);
  const col = Uint8Array.from(data.subarray(12 + n * 12, 12 + n * 13));
  const salt = Buffer.from(meta.salt, 'hex');
  return ok({
    meta,
    lookup(normalized: string): EdmHit[] {
      const [h, l] = edmDigest(salt, normalized);
      let a = 0;
      let b = n;
      while (a < b) {
        const mid = (a + b) >>> 1;
        const mh = hi[mid] as number;
        if (mh < h || (mh === h && (lo[mid] as number) < l)) a = mid + 1;
        else b = mid;
      }
      const out: EdmHit[] = [];
      for (let i = a; i < n && hi[i] === h && lo[i] === l; i++) out.push({ row: row[i] as number, column: col[i] as number });
      return out;
    },
  });
}
