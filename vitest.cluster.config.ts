// `pnpm test:cluster`: the gateway scaled out and under faults (cluster/src/__tests__), with real
// components each test starts privately (PgBouncer, redis-server, a PostgreSQL cluster, gateway
// processes). Kept out of `pnpm test` (slower, one file at a time); .ci/run runs it after `pnpm test`.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // Replaced, not merged: only the cluster suite.
    include: ['cluster/src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file starts gateway processes of its own: one file at a time on two cores.
    maxWorkers: 1,
  },
});
