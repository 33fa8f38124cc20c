#!/usr/bin/env node
// The `kaizen` command line entry point: the only place that calls process.exit.
import { buildProgram } from './program.js';
import { CliError } from './errors.js';

try {
  await buildProgram().parseAsync(process.argv);
  // Temporal's native runtime can keep the event loop alive after a command is done.
  process.exit(process.exitCode ?? 0);
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kaizen: ${message}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
}
