// `npm run build` (also run by `npm ci` / `npm install` through `prepare`): compiles src/ to
// dist/ with tsc, bundles the workflows once into dist/workflow-bundle.js, and writes
// dist/build-stamp.json last. The `kaizen` bin runs dist/ only while that stamp matches the
// sources (bin/build-stamp.cjs); otherwise it runs src/ through tsx, as development does.
//   --if-possible   a failed build leaves no dist/ and exits 0 (the bin then uses tsx)
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stampNow, STAMP_FILE } from '../bin/build-stamp.cjs';
import { KAIZEN_HOME } from '../src/adapters/install-folder.js';
import type * as WorkflowBundleModule from '../src/adapters/temporal/workflow-bundle.js';
import { bundleCli } from './cli-bundle.js';

const DIST = join(KAIZEN_HOME, 'dist');
const ifPossible = process.argv.includes('--if-possible');

async function build(): Promise<void> {
  const started = performance.now();
  // The stamp goes first: a build that stops half-way must never look current.
  await rm(join(KAIZEN_HOME, STAMP_FILE), { force: true });
  await rm(DIST, { recursive: true, force: true });
  // Taken before compiling: a source edited meanwhile no longer matches, so dist/ is not used.
  const stamp = stampNow(KAIZEN_HOME);
  execFileSync(process.execPath, [join(KAIZEN_HOME, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(KAIZEN_HOME, 'tsconfig.build.json')], { stdio: 'inherit' });
  // Imported from the compiled code, so the bundle is made from exactly what dist/ holds.
  const bundler = (await import(join(DIST, 'adapters', 'temporal', 'workflow-bundle.js'))) as typeof WorkflowBundleModule;
  const bundle = await bundler.bundleWorkflows();
  await writeFile(join(DIST, bundler.WORKFLOW_BUNDLE_FILE), bundle.code);
  const cliInputs = await bundleCli(KAIZEN_HOME);
  await writeFile(join(KAIZEN_HOME, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
  console.log(`kaizen: built dist/ (${stamp.files.length} inputs, workflow bundle ${Math.round(bundle.code.length / 1024)} KiB) and the CLI (${cliInputs} modules in two files) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  await build();
} catch (err) {
  await rm(DIST, { recursive: true, force: true });
  const message = err instanceof Error ? err.message : String(err);
  if (!ifPossible) {
    console.error(`kaizen: build failed: ${message}`);
    process.exit(1);
  }
  console.warn(`kaizen: could not build dist/ (${message.split('\n')[0]}); the kaizen command runs the sources through tsx instead. Run 'npm run build' to see why.`);
}
