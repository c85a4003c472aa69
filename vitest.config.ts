import { defineConfig } from 'vitest/config';
import { yamlModule } from './schemas/examples/yaml-module.ts';

export default defineConfig({
  // The console's templates import their YAML (schemas/examples/templates) as data, as esbuild does.
  plugins: [{ name: 'yaml', transform: (code, id) => (id.endsWith('.yaml') ? yamlModule(code) : undefined) }],
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
