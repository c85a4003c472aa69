import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // chdb binds one data directory per process; forks give every test file its own process.
    pool: 'forks',
    // A real Kafka broker for the pipeline tests (never skipped; see the file).
    globalSetup: ['test/support/kafka-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
