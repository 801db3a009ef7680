import { defineConfig } from 'vitest/config';

// Two tiers. `unit`: pure code, local HTTP fakes, SQLite at most; no global setup, no Temporal,
// no PostgreSQL (test/support/unit-setup.ts refuses connections), seconds to run
// (`npm run test:unit`). `integration`: the real Temporal dev server, the time-skipping server
// and a throw-away PostgreSQL database from the global setup; the contract tests are here too.
export default defineConfig({
  test: {
    pool: 'forks',
    // Failures are repeated at the end of the run with their logs; passing tests print nothing.
    reporters: ['default'],
    silent: 'passed-only',
    // Integration tests take a second or more on a shared machine: list only the really slow ones.
    slowTestThreshold: 10_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/unit-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // test/browser: the console in Debian's chromium against the real engine (same dev server).
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/integration-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
