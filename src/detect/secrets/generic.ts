// Generic credentials: `password = "…"`, `api_key: …`, `--token …`, `Authorization: Bearer …`, "my password
// is …". The keyword only nominates a value; entropy, shape and a stopword list decide. Variable
// references, placeholders and template holes are not secrets.
import type { ConfidenceLevel } from '../../core/finding.ts';
import { shannonEntropy } from '../validators.ts';

export const GENERIC_SECRET_TYPES = ['GENERIC_PASSWORD', 'GENERIC_SECRET', 'GENERIC_API_KEY', 'GENERIC_TOKEN'] as const;
type GenericType = (typeof GENERIC_SECRET_TYPES)[number];

const TRIGGER =
  /(?:pass(?:wd|word|phrase|wort)?|pwd|pw|secret|token|authorization|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|credential|private[_-]?key|client[_-]?secret|bearer|salt|nonce|signing[_-]?key|encryption[_-]?key|key)/gi;

// After the keyword: the rest of the identifier, a closing quote or bracket, the operator, the value.
const ASSIGN =
  /([A-Za-z0-9_.-]{0,32}(?: [A-Za-z][A-Za-z0-9_-]{0,15}){0,2}?)["'\]]?(?:\s{0,2}:\s{0,2}[A-Za-z_][\w.<>[\]]{0,30}(?=\s{0,2}=[^=]))?\s{0,4}(===?|!==?|=>|:=|\?=|=|:|\s(?:is|was|ist|est|es)\s|\s+(?=["'`]))\s{0,4}(?:(?:Bearer|Basic|NTLM|Negotiate|Token|Digest)\s+)?(?:[bru]?(["'`])(?:(?:Bearer|Basic|NTLM|Token)\s+)?([^"'`\n\r]{1,256}?)\3|([^\s"'`,;<>]{1,256}))/y;
const CLI_FLAG = /(?<![\w-])--?(?:password|passwd|pass|passphrase|token|secret|api-key|apikey|access-key|auth-token)[= ]["']?([^\s"']{4,256})/gi;
const BEARER = /Bearer\s+([A-Za-z0-9._~+/-]{16,2048}=*)/y;

const STOPWORDS =
  /^(?:true|false|null|none|nil|undefined|empty|string|str|int|bool|boolean|number|required|optional|default|value|text|hidden|masked|redacted|removed|secret|secrets|password|passwd|pass|pwd|token|tokens|changeme|change[_-]?me|example|sample|dummy|placeholder|test|testing|foo|bar|baz|qwerty|admin|root|user|username|login|[*x.#_-]{3,}|…|0+|1234(?:5(?:6(?:7(?:8(?:9)?)?)?)?)?)$/i;
const PLACEHOLDER_SHAPE =
  /^(?:<[^>]*>?|\$\{|\{\{|%\(|%[A-Z_]+%|\$[A-Za-z_(]|\[[^\]]*\]?$|@[A-Za-z_]|#\{)|process\.env|os\.environ|getenv|getpass|System\.getenv|config\.|settings\.|\((?:\)|.*\))|your[_-]|my[_-]|_here$|^x{4,}|^\*{3,}|\.\.\./i;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|->|::)[A-Za-z_$][A-Za-z0-9_$]*)*(?:\(\))?$/;

// Identifiers that name a property of a credential rather than the credential itself.
const META_SUFFIX =
  /(?:^|[_.-]|(?<=[a-z])(?=[A-Z]))(?:id|ids|mask\w*|len|length|size|count|min|max|type|field|label|name|hint|prompt|policy|regex|pattern|format|url|uri|path|file|expir\w*|expires|timeout|ttl|enabled|required|reset|changed|updated|algorithm|alg|header|param|key_name|endpoint|version)$/i;

function kindOf(keyword: string): GenericType {
  const k = keyword.toLowerCase();
  if (k.startsWith('pass') || k === 'pwd' || k === 'pw') return 'GENERIC_PASSWORD';
  if (k === 'authorization') return 'GENERIC_TOKEN';
  if (k.startsWith('api') || k.includes('access') || k.includes('auth')) return 'GENERIC_API_KEY';
  if (k === 'token' || k === 'bearer') return 'GENERIC_TOKEN';
  if (k === 'key') return 'GENERIC_SECRET';
  return 'GENERIC_SECRET';
}

/** Decides whether a nominated value is a credential and how confident that is. */
export function judgeValue(kind: GenericType, raw: string, quoted: boolean): ConfidenceLevel | undefined {
  const value = quoted ? raw : raw.replace(/[.,;:!?)\]}]+$/, '');
  if (value.length < 4 || STOPWORDS.test(value) || PLACEHOLDER_SHAPE.test(value)) return undefined;
  if (/^(.)\1+$/.test(value) || /^0x[0-9a-fA-F]+$/.test(value)) return undefined;
  const hasDigit = /\d/.test(value);
  const entropy = shannonEntropy(value);
  // Unquoted identifiers without digits are variable names (`password = user.password`).
  if (!quoted && IDENTIFIER.test(value) && !hasDigit) return undefined;
  if (/^\d+$/.test(value) && value.length < 6) return undefined;
  if (kind === 'GENERIC_PASSWORD') {
    if (!quoted && value.length < 6) return undefined;
    if (/^[a-z]+$/.test(value) && value.length < 6) return undefined;
    return value.length >= 12 && entropy >= 3.5 ? 'high' : 'medium';
  }
  if (value.length < 8 || entropy < 3) return undefined;
  // Lowercase words joined by separators are names (`secret_name = "db-creds"`), not key material.
  if (/^[a-z]+(?:[ _.-][a-z]+)*$/.test(value)) return undefined;
  if (/\s/.test(value)) return undefined;
  return value.length >= 20 && entropy >= 4 ? 'high' : 'medium';
}

const isLower = (c: number): boolean => c >= 97 && c <= 122;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;

/** Literal keywords for the shared anchor pass (matched case-insensitively). */
export const GENERIC_TRIGGERS: readonly string[] = [
  'pass', 'passwd', 'password', 'passphrase', 'passwort', 'pwd', 'pw', 'secret', 'token', 'authorization', 'api_key', 'api-key',
  'apikey', 'access_key', 'access-key', 'accesskey', 'auth_key', 'auth-key', 'authkey', 'credential', 'private_key',
  'private-key', 'privatekey', 'client_secret', 'client-secret', 'clientsecret', 'bearer', 'salt', 'nonce', 'signing_key',
  'signing-key', 'signingkey', 'encryption_key', 'encryption-key', 'encryptionkey', 'key',
];

const TRIGGER_AT = new RegExp(TRIGGER.source, 'iy');

type Emit = (type: string, level: ConfidenceLevel, start: number, end: number) => void;

/** Judges the assignment that may follow a keyword found at `p` by the anchor pass. */
export function genericSecretAt(text: string, p: number, emit: Emit): void {
  TRIGGER_AT.lastIndex = p;
  const m = TRIGGER_AT.exec(text);
  if (m === null) return;
  const kwEnd = p + m[0].length;
  const before = text.charCodeAt(p - 1);
  const first = text.charCodeAt(p);
  const kw = m[0];
  const screaming = kw === kw.toUpperCase();
  // Whole identifier parts only: not "compass", "passenger", "tokenize"; camelCase ("dbPassword") and
  // SCREAMING_CASE ("MYSQLPASS") are fine.
  if (p > 0 && (isLower(before) || isUpper(before)) && !(isUpper(first) && isLower(before)) && !(screaming && isUpper(before))) return;
  const after = text.charCodeAt(kwEnd);
  if (isLower(after) && !(after === 115 && !isLower(text.charCodeAt(kwEnd + 1)))) return;
  const kind = kindOf(kw);
  const lowerKw = kw.toLowerCase();
  // Short keywords are too common inside words: only as whole words or after a separator.
  if ((lowerKw === 'pw' || lowerKw === 'key') && p > 0 && /[A-Za-z0-9]/.test(text[p - 1] ?? '') && !(screaming && isUpper(before))) return;
  if (lowerKw === 'bearer') {
    BEARER.lastIndex = p;
    const b = BEARER.exec(text);
    const v = b?.[1];
    if (b !== null && v !== undefined && shannonEntropy(v) >= 3.5 && /\d/.test(v)) {
      emit('GENERIC_TOKEN', v.length >= 24 ? 'high' : 'medium', p + b[0].length - v.length, p + b[0].length);
    }
    return;
  }
  ASSIGN.lastIndex = kwEnd;
  const a = ASSIGN.exec(text);
  if (a === null) return;
  if (META_SUFFIX.test(a[1] ?? '')) return;
  const op = a[2] ?? '';
  const words = (a[1] ?? '').split(' ').length;
  // Extra words between keyword and value only with an explicit ':' or '=' ("secret key: …").
  if (words > 1 && !/^[:=]/.test(op)) return;
  const quoted = a[4] !== undefined;
  const value = a[4] ?? a[5] ?? '';
  // Prose ("my password is …") only for passwords, and only values that look typed, not words.
  if (/^\s/.test(op) && !quoted && (kind !== 'GENERIC_PASSWORD' || !/[\d\W]/.test(value))) return;
  let level = judgeValue(kind, value, quoted);
  // "key" alone names many things (dictionary keys, map keys): only random-looking material counts.
  if (lowerKw === 'key' && !(value.length >= 12 && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value))) level = undefined;
  if (level === undefined) return;
  const valueEnd = kwEnd + a[0].length - (quoted ? 1 : 0);
  const trimmed = quoted ? value : value.replace(/[.,;:!?)\]}]+$/, '');
  emit(kind, level, valueEnd - value.length, valueEnd - (value.length - trimmed.length));
}

/** Command-line flags (`--password X`); a separate pass because the flag spelling varies. */
export function findCliSecrets(text: string, emit: Emit): void {
  if (!text.includes('-')) return;
  CLI_FLAG.lastIndex = 0;
  for (let m = CLI_FLAG.exec(text); m !== null; m = CLI_FLAG.exec(text)) {
    const v = m[1] ?? '';
    const kind = /pass/i.test(m[0]) ? 'GENERIC_PASSWORD' : 'GENERIC_TOKEN';
    const level = judgeValue(kind, v, false);
    if (level === undefined) continue;
    const end = m.index + m[0].length;
    emit(kind, level, end - v.length, end);
  }
}
