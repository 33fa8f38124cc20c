import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/core/config/config.js';
import { compileExcludes } from '../../../src/core/analysis/globs.js';
import {
  createSecretRedactor,
  isSecretPath,
  placeholderChange,
  placeholdersIn,
  redactSecrets,
  restoreSecrets,
  shannonEntropy,
} from '../../../src/core/llm/secrets.js';

/** Redacts `line` and returns the one secret taken out of it (or null when nothing was). */
function secretOf(line: string): string | null {
  const { placeholders } = redactSecrets(line);
  const values = Object.values(placeholders);
  expect(values.length).toBeLessThanOrEqual(1);
  return values[0] ?? null;
}

describe('redactSecrets detects', () => {
  it.each([
    ['OpenAI key', 'const key = sk-Abc123def456GHI789jkl012MNO345pqr;', 'sk-Abc123def456GHI789jkl012MNO345pqr'],
    ['OpenAI project key', 'call(sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA)', 'sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA'],
    ['Anthropic key', 'use(sk-ant-api03-Hq8Lp2Vz6Ns4Kt0Wm9Rb3Yc7Xe1Ju5Gd-Tf8Aa)', 'sk-ant-api03-Hq8Lp2Vz6Ns4Kt0Wm9Rb3Yc7Xe1Ju5Gd-Tf8Aa'],
    ['GitHub token', 'git(ghp_R4nd0mT0k3nV4lu3F0rT35t1ngPurp0s3s12)', 'ghp_R4nd0mT0k3nV4lu3F0rT35t1ngPurp0s3s12'],
    ['GitHub server token', 'x ghs_abcdefghijklmnopqrstuvwxyz0123456789 y', 'ghs_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub fine-grained token', 'x github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz y', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
    ['GitLab token', 'x glpat-Zq3Xw8Yv2Ut6Sr0Pn4Mk y', 'glpat-Zq3Xw8Yv2Ut6Sr0Pn4Mk'],
    ['Slack token', 'x xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx y', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['Slack webhook path', 'post("https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/q1W2e3R4t5Y6u7I8o9P0aSdF")', 'T01ABCDEF/B02GHIJKL/q1W2e3R4t5Y6u7I8o9P0aSdF'],
    ['AWS access key id', 'x AKIAQ3EXAMPLEZ7Y2W4X y', 'AKIAQ3EXAMPLEZ7Y2W4X'],
    ['AWS secret access key', 'aws_secret_access_key = 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', 'Jq9/Xm2+Lr5Tn8Wv1Zc4Bf7Hk0Ps3Gd6Ya9Ue2Ri'],
    ['Google API key', 'x AIzaSyD4-q8Zr1Xw6Vt3Us0Rp7Oo2Nn5Mm9Ll8K y', 'AIzaSyD4-q8Zr1Xw6Vt3Us0Rp7Oo2Nn5Mm9Ll8K'],
    ['Stripe live key', 'x sk_live_51HpQrStUvWxYz0123456789Ab y', 'sk_live_51HpQrStUvWxYz0123456789Ab'],
    ['Stripe restricted key', 'x rk_live_51HpQrStUvWxYz0123456789Ab y', 'rk_live_51HpQrStUvWxYz0123456789Ab'],
    ['npm token', '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['JWT', 'x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U y', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['connection string password', 'connect("postgres://payments:Pg-S3cret-2024@db.internal:5432/app")', 'Pg-S3cret-2024'],
    ['password without a user', 'REDIS_URL=redis://:r3d1s-pw@cache:6379', 'r3d1s-pw'],
    ['bearer token', 'curl -H "Authorization: Bearer abc123def456ghi789"', 'abc123def456ghi789'],
    ['weak quoted password', 'const adminPassword = "Summer2024!";', 'Summer2024!'],
    ['quoted dummy password (any literal counts)', "db.password = 'changeme'", 'changeme'],
    ['client secret in an object', "{ clientSecret: 'a1b2c3d4e5' }", 'a1b2c3d4e5'],
    ['quoted key of a dict', '{"api_key": "k-9f8e7d6c"}', 'k-9f8e7d6c'],
    ['typed assignment', 'const apiKey: string = "abcd1234";', 'abcd1234'],
    ['Go short assignment', 'token := "t0k3n-value"', 't0k3n-value'],
    ['bare value with symbols', 'DB_PASSWORD=p@ssw0rd!', 'p@ssw0rd!'],
    ['bare identifier-like value with a digit', 'password: hunter2hunter2', 'hunter2hunter2'],
    ['bare generated value', 'SECRET_KEY_BASE=AbCdEfGhIjKlMnOpQrStUv', 'AbCdEfGhIjKlMnOpQrStUv'],
  ])('%s', (_name, line, secret) => {
    expect(secretOf(line)).toBe(secret);
  });

  it('private key blocks line by line, keeping the line count and the BEGIN/END lines', () => {
    const text = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=', 'Zw==', '-----END OPENSSH PRIVATE KEY-----', 'next();'].join('\n');
    const { text: out, placeholders } = redactSecrets(text);
    expect(out).toBe(['-----BEGIN OPENSSH PRIVATE KEY-----', '__KAIZEN_SECRET_1__', '__KAIZEN_SECRET_2__', '-----END OPENSSH PRIVATE KEY-----', 'next();'].join('\n'));
    expect(Object.values(placeholders)).toEqual(['b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=', 'Zw==']);
  });

  it('encrypted, escaped (service-account JSON) and truncated private keys', () => {
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTAp\n-----END ENCRYPTED PRIVATE KEY-----';
    expect(redactSecrets(encrypted).text).not.toContain('MIIFHDBO');
    const escaped = '{"key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\nkqhkiG9w0BAQEF\\n-----END PRIVATE KEY-----\\n"}';
    expect(redactSecrets(escaped).text).not.toMatch(/MIIEvQ|kqhkiG/);
    const truncated = 'const k = `-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\nAwEHoUQDQgAEPR3tU2AA';
    expect(redactSecrets(truncated).text).not.toMatch(/MHcCAQ|AwEHoUQ/);
  });
});

describe('redactSecrets leaves alone', () => {
  it.each([
    ['a UUID', 'const id = "3f2b8c1e-9d4a-4b6f-8e2a-1c5d7f9a0b3e";'],
    ['a base64 image', 'img.src = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";'],
    ['a commit hash', 'const base = "9fceb02d0ae598e95dc970b74767f19372d61af8";'],
    ['code reading a secret', 'const accessToken = req.headers.token;'],
    ['a property passed on', 'fetch(url, { token: accessToken, password: config.db.password });'],
    ['a function call', 'const password = readPassword(prompt);'],
    ['environment references', 'const token = process.env.GITHUB_TOKEN ?? "${GITHUB_TOKEN}"; PASSWORD=$DB_PASSWORD'],
    ['a template with a variable', 'headers: { Authorization: `Bearer ${token}` }'],
    ['descriptive names', 'const passwordLabel = "Password"; const tokenUrl = "https://oauth2.example.com/token"; const secretName = "db-credentials";'],
    ['names that only contain a sensitive word', 'const author = "Jane Doe"; const tokenizer = "whitespace"; const bypass = "yes please";'],
    ['placeholders in docs', 'api_key: "<your-api-key>"  token: "xxxxxxxx"'],
    ['short values', 'const token = "abc";'],
    ['a CSS class that starts with sk-', '<div class="sk-spinner-wave-container-large">'],
    ['a URL without a password', 'const url = "https://user@example.com/path";'],
  ])('%s', (_name, line) => {
    expect(redactSecrets(line)).toEqual({ text: line, placeholders: {} });
  });
});

describe('placeholders', () => {
  const text = ['const a = "sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA";', 'const password = "Summer2024!";', 'log("sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA");'].join('\n');

  it('are distinct per secret, the same for the same secret, numbered in order of appearance', () => {
    const { text: out, placeholders } = redactSecrets(text);
    expect(out).toBe(['const a = "__KAIZEN_SECRET_1__";', 'const password = "__KAIZEN_SECRET_2__";', 'log("__KAIZEN_SECRET_1__");'].join('\n'));
    expect(placeholders).toEqual({ __KAIZEN_SECRET_1__: 'sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA', __KAIZEN_SECRET_2__: 'Summer2024!' });
  });

  it('are stable: the same text always gives the same result, and redacting again changes nothing', () => {
    const first = redactSecrets(text);
    expect(redactSecrets(text)).toEqual(first);
    expect(redactSecrets(first.text)).toEqual({ text: first.text, placeholders: {} });
  });

  it('never reuse a number already in the text, so a file that mentions one is not confused', () => {
    const { text: out, placeholders } = redactSecrets('// __KAIZEN_SECRET_7__ is how secrets look\nconst password = "Summer2024!";');
    expect(out).toBe('// __KAIZEN_SECRET_7__ is how secrets look\nconst password = "__KAIZEN_SECRET_8__";');
    expect(restoreSecrets(out, placeholders)).toContain('// __KAIZEN_SECRET_7__ is how');
  });

  it('are shared by one redactor across texts (a finding message quoting the file)', () => {
    const redactor = createSecretRedactor(['password = "Summer2024!"', "hard-coded password 'Summer2024!'"]);
    expect(redactor.redact('password = "Summer2024!"')).toBe('password = "__KAIZEN_SECRET_1__"');
    expect(redactor.redact("hard-coded password 'Summer2024!' and AKIAQ3EXAMPLEZ7Y2W4X")).toBe("hard-coded password '__KAIZEN_SECRET_1__' and __KAIZEN_SECRET_2__");
    expect(Object.keys(redactor.placeholders)).toEqual(['__KAIZEN_SECRET_1__', '__KAIZEN_SECRET_2__']);
  });

  it('cover every later occurrence of a secret found once, as a whole word', () => {
    const { text: out } = redactSecrets('const password = "Summer2024!";\nif (input === "Summer2024!") ok();\nconst xSummer2024! = 1;');
    expect(out).toBe('const password = "__KAIZEN_SECRET_1__";\nif (input === "__KAIZEN_SECRET_1__") ok();\nconst xSummer2024! = 1;');
    // Secrets shorter than six characters are redacted only where a detector finds them.
    expect(redactSecrets('pwd = "abcd"; other("abcd");').text).toBe('pwd = "__KAIZEN_SECRET_1__"; other("abcd");');
  });

  it('keep the line count', () => {
    const many = [text, '-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA', 'u1SU1LfVLPHCozMx', '-----END RSA PRIVATE KEY-----', ''].join('\n');
    expect(redactSecrets(many).text.split('\n')).toHaveLength(many.split('\n').length);
  });
});

describe('restoreSecrets', () => {
  it('round-trips byte for byte, $ patterns in secrets included', () => {
    const text = 'const password = "pa$&wo$1rd";\r\nconst k = "sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA";\n';
    const { text: out, placeholders } = redactSecrets(text);
    expect(out).not.toContain('pa$&');
    expect(restoreSecrets(out, placeholders)).toBe(text);
  });

  it('puts originals back only where a known placeholder appears exactly', () => {
    const placeholders = { __KAIZEN_SECRET_1__: 's3cret' };
    expect(restoreSecrets('a __KAIZEN_SECRET_1__ b __KAIZEN_SECRET_2__ c __kaizen_secret_1__ __KAIZEN_SECRET_1_', placeholders)).toBe(
      'a s3cret b __KAIZEN_SECRET_2__ c __kaizen_secret_1__ __KAIZEN_SECRET_1_',
    );
    expect(restoreSecrets('__KAIZEN_SECRET_11__', placeholders)).toBe('__KAIZEN_SECRET_11__');
  });
});

describe('placeholderChange', () => {
  const before = placeholdersIn('a __KAIZEN_SECRET_1__ b __KAIZEN_SECRET_2__');

  it('accepts the same placeholders in the same order', () => {
    expect(placeholderChange(before, placeholdersIn('x __KAIZEN_SECRET_1__ y __KAIZEN_SECRET_2__ z'))).toBeNull();
  });

  it.each([
    ['dropped', 'a __KAIZEN_SECRET_2__', /__KAIZEN_SECRET_1__ occurs 0 time\(s\) instead of 1/],
    ['duplicated', '__KAIZEN_SECRET_1__ __KAIZEN_SECRET_1__ __KAIZEN_SECRET_2__', /__KAIZEN_SECRET_1__ occurs 2 time\(s\) instead of 1/],
    ['invented', '__KAIZEN_SECRET_1__ __KAIZEN_SECRET_2__ __KAIZEN_SECRET_9__', /__KAIZEN_SECRET_9__ occurs 1 time\(s\) instead of 0/],
    ['altered', '__KAIZEN_SECRET_1__ __KAIZEN_SECRET_2_', /__KAIZEN_SECRET_2__ occurs 0/],
    ['reordered', '__KAIZEN_SECRET_2__ __KAIZEN_SECRET_1__', /reordered/],
  ])('reports placeholders %s', (_name, after, message) => {
    expect(placeholderChange(before, placeholdersIn(after))).toMatch(message);
  });
});

describe('shannonEntropy', () => {
  it('measures bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abab')).toBe(1);
    expect(shannonEntropy('abcdefgh')).toBe(3);
  });
});

