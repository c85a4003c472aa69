import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/spawn-service.ts';

// The script the tests, CI and a developer's machine start brokers with (infra/kafka/local.sh).
const run = promisify(execFile);
const started: Record<string, string>[] = [];

async function brokerEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const env = {
    KAFKA_LOCAL_DIR: mkdtempSync(join(tmpdir(), 'leaderboard-kafka-script-')),
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_HEAP: '256m',
    ...extra,
  };
  started.push(env);
  return env;
}

async function script(
  command: 'start' | 'stop' | 'status',
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('infra/kafka/local.sh', [command], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

afterAll(async () => {
  for (const env of started) await script('stop', env);
});

describe('infra/kafka/local.sh', () => {
  it('says why a broker that cannot start exited, with its own output, and leaves nothing running', async () => {
    const env = await brokerEnv({ KAFKA_HEAP: '1k' });
    const start = await script('start', env);
    expect(start.code).toBe(1);
    expect(start.out).toContain('the broker exited during start-up');
    // The JVM's own words, from the log tail the script prints (its `tail -20 a b` printed nothing).
    expect(start.out).toContain('Too small maximum heap');
    expect(existsSync(join(env['KAFKA_LOCAL_DIR'] ?? '', 'broker.pid'))).toBe(false);
    expect((await script('status', env)).code).toBe(3);
  });

  it('started again after a stop, answers ready only once this run has started', async () => {
    const env = await brokerEnv();
    expect((await script('start', env)).code).toBe(0);
    expect((await script('stop', env)).code).toBe(0);
    const again = await script('start', env);
    expect(again.code, again.out).toBe(0);
    // The log keeps the first run's "Kafka Server started": the second start must wait for its own.
    const log = readFileSync(join(env['KAFKA_LOCAL_DIR'] ?? '', 'logs', 'server.log'), 'utf8');
    expect(log.match(/Kafka Server started/g)).toHaveLength(2);
    expect((await script('status', env)).out).toContain('running (pid');
  }, 120_000);
});
