// The secrets detector: one anchor pass (a single regex over every literal prefix), per-rule patterns in
// small windows around the anchors, then the structured finders that need more than a pattern: private
// key blocks, AWS key pairs, service-account JSON, URIs with passwords and generic assignments.
import { categoriesFor, CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';
import { AhoCorasick } from '../aho-corasick.ts';
import { shannonEntropy } from '../validators.ts';
import { SECRET_RULES, type SecretRule } from './rules.ts';
import { commandSecretAt, COMMAND_TRIGGERS, findCliSecrets, GENERIC_SECRET_TYPES, GENERIC_TRIGGERS, genericSecretAt } from './generic.ts';

export const STRUCTURED_SECRET_TYPES = [
  'PRIVATE_KEY',
  'OPENSSH_PRIVATE_KEY',
  'PGP_PRIVATE_KEY',
  'AWS_SECRET_KEY',
  'GCP_SERVICE_ACCOUNT_KEY',
  'DATABASE_URI_WITH_PASSWORD',
  'URL_WITH_CREDENTIALS',
  'JSON_WEB_KEY_PRIVATE',
] as const;

const PEM_BEGIN = '-----BEGIN';
const PEM_B64_BEGIN = 'LS0tLS1CRUdJT';
// Base64 DER (no PEM armour) starts with a SEQUENCE: `MII` (two length bytes), `MIG`/`MH` (one).
const DER_ANCHORS = ['MII', 'MIG', 'MHc', 'MHQ', 'MC4', 'MFE'];
const JWK_ANCHOR = '"kty"';
const PUTTY_ANCHOR = 'PuTTY-User-Key-File-';
const SPECIAL_ANCHORS = [PEM_BEGIN, PEM_B64_BEGIN, '://', 'service_account', JWK_ANCHOR, PUTTY_ANCHOR, ...DER_ANCHORS];

const PEM_HEADER = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----/y;
const MAX_PEM = 16_384;

const URI_RE =
  /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}(?::[a-z]+)?):\/\/([^:/?#\s"'<>]{1,128}):([^@/?#\s"'<>]{1,256})@[A-Za-z0-9.[\]_-]{1,255}(?::\d{1,5})?/y;
const DB_SCHEME =
  /^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]+|clickhouse|cockroachdb|neo4j(?:\+s)?|couchdb|ldaps?|smtps?|imaps?|oracle|db2|cassandra|elasticsearch|influxdb|nats|kafka|memcached?|[a-z]*db[a-z]*)$/i;
const WEB_SCHEME = /^(?:https?|wss?|s?ftp)$/i;
const URI_PLACEHOLDER = /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{[^}]*\}|%[^%]*%|\$[A-Za-z_]+|pass(?:word)?|passwd|pwd|secret|changeme|your[_-]?password|\[[^\]]*\])$/i;

const EXAMPLE_VALUE = /EXAMPLE|[Ee]xample|FAKE|[Ff]ake|DUMMY|[Dd]ummy/;
/**
 * Runs of one character or six-long counting sequences: placeholders, never issued credentials (a random
 * base-62 token holds one by chance about once in 10^9).
 */
const PLACEHOLDER_VALUE = /(.)\1{7,}|012345|123456|234567|345678|456789|987654|876543|765432|654321|543210|abcdef|ABCDEF/;
const LOWER: Record<ConfidenceLevel, ConfidenceLevel | undefined> = { high: 'medium', medium: 'low', low: undefined };
/** Words a documentation stand-in spells inside a token body; a random body holds one about once in 10^6. */
const PLACEHOLDER_WORDS = /your[_-]?(?:api|token|key|secret)|[_-]here(?:[_-]|$)|placeholder|redacted|changeme|replace[_-]?me|insert[_-]?(?:your|key|token)|xxxxx|<[a-z_-]+>/i;

