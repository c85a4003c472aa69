import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { committedOffsets, testKafka } from './kafka.ts';
import { apiCaller, freePort, spawnService, type Service } from './spawn-service.ts';

/**
 * The scoring process (npm run scoring) of a consumer crash test: one at a time on one data
 * folder, started, killed and started again by the test, with what it committed and stored.
 */
export interface ScoringProcess {
  topic: string;
  dataDir: string;
  kafka: Kafka;
  /** The running process's API (set once the test file's beforeAll ran). */
  api: ReturnType<typeof apiCaller>;
  /** Starts a process with the file's environment and `extra` over it (it becomes `current`). */
  start(extra?: Record<string, string>): Service;
  /** The last process started, until stop(). */
  current: Service | undefined;
  /** Stops the current process with this signal (SIGKILL: no chance to finish anything). */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Messages of the topic the consumer group committed. */
  committed(): Promise<number>;
  /** Rows of the events table and distinct event ids in it (the process must be stopped). */
  storedEvents(): Promise<{ rows: number; events: number }>;
}

/** Registers the file's beforeAll/afterAll: an admin client, a port, and a SIGKILL of what is left running. */
export function useScoringProcess(env: Record<string, string>, dataDirPrefix: string): ScoringProcess {
  const topic = env['KAFKA_EVENTS_TOPIC'] ?? '';
  const group = env['KAFKA_CONSUMER_GROUP'] ?? '';
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const kafka = testKafka();
  let admin: Admin | undefined;
  let port = 0;
  const it: ScoringProcess = {
    topic,
    dataDir,
    kafka,
    api: apiCaller('http://127.0.0.1:0'),
    current: undefined,
    start(extra = {}) {
      it.current = spawnService('services/scoring/main.ts', {
        ...env,
        DATA_DIR: dataDir,
        DEMO: 'off',
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...extra,
      });
      return it.current;
    },
    async stop(signal) {
      await it.current?.stop(signal);
      it.current = undefined;
    },
    committed: () => (admin ? committedOffsets(admin, group, topic) : Promise.resolve(0)),
    async storedEvents() {
      const client = createClickHouse({ mode: 'embedded', dataDir });
      try {
        const r = await client.query({
          query: `SELECT count() AS rows, uniqExact(event_id) AS events FROM events`,
          format: 'JSONEachRow',
        });
        const [row] = await r.json<{ rows: number; events: number }>();
        return row ?? { rows: 0, events: 0 };
      } finally {
        await client.close();
      }
    },
  };
  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    port = await freePort();
    it.api = apiCaller(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await it.current?.stop('SIGKILL');
    await admin?.disconnect();
  });
  return it;
}
