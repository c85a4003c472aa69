import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logDeadLetters, type DeadLetterRecord } from '../../services/storage/dead-letters.store.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { migrate } from '../../services/storage/migrate.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

let client: ClickHouseClient;

beforeAll(async () => {
  client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  await migrate(client);
});
afterAll(async () => {
  await client.close();
});

const record = (offset: string, value: string): DeadLetterRecord => ({
  topic: 'events',
  partition: 2,
  offset,
  reason: { code: 'invalid_event', message: 'value must be a number', errors: [{ path: 'value', message: 'x' }] },
  key: Buffer.from('C1'),
  value: Buffer.from(value),
});

async function logged(): Promise<
  { offset: string; code: string; errors: string; value_bytes: number; value_start: string }[]
> {
  const r = await client.query({
    query: `SELECT toString(offset) AS offset, code, errors, value_bytes, value_start FROM dead_letters
            ORDER BY dead_letters.offset`,
    format: 'JSONEachRow',
  });
  return r.json();
}

describe('the dead-letter log', () => {
  it('keeps a batch’s dead letters once when the batch is resent, with the start of each value', async () => {
    // An old failure time (a test clock, or a replay of old messages) must not expire the rows at once.
    const failedAt = new Date('2020-01-01T00:00:00Z');
    const batch = [record('7', 'x'.repeat(2_500)), record('9', '{"bad":')];
    await logDeadLetters(client, batch, failedAt, 'events:2:7-9:1');
    await logDeadLetters(client, batch, new Date(), 'events:2:7-9:1');
    expect(await logged()).toEqual([
      {
        offset: '7',
        code: 'invalid_event',
        errors: '[{"path":"value","message":"x"}]',
        value_bytes: 2_500,
        value_start: 'x'.repeat(1_000),
      },
      {
        offset: '9',
        code: 'invalid_event',
        errors: '[{"path":"value","message":"x"}]',
        value_bytes: 7,
        value_start: '{"bad":',
      },
    ]);
    await logDeadLetters(client, [record('12', 'y')], failedAt, 'events:2:10-12:1');
    expect((await logged()).map((r) => r.offset)).toEqual(['7', '9', '12']);
  });
});
