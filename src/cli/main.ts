#!/usr/bin/env node
// The `kaizen` command line entry point: the only place that calls process.exit (the bin does
// too, for the compiled CLI in dist/cli/bundle.cjs and commands.cjs).
import { runCli } from './cli.js';

// Temporal's native runtime can keep the event loop alive after a command is done.
process.exit(await runCli(process.argv));
