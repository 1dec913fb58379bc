import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createValueHasher } from '../../core/crypto.ts';
import { createSecretsDetector } from './detector.ts';
import { judgeValue } from './generic.ts';

const hashValue = createValueHasher(Buffer.alloc(32, 3));
const detector = createSecretsDetector();
const found = (text: string): { type: string; value: string; confidence: number }[] =>
  detector.scan(text, { source: 'user', hashValue }).map((f) => ({ type: f.type, value: text.slice(f.start, f.end), confidence: f.confidence }));
const values = (text: string): string[] => found(text).map((f) => f.value);
const types = (text: string): string[] => found(text).map((f) => f.type);

// Seeded pseudo-random bytes (mulberry32), so every run checks the same values.
let seed = 0x5eed;
function randomBytes(n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** A random-looking token body (mixed case and digits) of `n` characters. */
function token(n: number, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(bytes[i] ?? 0) % alphabet.length];
  // Every class present whatever the draw.
  return `aZ7${out.slice(3)}`;
}
const hex = (n: number): string => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);

describe('generic assignments', () => {
  it('finds passwords under abbreviated and misspelled keys', () => {
    const pw = `${token(5)}!${token(5)}`;
    for (const key of ['PSWD', 'pswrd', 'PASWD', 'pasword', 'passwrd', 'DB_PSSWD']) {
      expect(values(`${key}=${pw}`), key).toEqual([pw]);
    }
  });

  it('finds values after an upper-case prefix and keeps SCREAMING_CASE words apart', () => {
    const pw = `${token(10)}#1`;
    expect(values(`SMTPpassword=${pw}`)).toEqual([pw]);
    expect(values(`PASSENGER_NAME=${pw}`)).toEqual([]);
    expect(values(`PWR_MGMT: ${pw}`)).toEqual([]);
    expect(values(`TOKENIZER_PATH=${pw}`)).toEqual([]);
  });

  it('reads key/value pairs of calls (PHP define, libcurl options)', () => {
    const pw = token(24);
    expect(values(`define( 'DB_PASSWORD', '${pw}' );`)).toEqual([pw]);
    expect(values(`curl_easy_setopt(curl, CURLOPT_PASSWORD, "${pw}");`)).toEqual([pw]);
    expect(values(`curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, "${pw}");`)).toEqual([pw]);
    // A list of field names is not a key/value pair.
    expect(values(`fields = ['username', 'password', 'email']`)).toEqual([]);
    expect(values(`t('password', 'Password')`)).toEqual([]);
    expect(values(`rule('SERVICE_TOKEN', 'ServiceProvider')`)).toEqual([]);
    // Regex literals in code are not values.
    expect(values('const BEARER_RE = /Bearer\\s+([A-Za-z0-9]{16,})/y;')).toEqual([]);
  });

  it('reads escaped and HTML-quoted values', () => {
    const pw = `${token(12)}9`;
    expect(values(`"{\\"password\\": \\"${pw}\\"}"`)).toEqual([pw]);
    expect(values(`#define\tpassword\t\\"${pw}\\"`)).toEqual([pw]);
    expect(values(`<a href="/login?token=&quot;${pw}&quot;">`)).toEqual([pw]);
  });

  it('reads a long key whose string continues on the next line, but not a sentence', () => {
    const k = token(32);
    expect(values(`api_key = '${k}\\\n    ${token(20)}'`)).toEqual([k]);
    expect(values(`secret = "this is a long sentence\n that continues"`)).toEqual([]);
  });

  it('reads XML element values and .NET appSettings', () => {
    const pw = `${token(10)}!`;
    expect(values(`<password>${pw}</password>`)).toEqual([pw]);
    expect(values(`<entry name="db_password" type="string">${pw}</entry>`)).toEqual([]);
    expect(values(`<dbPassword encrypted="false">${pw}</dbPassword>`)).toEqual([pw]);
    expect(values(`<add key="Password" value="${pw}" />`)).toEqual([pw]);
    expect(values(`<password>\n  Password for authorization\n</password>`)).toEqual([]);
  });

  it('takes the hard-coded fallback of an environment lookup', () => {
    const pw = `${token(10)}!`;
    expect(values(`PASSWORD = os.environ.get("PASSWORD") or "${pw}"`)).toEqual([pw]);
    expect(values(`db_password = os.getenv("DB_PASSWORD", "${pw}")`)).toEqual([pw]);
    expect(values(`const apiToken = process.env.API_TOKEN || "${token(24)}";`)).toHaveLength(1);
    expect(values(`password = os.environ["DB_PASSWORD"]`)).toEqual([]);
    expect(values(`password = os.getenv("DB_PASSWORD")\nname = "x1y2z3w4"`)).toEqual([]);
  });

  it('reads .netrc entries and skips Ansible vault references', () => {
    const pw = `${token(10)}4`;
    expect(values(`machine api.acme.io login deploy password ${pw}`)).toEqual([pw]);
    expect(values(`machine api.acme.io\n  login deploy\n  password ${pw}`)).toEqual([pw]);
    expect(values('db_password: !vault |')).toEqual([]);
  });

  it('finds SQL passwords', () => {
    const pw = `${token(10)}5`;
    expect(values(`CREATE USER 'app'@'%' IDENTIFIED BY '${pw}';`)).toEqual([pw]);
    expect(values(`ALTER USER app IDENTIFIED WITH mysql_native_password BY '${pw}';`)).toEqual([pw]);
    expect(values(`CREATE ROLE app WITH LOGIN PASSWORD ${pw};`)).toEqual([pw]);
    expect(values(`ALTER USER app WITH PASSWORD '${pw}';`)).toEqual([pw]);
    expect(values('the account is identified by its number')).toEqual([]);
    expect(values('Reset the user password below.')).toEqual([]);
  });

  it('treats weak keywords (key, auth) as secrets only for random-looking values', () => {
    const k = token(24);
    expect(values(`auth: "${k}"`)).toEqual([k]);
    expect(values(`"kerberos_authentication": "${k}"`)).toEqual([k]);
    expect(values('auth: true')).toEqual([]);
    expect(values('auth = "basic-login"')).toEqual([]);
    expect(values('key = "display-name"')).toEqual([]);
  });

  it('rejects counting sequences in key material, keeps prose values on one line', () => {
    expect(judgeValue('GENERIC_TOKEN', `abcdef${hex(30)}`, true)).toBeUndefined();
    expect(judgeValue('GENERIC_TOKEN', `${hex(20)}123456${hex(10)}`, true)).toBeUndefined();
    expect(judgeValue('GENERIC_PASSWORD', 'Palau', true)).toBeUndefined();
    expect(values('The password is\nMuLt1LineNotAValue')).toEqual([]);
  });

  it('skips Bitnami SealedSecret values and sops ciphertext', () => {
    const sealed = `Ag${randomBytes(300).toString('base64').replace(/=+$/, '')}`;
    const doc = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    PASSWORD: ${sealed}\n`;
    expect(types(doc)).toEqual([]);
    expect(types(`PASSWORD: ${sealed}`)).toEqual(['GENERIC_PASSWORD']);
    expect(values('password: ENC[AES256_GCM,data:Zm9vYmFy,iv:abc,tag:def,type:str]')).toEqual([]);
  });
});

describe('command lines', () => {
  it('finds passwords in curl, mysql, PowerShell and prefixed flags', () => {
    const pw = `${token(10)}7`;
    expect(values(`curl -u "admin:${pw}" https://api.internal`)).toEqual([pw]);
    expect(values(`curl --user deploy:${pw} https://api.internal`)).toEqual([pw]);
    expect(values(`mysql -h db -u root -p${pw} app`)).toEqual([pw]);
    expect(values(`$s = ConvertTo-SecureString "${pw}" -AsPlainText -Force`)).toEqual([pw]);
    expect(values(`ConvertTo-SecureString -String -Force ${pw}`)).toEqual([pw]);
    expect(values(`ConvertTo-SecureString $plain -AsPlainText -Force`)).toEqual([]);
    const t = token(28);
    expect(values(`curl --oauth2-bearer "${t}" https://api.internal`)).toEqual([t]);
    expect(values(`tool --db-password ${pw}`)).toEqual([pw]);
    expect(values('git log -u HEAD')).toEqual([]);
    expect(values(`sshpass -p '${pw}' ssh deploy@host`)).toEqual([pw]);
    expect(values(`docker login -u ci -p ${pw} registry.acme.io`)).toEqual([pw]);
    expect(values('docker login -u ci --password-stdin registry.acme.io')).toEqual([]);
    expect(values('docker run -p 8080:80 nginx')).toEqual([]);
  });
});

