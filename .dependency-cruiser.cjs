// Kaizen's floors and the rules between them, checked by `npm run lint` (docs/architecture.md).
// From the top floor down: cli → worker → workflows → activities → adapters → contracts → core.
// A module may import its own floor and the floors below it, never one above; nothing may
// import in a loop. Workflow code is checked once more by .dependency-cruiser-bundle.cjs,
// which sees only what the workflow bundle really loads.
const FLOORS = ['core', 'contracts', 'adapters', 'activities', 'workflows', 'worker', 'cli'];
const pathOf = (floor) => (floor === 'worker' ? '^src/worker[.]ts$' : `^src/${floor}/`);

/** A floor may not import any floor above it. */
const upwards = FLOORS.slice(0, -1).map((floor, index) => ({
  name: `no-import-up-from-${floor}`,
  comment: `src/${floor} is below ${FLOORS.slice(index + 1).join(', ')}: it may not import them.`,
  severity: 'error',
  from: { path: pathOf(floor) },
  to: { path: FLOORS.slice(index + 1).map(pathOf) },
}));

// Workflows sit above activities but may only know their types (proxyActivities<typeof ...>):
// activity code runs on workers, never inside the deterministic workflow sandbox.
const workflowsUseActivityTypesOnly = {
  name: 'workflows-import-activity-types-only',
  comment: 'Workflow code may only `import type` from src/activities (see docs/architecture.md).',
  severity: 'error',
  from: { path: '^src/workflows/' },
  to: { path: ['^src/activities/', '^src/adapters/'], dependencyTypesNot: ['type-only'] },
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a loop; move the shared part down a floor.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...upwards,
    workflowsUseActivityTypesOnly,
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/|node_modules',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
