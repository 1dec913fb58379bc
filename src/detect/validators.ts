// Checksums and structural checks that turn a pattern match into a confident finding. Every validator
// takes the matched value (separators allowed) and returns a boolean; none throws on any input.
import { createHash } from 'node:crypto';
import { isValidBIC, isValidIBAN, electronicFormatIBAN } from 'ibantools';
import { isIPv6 } from 'node:net';

export function digitsOf(value: string): string {
  return value.replace(/\D+/g, '');
}

function digitArray(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) - 48);
  return out;
}

export function luhn(value: string): boolean {
  const d = digitsOf(value);
  if (d.length < 2) return false;
  let sum = 0;
  let dbl = false;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = d.charCodeAt(i) - 48;
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** All digits equal, or a strictly ascending / descending run: typical placeholders. */
export function isTrivialDigits(value: string): boolean {
  const d = digitsOf(value);
  if (d.length < 4) return false;
  if (/^(\d)\1+$/.test(d)) return true;
  let asc = true;
  let desc = true;
  for (let i = 1; i < d.length; i++) {
    const diff = (d.charCodeAt(i) - d.charCodeAt(i - 1) + 10) % 10;
    if (diff !== 1) asc = false;
    if (diff !== 9) desc = false;
  }
  return asc || desc;
}

// Issuer ranges: Visa, Mastercard (51-55, 2221-2720), Amex, Discover, Diners, JCB, UnionPay, Maestro.
export function cardIssuer(value: string): string | undefined {
  const d = digitsOf(value);
  const len = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4' && (len === 13 || len === 16 || len === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && len === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && len === 15) return 'amex';
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && len >= 16 && len <= 19)
    return 'discover';
  if ((p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305)) && len >= 14 && len <= 19) return 'diners';
  if (p4 >= 3528 && p4 <= 3589 && len >= 16 && len <= 19) return 'jcb';
  // JCB's 15-digit range (issued under the 2131 and 1800 prefixes).
  if ((p4 === 2131 || p4 === 1800) && len === 15) return 'jcb';
  if (p2 === 62 && len >= 16 && len <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && len >= 12 && len <= 19) return 'maestro';
  return undefined;
}

export function creditCard(value: string): boolean {
  return cardIssuer(value) !== undefined && luhn(value);
}

/** Published test card numbers (Stripe, PayPal, Braintree docs): valid by Luhn, never real. */
const TEST_CARDS = new Set([
  '4111111111111111', '4242424242424242', '4012888888881881', '4222222222222', '5555555555554444', '5105105105105100',
  '378282246310005', '371449635398431', '378734493671000', '6011111111111117', '6011000990139424', '3530111333300000',
  '3566002020360505', '30569309025904', '38520000023237', '4000056655665556', '5200828282828210', '2223003122003222',
  '4000000000000002', '4000000000009995', '6200000000000005',
]);

export function isTestCard(value: string): boolean {
  return TEST_CARDS.has(digitsOf(value));
}

export function iban(value: string): boolean {
  const e = electronicFormatIBAN(value);
  return e !== null && isValidIBAN(e);
}

export function swiftBic(value: string): boolean {
  return isValidBIC(value.toUpperCase());
}

export function abaRouting(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 9) return false;
  const [a = 0, b = 0, c = 0, e = 0, f = 0, g = 0, h = 0, i = 0, j = 0] = d;
  const prefix = a * 10 + b;
  if (!((prefix <= 12) || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80)) return false;
  return (3 * (a + e + h) + 7 * (b + f + i) + (c + g + j)) % 10 === 0;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeff(value: string): boolean {
  const d = digitsOf(value);
  if (d.length < 2) return false;
  let c = 0;
  for (let i = 0; i < d.length; i++) {
    const digit = d.charCodeAt(d.length - 1 - i) - 48;
    c = VERHOEFF_D[c]?.[VERHOEFF_P[i % 8]?.[digit] ?? 0] ?? 0;
  }
  return c === 0;
}

export function aadhaar(value: string): boolean {
  const d = digitsOf(value);
  return d.length === 12 && d[0] !== '0' && d[0] !== '1' && verhoeff(d);
}

export function usSsn(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 9) return false;
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  // Numbers the SSA reserved for advertising and documentation.
  if (d === '078051120' || d === '219099999' || (area === 987 && group === 65)) return false;
  return true;
}

export function usItin(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 9 || d[0] !== '9') return false;
  const g = Number(d.slice(3, 5));
  return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || (g >= 94 && g <= 99);
}

