// Error texts that may be logged, stored in the ledger or in workflow history must not
// carry webhook URLs (their path is the credential) or any other secret value.

/** Every http(s) URL becomes its scheme and host: `https://hooks.slack.com/…`. */
export function redactUrls(text: string): string {
  return text.replace(/\b(https?):\/\/([^/\s?#@]*@)?([^/\s?#]+)[^\s"'<>)]*/gi, (_m, scheme: string, _userinfo, host: string) => `${scheme}://${host}/…`);
}

/** Replaces each known secret value (at least 4 characters, longest first) with `[redacted]`. */
export function redactValues(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join('[redacted]');
  return out;
}

/** Replaces each known secret value with `[redacted]`, then URLs. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactUrls(redactValues(text, secrets));
}
