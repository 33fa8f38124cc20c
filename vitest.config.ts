import { defineConfig } from 'vitest/config';

// Projects so a fast run exists: `npm run test:unit` (pure logic) takes seconds; integration
// tests use real git repositories, processes and HTTP servers; workflow tests use the
// time-skipping server; e2e tests use a real dev server started in globalSetup; cluster tests
// run the real Temporal server on PostgreSQL (`npm run test:cluster`, CI runs it after npm test).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['tests/workflows/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        // The real Temporal server on PostgreSQL (`npm run test:cluster`, not part of `npm test`):
        // globalSetup builds the server the first time (minutes), each file starts its own cluster.
        test: {
          name: 'cluster',
          include: ['tests/cluster/**/*.test.ts'],
          globalSetup: ['tests/cluster/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
