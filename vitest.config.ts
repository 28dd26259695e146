import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CJS (main) and ESM (module) builds without an exports map. Node (and the
// libraries vitest leaves to Node: yoga, Pothos) load the CJS one; vite would hand our sources the
// ESM one, and `instanceof GraphQLError` would then fail across the two. One copy for all:
const graphqlCjs = createRequire(new URL('./services/gateway/package.json', import.meta.url)).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'prisma/**/*.test.ts', 'docker/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: a couple of files at a time against one PostgreSQL.
    pool: 'forks',
    maxWorkers: 2,
  },
});
