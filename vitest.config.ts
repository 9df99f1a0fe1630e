import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Deadlines for a hung test, not speed limits: the browser, child-process and Wine tests take 2-3x
    // longer on a loaded two-core machine (measured with CPU burners alongside), so the margin is wide.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
