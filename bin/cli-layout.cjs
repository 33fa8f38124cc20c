// Where the compiled CLI lives and how its two files meet: the `kaizen` bin loads them, and
// scripts/cli-bundle.ts writes them. The command tree (TREE_FILE, all `--help` reads) asks for
// the commands (COMMANDS_FILE) through the function the bin leaves at
// `globalThis[Symbol.for(LOAD_COMMANDS_KEY)]`, so the commands come with their code cache.
// Plain CommonJS with no imports: the bin loads it on every start.
'use strict';

/** The compiled CLI's folder, relative to Kaizen's home. */
const CLI_FOLDER = 'dist/cli';
/** The command tree: commander and src/cli/program.ts. */
const TREE_FILE = 'bundle.cjs';
/** Every command's module and what they import, loaded when a command runs. */
const COMMANDS_FILE = 'commands.cjs';
/** The global symbol's key under which the bin puts its loader of COMMANDS_FILE. */
const LOAD_COMMANDS_KEY = 'kaizen.cli.loadCommands';

module.exports = { CLI_FOLDER, TREE_FILE, COMMANDS_FILE, LOAD_COMMANDS_KEY };
