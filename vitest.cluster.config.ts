import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: test/cluster/ drives scripts/cluster (three server processes, HAProxy, a private PostgreSQL
// and Redis). One file at a time, in order: the scenarios share one cluster and some stop parts of it.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
