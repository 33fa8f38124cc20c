// Keeps credentials on this machine. Secret files are never read into a prompt; values that
// look like keys or tokens are swapped for placeholders (`__KAIZEN_SECRET_1__`) before a
// prompt is built, and put back only where the model's answer left them exactly as given.
import picomatch from 'picomatch';

/** Placeholder → the original text it stands for; a plain record so it travels as JSON. */
export type SecretPlaceholders = Record<string, string>;

export interface Redaction {
  text: string;
  placeholders: SecretPlaceholders;
}

export interface SecretRedactor {
  /** Replaces every secret in `text`; the same secret always gets the same placeholder. */
  redact(text: string): string;
  /** Every placeholder handed out so far. */
  readonly placeholders: SecretPlaceholders;
}

const PLACEHOLDER = /__KAIZEN_SECRET_(\d+)__/g;

/** Files whose content is a credential as a whole; matched case-insensitively anywhere. */
export const SECRET_FILE_GLOBS: readonly string[] = [
  '**/.env*',
  '**/*.env',
  '**/*.pem',
  '**/*.key',
  '**/*.p8',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.keytab',
  '**/*.ppk',
  '**/*.kdbx',
  '**/*.tfvars',
  '**/*.tfstate*',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/*credential*',
  '**/*secret*',
  '**/*service?account*.json',
  '**/*serviceaccount*.json',
  '**/.npmrc',
  '**/.yarnrc.yml',
  '**/.pypirc',
  '**/.netrc',
  '**/_netrc',
  '**/.htpasswd',
  '**/.aws/**',
  '**/.ssh/**',
  '**/.gnupg/**',
  '**/.docker/config.json',
];

// `.ENV` is the same file as `.env` on macOS and Windows, and still a secret on Linux.
const secretFileMatcher = picomatch([...SECRET_FILE_GLOBS], { dot: true, nocase: true });

