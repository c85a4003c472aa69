import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

const script = 'infra/kafka/local.sh';

function run(command: string): { ok: boolean; output: string } {
  const result = spawnSync(script, [command], { encoding: 'utf8', timeout: 300_000 });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

let startedHere = false;

/**
 * The Kafka tests need a real broker: KAFKA_BROKERS when set, otherwise the project's local
 * broker (infra/kafka/local.sh), started here if it is not running. Never skipped: if no broker
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
    brokers = `127.0.0.1:${process.env['KAFKA_PORT'] ?? '9092'}`;
  }
  project.provide('kafkaBrokers', brokers);
  return Promise.resolve();
}

export async function teardown(): Promise<void> {
  if (startedHere) run('stop');
  return Promise.resolve();
}
