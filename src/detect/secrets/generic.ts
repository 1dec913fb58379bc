// Generic credentials: `password = "…"`, `api_key: …`, `--token …`, `Authorization: Bearer …`, "my password
// is …". The keyword only nominates a value; entropy, shape and a stopword list decide. Variable
// references, placeholders and template holes are not secrets.
import type { ConfidenceLevel } from '../../core/finding.ts';
import { shannonEntropy } from '../validators.ts';

export const GENERIC_SECRET_TYPES = ['GENERIC_PASSWORD', 'GENERIC_SECRET', 'GENERIC_API_KEY', 'GENERIC_TOKEN'] as const;
type GenericType = (typeof GENERIC_SECRET_TYPES)[number];

// `pa?ss?w(?:o?r)?d` covers password and its abbreviations and misspellings (passwd, pswd, pasword,
// psswrd…); `identified` starts SQL's `IDENTIFIED BY 'pw'`.
const TRIGGER =
  /(?:pa?ss?w(?:o?r)?d|pass(?:phrase|wort)?|pwd|pw|secret|token|authorization|authentication|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|auth|credential|creds|private[_-]?key|client[_-]?secret|bearer|salt|nonce|signing[_-]?key|encryption[_-]?key|key|identified)/gi;

// After the keyword: the rest of the identifier, a closing quote or bracket (also escaped, `\"`, or HTML
// `&quot;`), the operator, the value: quoted (escaped quotes too), a long quoted value whose string goes on
// past the line end, an HTML-quoted value, or a bare word. A `,` separates key and value in calls
// (`define('DB_PASSWORD', '…')`, `setopt(CURLOPT_PASSWORD, "…")`).
const ASSIGN =
  /([A-Za-z0-9_.-]{0,32}(?: [A-Za-z][A-Za-z0-9_-]{0,15}){0,2}?)(?:\\{0,3}["']|&quot;|\])?(?:\s+(?:value|content)(?=\s*=))?(?:\s{0,2}:\s{0,2}[A-Za-z_][\w.<>[\]]{0,30}(?=\s{0,2}=[^=]))?\s{0,4}(===?|!==?|=>|:=|\?=|=|:|,|[ \t](?:is|was|ist|est|es)[ \t]|\s+(?=\\{0,3}["'`]|&quot;))\s{0,4}(?:(?:Bearer|Basic|NTLM|Negotiate|Token|Digest)\s+)?(?:[bru]?\\{0,3}(["'`])(?:\3\3)?(?:(?:Bearer|Basic|NTLM|Token)\s+)?(?:([^"'`\n\r]{1,256}?)\\{0,3}\3|([^\s"'`\\]{16,256})(?=\\?(?:\r?\n|$)))|&quot;([^&\n\r]{1,256}?)&quot;|([^\s"'`,;<>]{1,256}))/dy;
// `<password>…</password>`, `<entry key="password">…</entry>`: the element's text is the value.
const XML_VALUE = /[A-Za-z0-9_.:-]{0,32}["']?(?:\s[^<>]{0,200}?)?>\s{0,4}([^<>\s]{1,256})\s{0,4}<\//dy;
// A default after an environment lookup is a hard-coded secret: `os.getenv("PW", "…")`, `env.X || "…"`.
const ENV_LOOKUP = /^[\w.$]*(?:getenv|environ\.get|environ\[|\benv\.|getProperty|ENV\.fetch|ENV\[)/;
const ENV_DEFAULT = /[^\n]{0,100}?(?:,\s*|\s*(?:\bor\b|\|\||\?\?|\?:)\s*)(["'])([^"'\n]{4,128})\1/y;
// SQL: `IDENTIFIED BY 'pw'`, `IDENTIFIED WITH mysql_native_password BY|AS '…'`.
const SQL_IDENTIFIED = /identified\s+(?:with\s+["'`]?\w+["'`]?\s+)?(?:by|as)\s+(?:password\s+)?(["'`]?)([^\s"'`;\\]{3,256})\1/iy;
// `CREATE ROLE r WITH LOGIN PASSWORD pw` (SQL) and `machine h login u password pw` (.netrc): the only
// places where a bare value after a space is taken.
const SQL_BARE = /[ \t]+([^\s"'`;,()]{4,256})/y;
const SQL_BEFORE = /(?:\b(?:with|login|encrypted|unencrypted)|\b(?:create|alter)\s+(?:user|role)\s+\S+|^[ \t]*(?:machine\s+\S+\s+)?login\s+\S+)\s+$/im;
const CLI_FLAG =
  /-(?<![\w-]-)-?(?:[a-z0-9]+[-_]){0,3}(?:password|passwd|pass|passphrase|token|secret|api-key|apikey|access-key|auth-token|bearer)[= ]\s{0,2}\\{0,2}["']?([^\s"'\\]{4,256})/gi;
// `curl -u user:password`, `--user user:password`; `mysql -pPASSWORD` (the password glued to -p).
const CLI_USER = /(?<![\w-])(?:-u|--user)[= ]\s{0,2}["']?[^\s"'`:]{1,64}:([^\s"'`]{3,256})/y;
const MYSQL_P = /(?<![\w-])mysql(?:dump|admin)?\b[^\n]{0,120}?\s-p([^\s"'`-][^\s"'`]{3,255})/iy;
// `sshpass -p pw`, `docker login -u u -p pw`.
const LOGIN_P = /(?:sshpass|(?:docker|podman|nerdctl)\s+login)\b[^\n]{0,120}?\s-p\s*["']?([^\s"'`-][^\s"'`]{3,255})/iy;
const SECURE_STRING = /ConvertTo-SecureString(?:\s+-[A-Za-z]+){0,6}\s+\\{0,3}(["']?)(?![-$])([^\s"'`|);\\]{4,256})/iy;
const BEARER = /Bearer\s+([A-Za-z0-9._~+/-]{16,2048}=*)/y;

const STOPWORDS =
  /^(?:true|false|null|none|nil|undefined|empty|string|str|int|bool|boolean|number|required|optional|default|value|text|hidden|masked|redacted|removed|secret|secrets|password|passwd|pass|pwd|token|tokens|changeme|change[_-]?me|example|sample|dummy|placeholder|test|testing|foo|bar|baz|qwerty|admin|root|user|username|login|[*x.#_-]{3,}|…|0+|1234(?:5(?:6(?:7(?:8(?:9)?)?)?)?)?)$/i;
// Template holes, variable references and documentation stand-ins. Anchored where a real value could
// contain the same letters ("Tommy_2024!" holds "my_", "P@ss(w0rd)" holds parentheses).
const PLACEHOLDER_SHAPE =
  /^(?:<[^>]*>?|\$\{|\{\{|%\(|%[A-Z_]+%|\$[A-Za-z_(]|\[[^\]]*\]?$|@[A-Za-z_]|#\{|ENC\[|vault:v\d+:|!vault|your[_-]|my[_-](?:secret|pass|token|key|api)|insert[_-]|replace[_-]|enter[_-]|put[_-])|process\.env|os\.environ|getenv|getpass|System\.getenv|^(?:config|settings|self|this|env|params|options|args|props)\.|\(\)$|[_-]here$|^x{4,}|^\*{3,}|\.\.\.|^(?:redacted|masked|hidden|removed|placeholder|changeme|change[_-]me|secret[_-]?(?:key|value)?|api[_-]?key|token|password)[_-]?\d{0,3}$/i;
// Code, not a literal: a call (`getToken()`, `encoder.encode(raw)`) or a member path (`provider2.current`).
const CODE_REFERENCE = /^[A-Za-z_$][\w$]*(?:(?:\.|->|::|\?\.)[A-Za-z_$][\w$]*)+(?:\(.*)?$|^[A-Za-z_$][\w$]*\(/;
// Anti-forgery tokens are per-session values a page embeds on purpose, not credentials.
const ANTI_FORGERY_BEFORE = /(?:csrf|xsrf|authenticity|anti[_-]?forgery|requestverification|(?:^|[^\w])_)[\w.-]{0,12}$/i;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|->|::)[A-Za-z_$][A-Za-z0-9_$]*)*(?:\(\))?$/;

// Identifiers that name a property of a credential rather than the credential itself.
const META_SUFFIX =
  /(?:^|[_.-]|(?<=[a-z])(?=[A-Z]))(?:id|ids|mask\w*|len|length|size|count|min|max|type|field|label|name|hint|prompt|policy|regex|pattern|format|url|uri|path|file|expir\w*|expires|timeout|ttl|enabled|required|reset|changed|updated|algorithm|alg|header|param|key_name|endpoint|version)$/i;

function kindOf(keyword: string): GenericType {
  const k = keyword.toLowerCase();
  if (k.startsWith('pass') || /^pa?ss?w/.test(k) || k === 'pwd' || k === 'pw' || k === 'identified') return 'GENERIC_PASSWORD';
  if (k === 'authorization') return 'GENERIC_TOKEN';
  if (k === 'auth' || k === 'authentication' || k === 'creds') return 'GENERIC_SECRET';
  if (k.startsWith('api') || k.includes('access') || k.includes('auth')) return 'GENERIC_API_KEY';
  if (k === 'token' || k === 'bearer') return 'GENERIC_TOKEN';
  if (k === 'key') return 'GENERIC_SECRET';
  return 'GENERIC_SECRET';
}

/** Six-long counting sequences and long runs: placeholders in key material (not in typed passwords). */
const SEQUENCE = /(.)\1{7,}|012345|123456|234567|345678|456789|987654|654321|abcdef|ABCDEF/;

/** Decides whether a nominated value is a credential and how confident that is. */
export function judgeValue(kind: GenericType, raw: string, quoted: boolean): ConfidenceLevel | undefined {
  const value = quoted ? raw : raw.replace(/[.,;:!?)\]}]+$/, '');
  if (value.length < 4 || STOPWORDS.test(value) || PLACEHOLDER_SHAPE.test(value)) return undefined;
  if (/^(.)\1+$/.test(value) || /^0x[0-9a-fA-F]+$/.test(value)) return undefined;
  const hasDigit = /\d/.test(value);
  const entropy = shannonEntropy(value);
  // Unquoted identifiers without digits are variable names (`password = user.password`); `/…/g` is a regex literal.
  if (!quoted && IDENTIFIER.test(value) && !hasDigit) return undefined;
  if (!quoted && CODE_REFERENCE.test(value)) return undefined;
  if (!quoted && (/^\/.+\/[dgimsuy]*$/.test(value) || /^\/.*[\\[(]/.test(value))) return undefined;
  if (/^\d+$/.test(value) && value.length < 6) return undefined;
  if (kind === 'GENERIC_PASSWORD') {
    if (!quoted && value.length < 6) return undefined;
    // A short single word ("admin", "Palau") is a label or a name more often than a password.
    if (/^[A-Za-z][a-z]+$/.test(value) && value.length < 6) return undefined;
    return value.length >= 12 && entropy >= 3.5 ? 'high' : 'medium';
  }
  if (value.length < 8 || entropy < 3 || SEQUENCE.test(value)) return undefined;
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
  'signing-key', 'signingkey', 'encryption_key', 'encryption-key', 'encryptionkey', 'key', 'auth', 'authentication', 'creds',
  'identified', 'passwrd', 'pasword', 'paswrd', 'paswd', 'pssword', 'psswrd', 'psswd', 'psword', 'pswrd', 'pswd',
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
  const lowerKw = kw.toLowerCase();
  const screaming = kw === kw.toUpperCase();
  // Whole identifier parts only: not "compass", "passenger", "tokenize"; camelCase ("dbPassword"),
  // SCREAMING_CASE ("MYSQLPASS") and an upper-case prefix ("SMTPpassword") are fine.
  if (
    p > 0 &&
    (isLower(before) || isUpper(before)) &&
    !(isUpper(first) && isLower(before)) &&
    !(screaming && isUpper(before)) &&
    !(kw === lowerKw && isUpper(before) && isUpper(text.charCodeAt(p - 2)))
  ) {
    return;
  }
  // Letters inside a base64 blob ("…x9KEY+…") are not a keyword.
  if (p >= 20 && isB64(before) && insideBase64Run(text, p)) return;
  const after = text.charCodeAt(kwEnd);
  const plural = (after === 115 || after === 83) && !isLower(text.charCodeAt(kwEnd + 1)) && !isUpper(text.charCodeAt(kwEnd + 1));
  if (isLower(after) && !plural) return;
  // In SCREAMING_CASE the word goes on in capitals: PASSENGER, PWR_MGMT, TOKENIZER are other words.
  if (screaming && isUpper(after) && !plural) return;
  if ((lowerKw === 'pw' || lowerKw === 'pwd') && isUpper(after)) return;
  const kind = kindOf(kw);
  if ((lowerKw === 'token' || lowerKw === 'key' || lowerKw === 'secret') && ANTI_FORGERY_BEFORE.test(text.slice(Math.max(0, p - 24), p))) return;
  // Short keywords are too common inside words: only as whole words or after a separator.
  if ((lowerKw === 'pw' || lowerKw === 'key' || lowerKw === 'auth') && p > 0 && /[A-Za-z0-9]/.test(text[p - 1] ?? '') && !(screaming && isUpper(before))) return;
  if (lowerKw === 'identified') {
    SQL_IDENTIFIED.lastIndex = p;
    const q = SQL_IDENTIFIED.exec(text);
    const v = q?.[2];
    if (q === null || v === undefined) return;
    const level = judgeValue(kind, v, (q[1] ?? '') !== '');
    const end = p + q[0].length - (q[1] ?? '').length;
    if (level !== undefined) emit(kind, level, end - v.length, end);
    return;
  }
  if (lowerKw === 'bearer') {
    BEARER.lastIndex = p;
    const b = BEARER.exec(text);
    const v = b?.[1];
    if (b !== null && v !== undefined) {
      if (shannonEntropy(v) >= 3.5 && /\d/.test(v)) emit('GENERIC_TOKEN', v.length >= 24 ? 'high' : 'medium', p + b[0].length - v.length, p + b[0].length);
      return;
    }
  }
  if (isXmlElementName(text, p)) {
    XML_VALUE.lastIndex = kwEnd;
    const x = XML_VALUE.exec(text);
    const v = x?.[1];
    if (x === null || v === undefined) return;
    const level = judgeValue(kind, v, true);
    const vs = x.indices?.[1]?.[0];
    if (level !== undefined && vs !== undefined && !(WEAK_KEYWORDS.has(lowerKw) && !randomLooking(v))) emit(kind, level, vs, vs + v.length);
    return;
  }
  if (kind === 'GENERIC_PASSWORD' && SQL_BEFORE.test(text.slice(Math.max(0, p - 40), p))) {
    SQL_BARE.lastIndex = kwEnd;
    const q = SQL_BARE.exec(text);
    const v = q?.[1];
    if (q !== null && v !== undefined) {
      const level = judgeValue(kind, v, false);
      if (level !== undefined) emit(kind, level, kwEnd + q[0].length - v.length, kwEnd + q[0].length);
      return;
    }
  }
  ASSIGN.lastIndex = kwEnd;
  const a = ASSIGN.exec(text);
  if (a === null) return;
  if (META_SUFFIX.test(a[1] ?? '')) return;
  const op = a[2] ?? '';
  const words = (a[1] ?? '').split(' ').length;
  // Extra words between keyword and value only with an explicit ':' or '=' ("secret key: …").
  if (words > 1 && !/^[:=]/.test(op)) return;
  const group = a[4] !== undefined ? 4 : a[5] !== undefined ? 5 : a[6] !== undefined ? 6 : 7;
  const quoted = group !== 7;
  let value = a[group] ?? '';
  const valueAt = a.indices?.[group]?.[0] ?? -1;
  // `KEY= OTHER=x` or `KEY=⏎OTHER=x`: this key is empty; what follows is the next assignment, not its value.
  if (!quoted && /^[:=]/.test(op) && valueAt >= 0) {
    const gap = text.slice(kwEnd + (a[1] ?? '').length, valueAt);
    if (/[\r\n]/.test(gap) || (/[ \t]$/.test(gap) && /^[A-Za-z_][\w.-]*\s?[:=]/.test(value))) return;
  }
  // A bare value in a URL query ends where the next parameter starts (`?password=…&ssl=true`).
  if (group === 7) value = value.replace(/&[A-Za-z_][\w.-]*=.*$/, '');
  const valueStart = a.indices?.[group]?.[0] ?? -1;
  if (valueStart < 0) return;
  // A bare value that reads an environment variable may carry a hard-coded fallback.
  if (!quoted && ENV_LOOKUP.test(value)) {
    ENV_DEFAULT.lastIndex = valueStart;
    const d = ENV_DEFAULT.exec(text);
    const fallback = d?.[2];
    if (d === null || fallback === undefined || d[0].includes('\n')) return;
    const level = judgeValue(kind, fallback, true);
    const end = valueStart + d[0].length - 1;
    if (level !== undefined && !(WEAK_KEYWORDS.has(lowerKw) && !randomLooking(fallback))) emit(kind, level, end - fallback.length, end);
    return;
  }
  // A call's key and value (`set("password", "…")`) only with a quoted value that looks typed.
  if (op === ',' && (!quoted || !typedLooking(value))) return;
  // Prose ("my password is …") only for passwords, and only values that look typed, not words.
  if (/^\s/.test(op) && !quoted && (kind !== 'GENERIC_PASSWORD' || !/[\d\W]/.test(value))) return;
  // A string that goes on past the line end must be long key material, not a sentence.
  if (group === 5 && !randomLooking(value)) return;
  let level = judgeValue(kind, value, quoted);
  // "key", "auth", "creds" alone name many things (dictionary keys, auth modes): only random-looking material counts.
  if (WEAK_KEYWORDS.has(lowerKw) && !randomLooking(value)) level = undefined;
  if (level === undefined) return;
  const trimmed = quoted ? value : value.replace(/[.,;:!?)\]}]+$/, '');
  if (!quoted && trimmed.length < value.length) value = trimmed;
  emit(kind, level, valueStart, valueStart + value.length);
}

const isB64 = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;

/** True when the 20 characters before `p` are base64 and hold a digit, `+` or `/` (an identifier rarely does). */
function insideBase64Run(text: string, p: number): boolean {
  let marks = 0;
  for (let i = p - 20; i < p; i++) {
    const c = text.charCodeAt(i);
    if (!isB64(c)) return false;
    if (c <= 57) marks++;
  }
  return marks > 0;
}

const WEAK_KEYWORDS = new Set(['key', 'auth', 'authentication', 'creds']);

/** Mixed case and digits, 12 characters or more: generated material rather than a word or a name. */
const randomLooking = (v: string): boolean => v.length >= 12 && /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v);

/** Letters with digits, or 12+ characters of mixed case that are not CamelCase words, and no spaces: not a field name or a label. */
const typedLooking = (v: string): boolean =>
  !/\s/.test(v) && (/\d/.test(v) ? /[A-Za-z]/.test(v) : v.length >= 12 && /[a-z]/.test(v) && /[A-Z]/.test(v) && !CAMEL_WORDS.test(v));
const CAMEL_WORDS = /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/;

/** True when the keyword at `p` is part of an XML/HTML element name (`<db_password …>`). */
function isXmlElementName(text: string, p: number): boolean {
  let i = p - 1;
  const stop = Math.max(0, p - 32);
  while (i >= stop && /[A-Za-z0-9_.:-]/.test(text[i] ?? '')) i--;
  return text[i] === '<';
}

/** Command-line flags (`--password X`, `--db-token X`); a separate pass because the flag spelling varies. */
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

/** Anchors for the shared pass that start a command with a password of its own (matched case-insensitively). */
export const COMMAND_TRIGGERS: readonly string[] = ['-u', '--user', 'mysql', 'convertto-securestring', 'sshpass', 'docker', 'podman', 'nerdctl'];

/** `curl -u user:pw`, `mysql -pPW`, `sshpass -p pw`, `docker login -p pw`, PowerShell's `ConvertTo-SecureString "pw"`, at an anchor found by the shared pass. */
export function commandSecretAt(text: string, p: number, emit: Emit): void {
  const c = text.charCodeAt(p);
  const re = c === 45 ? CLI_USER : c === 109 || c === 77 ? MYSQL_P : c === 99 || c === 67 ? SECURE_STRING : LOGIN_P;
  re.lastIndex = p;
  const m = re.exec(text);
  const v = m?.[re === SECURE_STRING ? 2 : 1];
  if (m === null || v === undefined) return;
  const level = judgeValue('GENERIC_PASSWORD', v, false);
  const end = p + m[0].length;
  if (level !== undefined) emit('GENERIC_PASSWORD', level, end - v.length, end);
}
