import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VALIDATOR_NAMES } from '../core/config/detection.ts';
import * as v from './validators.ts';

/** Appends the Luhn check digit to a digit string. */
function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (v.luhn(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

function withVerhoeff(body: string): string {
  for (let d = 0; d <= 9; d++) if (v.verhoeff(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));

/** Changes one digit at `pos` to a different digit. */
function mutate(s: string, pos: number, delta: number): string {
  const i = pos % s.length;
  const d = (Number(s[i]) + 1 + (delta % 9)) % 10;
  return `${s.slice(0, i)}${d}${s.slice(i + 1)}`;
}

describe('validators: known values', () => {
  it.each([
    ['luhn', v.luhn, '4539 1488 0343 6467', '4539 1488 0343 6468'],
    ['creditCard', v.creditCard, '378282246310005', '1234567812345678'],
    ['iban', v.iban, 'GB82 WEST 1234 5698 7654 32', 'GB82 WEST 1234 5698 7654 33'],
    ['swiftBic', v.swiftBic, 'DEUTDEFF', 'DEUTXXFF'],
    ['abaRouting', v.abaRouting, '011000015', '011000016'],
    ['aadhaar', v.aadhaar, '2341 2341 2346', '2341 2341 2345'],
    ['usSsn', v.usSsn, '536-22-1234', '666-22-1234'],
    ['usItin', v.usItin, '912-70-1234', '912-40-1234'],
    ['ukNino', v.ukNino, 'AB123456C', 'QQ123456C'],
    ['ukNhs', v.ukNhs, '943 476 5919', '943 476 5918'],
    ['canadaSin', v.canadaSin, '130 692 544', '046 454 286'],
    ['australiaTfn', v.australiaTfn, '123 456 782', '123 456 789'],
    ['australiaMedicare', v.australiaMedicare, '2123 45670 1', '2123 45671 1'],
    ['australiaAbn', v.australiaAbn, '51 824 753 556', '51 824 753 557'],
    ['indiaPan', v.indiaPan, 'ABCPE1234F', 'ABCXE1234F'],
    ['brazilCpf', v.brazilCpf, '529.982.247-25', '529.982.247-26'],
    ['brazilCnpj', v.brazilCnpj, '11.222.333/0001-81', '11.222.333/0001-82'],
    ['spainDni', v.spainDni, '12345678Z', '12345678A'],
    ['spainNie', v.spainNie, 'X1234567L', 'X1234567A'],
    ['italyCodiceFiscale', v.italyCodiceFiscale, 'RSSMRA85T10A562S', 'RSSMRA85T10A562T'],
    ['franceNir', v.franceNir, '2 55 08 14 168 025 38', '2 55 08 14 168 025 39'],
    ['germanyTaxId', v.germanyTaxId, '86095742719', '86095742718'],
    ['netherlandsBsn', v.netherlandsBsn, '111222333', '111222334'],
    ['singaporeNric', v.singaporeNric, 'S1234567D', 'S1234567A'],
    ['usDea', v.usDea, 'AB1234563', 'AB1234564'],
    ['usNpi', v.usNpi, '1234567893', '1234567894'],
    ['ipv4', v.ipv4, '192.168.1.20', '256.1.1.1'],
    ['ipv6', v.ipv6, 'fe80::1ff:fe23:4567:890a', 'fe80::1ff::890a'],
    ['macAddress', v.macAddress, '00:1A:2B:3C:4D:5E', 'ff:ff:ff:ff:ff:ff'],
    ['polandPesel', v.polandPesel, '44051401359', '44051401358'],
    ['finlandHetu', v.finlandHetu, '131052-308T', '131052-308U'],
    ['swedenPersonnummer', v.swedenPersonnummer, '811218-9876', '811218-9875'],
    ['chinaResidentId', v.chinaResidentId, '11010519491231002X', '110105194912310021'],
    ['vin', v.vin, '1M8GDM9AXKP042788', '1M8GDM9A1KP042788'],
    ['bitcoinAddress', v.bitcoinAddress, '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'],
    ['bitcoinAddress (bech32)', v.bitcoinAddress, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdz'],
    ['ethereumAddress', v.ethereumAddress, '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'],
    ['jwt', v.jwt, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc', 'eyJmb28iOjF9.eyJzdWIiOiIxIn0.abc'],
  ] as const)('%s accepts a valid value and rejects a corrupted one', (_name, fn, good, bad) => {
    expect(fn(good)).toBe(true);
    expect(fn(bad)).toBe(false);
  });

  it('keccak256 matches the published empty-input digest', () => {
    expect(v.keccak256(new Uint8Array()).toString('hex')).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });

  it('implements every validator name the configuration accepts', () => {
    for (const name of VALIDATOR_NAMES) expect(typeof v.VALIDATORS[name]).toBe('function');
  });
});

describe('validators: properties', () => {
  it('no validator throws on arbitrary input, including lone surrogates', () => {
    const fns = Object.values(v).filter((f): f is (s: string) => boolean => typeof f === 'function' && f.length === 1);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), digits(0, 40)), (s) => {
        for (const f of fns) {
          if (f === v.keccak256 as unknown) continue;
          const r = f(s);
          expect(typeof r === 'boolean' || typeof r === 'string' || typeof r === 'number' || r === undefined).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('Luhn: the computed check digit validates and any single-digit change breaks it', () => {
    fc.assert(
      fc.property(digits(5, 18), fc.nat(), fc.nat(), (body, pos, delta) => {
        const n = withLuhn(body);
        expect(v.luhn(n)).toBe(true);
        expect(v.luhn(mutate(n, pos, delta))).toBe(false);
      }),
    );
  });

  it('Verhoeff: catches every single-digit change and adjacent transposition', () => {
    fc.assert(
      fc.property(digits(5, 15), fc.nat(), fc.nat(), (body, pos, delta) => {
        const n = withVerhoeff(body);
        expect(v.verhoeff(n)).toBe(true);
        expect(v.verhoeff(mutate(n, pos, delta))).toBe(false);
        const i = pos % (n.length - 1);
        if (n[i] !== n[i + 1]) expect(v.verhoeff(`${n.slice(0, i)}${n[i + 1]}${n[i]}${n.slice(i + 2)}`)).toBe(false);
      }),
    );
  });

  it('IBAN mod-97: a single-digit change in the account part is always caught', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (pos, delta) => {
        const iban = 'GB82WEST12345698765432';
        const i = 8 + (pos % 14);
        expect(v.iban(mutate(iban.slice(8), i - 8, delta).padStart(14, '0').replace(/^/, iban.slice(0, 8)))).toBe(false);
      }),
    );
  });

  it('NHS, BSN, CPF, TFN: a single-digit change is caught', () => {
    const cases: [(s: string) => boolean, string][] = [
      [v.ukNhs, '9434765919'],
      [v.brazilCpf, '52998224725'],
      [v.australiaTfn, '123456782'],
      [v.germanyTaxId, '86095742719'],
      [v.franceNir, '255081416802538'],
    ];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (pos, delta) => {
        for (const [fn, good] of cases) {
          expect(fn(good)).toBe(true);
          const mutated = mutate(good, pos, delta);
          // Weighted mod-11 checks can miss a change only when the weight times the change is ≡ 0 (never for one digit).
          expect(fn(mutated)).toBe(false);
        }
      }),
    );
  });

  it('SSN ranges: area 000, 666 and 900-999 are never valid', () => {
    fc.assert(
      fc.property(fc.constantFrom('000', '666', '900', '999', '951'), digits(6, 6), (area, rest) => {
        expect(v.usSsn(`${area}${rest}`)).toBe(false);
      }),
    );
  });

  it('base58check and bech32 reject any single-character change', () => {
    const b58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (pos, k) => {
        const addr = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2';
        const i = 1 + (pos % (addr.length - 1));
        const ch = b58[(b58.indexOf(addr[i] ?? '1') + 1 + (k % 57)) % 58] ?? '1';
        expect(v.bitcoinAddress(`${addr.slice(0, i)}${ch}${addr.slice(i + 1)}`)).toBe(false);
      }),
    );
  });

  it('EIP-55: flipping the case of one letter breaks a checksummed address', () => {
    const addr = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    const letters = [...addr.slice(2)].map((c, i) => (/[a-f]/i.test(c) ? i + 2 : -1)).filter((i) => i >= 0);
    fc.assert(
      fc.property(fc.constantFrom(...letters), (i) => {
        const c = addr[i] ?? '';
        const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
        expect(v.ethereumAddress(`${addr.slice(0, i)}${flipped}${addr.slice(i + 1)}`)).toBe(false);
      }),
    );
  });
});