// A base64 run, continued over following lines that hold only base64 (after indentation).
const DER_RUN = /[A-Za-z0-9+/]{16,}={0,2}(?:(?:\r?\n|\\n)[ \t]*[A-Za-z0-9+/]{8,}={0,2}){0,200}/y;
const PUTTY_PRIVATE = /Private-Lines:\s*(\d{1,3})\r?\n((?:[A-Za-z0-9+/=]{1,128}\r?\n?){1,200})/y;
const REDACTED_BODY = /\.\.\.|…|(?:^|\n)[^:\n]*\b[A-Za-z]{2,} [a-z]{1,} [a-z]{2,}\b/;
const JWK_MEMBER = /"(?:d|p|q|dp|dq|qi|k)"\s*:\s*"([A-Za-z0-9_-]{16,})"/g;

const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

interface Compiled {
  readonly rules: readonly SecretRule[];
  readonly matcher: AhoCorasick;
  /** Per pattern of the matcher: its rules (prefix anchors), or the special finder / generic keyword it stands for. */
  readonly handlers: readonly (readonly SecretRule[] | string)[];
}

const GENERIC = 'generic';
const COMMAND = 'command';

function compile(rules: readonly SecretRule[]): Compiled {
  // Keyword-context rules anchor on a provider name in any case; prefixes are matched exactly.
  const byAnchor = new Map<string, SecretRule[]>();
  for (const r of rules) {
    for (const a of r.anchors) {
      const key = r.keyed === true ? `i:${a.toLowerCase()}` : `s:${a}`;
      byAnchor.set(key, [...(byAnchor.get(key) ?? []), r]);
    }
  }
  const patterns: { text: string; caseInsensitive?: boolean }[] = [];
  const handlers: (readonly SecretRule[] | string)[] = [];
  for (const [key, list] of byAnchor) {
    patterns.push({ text: key.slice(2), ...(key.startsWith('i:') ? { caseInsensitive: true } : {}) });
    handlers.push(list);
  }
  for (const special of SPECIAL_ANCHORS) {
    patterns.push({ text: special });
    handlers.push(special);
  }
  for (const kw of GENERIC_TRIGGERS) {
    patterns.push({ text: kw, caseInsensitive: true });
    handlers.push(GENERIC);
  }
  for (const kw of COMMAND_TRIGGERS) {
    patterns.push({ text: kw, caseInsensitive: true });
    handlers.push(COMMAND);
  }
  return { rules, matcher: new AhoCorasick(patterns), handlers };
}

export interface SecretsDetectorOptions {
  readonly proximity?: number;
  readonly rules?: readonly SecretRule[];
}

export function secretTypes(rules: readonly SecretRule[] = SECRET_RULES): string[] {
  return [...new Set([...rules.map((r) => r.id), ...STRUCTURED_SECRET_TYPES, ...GENERIC_SECRET_TYPES])];
}

