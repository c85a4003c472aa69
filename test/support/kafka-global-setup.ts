import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

const script = 'infra/kafka/local.sh';
// A broker of the tests' own, beside any broker a developer runs on the default ports.
const testBroker = {
  KAFKA_LOCAL_DIR: join(process.cwd(), '.kafka-local', 'test'),
  KAFKA_PORT: process.env['KAFKA_TEST_PORT'] ?? '19092',
  KAFKA_CONTROLLER_PORT: process.env['KAFKA_TEST_CONTROLLER_PORT'] ?? '19093',
};

function run(command: string): { ok: boolean; output: string } {
  const result = spawnSync(script, [command], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ...testBroker },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

let startedHere = false;

/**
 * The Kafka tests need a real broker: KAFKA_BROKERS when set, otherwise the project's local
 * broker (infra/kafka/local.sh) on the test ports (KAFKA_TEST_PORT, default 19092), started
 * here if it is not running and stopped afterwards. Never skipped: if no broker
 * can be had, the run fails here saying why.
 */
export async function setup(project: TestProject): Promise<void> {
  let brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    const running = run('status').ok;
    if (!running) {
      const started = run('start');
      if (!started.ok) {
        throw new Error(
          `the Kafka tests need a broker: set KAFKA_BROKERS, or let ${script} start one (it needs Java 17+ and Maven):\n${started.output}`,
        );
      }
      startedHere = true;
    }
    brokers = `127.0.0.1:${testBroker.KAFKA_PORT}`;
  }
  project.provide('kafkaBrokers', brokers);
  return Promise.resolve();
}

export async function teardown(): Promise<void> {
  if (startedHere) run('stop');
  return Promise.resolve();
}