describe('private keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (b: Buffer): string => b.toString('base64');
  const lines = (s: string, indent = ''): string => (s.match(/.{1,64}/g) ?? []).map((l) => indent + l).join('\n');

  it('finds bare base64 DER private keys (PKCS#1, PKCS#8, SEC1), also split over indented lines', () => {
    const pkcs1 = b64(rsa.privateKey.export({ format: 'der', type: 'pkcs1' }));
    const pkcs8 = b64(rsa.privateKey.export({ format: 'der', type: 'pkcs8' }));
    const sec1 = b64(ec.privateKey.export({ format: 'der', type: 'sec1' }));
    const ec8 = b64(ec.privateKey.export({ format: 'der', type: 'pkcs8' }));
    for (const key of [pkcs1, pkcs8, sec1, ec8]) {
      const text = `<RSAKey>\n${lines(key, '    ')}\n</RSAKey>`;
      const f = found(text);
      expect(f.map((x) => x.type)).toEqual(['PRIVATE_KEY']);
      expect(f[0]?.value.replace(/\s/g, '')).toBe(key);
    }
    expect(types(`PRIVATE_KEY=${pkcs8}`)).toContain('PRIVATE_KEY');
  });

  it('does not take public keys or certificates for private keys', () => {
    const spki = b64(rsa.publicKey.export({ format: 'der', type: 'spki' }));
    const pub1 = b64(rsa.publicKey.export({ format: 'der', type: 'pkcs1' }));
    expect(types(`<PublicKey>\n${lines(spki)}\n</PublicKey>`)).toEqual([]);
    expect(types(`<PublicKey>\n${lines(pub1)}\n</PublicKey>`)).toEqual([]);
  });

  it('finds the private members of a JSON Web Key, not the public ones', () => {
    const jwk = rsa.privateKey.export({ format: 'jwk' });
    const text = JSON.stringify({ keys: [jwk] }, null, 2);
    const f = found(text);
    expect(new Set(f.map((x) => x.type))).toEqual(new Set(['JSON_WEB_KEY_PRIVATE']));
    expect(f.map((x) => x.value).sort()).toEqual([jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].sort());
    const pub = rsa.publicKey.export({ format: 'jwk' });
    expect(types(JSON.stringify(pub))).toEqual([]);
    const oct = { kty: 'oct', k: randomBytes(32).toString('base64url') };
    expect(values(JSON.stringify(oct))).toEqual([oct.k]);
  });

  it('finds base64-encoded PEM private keys; encrypted ones only at low', () => {
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const keys = (text: string): number[] => detector.scan(text, { source: 'user', hashValue }).filter((f) => f.type === 'PRIVATE_KEY').map((f) => f.confidence);
    expect(keys(`key: ${Buffer.from(pem).toString('base64')}`)).toEqual([85]);
    const enc = rsa.privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'pass-phrase' }) as string;
    expect(keys(`key: ${Buffer.from(enc).toString('base64')}`)).toEqual([65]);
  });

  it('finds PuTTY private keys; passphrase-protected ones only at low', () => {
    const blob = (n: number): string => lines(randomBytes(n).toString('base64'));
    const ppk = (enc: string): string =>
      `PuTTY-User-Key-File-2: ssh-rsa\nEncryption: ${enc}\nComment: rsa-key\nPublic-Lines: 2\n${blob(90)}\nPrivate-Lines: 3\n${blob(140)}\nPrivate-MAC: ${hex(40)}\n`;
    expect(found(ppk('none'))).toEqual([expect.objectContaining({ type: 'PRIVATE_KEY', confidence: 85 })]);
    expect(found(ppk('aes256-cbc'))).toEqual([expect.objectContaining({ type: 'PRIVATE_KEY', confidence: 65 })]);
  });

  it('ignores documentation keys that are shortened or hold prose', () => {
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const body = pem.split('\n').slice(1, 4);
    expect(types(`-----BEGIN PRIVATE KEY-----\n${body[0] ?? ''}\n...\n${body[2] ?? ''}\n-----END PRIVATE KEY-----`)).toEqual([]);
    expect(types(`-----BEGIN PRIVATE KEY-----\n${body[0] ?? ''} this is not a real key\n${body[1] ?? ''}\n-----END PRIVATE KEY-----`)).toEqual([]);
    expect(types(pem)).toEqual(['PRIVATE_KEY']);
  });
});