export function createSecretsDetector(id = 'secrets', options: SecretsDetectorOptions = {}): Detector {
  const proximity = options.proximity ?? 300;
  const compiled = compile(options.rules ?? SECRET_RULES);
  const types = secretTypes(compiled.rules);

  return {
    id,
    types,
    // Every secret type, structured and generic included, is a credential: `secret` and nothing else.
    categories: categoriesFor(types, ['secret']),
    derivedViews: true,
    scan(text: string, ctx: ScanContext): Finding[] {
      const out: Finding[] = [];
      const seen = new Set<string>();
      let sealed: boolean | undefined;
      const emit = (type: string, found: ConfidenceLevel, start: number, end: number, value = text.slice(start, end)): void => {
        // One finding per span for the generic kinds: "api_key" and "key" name the same value.
        const key = `${GENERIC_SECRET_TYPES.includes(type as never) ? 'generic' : type}:${start}:${end}`;
        if (seen.has(key)) return;
        // Documentation examples (AWS's AKIA…EXAMPLE, "your-key-here") lower the confidence one level.
        const level = EXAMPLE_VALUE.test(value) ? LOWER[found] : found;
        if (level === undefined) return;
        // Bitnami SealedSecrets hold values encrypted for the cluster's controller: safe to publish by design.
        if (value.length >= 100 && GENERIC_SECRET_TYPES.includes(type as never) && /^[A-Za-z0-9+/]+=*$/.test(value)) {
          sealed ??= /kind:\s*["']?SealedSecret\b/.test(text);
          if (sealed) return;
        }
        seen.add(key);
        out.push({ detector: id, type, confidence: CONFIDENCE[level], start, end, valueHash: ctx.hashValue(value) });
      };
      // Per rule: the end of the window already searched, so dense anchors never rescan the same text.
      const searchedTo = new Map<SecretRule, number>();
      let pemSkipTo = 0;
      let uriSkipTo = 0;
      let derSkipTo = 0;
      let nextPrivate = -2;
      let puttySkipTo = 0;
      let jwkSkipTo = 0;
      let nextEnd = -2;
      const genericStarts = new Set<number>();
      compiled.matcher.scan(text, (idx, p) => {
        const handler = compiled.handlers[idx];
        if (handler === undefined) return;
        if (handler === GENERIC) {
          if (genericStarts.has(p)) return;
          genericStarts.add(p);
          genericSecretAt(text, p, emit);
          return;
        }
        if (handler === COMMAND) {
          commandSecretAt(text, p, emit);
          return;
        }
        if (typeof handler === 'string') {
          special(handler, p);
          return;
        }
        for (const rule of handler) runRule(rule, p);
      });
      findCliSecrets(text, emit);
      // A value a provider's rule named is that provider's, not a generic secret at the same place.
      const named = out.filter((f) => !GENERIC_SECRET_TYPES.includes(f.type as never));
      if (named.length === 0 || named.length === out.length) return out;
      return out.filter((f) => !GENERIC_SECRET_TYPES.includes(f.type as never) || !named.some((n) => n.start <= f.start && f.end <= n.end));

      function special(anchor: string, p: number): void {
        if (anchor === PEM_BEGIN) {
          if (p < pemSkipTo) return;
          PEM_HEADER.lastIndex = p;
          const h = PEM_HEADER.exec(text);
          if (h === null) return;
          const kind = (h[1] ?? '').trim();
          // An encrypted key is protected by its passphrase: still reported, at low confidence.
          const encrypted = kind.includes('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(text.slice(p, p + 200));
          const type = kind === 'OPENSSH' ? 'OPENSSH_PRIVATE_KEY' : kind === 'PGP' ? 'PGP_PRIVATE_KEY' : 'PRIVATE_KEY';
          const bodyStart = p + h[0].length;
          if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf('-----END', bodyStart);
          let end: number;
          let level: ConfidenceLevel = encrypted ? 'low' : 'high';
          if (nextEnd >= 0 && nextEnd - bodyStart <= MAX_PEM) {
            const close = text.indexOf('-----', nextEnd + 8);
            end = close >= 0 && close - nextEnd < 80 ? close + 5 : nextEnd + 8;
          } else {
            // A key pasted without its END line is still a key: take the base64 lines that follow.
            const tail = /^(?:\s|\\n|\\r)*(?:[A-Za-z0-9+/=:-]+(?:\s|\\n|\\r)*){1,400}/.exec(text.slice(bodyStart, bodyStart + MAX_PEM));
            end = bodyStart + (tail?.[0].trimEnd().length ?? 0);
            level = encrypted ? 'low' : 'medium';
          }
          const raw = text.slice(bodyStart, Math.min(end, bodyStart + 4096));
          const body = raw.replace(/\\[nr]|[^A-Za-z0-9+/]/g, '');
          if (body.length < 32 || shannonEntropy(body) < 3.5) return;
          // Documentation shows keys shortened ("MIIE...AB") or with prose in the body: not a usable key.
          if (REDACTED_BODY.test(raw)) return;
          emit(type, level, p, end);
          pemSkipTo = end;
          return;
        }
        if (anchor === PEM_B64_BEGIN) {
          const tok = /[A-Za-z0-9+/=]{40,}/y;
          tok.lastIndex = p;
          const t = tok.exec(text);
          if (t === null) return;
          const decoded = Buffer.from(t[0].slice(0, 200_000), 'base64').toString('latin1');
          if (!/^-----BEGIN [A-Z0-9 ]{0,40}PRIVATE/.test(decoded)) return;
          emit('PRIVATE_KEY', /ENCRYPTED/.test(decoded.slice(0, 200)) ? 'low' : 'high', p, p + t[0].length);
          return;
        }
        if (anchor === '://') {
          if (p < uriSkipTo) return;
          const from = Math.max(0, p - 24);
          for (let s = p - 1; s >= from; s--) {
            const c = text.charCodeAt(s);
            const isSchemeChar = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 58;
            if (!isSchemeChar || s === from) {
              const start = isSchemeChar ? s : s + 1;
              URI_RE.lastIndex = 0;
              const u = URI_RE.exec(text.slice(start, p + 700));
              if (u !== null) {
                const password = u[3] ?? '';
                if (!URI_PLACEHOLDER.test(password) && password.length >= 3) {
                  const full = u[1] ?? '';
                  // "url:https://…" — the scheme is the last part, except jdbc:<driver>.
                  const scheme = /^jdbc:/i.test(full) ? full : full.slice(full.lastIndexOf(':') + 1);
                  // Known schemes are high; any other scheme with user:password@host is still a credential.
                  const known = DB_SCHEME.test(scheme) || WEB_SCHEME.test(scheme);
                  emit(DB_SCHEME.test(scheme) ? 'DATABASE_URI_WITH_PASSWORD' : 'URL_WITH_CREDENTIALS', known ? 'high' : 'medium', start, start + u[0].length);
                  uriSkipTo = start + u[0].length;
                }
              }
              break;
            }
          }
          return;
        }
        if (anchor === PUTTY_ANCHOR) {
          // PuTTY .ppk: the private blob is the `Private-Lines: N` lines that follow; "Encryption: none" is plain.
          // The next "Private-Lines:" is looked up once for all anchors before it (linear in the text).
          if (nextPrivate !== -1 && nextPrivate < p) nextPrivate = text.indexOf('Private-Lines:', p);
          if (nextPrivate < 0 || nextPrivate - p > MAX_PEM || p < puttySkipTo) return;
          // The first header before a "Private-Lines:" claims it; later headers up to it are not rescanned.
          puttySkipTo = nextPrivate;
          PUTTY_PRIVATE.lastIndex = nextPrivate;
          const m = PUTTY_PRIVATE.exec(text);
          if (m === null) return;
          const body = (m[2] ?? '').replace(/\s/g, '');
          if (body.length < 32 || shannonEntropy(body) < 3.5) return;
          const plain = /^Encryption:\s*none\s*$/m.test(text.slice(p, nextPrivate));
          emit('PRIVATE_KEY', plain ? 'high' : 'low', p, nextPrivate + m[0].length);
          return;
        }
        if (anchor === JWK_ANCHOR) {
          findJwkPrivate(p);
          return;
        }
        if (DER_ANCHORS.includes(anchor)) {
          if (p < pemSkipTo || p < derSkipTo) return;
          const der = derPrivateKey(text, p);
          if (der === undefined) return;
          // Skip the run whatever the verdict, so a long run with many anchors is read once.
          derSkipTo = der.end;
          if (der.key) emit('PRIVATE_KEY', 'high', p, der.end);
          return;
        }
        if (anchor === 'service_account') {
          const win = text.slice(Math.max(0, p - 2048), Math.min(text.length, p + 4096));
          if (!/"type"\s*:\s*"service_account"/.test(win)) return;
          const pk = /"private_key"\s*:\s*"(-----BEGIN[^"]{64,})"/.exec(win);
          if (pk === null) return;
          const s = Math.max(0, p - 2048) + pk.index;
          emit('GCP_SERVICE_ACCOUNT_KEY', 'high', s, s + pk[0].length);
          return;
        }
      }

      /** The private members of a JSON Web Key (`d`, `p`, `q`, `dp`, `dq`, `qi`; `k` of a symmetric key). */
      function findJwkPrivate(p: number): void {
        if (p < jwkSkipTo) return;
        // Searches are bounded (1 KiB back, 8 KiB on) so that many "kty" keys cost linear time.
        const before = text.slice(Math.max(0, p - 1024), p);
        const brace = before.lastIndexOf('{');
        const open = brace < 0 ? p : p - before.length + brace;
        // The object ends at its brace, or where the next key begins when braces are missing (a fragment).
        const after = text.slice(p, Math.min(text.length, p + 8192));
        let len = after.length;
        const closeAt = after.indexOf('}');
        if (closeAt >= 0) len = closeAt;
        const nextKey = after.indexOf(JWK_ANCHOR, JWK_ANCHOR.length);
        if (nextKey >= 0 && nextKey < len) len = nextKey;
        const close = p + len;
        const obj = text.slice(open, close);
        jwkSkipTo = close;
        JWK_MEMBER.lastIndex = 0;
        for (let m = JWK_MEMBER.exec(obj); m !== null; m = JWK_MEMBER.exec(obj)) {
          const v = m[1] ?? '';
          if (shannonEntropy(v) < 3.5 || PLACEHOLDER_VALUE.test(v)) continue;
          const s = open + m.index + m[0].length - 1 - v.length;
          emit('JSON_WEB_KEY_PRIVATE', 'high', s, s + v.length, v);
        }
      }

      function runRule(rule: SecretRule, p: number): void {
        const back = rule.back ?? 0;
        if (p + rule.maxLen <= (searchedTo.get(rule) ?? -1)) return;
        // 16 characters of context before the earliest start, for the patterns' lookbehinds.
        const ws = Math.max(0, p - back - 16);
        const we = Math.min(text.length, p + 2 * rule.maxLen);
        searchedTo.set(rule, we);
        const window = text.slice(ws, we);
        const pr = rule.pattern;
        pr.lastIndex = 0;
        for (let r = pr.exec(window); r !== null; r = pr.exec(window)) {
          if (r[0].length === 0) {
            pr.lastIndex++;
            continue;
          }
          // A match that starts before the earliest start this anchor allows belongs to another anchor.
          if (ws + r.index < p - back) continue;
          // Keyword-context rules: the secret is the assigned value (group 1), not the key in front of it.
          const value = rule.keyed === true ? (r[1] ?? '') : r[0];
          const start = rule.keyed === true ? ws + (r.indices?.[1]?.[0] ?? r.index) : ws + r.index;
          if (value === '') continue;
          if (rule.validate !== undefined && !rule.validate(value)) continue;
          const body = stripAnchor(value, rule.anchors);
          if (rule.allowRuns !== true && PLACEHOLDER_VALUE.test(body)) continue;
          // A provider's random body never spells EXAMPLE or FAKE: a documentation key, never issued.
          if (EXAMPLE_VALUE.test(body)) continue;
          // Nor a stand-in word (`ghp_your_token_here…`), nor so little variety that it is typed by hand.
          if (PLACEHOLDER_WORDS.test(body) || (rule.validate === undefined && rule.allowRuns !== true && body.length >= 16 && shannonEntropy(body) < 2.5)) continue;
          // A prefix that occurs by chance inside a long base64 blob (an inline image, a certificate) is not a token.
          if (insideBase64Blob(text, start, start + value.length)) continue;
          // A long, random value in a provider's key is as sure as a generic high-entropy secret; the provider names it.
          const level = rule.keyed === true && value.length >= 20 && shannonEntropy(value) >= 3.5 ? 'high' : rule.confidence;
          emit(rule.id, level, start, start + value.length, value);
          if (rule.id === 'AWS_ACCESS_KEY') findAwsSecret(text, start, start + value.length, proximity, emit);
        }
      }
    },
  };
}

