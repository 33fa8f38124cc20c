// One line of style for the prompt: indentation, quotes and semicolons, from the repository's
// .editorconfig and Prettier config where they say so, else from the target file itself.
// Pure: the generate activity reads the files and hands their text in.

export interface StyleSources {
  /** Repo-relative path of the target (for .editorconfig sections). */
  path: string;
  content: string;
  editorconfig?: string | null;
  /** A Prettier config as JSON text (.prettierrc, .prettierrc.json, or package.json's "prettier"). */
  prettier?: string | null;
}

export interface Style {
  indent: { kind: 'tabs' } | { kind: 'spaces'; size: number } | null;
  quotes: 'single' | 'double' | null;
  semicolons: boolean | null;
}

export function detectStyle(sources: StyleSources): Style {
  const fromFile = styleOfText(sources.content);
  const fromEditorconfig = sources.editorconfig ? editorconfigIndent(sources.editorconfig, sources.path) : null;
  const prettier = sources.prettier ? prettierStyle(sources.prettier) : {};
  return {
    indent: prettier.indent ?? fromEditorconfig ?? fromFile.indent,
    quotes: prettier.quotes ?? fromFile.quotes,
    semicolons: prettier.semicolons ?? fromFile.semicolons,
  };
}

/** `Style: 2-space indentation, single quotes, semicolons.` or null when nothing is known. */
export function styleHint(sources: StyleSources): string | null {
  const style = detectStyle(sources);
  const parts: string[] = [];
  if (style.indent) parts.push(style.indent.kind === 'tabs' ? 'tab indentation' : `${style.indent.size}-space indentation`);
  if (style.quotes) parts.push(`${style.quotes} quotes`);
  if (style.semicolons !== null) parts.push(style.semicolons ? 'semicolons' : 'no semicolons');
  return parts.length ? `Style: ${parts.join(', ')}; match the surrounding code.` : null;
}

export function styleOfText(content: string): Style {
  const lines = content.split('\n');
  let tabs = 0;
  const spaceIndents: number[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) tabs++;
    else {
      const spaces = /^( +)\S/.exec(line)?.[1]?.length;
      if (spaces !== undefined) spaceIndents.push(spaces);
    }
  }
  let indent: Style['indent'] = null;
  if (tabs > spaceIndents.length && tabs > 0) indent = { kind: 'tabs' };
  else if (spaceIndents.length > 0) indent = { kind: 'spaces', size: spaceIndents.some((n) => n % 4 !== 0) ? 2 : Math.min(...spaceIndents) >= 4 ? 4 : 2 };

  const code = lines.filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
  const single = (code.match(/'[^'\n]*'/g) ?? []).length;
  const double = (code.match(/"[^"\n]*"/g) ?? []).length;
  const quotes = single === double ? null : single > double ? 'single' : 'double';

  const statementEnds = lines.map((l) => l.trimEnd()).filter((l) => /[\w)\]'"`]$|;$/.test(l) && !/^\s*(\/\/|\*|import\s*\{?$)/.test(l));
  const withSemi = statementEnds.filter((l) => l.endsWith(';')).length;
  const semicolons = statementEnds.length < 3 ? null : withSemi * 2 >= statementEnds.length;
  return { indent, quotes, semicolons };
}

/** indent_style / indent_size of the sections that apply to `path` (later sections win). */
export function editorconfigIndent(text: string, path: string): Style['indent'] {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  let applies = false;
  let style: string | undefined;
  let size: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      applies = sectionApplies(section[1] as string, extension);
      continue;
    }
    const pair = /^([a-z_]+)\s*=\s*(\S+)$/i.exec(line);
    if (!pair || !applies) continue;
    const key = (pair[1] as string).toLowerCase();
    const value = (pair[2] as string).toLowerCase();
    if (key === 'indent_style') style = value;
    if (key === 'indent_size' && /^\d+$/.test(value)) size = Number(value);
  }
  if (style === 'tab') return { kind: 'tabs' };
  if (style === 'space' || size !== undefined) return { kind: 'spaces', size: size ?? 2 };
  return null;
}

function sectionApplies(glob: string, extension: string): boolean {
  if (glob === '*' || glob === '**' || glob === '**/*') return true;
  const braces = /\*\.\{([^}]*)\}$/.exec(glob);
  if (braces) return (braces[1] as string).split(',').map((e) => e.trim().toLowerCase()).includes(extension);
  const single = /\*\.([^./*{}]+)$/.exec(glob);
  return single ? (single[1] as string).toLowerCase() === extension : false;
}

function prettierStyle(text: string): Partial<Style> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const config = raw as Record<string, unknown>;
  const out: Partial<Style> = {};
  if (config.useTabs === true) out.indent = { kind: 'tabs' };
  else if (typeof config.tabWidth === 'number') out.indent = { kind: 'spaces', size: config.tabWidth };
  if (typeof config.singleQuote === 'boolean') out.quotes = config.singleQuote ? 'single' : 'double';
  if (typeof config.semi === 'boolean') out.semicolons = config.semi;
  return out;
}
