import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../core/crypto.ts';
import { CONFIDENCE, type Finding } from '../core/finding.ts';
import { scan, createDetectionEngine, resolveOverlaps } from './scan.ts';
import { buildScanReport, maskValue } from './report.ts';
import { normalizeText } from './normalize.ts';
import { BUILTIN_SITS } from './sit/builtin.ts';
import { PEOPLE_SITS } from './sit/people.ts';
import { secretTypes } from './secrets/detector.ts';

const hashValue = createValueHasher(Buffer.alloc(32, 1));
const types = (text: string, min: 'low' | 'medium' | 'high' = 'low'): string[] => scan(text, { hashValue, minConfidence: min }).map((f) => f.type);
const values = (text: string): string[] => scan(text, { hashValue }).map((f) => text.slice(f.start, f.end));

describe('built-in sensitive information types', () => {
  it.each([
    ['CREDIT_CARD', 'Please charge 4539 1488 0343 6467 today.', '4539 1488 0343 6467'],
    ['CREDIT_CARD', 'amex 3714-496353-98431 on file', '3714-496353-98431'],
    ['IBAN', 'IBAN: DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    ['US_SSN', 'My SSN is 536-22-1234.', '536-22-1234'],
    ['EMAIL_ADDRESS', 'write to maria.gonzalez@acme-corp.io now', 'maria.gonzalez@acme-corp.io'],
    ['PHONE_NUMBER', 'call me at +44 20 7946 0958', '+44 20 7946 0958'],
    ['PHONE_NUMBER', 'phone: (415) 555-0132', '(415) 555-0132'],
    ['IP_ADDRESS', 'the server 10.42.7.19 is down', '10.42.7.19'],
    ['IPV6_ADDRESS', 'host 2001:db8:85a3::8a2e:370:7334 answers', '2001:db8:85a3::8a2e:370:7334'],
    ['MAC_ADDRESS', 'mac 00:1A:2B:3C:4D:5E', '00:1A:2B:3C:4D:5E'],
    ['UK_NINO', 'NI number AB 12 34 56 C', 'AB 12 34 56 C'],
    ['UK_NHS_NUMBER', 'NHS number 943 476 5919', '943 476 5919'],
    ['CA_SIN', 'social insurance number 130 692 544', '130 692 544'],
    ['AU_TFN', 'tax file number 123 456 782', '123 456 782'],
    ['IN_AADHAAR', 'aadhaar 2341 2341 2346', '2341 2341 2346'],
    ['IN_PAN', 'PAN ABCPE1234F', 'ABCPE1234F'],
    ['BR_CPF', 'CPF 529.982.247-25', '529.982.247-25'],
    ['BR_CNPJ', 'CNPJ 11.222.333/0001-81', '11.222.333/0001-81'],
    ['ES_DNI', 'DNI 12345678Z', '12345678Z'],
    ['ES_NIE', 'NIE X1234567L', 'X1234567L'],
    ['IT_CODICE_FISCALE', 'codice fiscale RSSMRA85T10A562S', 'RSSMRA85T10A562S'],
    ['FR_NIR', 'numéro de sécurité sociale 2 55 08 14 168 025 38', '2 55 08 14 168 025 38'],
    ['DE_TAX_ID', 'Steuer-ID 86095742719', '86095742719'],
    ['NL_BSN', 'BSN 111222333', '111222333'],
    ['SG_NRIC', 'NRIC S1234567D', 'S1234567D'],
    ['US_DEA_NUMBER', 'DEA number AB1234563', 'AB1234563'],
    ['US_NPI', 'NPI 1234567893', '1234567893'],
    ['ABA_ROUTING', 'routing number 011000015', '011000015'],
    ['US_ITIN', 'ITIN 912-70-1234', '912-70-1234'],
    ['US_PASSPORT', 'passport number 340020013', '340020013'],
    ['US_DRIVER_LICENSE', "driver's license D1234567", 'D1234567'],
    ['BANK_ACCOUNT_NUMBER', 'bank account 000123456789', '000123456789'],
    ['DATE_OF_BIRTH', 'date of birth: 03/14/1985', '03/14/1985'],
    ['ICD10_CODE', 'diagnosis code E11.9 recorded', 'E11.9'],
    ['MEDICAL_RECORD_NUMBER', 'MRN 00482913', '00482913'],
    ['BITCOIN_ADDRESS', 'send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ['ETHEREUM_ADDRESS', 'wallet 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
    ['SWIFT_BIC', 'SWIFT code DEUTDEFF please', 'DEUTDEFF'],
    ['STREET_ADDRESS', 'I live at 221 Baker Street, London', '221 Baker Street, London'],
    ['PERSON_NAME', 'Patient name: Jennifer Walsh', 'Jennifer Walsh'],
  ])('%s in %j', (type, text, value) => {
    const found = scan(text, { hashValue }).find((f) => f.type === type);
    expect(found, `${type} not found`).toBeDefined();
    expect(text.slice(found?.start, found?.end)).toBe(value);
  });

  it('does not flag look-alikes: failed checksums, invalid ranges, plain numbers without context', () => {
    expect(types('order 4539 1488 0343 6468 shipped')).not.toContain('CREDIT_CARD');
    expect(types('ref 666-22-1234')).not.toContain('US_SSN');
    expect(types('call 000-00-0000')).toEqual([]);
    expect(types('version 1.2.3.4 of the library', 'medium')).not.toContain('IP_ADDRESS');
    expect(types('999.1.1.1 is not an address')).not.toContain('IP_ADDRESS');
    expect(types('invoice 123456789 was paid')).toEqual([]);
    expect(types('In 2019, 35 people visited 12 museums.')).toEqual([]);
    expect(types('meeting at 10:30 on 2024-05-01')).toEqual([]);
  });

  it('lowers the confidence of published test numbers and example values', () => {
    const [card] = scan('card 4111 1111 1111 1111', { hashValue });
    expect(card?.confidence).toBe(CONFIDENCE.medium);
    expect(types('mail test@example.com', 'high')).not.toContain('EMAIL_ADDRESS');
  });

  it('raises confidence with supporting keywords within the proximity window only', () => {
    const near = scan('credit card: 4539 1488 0343 6467', { hashValue })[0];
    const far = scan(`credit card ${'word '.repeat(100)} 4539 1488 0343 6467`, { hashValue })[0];
    expect(near?.confidence).toBe(CONFIDENCE.high);
    expect(far?.confidence).toBe(CONFIDENCE.medium);
  });

  it('keeps more than 50 non-secret types and more than 80 secret formats', () => {
    expect(BUILTIN_SITS.length + PEOPLE_SITS.length).toBeGreaterThanOrEqual(50);
    expect(secretTypes().length).toBeGreaterThanOrEqual(80);
  });
});

describe('secrets', () => {
  it.each([
    ['AWS_ACCESS_KEY', 'aws_access_key_id = AKIAQWERTYUIOPASDFGH'],
    ['GITHUB_PAT', 'token ghp_R8bX2nQ4kLm7pZ9sT1vW3yC5eF6gH0jK2aB4'],
    ['GITLAB_PAT', 'glpat-x7Yk2Lm9Qp4Rs6Tv8Wz1'],
    ['SLACK_TOKEN', 'xoxb-2048193745-4816203951-Zq8vK3mN1pL7rT5wX2yB9cD4'],
    ['STRIPE_SECRET_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['OPENAI_API_KEY', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRsT3BlbkFJuV8wX1yZ4aB7cD0eF3gH'],
    ['ANTHROPIC_API_KEY', `sk-ant-api03-${'aB3dE6fG9hJ2kL5mN8pQ1rS4tU7vW0xY3zA6bC9dE2fG5hJ8kL1mN4pQ7rS0tU3vW6xY9zA2bC5dE8fG1hJ4kL7mN0pQ3'}AA`],
    ['GCP_API_KEY', 'key=AIzaSyDk3x9Lm2Qp7Rt5Vw8Yz1Bc4Df6Gh0Jk3L'],
    ['SENDGRID_API_KEY', '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'],
    ['NPM_TOKEN', 'npm_Ab3dEf6hIj9kLm2nOp5qRsTu8vWx1yZa4bCd'],
    ['DATABASE_URI_WITH_PASSWORD', 'DATABASE_URL=postgres://app:S3cure-pass@db.internal:5432/main'],
    ['URL_WITH_CREDENTIALS', 'clone https://deploy:gh7Kq2LmX9@git.internal.acme.io/repo.git'],
    ['GENERIC_PASSWORD', 'password = "Tr0ub4dor&3x!"'],
    ['SLACK_WEBHOOK', 'https://hooks.slack.com/services/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'],
    ['TELEGRAM_BOT_TOKEN', 'bot 5829461037:AAHk3x9Lm2Qp7Rt5Vw8Yz1Bc4Df6Gh0Jk3L'],
    ['AZURE_CONNECTION_STRING', `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${'k9Qm2Lx7Rt5Vw8Yz1Bc4Df6Gh0Jk3LmN5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hJ5kL7mN9pQ1rS3tU5vW7xY9zA1b'}==;EndpointSuffix=core.windows.net`],
    ['AZURE_CONNECTION_STRING', 'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=k9Qm2Lx7Rt5Vw8Yz1Bc4Df6Gh0Jk3LmN5pQ7rS9tU1v='],
    ['AZURE_SAS_TOKEN', 'https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2025-01-01T00:00:00Z&spr=https&sig=k9Qm2Lx7Rt5Vw8Yz1Bc4Df6Gh0Jk3LmN5pQ7rS9tU1vW%3D'],
    ['GCP_SERVICE_ACCOUNT_KEY', '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7k9Qm2Lx7Rt5Vw8Yz1Bc4\\n-----END PRIVATE KEY-----\\n"}'],
    ['OPENSSH_PRIVATE_KEY', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----'],
    ['DISCORD_WEBHOOK', 'https://discord.com/api/webhooks/982734610293847561/k9Qm2Lx7Rt5Vw8Yz1Bc4Df6Gh0Jk3LmN5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hJ5kL7mN9pQ1rS3t'],
  ])('%s', (type, text) => {
    expect(types(text)).toContain(type);
  });

  it('finds a private key block and reports it as one finding', () => {
    const body = 'MIIEowIBAAKCAQEAzX3bJ8fQyQmG2vTn9Yq1Kx7Hq3kYy8wF2lQw9n5vXb1ZkQ2T\nq8vK3mN1pL7rT5wX2yB9cD4eH6jL0nP3sU5wY7zA9bC2dE4fG6hJ8kL0mN2pQ4r';
    const text = `key:\n-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\ndone`;
    const found = scan(text, { hashValue }).filter((f) => f.type === 'PRIVATE_KEY');
    expect(found).toHaveLength(1);
    expect(text.slice(found[0]?.start, found[0]?.end)).toMatch(/^-----BEGIN RSA PRIVATE KEY-----[\s\S]*-----END RSA PRIVATE KEY-----$/);
  });

  it('pairs an AWS secret key with its key id', () => {
    expect(types('AKIAQWERTYUIOPASDFGH\nsecret: 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')).toContain('AWS_SECRET_KEY');
  });

  it('confirms JWTs by decoding them', () => {
    const good = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(types(good)).toContain('JWT');
    expect(types('eyJub3Rqc29u.eyJub3Rqc29u.abc')).not.toContain('JWT');
  });

  it('ignores placeholders, variable references and prose', () => {
    expect(types('password = os.environ["DB_PASSWORD"]')).toEqual([]);
    expect(types('password: ${DB_PASSWORD}')).toEqual([]);
    expect(types('api_key = "<your-api-key>"')).toEqual([]);
    expect(types('token = user.token')).toEqual([]);
    expect(types('The password policy requires rotation; tokens expire daily.')).toEqual([]);
    expect(types('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
  });
});

describe('normalisation', () => {
  it('finds values written with full-width digits, zero-width characters and tag characters, with original offsets', () => {
    const zw = '\u200b';
    const text = `card ４５３９ 1488${zw} 0343 64${zw}67 and 536\u{E0041}-22-1234`;
    const found = scan(text, { hashValue });
    const card = found.find((f) => f.type === 'CREDIT_CARD');
    expect(text.slice(card?.start, card?.end)).toBe(`４５３９ 1488${zw} 0343 64${zw}67`);
    const ssn = found.find((f) => f.type === 'US_SSN');
    expect(text.slice(ssn?.start, ssn?.end)).toBe('536\u{E0041}-22-1234');
  });

  it('hashes a value identically however it is written', () => {
    const a = scan('4539 1488 0343 6467', { hashValue })[0];
    const b = scan('４５３９-１４８８-０３４３-６４６７', { hashValue })[0];
    expect(a?.valueHash).toBe(b?.valueHash);
  });

  it('maps offsets back across expanding and removed characters', () => {
    const n = normalizeText('ﬁ\u200bx');
    expect(n.text).toBe('fix');
    expect(n.toOriginal(2, 3)).toEqual([2, 3]);
    expect(n.toOriginal(0, 2)).toEqual([0, 1]);
  });
});

describe('robustness (no crash, bounded work)', () => {
  it('handles lone surrogates', () => {
    expect(() => scan('\ud800 4539 1488 0343 6467 \udc00\ud800', { hashValue })).not.toThrow();
    expect(types('\ud83d 4539 1488 0343 6467')).toContain('CREDIT_CARD');
  });

  it('handles a 10 MB single line, long digit runs, repeated @ and nested base64', () => {
    const line = 'lorem ipsum dolor sit amet '.repeat(400_000);
    expect(scan(line, { hashValue })).toEqual([]);
    expect(() => scan('9'.repeat(2_000_000), { hashValue })).not.toThrow();
    expect(() => scan('@'.repeat(1_000_000), { hashValue })).not.toThrow();
    expect(() => scan('a@'.repeat(500_000), { hashValue })).not.toThrow();
    let nested = 'password=Tr0ub4dor&3x';
    for (let i = 0; i < 12; i++) nested = Buffer.from(nested).toString('base64');
    expect(() => scan(nested, { hashValue })).not.toThrow();
    expect(() => scan('-----BEGIN RSA PRIVATE KEY-----\n'.repeat(50_000), { hashValue })).not.toThrow();
    expect(() => scan('AKIA'.repeat(250_000), { hashValue })).not.toThrow();
    expect(() => scan('password='.repeat(200_000), { hashValue })).not.toThrow();
  });
});

describe('overlaps and reports', () => {
  it('keeps the more confident of two overlapping findings', () => {
    const f = (type: string, start: number, end: number, confidence: number): Finding => ({ detector: 'x', type, start, end, confidence, valueHash: '' });
    expect(resolveOverlaps([f('A', 0, 10, 65), f('B', 5, 12, 85), f('C', 20, 25, 65)]).map((x) => x.type)).toEqual(['B', 'C']);
  });

  it('masks values in reports and never includes the plain value', () => {
    expect(maskValue('4539 1488 0343 6467')).toBe('4539 **** **** 6467');
    expect(maskValue('536-22-1234')).toBe('***-**-**34');
    const text = 'ssn 536-22-1234 card 4539 1488 0343 6467';
    const report = buildScanReport(text, scan(text, { hashValue }));
    const json = JSON.stringify(report);
    expect(json).not.toContain('536-22-1234');
    expect(json).not.toContain('4539 1488 0343 6467');
    expect(report.summary).toEqual({ count: 2, byType: { US_SSN: 1, CREDIT_CARD: 1 }, highest: 'high' });
  });

  it('filters by confidence, type and disabled types', () => {
    const engine = createDetectionEngine({ disabledTypes: ['EMAIL_ADDRESS'] });
    const text = 'a@b.io 536-22-1234 4111 1111 1111 1111';
    expect(engine.scan(text, { hashValue }).map((f) => f.type)).toEqual(['US_SSN', 'CREDIT_CARD']);
    expect(engine.scan(text, { hashValue, minConfidence: 'high' })).toEqual([]);
    expect(engine.scan(text, { hashValue, types: ['CREDIT_CARD'] }).map((f) => f.type)).toEqual(['CREDIT_CARD']);
  });

  it('never puts the matched value in a finding', () => {
    const text = 'my card is 4539 1488 0343 6467';
    for (const f of scan(text, { hashValue })) expect(JSON.stringify(f)).not.toContain('4539');
    expect(values(text)).toEqual(['4539 1488 0343 6467']);
  });
});

describe('properties', () => {
  it('never throws; findings are sorted, in bounds and non-empty, on arbitrary text', () => {
    const alphabet = fc.constantFrom('4', '1', '5', '-', ' ', '@', ':', '.', 'a', 'Z', '=', '"', '\n', '\u200b', '\ud800', '５', 'é', 'sk-', 'AKIA', 'password', '-----BEGIN ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), (parts, raw) => {
        const text = parts.join('') + raw;
        const found = scan(text, { hashValue });
        for (const f of found) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.end).toBeGreaterThan(f.start);
        }
        const starts = found.map((f) => f.start);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('invisible characters inserted anywhere in a card number do not hide it, and offsets still cover it', () => {
    const invisible = fc.constantFrom('\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u{E0020}');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(18), invisible), { maxLength: 6 }), (inserts) => {
        let card = '4539 1488 0343 6467';
        for (const [at, ch] of [...inserts].sort((a, b) => b[0] - a[0])) card = `${card.slice(0, at)}${ch}${card.slice(at)}`;
        const text = `pay with ${card} now`;
        const f = scan(text, { hashValue }).find((x) => x.type === 'CREDIT_CARD');
        expect(f).toBeDefined();
        expect(text.slice(f?.start, f?.end).replace(/\u200b|\u200d|\u2060|\ufeff|\u00ad|\u{E0020}/gu, '')).toBe('4539 1488 0343 6467');
      }),
    );
  });
});
