import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { yamlModule } from './schemas/examples/yaml-module.ts';

// Under scripts/faketime-test.sh (the system date moved by libfaketime) the workers run without
// libfaketime and move their Date themselves: test/support/moved-date.ts says why.
const preload = process.env['LD_PRELOAD'] ?? '';
const movedDate = preload.includes('libfaketime')
  ? { env: { LD_PRELOAD: '', FAKETIME_CHILD_PRELOAD: preload }, setupFiles: ['test/support/moved-date-setup.ts'] }
  : {};

export default defineConfig({
  // The console's templates import their YAML (schemas/examples/templates) as data, as esbuild does.
  plugins: [{ name: 'yaml', transform: (code, id) => (id.endsWith('.yaml') ? yamlModule(code) : undefined) }],
  test: {
    include: ['test/**/*.test.ts'],
    // chdb binds one data directory per process; forks give every test file its own process.
    pool: 'forks',
    // Most files spend their time waiting (on the broker, Chromium, debounces), so two run at once
    // even on two cores (vitest's default there is one): the whole run took 1,045 s one at a time
    // and 720 s two at a time on the 2-core CI machine, with every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A real Kafka broker for the pipeline tests (never skipped; see the file).
    globalSetup: ['test/support/kafka-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    ...movedDate,
  },
});
