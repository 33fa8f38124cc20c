// The workflow-safe rule, checked by `npm run lint`: everything the workflow bundle loads
// (src/workflows/index.ts and what it imports at run time, type-only imports excluded, as the
// bundler sees it) must be deterministic and free of Node: no Node built-ins, no package but
// @temporalio/workflow and @temporalio/common, no activity, adapter, CLI or worker code.
module.exports = {
  forbidden: [
    {
      name: 'workflow-bundle-safe',
      comment: 'The workflow bundle reaches this module; keep it pure (see docs/architecture.md, "What workflow code may import").',
      severity: 'error',
      from: { path: '^src/workflows/index[.]ts$' },
      to: {
        reachable: true,
        path: [
          '^src/(activities|adapters|cli)/',
          '^src/worker[.]ts$',
          '^node_modules/(?!@temporalio/(workflow|common)/)',
        ],
      },
    },
    {
      name: 'workflow-bundle-no-node',
      comment: 'Node built-ins are not deterministic and the workflow bundler refuses them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  // The main config's resolution, but blind to type-only imports, as the bundler is.
  options: { ...require('./.dependency-cruiser.cjs').options, includeOnly: undefined, tsPreCompilationDeps: false },
};