export function ukNino(value: string): boolean {
  const v = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(v)) return false;
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(v.slice(0, 2));
}

export function ukNhs(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (d[i] ?? 0) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === d[9];
}

export function canadaSin(value: string): boolean {
  const d = digitsOf(value);
  return d.length === 9 && d[0] !== '0' && d[0] !== '8' && luhn(d);
}

export function australiaTfn(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 9) return false;
  const w = [1, 4, 3, 7, 5, 8, 6, 9, 10];
  return d.reduce((s, x, i) => s + x * (w[i] ?? 0), 0) % 11 === 0;
}

export function australiaMedicare(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 10 && d.length !== 11) return false;
  if ((d[0] ?? 0) < 2 || (d[0] ?? 0) > 6) return false;
  const w = [1, 3, 7, 9, 1, 3, 7, 9];
  const sum = w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);
  return sum % 10 === d[8];
}

export function australiaAbn(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 11) return false;
  d[0] = (d[0] ?? 0) - 1;
  const w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  return d.reduce((s, x, i) => s + x * (w[i] ?? 0), 0) % 89 === 0;
}

export function indiaPan(value: string): boolean {
  return /^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$/.test(value) && !/^(\d)\1{3}$/.test(value.slice(5, 9));
}

export function brazilCpf(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 11 || d.every((x) => x === d[0])) return false;
  for (const n of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (d[i] ?? 0) * (n + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== d[n]) return false;
  }
  return true;
}

export function brazilCnpj(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 14 || d.every((x) => x === d[0])) return false;
  const w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const w2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  for (const [w, pos] of [[w1, 12], [w2, 13]] as const) {
    const sum = w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);
    const r = sum % 11;
    if ((r < 2 ? 0 : 11 - r) !== d[pos]) return false;
  }
  return true;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export function spainDni(value: string): boolean {
  const v = value.replace(/[\s-]/g, '').toUpperCase();
  const m = /^(\d{8})([A-Z])$/.exec(v);
  return m !== null && DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

export function spainNie(value: string): boolean {
  const v = value.replace(/[\s-]/g, '').toUpperCase();
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(v);
  if (m === null) return false;
  const n = Number(`${'XYZ'.indexOf(m[1] ?? 'X')}${m[2] ?? ''}`);
  return DNI_LETTERS[n % 23] === m[3];
}

const CF_ODD: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21, A: 1, B: 0, C: 5, D: 7, E: 9,
  F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18, N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10,
  W: 22, X: 25, Y: 24, Z: 23,
};

export function italyCodiceFiscale(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(v)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = v[i] ?? '0';
    if (i % 2 === 0) sum += CF_ODD[ch] ?? 0;
    else sum += /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === v[15];
}

export function franceNir(value: string): boolean {
  const v = value.replace(/\s+/g, '').toUpperCase();
  const m = /^([12])(\d{2})(0[1-9]|1[0-2]|[2-9]\d)(\d[0-9AB]|\d{2})(\d{3})(\d{3})(\d{2})$/.exec(v);
  if (m === null) return false;
  let body = v.slice(0, 13);
  // Corsica: 2A and 2B are replaced by 19 and 18 before the mod-97 key.
  if (body.slice(5, 7) === '2A') body = `${body.slice(0, 5)}19${body.slice(7)}`;
  if (body.slice(5, 7) === '2B') body = `${body.slice(0, 5)}18${body.slice(7)}`;
  if (!/^\d{13}$/.test(body)) return false;
  const key = 97 - Number(BigInt(body) % 97n);
  return key === Number(m[7]);
}

