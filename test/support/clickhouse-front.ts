import { mkdtempSync, writeFileSync } from 'node:fs';
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
 * The engine's configuration for a cluster of one shard with one replica, the front's engine
 * itself, as a server's config.d would define it (remote_servers, macros).
 */
function clusterConfig(cluster: string): string {
  return `<clickhouse>
  <remote_servers>
    <${cluster}><shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard></${cluster}>
  </remote_servers>
  <macros><shard>01</shard><replica>front</replica></macros>
</clickhouse>
`;
}

/**
 * Starts the test-only ClickHouse HTTP front (test/support/clickhouse-front/) in a process of its
 * own over one chdb data directory, and resolves once it listens.
 */
export async function startClickHouseFront(
  options: {
    dataDir?: string;
    users?: Record<string, string>;
    connections?: number;
    log?: boolean;
    /** A cluster the engine defines (system.clusters), for CLICKHOUSE_CLUSTER. */
    cluster?: string;
  } = {},
): Promise<RunningFront> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'leaderboard-front-'));
  let configFile = '';
  if (options.cluster !== undefined) {
    configFile = join(mkdtempSync(join(tmpdir(), 'leaderboard-front-config-')), 'config.xml');
    writeFileSync(configFile, clusterConfig(options.cluster));
  }
  const service = spawnService('test/support/clickhouse-front/main.ts', {
    FRONT_DATA_DIR: dataDir,
    FRONT_USERS: JSON.stringify(options.users ?? { default: '' }),
    FRONT_CONNECTIONS: String(options.connections ?? 4),
    FRONT_LOG: options.log ? '1' : '0',
    FRONT_CONFIG_FILE: configFile,
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