describe('secret files', () => {
  const excluded = compileExcludes(Config.parse({}));

  it.each([
    '.env',
    './.env',
    'sub/.ENV',
    'config/.Env.Local',
    '.env.example',
    '.envrc',
    'deploy/prod.env',
    'deploy\\server.PEM',
    'certs/client.p12',
    'certs/app.pfx',
    'keys/signing.key',
    'home/.ssh/config',
    'id_rsa',
    'keys/id_ed25519.pub',
    '.aws/credentials',
    'config/gcp-service-account.json',
    'config/service_account.json',
    '.npmrc',
    '.pypirc',
    '.netrc',
    'vault/passwords.kdbx',
    'infra/prod.tfvars',
    'src/Secrets.js',
    'src/credentialStore.ts',
  ])('%s is a secret file, whatever its case', (path) => {
    expect(isSecretPath(path)).toBe(true);
    expect(isSecretPath(path.toUpperCase())).toBe(true);
  });

  it.each(['src/environment.ts', 'src/tokenizer.ts', 'src/keyboard.js', 'docs/env.md', 'src/index.js', 'src/auth/login.ts'])('%s is not', (path) => {
    expect(isSecretPath(path)).toBe(false);
    expect(excluded(path)).toBe(false);
  });

  it('is part of the default excludes (lower case there; generate also checks any case)', () => {
    for (const path of ['.env', 'sub/.env.local', '.npmrc', 'keys/id_ed25519', 'certs/app.pfx', '.aws/config']) {
      expect(excluded(path)).toBe(true);
    }
  });
});