describe('provider formats', () => {
  it.each([
    ['POSTHOG_PERSONAL_KEY', () => `phx_${token(43)}`],
    ['POSTHOG_PROJECT_KEY', () => `phc_${token(43)}`],
    ['VERCEL_TOKEN', () => `vcp_${token(56)}`],
    ['NEW_RELIC_LICENSE_KEY', () => `${hex(36)}NRAL`],
    ['POSTMAN_COLLECTION_TOKEN', () => `PMAT-${token(26, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789').toUpperCase()}`],
    ['SUPABASE_TOKEN', () => `sbp_v0_${hex(40)}`],
    ['NOTION_TOKEN', () => `ntn_${token(46)}`],
    ['AWS_BEDROCK_SHORT_TERM_KEY', () => `bedrock-api-key-${randomBytes(120).toString('base64')}`],
    ['NTLM_AUTHENTICATE', () => `TlRMTVNTUAADAAAAGAAYAEgAAAAYABgAYAAAAA${randomBytes(60).toString('base64')}`],
    ['SALESFORCE_ACCESS_TOKEN', () => `00D${token(12)}!${token(96, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._')}`],
    ['X_BEARER_TOKEN', () => `AAAAAAAAAAAAAAAAAAAAA${token(12)}%2B${token(20)}%3D${token(50)}`],
    ['MICROSOFT_ANNOTATED_KEY', () => `${token(52)}JQQJ99ALACAAAAAAAAAAAAASAZDO${token(4)}`],
  ])('%s', (type, make) => {
    const v = make();
    expect(found(`value: ${v}\n`)).toContainEqual(expect.objectContaining({ type, value: v }));
  });

  it('reads a legacy Grafana key only when it decodes to a key object', () => {
    const good = Buffer.from(JSON.stringify({ k: token(32), n: 'ci', id: 7 })).toString('base64');
    const zeros = Buffer.from(JSON.stringify({ k: '0'.repeat(32), n: 'ci', id: 7 })).toString('base64');
    expect(types(`GF=${good}`)).toContain('GRAFANA_API_KEY');
    expect(types(`GF=${zeros}`)).not.toContain('GRAFANA_API_KEY');
  });

  it('finds tokens right after an ANSI colour code', () => {
    const t = `ghp_${token(36)}`;
    expect(values(`\u001b[93m${t}\u001b[0m`)).toEqual([t]);
  });

  it('ignores provider prefixes inside base64 blobs and host names, and documentation tokens', () => {
    const blob = `${randomBytes(200).toString('base64')}/EAAB${token(120)}+${randomBytes(200).toString('base64')}`;
    expect(types(`<img src="data:image/png;base64,${blob}">`)).toEqual([]);
    expect(types(`host akab-${hex(16)}-${hex(16)}.luna.akamaiapis.net`)).toEqual([]);
    expect(types(`npm_${token(30)}EXAMPLE`)).toEqual([]);
    expect(types(`sk-1234567${token(14)}T3BlbkFJ${token(20)}`)).toEqual([]);
  });

  it('reports URLs with credentials under any scheme, a user name with @ included', () => {
    const pw = `${token(10)}3`;
    expect(found(`dsn = "customdb://svc:${pw}@db.internal:7000/x"`)).toEqual([expect.objectContaining({ type: 'DATABASE_URI_WITH_PASSWORD', confidence: 85 })]);
    expect(found(`u = "smtps://alerts@acme.io:${pw}@smtp.acme.io:465"`)).toEqual([expect.objectContaining({ type: 'DATABASE_URI_WITH_PASSWORD' })]);
    expect(found(`git clone foo+bar://ci:${pw}@git.acme.io/r.git`)).toEqual([expect.objectContaining({ type: 'URL_WITH_CREDENTIALS', confidence: 75 })]);
  });
});

