// `npm run bench -- [flags]`: which fixtures, how many pairs and improvements, where the JSON goes.
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURES, FIXTURES, fixtureNamed, type FixtureSpec } from './fixtures/specs.js';
import { KAIZEN_ENTRY } from './kaizen.js';

export interface BenchOptions {
  repos: FixtureSpec[];
  pairs: number;
  improvements: number;
  json?: string;
  keep: boolean;
  entry: string;
  coldStartRuns: number;
}

export const USAGE = `Usage: npm run bench -- [--repos ${DEFAULT_FIXTURES.join(',')}] [--pairs 6] [--improvements 5] [--json FILE] [--keep] [--entry ${KAIZEN_ENTRY}]

  --repos LIST        fixtures to measure: ${FIXTURES.map((f) => f.name).join(', ')}
  --pairs N           pairs of identically prepared copies per fixture (default 6)
  --improvements N    improvements in a row on each copy (default 5)
  --json FILE         also write every figure and sample as JSON
  --keep              keep the fixtures, worktrees and logs (the folder is printed)
  --entry PATH        what \`kaizen\` runs, relative to Kaizen's folder (default ${KAIZEN_ENTRY})
  --cold-start-runs N \`kaizen --help\` runs for the cold start (default 10)`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      repos: { type: 'string', default: DEFAULT_FIXTURES.join(',') },
      pairs: { type: 'string', default: '6' },
      improvements: { type: 'string', default: '5' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      entry: { type: 'string', default: KAIZEN_ENTRY },
      'cold-start-runs': { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const repos = values.repos.split(',').map((name) => {
    const spec = fixtureNamed(name.trim());
    if (!spec) throw new UsageError(`--repos: no fixture '${name}'; choose from ${FIXTURES.map((f) => f.name).join(', ')}.`);
    return spec;
  });
  return {
    repos,
    pairs: positive(values.pairs, '--pairs'),
    improvements: positive(values.improvements, '--improvements'),
    ...(values.json ? { json: values.json } : {}),
    keep: values.keep,
    entry: values.entry,
    coldStartRuns: positive(values['cold-start-runs'], '--cold-start-runs'),
  };
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, not '${value}'.`);
  return n;
}