export function germanyTaxId(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 11 || d[0] === '0') return false;
  // Among the first ten digits exactly one digit appears twice or three times; the rest once or never.
  const counts = new Map<string, number>();
  for (const ch of d.slice(0, 10)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const repeated = [...counts.values()].filter((c) => c > 1);
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (Number(d[i]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  let check = 11 - product;
  if (check === 10) check = 0;
  return check === Number(d[10]);
}

export function netherlandsBsn(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 9 || d.every((x) => x === 0)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (d[i] ?? 0) * (9 - i);
  sum -= d[8] ?? 0;
  return sum % 11 === 0;
}

export function singaporeNric(value: string): boolean {
  const v = value.toUpperCase();
  const m = /^([STFGM])(\d{7})([A-Z])$/.exec(v);
  if (m === null) return false;
  const prefix = m[1] ?? 'S';
  const w = [2, 7, 6, 5, 4, 3, 2];
  let sum = digitArray(m[2] ?? '').reduce((s, x, i) => s + x * (w[i] ?? 0), 0);
  if (prefix === 'T' || prefix === 'G') sum += 4;
  if (prefix === 'M') sum += 3;
  const table = prefix === 'S' || prefix === 'T' ? 'JZIHGFEDCBA' : prefix === 'M' ? 'KLJNPQRTUWX' : 'XWUTRQPNMLK';
  const idx = prefix === 'M' ? 10 - (sum % 11) : sum % 11;
  return table[idx] === m[3];
}

export function usDea(value: string): boolean {
  const v = value.toUpperCase();
  const m = /^([ABCDEFGHJKLMPRSTUX])([A-Z9])(\d{7})$/.exec(v);
  if (m === null) return false;
  const d = digitArray(m[3] ?? '');
  const sum = (d[0] ?? 0) + (d[2] ?? 0) + (d[4] ?? 0) + 2 * ((d[1] ?? 0) + (d[3] ?? 0) + (d[5] ?? 0));
  return sum % 10 === d[6];
}

export function usNpi(value: string): boolean {
  const d = digitsOf(value);
  return d.length === 10 && (d[0] === '1' || d[0] === '2') && luhn(`80840${d}`);
}

export function ipv4(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

export function ipv6(value: string): boolean {
  return value.includes(':') && isIPv6(value);
}

export function macAddress(value: string): boolean {
  const v = value.toLowerCase();
  return /^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$/.test(v) && v !== '00:00:00:00:00:00' && v !== 'ff:ff:ff:ff:ff:ff';
}

export function polandPesel(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 11) return false;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);
  const month = ((d[2] ?? 0) * 10 + (d[3] ?? 0)) % 20;
  return (10 - (sum % 10)) % 10 === d[10] && month >= 1 && month <= 12;
}

export function finlandHetu(value: string): boolean {
  const m = /^(\d{6})[-+A-FU-Y](\d{3})([0-9A-Y])$/.exec(value.toUpperCase());
  if (m === null) return false;
  const n = Number(`${m[1] ?? ''}${m[2] ?? ''}`);
  return '0123456789ABCDEFHJKLMNPRSTUVWXY'[n % 31] === m[3] && validDdMmYy(m[1] ?? '');
}

function validDdMmYy(s: string): boolean {
  const dd = Number(s.slice(0, 2));
  const mm = Number(s.slice(2, 4));
  return dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12;
}

export function swedenPersonnummer(value: string): boolean {
  const m = /^(?:\d{2})?(\d{6})[-+]?(\d{4})$/.exec(value);
  if (m === null) return false;
  const yymmdd = m[1] ?? '';
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6)) % 60; // samordningsnummer add 60 to the day
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31 && luhn(`${yymmdd}${m[2] ?? ''}`);
}

export function norwayFodselsnummer(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 11) return false;
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const k = (w: number[]): number => {
    const r = 11 - (w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0) % 11);
    return r === 11 ? 0 : r;
  };
  return k(w1) === d[9] && k(w2) === d[10] && validDdMmYy(digitsOf(value).slice(0, 6).replace(/^([4-7])/, (x) => String(Number(x) - 4)));
}

export function belgiumNationalNumber(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 11) return false;
  const body = BigInt(d.slice(0, 9));
  const check = Number(d.slice(9));
  return 97 - Number(body % 97n) === check || 97 - Number((2000000000n + body) % 97n) === check;
}

export function chinaResidentId(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(v[i]), 0);
  const month = Number(v.slice(10, 12));
  return '10X98765432'[sum % 11] === v[17] && month >= 1 && month <= 12;
}

export function koreaRrn(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 13) return false;
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);
  return (11 - (sum % 11)) % 10 === d[12] && validYyMmDd(digitsOf(value).slice(0, 6));
}

function validYyMmDd(s: string): boolean {
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

export function southAfricaId(value: string): boolean {
  const d = digitsOf(value);
  return d.length === 13 && validYyMmDd(d.slice(0, 6)) && luhn(d);
}

export function irelandPps(value: string): boolean {
  const m = /^(\d{7})([A-W])([A-IW]?)$/.exec(value.toUpperCase());
  if (m === null) return false;
  const digits = digitArray(m[1] ?? '');
  let sum = digits.reduce((s, x, i) => s + x * (8 - i), 0);
  if (m[3] !== undefined && m[3] !== '' && m[3] !== 'W') sum += (m[3].charCodeAt(0) - 64) * 9;
  const check = sum % 23;
  return (check === 0 ? 'W' : String.fromCharCode(64 + check)) === m[2];
}

export function ukSortCode(value: string): boolean {
  return /^\d{2}-\d{2}-\d{2}$/.test(value);
}

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5,
  W: 6, X: 7, Y: 8, Z: 9,
};