/** True when a repo-relative path (or any folder above it) names a secret file. */
export function isSecretPath(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/').filter((part) => part !== '' && part !== '.');
  for (let i = parts.length; i > 0; i--) {
    if (secretFileMatcher(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

export function redactSecrets(text: string): Redaction {
  const redactor = createSecretRedactor([text]);
  return { text: redactor.redact(text), placeholders: { ...redactor.placeholders } };
}

/**
 * A redactor for texts that go into one prompt. `sources` are all those texts: numbering starts
 * above any placeholder already in them, so a file that happens to contain one is never confused
 * with a secret.
 */
export function createSecretRedactor(sources: readonly string[]): SecretRedactor {
  let next = 1;
  for (const source of sources) {
    for (const m of source.matchAll(PLACEHOLDER)) next = Math.max(next, Number(m[1]) + 1);
  }
  const byValue = new Map<string, string>();
  const placeholders: SecretPlaceholders = {};
  return {
    placeholders,
    redact(text) {
      const detected = secretSpans(text);
      // A secret found once is redacted everywhere: `if (input === "Summer2024!")` has no
      // telltale name, and a finding message may quote the file.
      const known = new Set([...byValue.keys(), ...detected.map((s) => text.slice(s.start, s.end))]);
      let out = '';
      let at = 0;
      for (const span of mergeSpans([...detected, ...occurrences(text, known)], placeholderSpans(text))) {
        const value = text.slice(span.start, span.end);
        let token = byValue.get(value);
        if (token === undefined) {
          token = `__KAIZEN_SECRET_${next++}__`;
          byValue.set(value, token);
          placeholders[token] = value;
        }
        out += text.slice(at, span.start) + token;
        at = span.end;
      }
      return out + text.slice(at);
    },
  };
}

/** Puts the originals back wherever a known placeholder appears exactly; unknown ones stay text. */
export function restoreSecrets(text: string, placeholders: SecretPlaceholders): string {
  return text.replace(PLACEHOLDER, (token) => (Object.hasOwn(placeholders, token) ? (placeholders[token] ?? token) : token));
}

/** The placeholders in `text`, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[0]);
}

/** Why `after` does not hold the same placeholders in the same order as `before`, or null. */
export function placeholderChange(before: readonly string[], after: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const token of before) counts.set(token, (counts.get(token) ?? 0) + 1);
  for (const token of after) counts.set(token, (counts.get(token) ?? 0) - 1);
  for (const [token, surplus] of counts) {
    if (surplus === 0) continue;
    const had = before.filter((t) => t === token).length;
    return `${token} occurs ${had - surplus} time(s) instead of ${had}`;
  }
  return before.every((token, i) => after[i] === token) ? null : 'the placeholders were reordered';
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  const length = [...value].length;
  let bits = 0;
  for (const count of counts.values()) bits -= (count / length) * Math.log2(count / length);
  return bits;
}

interface Span {
  start: number;
  end: number;
}

/** Provider formats: the whole match is the secret. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /(?<![\w-])sk-(?=[\w-]*\d)[\w-]{20,}/g, // OpenAI sk-, sk-proj-, sk-svcacct-; Anthropic sk-ant-
  /(?<!\w)gh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub
  /(?<!\w)github_pat_\w{22,}/g,
  /(?<![\w-])glpat-[\w-]{20,}/g, // GitLab
  /(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, // AWS access key ids
  /(?<![\w-])AIza[\w-]{35}(?![\w-])/g, // Google
  /(?<!\w)(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /(?<!\w)whsec_[A-Za-z0-9+/]{20,}/g,
  /(?<!\w)npm_[A-Za-z0-9]{36}(?!\w)/g,
  /(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g, // JWT
];

/** Only the first group is the secret; the rest stays visible to the model. */
const GROUP_PATTERNS: readonly RegExp[] = [
  /hooks\.slack\.com\/services\/([A-Za-z0-9_/-]{20,})/dg,
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]*:([^\s@'"`/]+)@/dgi, // scheme://user:password@host
  /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{8,})/dg,
];

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----([\s\S]*?)(?:-----END \1PRIVATE KEY\2-----|$)/dg;
/** From the first to the last base64 character of a line: a key body, line by line. */
const PEM_LINE = /[A-Za-z0-9+/=](?:[^\r\n]*[A-Za-z0-9+/=])?/g;

// A name, then (without consuming, so every name is tried) an optional type annotation, an
// operator and a quoted or bare value on the same line.
const ASSIGNMENT =
  /(?<![\w$])([A-Za-z_$][\w$-]*)(?=["'`]?\]?(?:[ \t]*:[ \t]*[A-Za-z_$][\w$<>[\]|.?, ]{0,60}?)?[ \t]*(?::=|=>|===?|!==?|=|:)[ \t]*(?:(["'`])((?:\\.|(?!\2)[^\\\r\n])*)\2|([^\s"'`,;()[\]{}<>]+)))/dg;

const SENSITIVE_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'apikey', 'auth', 'authorization', 'credential', 'credentials']);
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'signing', 'encryption', 'master', 'client', 'auth']);
/** A sensitive name ending in one of these holds something about the secret, not the secret. */
const DESCRIPTIVE_WORDS = new Set([
  'label', 'message', 'msg', 'text', 'title', 'placeholder', 'hint', 'error', 'field', 'name', 'type', 'url', 'uri',
  'endpoint', 'path', 'file', 'header', 'prefix', 'length', 'len', 'count', 'min', 'max', 'policy', 'pattern', 'regex',
  'rule', 'strength', 'expiry', 'expires', 'ttl', 'timeout', 'env', 'var', 'variable', 'param', 'format', 'scheme',
]);
const MIN_LITERAL = 4;
const MIN_UNQUOTED = 8;
/** Shorter secrets are only redacted where a detector finds them, not wherever they recur. */
const MIN_REPEATED = 6;
/** Random text of length n has close to log2(n) bits per character; names repeat letters. */
const GENERATED_ENTROPY_RATIO = 0.85;

function secretSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const pattern of TOKEN_PATTERNS) {
    for (const m of text.matchAll(pattern)) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const pattern of GROUP_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const group = m.indices?.[1];
      if (group && !isReference(m[1] ?? '')) spans.push({ start: group[0], end: group[1] });
    }
  }
  for (const m of text.matchAll(PEM)) {
    const body = m.indices?.[3];
    if (!body) continue;
    for (const line of text.slice(body[0], body[1]).matchAll(PEM_LINE)) {
      spans.push({ start: body[0] + line.index, end: body[0] + line.index + line[0].length });
    }
  }
  for (const m of text.matchAll(ASSIGNMENT)) {
    const quoted = m[3] !== undefined;
    const group = m.indices?.[quoted ? 3 : 4];
    const value = (quoted ? m[3] : m[4]) ?? '';
    if (group && isSensitiveName(m[1] ?? '') && isLiteralSecret(value, quoted, text.slice(group[1], group[1] + 1))) {
      spans.push({ start: group[0], end: group[1] });
    }
  }
  return mergeSpans(spans, placeholderSpans(text));
}

/** Sorted, overlapping spans united; spans touching an existing placeholder are already redacted. */
function mergeSpans(spans: Span[], existing: Span[]): Span[] {
  const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
  const merged: Span[] = [];
  for (const span of spans.filter((s) => s.end > s.start && !existing.some((p) => overlaps(s, p))).sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Where known secrets occur again, as whole words when they start or end with one. */
function occurrences(text: string, values: Iterable<string>): Span[] {
  const spans: Span[] = [];
  for (const value of values) {
    if (value.length < MIN_REPEATED) continue;
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
      const end = at + value.length;
      const cutsWordBefore = /^\w/.test(value) && /\w/.test(text[at - 1] ?? '');
      const cutsWordAfter = /\w$/.test(value) && /\w/.test(text[end] ?? '');
      if (!cutsWordBefore && !cutsWordAfter) spans.push({ start: at, end });
    }
  }
  return spans;
}

function placeholderSpans(text: string): Span[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function isSensitiveName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_$.-]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  if (last === undefined || DESCRIPTIVE_WORDS.has(last)) return false;
  return words.some((word, i) => SENSITIVE_WORDS.has(word) || (word === 'key' && KEY_QUALIFIERS.has(words[i - 1] ?? '')));
}

/** Environment and template references (`${DB_PASSWORD}`, `$TOKEN`, `{{ secrets.x }}`) are not secrets. */
function isReference(value: string): boolean {
  return /^\$[A-Za-z_{]|\$\{|\{\{|%\(|^<[^<>]*>$|^(.)\1*$/.test(value);
}

/**
 * A quoted literal assigned to a secret-looking name is redacted whatever its entropy: real
 * passwords are often weak ("Summer2024!"). A bare value may be code (`token = other.token`),
 * so it is redacted only when it cannot be an expression, or is an identifier with a digit
 * (`hunter2hunter2`) or with the entropy of generated text.
 */
function isLiteralSecret(value: string, quoted: boolean, after: string): boolean {
  if (value.length < (quoted ? MIN_LITERAL : MIN_UNQUOTED) || isReference(value)) return false;
  if (quoted) return true;
  if (/[(<[]/.test(after)) return false;
  if (!/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(value)) return true;
  if (value.includes('.')) return false;
  return /\d/.test(value) || (value.length >= 16 && shannonEntropy(value) >= GENERATED_ENTROPY_RATIO * Math.log2(value.length));
}