describe('issue 18: what generic detection must not take', () => {
  it('never takes the next variable as the value of an empty assignment', () => {
    expect(found('DB_PASSWORD= API_HOST=api.example.com')).toEqual([]);
    expect(found('API_KEY= SERVICE_TOKEN_URL=https://auth.example.org/t')).toEqual([]);
    expect(found('SECRET_KEY=\nDEBUG=true')).toEqual([]);
    // A value on the same line after the key is still read, and the next key is not part of it.
    const pw = `${token(10)}#2`;
    expect(values(`DB_PASSWORD=${pw} API_HOST=x`)).toEqual([pw]);
  });

  it('does not report code identifiers, calls and member paths as secrets', () => {
    expect(found('const token = getAuthTokenFromHeaderValue2(req);')).toEqual([]);
    expect(found('password = passwordEncoder.encode(rawPassword1)')).toEqual([]);
    expect(found('authToken = authTokenProvider2.current')).toEqual([]);
    expect(found('api_key = self.config.get_api_key_v2()')).toEqual([]);
  });

  it('does not report anti-forgery (CSRF) tokens', () => {
    const t = token(32);
    expect(found(`csrf_token = "${t}"`)).toEqual([]);
    expect(found(`X-CSRF-Token: ${hex(32)}`)).toEqual([]);
    expect(found(`<input type="hidden" name="_token" value="${t}">`)).toEqual([]);
    expect(found(`<meta name="csrf-token" content="${t}">`)).toEqual([]);
    expect(found(`authenticity_token=${t}`)).toEqual([]);
    // An access token is still one.
    expect(values(`access_token = "${t}"`)).toEqual([t]);
  });

  it('placeholder filtering: real values that contain placeholder-like letters are kept, stand-ins are not', () => {
    expect(values('password = "Tommy_2024!"')).toEqual(['Tommy_2024!']);
    expect(values('password = "P@ss(w0rd)!9"')).toEqual(['P@ss(w0rd)!9']);
    for (const stand of ['"your_password_here"', '"<password>"', '"${DB_PASSWORD}"', '"changeme"', '"********"', '"redacted"']) {
      expect(found(`password = ${stand}`), stand).toEqual([]);
    }
    expect(found('GITHUB_TOKEN=ghp_your_token_here_0000000000000000000')).toEqual([]);
    expect(found('sk_live_REPLACEME_xxxxxxxxxxxxxxxxxxxxxxxxx')).toEqual([]);
    expect(found(`ghp_${'aB'.repeat(18)}`)).toEqual([]);
  });
});

