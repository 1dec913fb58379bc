// The secrets detector: one anchor pass (a single regex over every literal prefix), per-rule patterns in
// small windows around the anchors, then the structured finders that need more than a pattern: private
// key blocks, AWS key pairs, service-account JSON, URIs with passwords and generic assignments.
import { CONFIDENCE, type ConfidenceLevel, type Detector, type Finding, type ScanContext } from '../../core/finding.ts';
import { AhoCorasick } from '../aho-corasick.ts';
import { shannonEntropy } from '../validators.ts';
import { SECRET_RULES, type SecretRule } from './rules.ts';
import { findCliSecrets, GENERIC_SECRET_TYPES, GENERIC_TRIGGERS, genericSecretAt } from './generic.ts';

export const STRUCTURED_SECRET_TYPES = [
  'PRIVATE_KEY',
  'OPENSSH_PRIVATE_KEY',
  'PGP_PRIVATE_KEY',
  'AWS_SECRET_KEY',
  'GCP_SERVICE_ACCOUNT_KEY',
  'DATABASE_URI_WITH_PASSWORD',
  'URL_WITH_CREDENTIALS',
] as const;

const PEM_BEGIN = '-----BEGIN';
const PEM_B64_BEGIN = 'LS0tLS1CRUdJT';
const SPECIAL_ANCHORS = [PEM_BEGIN, PEM_B64_BEGIN, '://', 'service_account'];

const PEM_HEADER = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----/y;
const MAX_PEM = 16_384;

const URI_RE =
  /(?<![A-Za-z0-9+.-])((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]+|clickhouse|cockroachdb|neo4j(?:\+s)?|couchdb|ldaps?|s?ftp|smtps?|imaps?|https?|wss?)):\/\/([^:/?#\s@"'<>]{1,128}):([^@/?#\s"'<>]{1,256})@[A-Za-z0-9.[\]_-]{1,255}(?::\d{1,5})?/y;
const URI_PLACEHOLDER = /^(?:\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\{[^}]*\}|%[^%]*%|\$[A-Za-z_]+|pass(?:word)?|passwd|pwd|secret|changeme|your[_-]?password|\[[^\]]*\])$/i;

const EXAMPLE_VALUE = /EXAMPLE|[Ee]xample|FAKE|[Ff]ake|DUMMY|[Dd]ummy/;
/**
 * Runs of one character or six-long counting sequences: placeholders, never issued credentials (a random
 * base-62 token holds one by chance about once in 10^9).
 */
const PLACEHOLDER_VALUE = /(.)\1{7,}|012345|123456|234567|345678|456789|987654|876543|765432|654321|543210|abcdef|ABCDEF/;
const LOWER: Record<ConfidenceLevel, ConfidenceLevel | undefined> = { high: 'medium', medium: 'low', low: undefined };

const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

interface Compiled {
  readonly rules: readonly SecretRule[];
  readonly matcher: AhoCorasick;
  /** Per pattern of the matcher: its rules (prefix anchors), or the special finder / generic keyword it stands for. */
  readonly handlers: readonly (readonly SecretRule[] | string)[];
}

const GENERIC = 'generic';

function compile(rules: readonly SecretRule[]): Compiled {
  const byAnchor = new Map<string, SecretRule[]>();
  for (const r of rules) for (const a of r.anchors) byAnchor.set(a, [...(byAnchor.get(a) ?? []), r]);
  const patterns: { text: string; caseInsensitive?: boolean }[] = [];
  const handlers: (readonly SecretRule[] | string)[] = [];
  for (const [anchor, list] of byAnchor) {
    patterns.push({ text: anchor });
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

  return {
    id,
    types: secretTypes(compiled.rules),
    scan(text: string, ctx: ScanContext): Finding[] {
      const out: Finding[] = [];
      const seen = new Set<string>();
      const emit = (type: string, found: ConfidenceLevel, start: number, end: number, value = text.slice(start, end)): void => {
        const key = `${type}:${start}:${end}`;
        if (seen.has(key)) return;
        // Documentation examples (AWS's AKIA…EXAMPLE, "your-key-here") lower the confidence one level.
        const level = EXAMPLE_VALUE.test(value) ? LOWER[found] : found;
        if (level === undefined) return;
        seen.add(key);
        out.push({ detector: id, type, confidence: CONFIDENCE[level], start, end, valueHash: ctx.hashValue(value) });
      };
      // Per rule: the end of the window already searched, so dense anchors never rescan the same text.
      const searchedTo = new Map<SecretRule, number>();
      let pemSkipTo = 0;
      let uriSkipTo = 0;
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
        if (typeof handler === 'string') {
          special(handler, p);
          return;
        }
        for (const rule of handler) runRule(rule, p);
      });
      findCliSecrets(text, emit);
      return out;

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
          const body = text.slice(bodyStart, Math.min(end, bodyStart + 4096)).replace(/\\[nr]|[^A-Za-z0-9+/]/g, '');
          if (body.length < 32 || shannonEntropy(body) < 3.5) return;
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
          if (/-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY/.test(decoded)) emit('PRIVATE_KEY', 'high', p, p + t[0].length);
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
                  const scheme = (u[1] ?? '').toLowerCase();
                  const isWeb = /^(?:https?|wss?|s?ftp)$/.test(scheme);
                  emit(isWeb ? 'URL_WITH_CREDENTIALS' : 'DATABASE_URI_WITH_PASSWORD', 'high', start, start + u[0].length);
                  uriSkipTo = start + u[0].length;
                }
              }
              break;
            }
          }
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

      function runRule(rule: SecretRule, p: number): void {
        const back = rule.back ?? 0;
        if (p + rule.maxLen <= (searchedTo.get(rule) ?? -1)) return;
        const ws = Math.max(0, p - back - 1);
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
          // The left boundary lookbehind needs the character before the window.
          if (r.index === 0 && ws > 0 && back > 0) continue;
          const value = r[0];
          if (rule.validate !== undefined && !rule.validate(value)) continue;
          if (PLACEHOLDER_VALUE.test(value.slice(rule.anchors[0]?.length ?? 0))) continue;
          const start = ws + r.index;
          emit(rule.id, rule.confidence, start, start + value.length, value);
          if (rule.id === 'AWS_ACCESS_KEY') findAwsSecret(text, start, start + value.length, proximity, emit);
        }
      }
    },
  };
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
