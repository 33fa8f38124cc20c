// The one reader of environment variables: what each subsystem gets, and the documentation
// that must name every variable.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configuredTaskQueue, ENVIRONMENT_VARIABLES, gitAuthor, llmSettings, namedSecret, searchPath, smtpSettings, webUiBase } from '../../../src/core/config/environment.js';

describe('environment', () => {
  it('docs/configuration.md lists every variable Kaizen reads', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const missing = ENVIRONMENT_VARIABLES.map((v) => v.name).filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('treats blank values as unset and keeps an empty SMTP password as given', () => {
    expect(configuredTaskQueue({ KAIZEN_TASK_QUEUE: '  ' })).toBeUndefined();
    expect(llmSettings({ OPENAI_API_KEY: ' sk-x ', KAIZEN_MODEL: '' })).toMatchObject({ apiKey: 'sk-x', model: undefined });
    expect(smtpSettings({ SMTP_HOST: 'mail', SMTP_SECURE: 'TRUE', SMTP_PASSWORD: '' })).toMatchObject({ host: 'mail', secure: true, requireTls: false, password: '' });
    expect(gitAuthor({})).toEqual({ name: 'Kaizen', email: 'kaizen@localhost' });
    expect(namedSecret({ ALERTS_URL: 'https://hooks.example/x' }, 'ALERTS_URL')).toBe('https://hooks.example/x');
    expect(searchPath({ PATH: '/usr/bin::/bin' })).toEqual(['/usr/bin', '/bin']);
  });

  it('links the Web UI at KAIZEN_UI_URL, else by the dev server convention', () => {
    expect(webUiBase({ KAIZEN_UI_URL: 'https://ui.example/' })).toBe('https://ui.example');
    expect(webUiBase({}, '127.0.0.1:7300')).toBe('http://localhost:8300');
    expect(webUiBase({}, 'temporal.example:7233')).toBe('http://localhost:8233');
  });

  it("links to the Web UI recorded for a dev server started with --ui-port, unless KAIZEN_UI_URL says otherwise", () => {
    expect(webUiBase({}, '127.0.0.1:7300', 'http://127.0.0.1:9999/')).toBe('http://127.0.0.1:9999');
    expect(webUiBase({ KAIZEN_UI_URL: 'https://ui.example' }, '127.0.0.1:7300', 'http://127.0.0.1:9999')).toBe('https://ui.example');
    expect(webUiBase({}, '127.0.0.1:7300', '')).toBe('http://localhost:8300');
  });
});