export function vin(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(v) || !/\d/.test(v) || !/[A-Z]/.test(v)) return false;
  const w = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = v[i] ?? '0';
    sum += (/\d/.test(ch) ? Number(ch) : (VIN_VALUES[ch] ?? 0)) * (w[i] ?? 0);
  }
  const r = sum % 11;
  return (r === 10 ? 'X' : String(r)) === v[8];
}

const B36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function indiaGstin(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(v)) return false;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const p = B36.indexOf(v[i] ?? '0') * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(p / 36) + (p % 36);
  }
  return B36[(36 - (sum % 36)) % 36] === v[14];
}

export function mexicoCurp(value: string): boolean {
  const v = value.toUpperCase();
  if (!/^[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX](?:AS|B[CS]|C[CLMSH]|D[FG]|G[TR]|HG|JC|M[CNS]|N[ETL]|OC|PL|Q[TR]|S[PLR]|T[CSL]|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d$/.test(v)) return false;
  const dict = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += dict.indexOf(v[i] ?? '0') * (18 - i);
  return (10 - (sum % 10)) % 10 === Number(v[17]);
}

export function usMbi(value: string): boolean {
  const v = value.replace(/-/g, '').toUpperCase();
  const L = '[AC-HJKMNP-RT-Y]';
  return new RegExp(`^[1-9]${L}[AC-HJKMNP-RT-Y0-9]\\d${L}[AC-HJKMNP-RT-Y0-9]\\d${L}{2}\\d{2}$`).test(v);
}

export function japanMyNumber(value: string): boolean {
  const d = digitArray(digitsOf(value));
  if (d.length !== 12) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = d[11 - n] ?? 0;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return (r <= 1 ? 0 : 11 - r) === d[11];
}

// Base58Check (Bitcoin P2PKH / P2SH) and Bech32 / Bech32m (SegWit) addresses.
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(s: string): Buffer | undefined {
  let n = 0n;
  for (const ch of s) {
    const v = B58.indexOf(ch);
    if (v < 0) return undefined;
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let leading = 0;
  while (s[leading] === '1') leading++;
  return Buffer.concat([Buffer.alloc(leading), Buffer.from(n === 0n ? '' : hex, 'hex')]);
}

export function base58Check(value: string): boolean {
  if (value.length < 26 || value.length > 35) return false;
  const raw = base58Decode(value);
  if (raw === undefined || raw.length !== 25) return false;
  const body = raw.subarray(0, 21);
  const sum = createHash('sha256').update(createHash('sha256').update(body).digest()).digest();
  return sum.subarray(0, 4).equals(raw.subarray(21)) && (raw[0] === 0 || raw[0] === 5);
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function bech32Polymod(values: number[]): number {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= G[i] ?? 0;
  }
  return chk >>> 0;
}

export function bech32Address(value: string): boolean {
  const v = value.toLowerCase();
  if (v !== value && value.toUpperCase() !== value) return false;
  const pos = v.lastIndexOf('1');
  if (pos < 1 || v.length - pos < 7 || v.length > 90) return false;
  const hrp = v.slice(0, pos);
  const data: number[] = [];
  for (const ch of v.slice(pos + 1)) {
    const d = BECH32.indexOf(ch);
    if (d < 0) return false;
    data.push(d);
  }
  const expanded = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
  const mod = bech32Polymod([...expanded, ...data]);
  return mod === 1 || mod === 0x2bc830a3;
}

// Keccak-256 (the pre-standard SHA-3 padding Ethereum uses), only run on mixed-case candidates.
const KECCAK_RC = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n, 0x000000000000808bn,
  0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n, 0x000000000000008an, 0x0000000000000088n,
  0x0000000080008009n, 0x000000008000000an, 0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n,
  0x8000000000008003n, 0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
  0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];
const KECCAK_ROT = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, n: number): bigint => (n === 0 ? x : ((x << BigInt(n)) | (x >> BigInt(64 - n))) & M64);

