import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'storage-drivers/**/*.test.ts',
      'notifiers/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites against real servers create their own databases, so files may run in parallel,
    // but two cores do not gain from more than two workers.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // Every staunch a test spawns runs the sources as they are now, never a dist/ build of them.
    env: { STAUNCH_FROM_SOURCE: '1' },
  },
});
