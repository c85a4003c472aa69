import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService, type Service } from './spawn-service.ts';
import { waitFor } from './test-leaderboard.ts';

export interface RunningFront {
  /** CLICKHOUSE_URL for the product's processes. */
  url: string;
  port: number;
  dataDir: string;
  service: Service;
  stop(): Promise<number | null>;
}

/**
 * Starts the test-only ClickHouse HTTP front (test/support/clickhouse-front/) in a process of its
 * own over one chdb data directory, and resolves once it listens.
 */
export async function startClickHouseFront(
  options: { dataDir?: string; users?: Record<string, string>; connections?: number; log?: boolean } = {},
): Promise<RunningFront> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'leaderboard-front-'));
  const service = spawnService('test/support/clickhouse-front/main.ts', {
    FRONT_DATA_DIR: dataDir,
    FRONT_USERS: JSON.stringify(options.users ?? { default: '' }),
    FRONT_CONNECTIONS: String(options.connections ?? 4),
    FRONT_LOG: options.log ? '1' : '0',
  });
  const port = await waitFor(
    async () => {
      const match = /clickhouse front listening on (\d+)/.exec(service.output());
      if (match?.[1]) return Number(match[1]);
      if (service.child.exitCode !== null) throw new Error(`the front exited:\n${service.output()}`);
      throw new Error('not listening yet');
    },
    60_000,
    50,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    service,
    stop: () => service.stop('SIGTERM'),
  };
}
