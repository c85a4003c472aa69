import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

const script = 'infra/kafka/local.sh';
let broker: Record<string, string> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function run(command: string, env: Record<string, string>): { ok: boolean; output: string } {
  const result = spawnSync(script, [command], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * The Kafka tests need a real broker: KAFKA_BROKERS when set, otherwise a broker of this run's
 * own, started with the project's script (infra/kafka/local.sh) on free ports with a fresh state
 * folder, and stopped afterwards. Never skipped: if no broker can be had, the run fails here
 * saying why.
 */
export async function setup(project: TestProject): Promise<void> {
  let brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    broker = {
      KAFKA_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-test-kafka-')),
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      // Tests stamp records with fixed clocks, months or years before the real date: with Kafka's
      // 7-day retention the broker deleted them at its next check (every 5 minutes), under the
      // consumers' feet. Kept for good; checked every 2 s so that a regression shows at once
      // (test/integration/kafka-retention.test.ts).
      KAFKA_RETENTION_MS: '-1',
      KAFKA_RETENTION_CHECK_MS: '2000',
    };
    const started = run('start', broker);
    if (!started.ok) {
      throw new Error(
        `the Kafka tests need a broker: set KAFKA_BROKERS, or let ${script} start one (it needs Java 17+ and Maven):\n${started.output}`,
      );
    }
    brokers = `127.0.0.1:${broker['KAFKA_PORT'] ?? ''}`;
  }
  project.provide('kafkaBrokers', brokers);
}

export function teardown(): void {
  if (!broker) return;
  run('stop', broker);
  rmSync(broker['KAFKA_LOCAL_DIR'] ?? '', { recursive: true, force: true });
}
