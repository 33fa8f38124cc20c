// The compiled CLI as one CommonJS file, dist/cli/bundle.cjs, which the `kaizen` bin loads with
// V8's code cache (bin/code-cache.js). Starting `kaizen improve` through dist/'s ~300 separate
// modules cost ~0.5 s of a 2-core machine's CPU, mostly resolving, reading and compiling
// @temporalio/client's dependencies; one file whose compiled code is cached takes ~0.2 s.
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const CLI_BUNDLE = join('dist', 'cli', 'bundle.cjs');

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

/**
 * Bundles HOME's src/cli/cli.ts into HOME's dist/cli/bundle.cjs, or into OUT_HOME's (whose modules
 * then find their files from there); returns how many modules it holds.
 */
export async function bundleCli(home: string, outHome = home): Promise<number> {
  const result = await build({
    entryPoints: [join(home, 'src', 'cli', 'cli.ts')],
    outfile: join(outHome, CLI_BUNDLE),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The bin compiles the bundle with vm.Script for the code cache, where import() needs a Node
    // flag: lazily loaded modules become lazily initialised parts of the bundle instead.
    supported: { 'dynamic-import': false },
    external: EXTERNAL_PACKAGES,
    plugins: [importMetaAsInDist(home)],
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.inputs).length;
}
