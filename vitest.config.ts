import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql for our code, yoga and Pothos: otherwise vitest loads the ESM build for us and the CJS
    // build for them, our GraphQLErrors stop being theirs, and auth errors turn into 500s.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Three server processes behind HAProxy: `npm run test:cluster` (vitest.cluster.config.ts), not part of `npm test`.
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances are memory-hungry; two workers suit the 2-core machines we run on.
    pool: 'forks',
    maxWorkers: 2,
  },
});