/**
 * A base64 DER private key starting at `p` (PKCS#1 RSA/DSA, PKCS#8, SEC1 EC): its end and whether the body is key material. The first
 * bytes must be a SEQUENCE holding a version INTEGER and then the key: certificates and public keys start
 * differently. The key may run over several lines (XML, indented YAML, string concatenation stays out).
 */
function derPrivateKey(text: string, p: number): { end: number; key: boolean } | undefined {
  const prev = text.charCodeAt(p - 1);
  if (p > 0 && isB64(prev) && !(prev === 110 && text.charCodeAt(p - 2) === 92)) return undefined;
  const head = Buffer.from(text.slice(p, p + 32), 'base64');
  if (head.length < 20 || head[0] !== 0x30) return undefined;
  const l = head[1] ?? 0;
  const i = l === 0x82 ? 4 : l === 0x81 ? 3 : l < 0x80 ? 2 : -1;
  if (i < 0 || head[i] !== 0x02 || head[i + 1] !== 0x01) return undefined;
  const version = head[i + 2];
  const next = head[i + 3];
  const nextLen = head[i + 4] ?? 0;
  const pkcs1 = version === 0 && next === 0x02 && (nextLen === 0x81 || nextLen === 0x82 || nextLen >= 0x40);
  const pkcs8 = version === 0 && next === 0x30 && head[i + 5] === 0x06;
  const sec1 = version === 1 && next === 0x04 && (nextLen === 0x20 || nextLen === 0x30 || nextLen === 0x42 || nextLen === 0x41);
  if (!pkcs1 && !pkcs8 && !sec1) return undefined;
  DER_RUN.lastIndex = p;
  const run = DER_RUN.exec(text);
  if (run === null) return undefined;
  const end = p + run[0].trimEnd().length;
  const body = text.slice(p, Math.min(end, p + 4096)).replace(/\s|\\n/g, '');
  return { end, key: body.length >= 100 && shannonEntropy(body) >= 4.5 };
}

