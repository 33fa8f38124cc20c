// The compiled CLI as two CommonJS files that the `kaizen` bin loads with V8's code cache
// (bin/code-cache.cjs): dist/cli/bundle.cjs holds the command tree (commander and
// src/cli/program.ts: all `--help` needs), dist/cli/commands.cjs every command's module and
// what they import, loaded on the first command that runs. Starting `kaizen improve` through
// dist/'s ~300 separate modules cost ~0.5 s of a 2-core machine's CPU, mostly resolving,
// reading and compiling @temporalio/client's dependencies; one cached file takes ~0.2 s.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { CLI_FOLDER, COMMANDS_FILE, LOAD_COMMANDS_KEY, TREE_FILE } from '../bin/cli-layout.cjs';

/** Where the bin puts its loader of the commands file (with the code cache); without it, a plain require. */
const LOAD_COMMANDS = `Symbol.for(${JSON.stringify(LOAD_COMMANDS_KEY)})`;
/** How the command tree requires the commands file: next to it. */
const COMMANDS_REQUIRE = `./${COMMANDS_FILE}`;

/** Packages with native code or a size only some commands need: required from node_modules when used. */
const EXTERNAL_PACKAGES = ['@temporalio/worker', '@temporalio/core-bridge', '@temporalio/testing', 'typescript', 'eslint', 'tsx'];

/**
 * A module that finds files from its own location (`import.meta.url`) sees the location of its
 * compiled twin in dist/, as if it had been loaded from there: the workflow bundle and
 * workflows next to it, Kaizen's home above it.
 */
function importMetaAsInDist(home: string): Plugin {
  return {
    name: 'import-meta-as-in-dist',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const twin = relative(join(home, 'src'), args.path).split(sep).join('/').replace(/\.ts$/, '.js');
        const url = `require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', ${JSON.stringify(twin)})).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** In bundle.cjs, program.ts's command modules come from commands.cjs, loaded on first use. */
const commandsFromSecondFile: Plugin = {
  name: 'commands-from-second-file',
  setup(b) {
    b.onResolve({ filter: /^\.\/command-modules\.js$/ }, () => ({ path: 'command-modules', namespace: 'kaizen-commands' }));
    b.onResolve({ filter: /\.cjs$/ }, (args) => (args.path === COMMANDS_REQUIRE ? { path: args.path, external: true } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'kaizen-commands' }, () => ({
      loader: 'js',
      contents: `let loaded;
const commands = () => (loaded ??= (globalThis[${LOAD_COMMANDS}] ?? (() => require(${JSON.stringify(COMMANDS_REQUIRE)})))());
export const commandModules = new Proxy({}, { get: (_, name) => () => Promise.resolve().then(() => commands().commandModules[name]()) });
`,
    }));
  },
};

/** Bundles HOME's CLI into HOME's dist/cli/; returns how many modules the two files hold. */
export async function bundleCli(home: string): Promise<number> {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The bin compiles each file with vm.Script for the code cache, where import() needs a Node
    // flag: lazily imported modules become lazily initialised parts of the file instead.
    supported: { 'dynamic-import': false },
    external: EXTERNAL_PACKAGES,
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  } satisfies BuildOptions;
  const [tree, commands] = await Promise.all([
    build({ ...common, entryPoints: [join(home, 'src', 'cli', 'cli.ts')], outfile: join(home, CLI_FOLDER, TREE_FILE), plugins: [commandsFromSecondFile, importMetaAsInDist(home)] }),
    build({ ...common, entryPoints: [join(home, 'src', 'cli', 'command-modules.ts')], outfile: join(home, CLI_FOLDER, COMMANDS_FILE), plugins: [importMetaAsInDist(home)] }),
  ]);
  return Object.keys(tree.metafile?.inputs ?? {}).length + Object.keys(commands.metafile?.inputs ?? {}).length;
}
