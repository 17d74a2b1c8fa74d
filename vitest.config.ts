import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// One vitest run over every workspace. Tests that need PostgreSQL or Redis read the
// connection settings that scripts/test.ts exports (a dedicated test database).

/**
 * Tests that assert latency figures. `npm test` runs them on their own after everything else, so
 * that what they measure is the system under the load they create, not the rest of the suite
 * running beside them on the machine's two cores.
 */
const LATENCY_TESTS = ['server/src/realtime/noisy-neighbour.test.ts'];

/**
 * The SII pipeline's end-to-end test, the suite's longest file: a project of its own, so that
 * `npm test` can run it in the lane beside the server's tests and the two lanes end together.
 */
const PIPELINE_TESTS = ['server/src/sii/pipeline.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'shared', include: ['shared/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'sii-core', include: ['sii-core/src/**/*.test.ts'] } },
      // Repository-wide checks: the dependency rules over the import graph.
      { extends: true, test: { name: 'repo', include: ['scripts/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts'],
          exclude: [...LATENCY_TESTS, ...PIPELINE_TESTS],
        },
      },
      { extends: true, test: { name: 'server-pipeline', include: PIPELINE_TESTS } },
      { extends: true, test: { name: 'latency', include: LATENCY_TESTS } },
      { extends: true, test: { name: 'hardware-hub', include: ['hardware-hub/src/**/*.test.ts'] } },
      {
        extends: true,
        // Single-file components (.vue) in client unit tests.
        plugins: [vue()],
        test: { name: 'client', include: ['client/src/**/*.test.ts'] },
      },
      {
        extends: true,
        // Browser tests: the client is built once per run for all of them.
        test: {
          name: 'e2e',
          include: ['client/e2e/**/*.test.ts'],
          globalSetup: ['client/e2e/build-client.ts'],
        },
      },
    ],
    testTimeout: 30_000,
    // A poll waits for what a real process, browser or service does: seconds on a busy machine
    // (vitest's default is 1 s). What is asserted stays exact; only the wait is longer.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