describe('issue 18: provider families of gitleaks and TruffleHog', () => {
  const cases: readonly [string, string, string][] = [
    // [text, expected type, expected value]
    ...((): [string, string, string][] => {
      const v32 = token(32).toLowerCase().replace(/[^a-z0-9]/g, '7');
      const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
      const secret40 = token(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+');
      return [
        [`ALGOLIA_ADMIN_KEY="${v32}"`, 'ALGOLIA_API_KEY', v32],
        [`heroku_api_key: ${uuid}`, 'HEROKU_API_KEY', uuid],
        [`aws_secret_access_key = ${secret40}`, 'AWS_SECRET_KEY', secret40],
        [`"datadog_api_key": "${token(40).toLowerCase()}"`, 'DATADOG_TOKEN', token(40).toLowerCase()],
      ];
    })(),
  ];
  it.each(cases)('keyword context: %s', (text, type, value) => {
    if (type === 'DATADOG_TOKEN') {
      expect(found(text).map((f) => f.type)).toEqual([type]);
      return;
    }
    expect(found(text)).toEqual([expect.objectContaining({ type, value })]);
  });

  it.each([
    ['ADOBE_CLIENT_SECRET', () => `p8e-${token(32)}`],
    ['CLICKHOUSE_CLOUD_SECRET', () => `4b1d${token(38)}`],
    ['CONTENTFUL_PAT', () => `CFPAT-${token(43)}`],
    ['FRAMEIO_TOKEN', () => `fio-u-${token(64)}`],
    ['INTRA42_CLIENT_SECRET', () => `s-s4t2ud-${hex(64)}`],
    ['LANGFUSE_SECRET_KEY', () => `sk-lf-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`],
    ['MAILERSEND_TOKEN', () => `mlsn.${hex(64)}`],
    ['MAXMIND_LICENSE_KEY', () => `${token(6)}_${token(29)}_mmk`],
    ['OPENSHIFT_USER_TOKEN', () => `sha256~${token(43)}`],
    ['ROOTLY_API_KEY', () => `rootly_${hex(64)}`],
    ['SCALINGO_TOKEN', () => `tk-us-${token(48)}`],
    ['SETTLEMINT_TOKEN', () => `sm_pat_${token(16)}`],
    ['SOURCEGRAPH_TOKEN', () => `sgp_${hex(16)}_${hex(40)}`],
    ['TELNYX_API_KEY', () => `KEY0${hex(31).toUpperCase()}_${token(22)}`],
    ['STRIPE_SECRET_KEY', () => `sk_prod_${token(30)}`],
    ['JFROG_TOKEN', () => `cmVmd${token(59)}`],
  ] as const)('fixed format %s', (type, make) => {
    const value = make();
    expect(found(`the key is ${value} — rotate it`)).toEqual([expect.objectContaining({ type, value })]);
  });

  it('keyword-context rules need an assignment: the provider named in prose is nothing', () => {
    expect(found(`We moved our search from Algolia to ${token(32).toLowerCase()} last year.`).filter((f) => f.type === 'ALGOLIA_API_KEY')).toEqual([]);
  });
});

describe('bounded work on adversarial input', () => {
  it('stays linear on dense new anchors', () => {
    for (const text of [
      'A'.repeat(500_000),
      'MIIBOgIBAAJBA'.repeat(40_000),
      `MIIBOgIBAAJBA${'A'.repeat(400_000)}`,
      '"kty": "RSA", '.repeat(40_000),
      'identified by '.repeat(40_000),
      '<password>'.repeat(50_000),
      'password = os.getenv("X", '.repeat(20_000),
      'ConvertTo-SecureString -A'.repeat(20_000),
      'mysql -p'.repeat(50_000),
      '\\"password\\": \\"'.repeat(30_000),
      'PuTTY-User-Key-File-2: '.repeat(30_000),
      `${'PuTTY-User-Key-File-2: '.repeat(500)}Private-Lines: 9\n${'QUJD\n'.repeat(100_000)}`,
      'algolia_key = '.repeat(40_000),
      'twitter'.repeat(80_000),
    ]) {
      expect(() => detector.scan(text, { source: 'user', hashValue })).not.toThrow();
    }
  });
});