/** The value without its literal prefix, so that the prefix's own letters do not count as a placeholder run. */
function stripAnchor(value: string, anchors: readonly string[]): string {
  for (const a of anchors) if (value.startsWith(a)) return value.slice(a.length);
  return value;
}

const isB64 = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;

/** True when [start, end) sits inside an unbroken base64 run at least 64 characters longer than itself. */
function insideBase64Blob(text: string, start: number, end: number): boolean {
  let extra = 0;
  for (let i = start - 1; i >= 0 && extra < 64 && isB64(text.charCodeAt(i)); i--) extra++;
  for (let i = end; i < text.length && extra < 64 && isB64(text.charCodeAt(i)); i++) extra++;
  return extra >= 64;
}

function findAwsSecret(
  text: string,
  start: number,
  end: number,
  proximity: number,
  emit: (type: string, level: ConfidenceLevel, start: number, end: number) => void,
): void {
  const ws = Math.max(0, start - proximity);
  const window = text.slice(ws, Math.min(text.length, end + proximity));
  AWS_SECRET.lastIndex = 0;
  for (let m = AWS_SECRET.exec(window); m !== null; m = AWS_SECRET.exec(window)) {
    const v = m[0];
    // Random 40-character base64: mixed case and digits, high entropy; rules out paths and words.
    if (!/[a-z]/.test(v) || !/[A-Z]/.test(v) || !/\d/.test(v) || shannonEntropy(v) < 4.2) continue;
    emit('AWS_SECRET_KEY', 'high', ws + m.index, ws + m.index + v.length);
  }
}
