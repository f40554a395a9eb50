import { defineConfig } from 'vitest/config';

// The chaos suite alone (npm run test:chaos): one long test that starts its own processes.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.suite.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    // The processes it starts run the sources as they are now, never a dist/ build of them.
    env: { STAUNCH_FROM_SOURCE: '1' },
  },
});
