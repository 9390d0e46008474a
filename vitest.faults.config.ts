import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the whole fault and abuse suite — the fast cases (test/faults/*.test.ts, also in
 * `npm test`) and the long ones (test/faults/long/**: kill -9, a full disk, a database restart, two syncs
 * at once). test/support/fault-table.ts prints the table at the end and fails the run on any lost or
 * duplicated study.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/fault-table.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
