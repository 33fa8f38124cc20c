import { describe, expect, it } from 'vitest';
import { detectStyle, editorconfigIndent, styleHint, styleOfText } from '../../../src/core/llm/style-hints.js';

const TWO_SPACES_SINGLE_SEMI = "import x from 'x';\nexport function f(a) {\n  if (a) {\n    return 'a';\n  }\n  return x('b');\n}\n";

describe('style hints', () => {
  it('reads indentation, quotes and semicolons from the file itself', () => {
    expect(styleOfText(TWO_SPACES_SINGLE_SEMI)).toEqual({ indent: { kind: 'spaces', size: 2 }, quotes: 'single', semicolons: true });
    expect(styleOfText('const a = "x"\nfunction f() {\n\treturn "y"\n}\nf()\n')).toEqual({ indent: { kind: 'tabs' }, quotes: 'double', semicolons: false });
    expect(styleOfText('function f() {\n    return 1;\n}\n').indent).toEqual({ kind: 'spaces', size: 4 });
  });

  it('lets .editorconfig decide the indentation for the sections that match the file', () => {
    const editorconfig = 'root = true\n[*]\nindent_style = space\nindent_size = 2\n[*.{py,md}]\nindent_size = 4\n[Makefile]\nindent_style = tab\n';
    expect(editorconfigIndent(editorconfig, 'src/a.js')).toEqual({ kind: 'spaces', size: 2 });
    expect(editorconfigIndent(editorconfig, 'tools/b.py')).toEqual({ kind: 'spaces', size: 4 });
    expect(editorconfigIndent('[*.ts]\nindent_style = tab\n', 'a.js')).toBeNull();
  });

  it('lets a Prettier config win over the file and .editorconfig', () => {
    const style = detectStyle({ path: 'a.js', content: TWO_SPACES_SINGLE_SEMI, editorconfig: '[*]\nindent_size = 8\n', prettier: '{"semi": false, "singleQuote": false, "tabWidth": 4}' });
    expect(style).toEqual({ indent: { kind: 'spaces', size: 4 }, quotes: 'double', semicolons: false });
  });

  it('is one short line for the prompt, or nothing when nothing is known', () => {
    expect(styleHint({ path: 'a.js', content: TWO_SPACES_SINGLE_SEMI })).toBe('Style: 2-space indentation, single quotes, semicolons; match the surrounding code.');
    expect(styleHint({ path: 'a.txt', content: 'x' })).toBeNull();
    expect(styleHint({ path: 'a.js', content: 'x', prettier: 'not json' })).toBeNull();
  });
});
