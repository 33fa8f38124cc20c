// One `kaizen` command line, run to its exit code. Shared by the entry module (main.ts) and the
// compiled CLI (dist/cli/bundle.cjs and commands.cjs), which the bin loads with V8's code cache.
import { buildProgram } from './program.js';
import type { CliError } from './errors.js';

/** Runs the command in `argv` (as process.argv); resolves to the exit code, printing any error as one line. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    const code = process.exitCode ?? 0;
    return typeof code === 'number' ? code : Number(code) || 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`kaizen: ${message}\n`);
    return exitCodeOf(err);
  }
}

/** A CliError's exit code, known by its name: the compiled CLI's commands file has its own copy of the class. */
function exitCodeOf(err: unknown): number {
  const exitCode = err instanceof Error && err.name === 'CliError' ? (err as Partial<CliError>).exitCode : undefined;
  return typeof exitCode === 'number' ? exitCode : 1;
}
