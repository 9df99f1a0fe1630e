import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Deadlines for a hung test, not speed limits: the browser, child-process and Wine tests take 2-3x
    // longer on a loaded two-core machine (measured with CPU burners alongside), so the margin is wide.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The tiers. `npm test` runs them all; `npm run test:unit` only the hermetic one, which starts
    // no process and opens no socket (test/support/hermetic.ts refuses both).
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/support/hermetic.ts'] } },
      { extends: true, test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