export function keccak256(input: Uint8Array): Buffer {
  const rate = 136;
  const padded = new Uint8Array(Math.ceil((input.length + 1) / rate) * rate);
  padded.set(input);
  padded[input.length] = (padded[input.length] ?? 0) ^ 0x01;
  padded[padded.length - 1] = (padded[padded.length - 1] ?? 0) ^ 0x80;
  const s: bigint[] = new Array<bigint>(25).fill(0n);
  for (let off = 0; off < padded.length; off += rate) {
    for (let i = 0; i < rate / 8; i++) {
      let lane = 0n;
      for (let b = 7; b >= 0; b--) lane = (lane << 8n) | BigInt(padded[off + i * 8 + b] ?? 0);
      s[i] = (s[i] ?? 0n) ^ lane;
    }
    for (let round = 0; round < 24; round++) {
      const c: bigint[] = [];
      for (let x = 0; x < 5; x++) c[x] = (s[x] ?? 0n) ^ (s[x + 5] ?? 0n) ^ (s[x + 10] ?? 0n) ^ (s[x + 15] ?? 0n) ^ (s[x + 20] ?? 0n);
      for (let x = 0; x < 5; x++) {
        const d = (c[(x + 4) % 5] ?? 0n) ^ rotl(c[(x + 1) % 5] ?? 0n, 1);
        for (let y = 0; y < 25; y += 5) s[x + y] = (s[x + y] ?? 0n) ^ d;
      }
      const b: bigint[] = new Array<bigint>(25).fill(0n);
      for (let x = 0; x < 5; x++)
        for (let y = 0; y < 5; y++) b[y + ((2 * x + 3 * y) % 5) * 5] = rotl(s[x + y * 5] ?? 0n, KECCAK_ROT[x + y * 5] ?? 0);
      for (let x = 0; x < 5; x++)
        for (let y = 0; y < 5; y++)
          s[x + y * 5] = (b[x + y * 5] ?? 0n) ^ (~(b[((x + 1) % 5) + y * 5] ?? 0n) & M64 & (b[((x + 2) % 5) + y * 5] ?? 0n));
      s[0] = (s[0] ?? 0n) ^ (KECCAK_RC[round] ?? 0n);
    }
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) {
    let lane = s[i] ?? 0n;
    for (let b = 0; b < 8; b++) {
      out[i * 8 + b] = Number(lane & 0xffn);
      lane >>= 8n;
    }
  }
  return out;
}

/** EIP-55: all-lower / all-upper addresses carry no checksum; mixed case must match Keccak-256. */
export function ethereumAddress(value: string): boolean {
  const m = /^0x([0-9a-fA-F]{40})$/.exec(value);
  if (m === null) return false;
  const hex = m[1] ?? '';
  if (/^[0-9a-f]+$/.test(hex) || /^[0-9A-F]+$/.test(hex)) return !/^0+$/.test(hex);
  const hash = keccak256(Buffer.from(hex.toLowerCase(), 'ascii')).toString('hex');
  for (let i = 0; i < 40; i++) {
    const ch = hex[i] ?? '';
    if (/[a-f]/i.test(ch)) {
      const upper = parseInt(hash[i] ?? '0', 16) >= 8;
      if (upper !== (ch === ch.toUpperCase())) return false;
    }
  }
  return true;
}

export function ethereumAddressHasChecksum(value: string): boolean {
  return /[a-f]/.test(value.slice(2)) && /[A-F]/.test(value.slice(2));
}

export function bitcoinAddress(value: string): boolean {
  return /^bc1/i.test(value) ? bech32Address(value) : base58Check(value);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A JWT whose header decodes to JSON with an `alg`, and whose payload decodes to a JSON object. */
export function jwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return (
      typeof header === 'object' && header !== null && 'alg' in header && typeof payload === 'object' && payload !== null
    );
  } catch {
    return false;
  }
}

/** Validators custom types may name in palisade.yaml. */
export const VALIDATORS: Readonly<Record<string, (value: string) => boolean>> = {
  luhn,
  'credit-card': creditCard,
  iban,
  'swift-bic': swiftBic,
  'aba-routing': abaRouting,
  verhoeff,
  'mod97-iban': iban,
  'us-ssn': usSsn,
  'uk-nino': ukNino,
  'uk-nhs': ukNhs,
  'nl-bsn': netherlandsBsn,
  'br-cpf': brazilCpf,
  'br-cnpj': brazilCnpj,
  'es-dni': spainDni,
  'it-codice-fiscale': italyCodiceFiscale,
  'fr-nir': franceNir,
  'de-tax-id': germanyTaxId,
  'sg-nric': singaporeNric,
  'in-aadhaar': aadhaar,
  'au-tfn': australiaTfn,
  'ca-sin': canadaSin,
  ipv4,
  ipv6,
  jwt,
  'not-trivial': (v) => !isTrivialDigits(v),
};
