import type { ClickHouseClient } from '@clickhouse/client';
import { insertRows } from './insert-rows.ts';

/** The messages one consumed batch covers (migrations/0006_kafka_consumer.sql). */
export interface BatchExtent {
  topic: string;
  partition: number;
  firstOffset: number;
  /** Timestamp of the first message: a recreated topic starts at offset 0 again. */
  firstTimestamp: number;
  lastOffset: number;
}

export interface RecordedBatch extends BatchExtent {
  /** ClickHouse acknowledged the batch's insert. */
  stored: boolean;
  /** The insert that stored it with other partitions' batches (insertGroupToken), '' when alone. */
  insertGroup: string;
}

/**
 * The deduplication token of one insert holding several partitions' batches, which also names
 * them: a retry forms the same insert from the same batches (parseInsertGroup).
 */
export function insertGroupToken(extents: readonly BatchExtent[]): string {
  const [first] = extents;
  if (!first) throw new Error('an insert group needs at least one batch');
  const parts = [...extents]
    .sort((a, b) => a.partition - b.partition)
    .map((e) => `${e.partition}:${e.firstOffset}-${e.lastOffset}:${e.firstTimestamp}`);
  return `${first.topic}:group:${parts.join(',')}`;
}

/** The batches an insert group's token names, by partition. */
export function parseInsertGroup(topic: string, token: string): BatchExtent[] {
  const prefix = `${topic}:group:`;
  if (!token.startsWith(prefix)) throw new Error(`"${token}" is not an insert group of topic ${topic}`);
  return token
    .slice(prefix.length)
    .split(',')
    .map((part) => {
      const match = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(part);
      if (!match) throw new Error(`"${token}" is not an insert group of topic ${topic}`);
      return {
        topic,
        partition: Number(match[1]),
        firstOffset: Number(match[2]),
        lastOffset: Number(match[3]),
        firstTimestamp: Number(match[4]),
      };
    });
}

const ledgerRow = (extent: BatchExtent, stored: boolean, at: Date, insertGroup = '') => ({
  topic: extent.topic,
  partition: extent.partition,
  first_offset: extent.firstOffset,
  first_timestamp: extent.firstTimestamp,
  last_offset: extent.lastOffset,
  stored: stored ? 1 : 0,
  recorded_at: at.toISOString(),
  insert_group: insertGroup,
});

/**
 * Before the insert (stored false) and after ClickHouse acknowledged it (stored true). The token
 * names the offset and the stage, not the extent: a second reader's different batch at the same
 * offset is dropped, so everyone reads back the first.
 *
 * `alsoStored`: other batches known stored, recorded in the same insert (one ledger write instead
 * of several). A stored record only spares a retry its resend: when it is lost with a dropped
 * insert, the retry sends the batch again unchanged and the deduplication token completes it.
 */
export async function recordBatch(
  client: ClickHouseClient,
  extent: BatchExtent,
  stored: boolean,
  at: Date,
  alsoStored: readonly BatchExtent[] = [],
): Promise<void> {
  const token = `${extent.topic}:${extent.partition}:${extent.firstOffset}:${extent.firstTimestamp}:${stored ? 'stored' : 'started'}`;
  await insertRows(
    client,
    'consumer_batches',
    [ledgerRow(extent, stored, at), ...alsoStored.map((e) => ledgerRow(e, true, at))],
    undefined,
    { insert_deduplication_token: token },
  );
}

/**
 * The batches of one insert group before its insert, in one ledger insert (with `alsoStored`, as
 * recordBatch). Its token names the group: the same group recorded again is dropped. Only one
 * consumer records groups (the embedded engine's, the only writer), so no second reader's record
 * at these offsets can come first.
 */
export async function recordInsertGroup(
  client: ClickHouseClient,
  extents: readonly BatchExtent[],
  at: Date,
  alsoStored: readonly BatchExtent[] = [],
): Promise<string> {
  const group = insertGroupToken(extents);
  await insertRows(
    client,
    'consumer_batches',
    [...extents.map((e) => ledgerRow(e, false, at, group)), ...alsoStored.map((e) => ledgerRow(e, true, at))],
    undefined,
    { insert_deduplication_token: `${group}:started` },
  );
  return group;
}

/** The batch an earlier attempt recorded as starting at this message, if any. */
export async function findRecordedBatch(
  client: ClickHouseClient,
  at: Omit<BatchExtent, 'lastOffset'>,
): Promise<RecordedBatch | undefined> {
  const result = await client.query({
    query: `SELECT last_offset, max(stored), max(insert_group) FROM consumer_batches
            WHERE topic = {topic:String} AND partition = {partition:Int32}
              AND first_offset = {firstOffset:Int64} AND first_timestamp = {firstTimestamp:Int64}
            GROUP BY last_offset ORDER BY min(recorded_at), last_offset LIMIT 1`,
    query_params: at,
    format: 'JSONCompactEachRow',
  });
  const [row] = await result.json<[string | number, number, string]>();
  return row ? { ...at, lastOffset: Number(row[0]), stored: row[1] === 1, insertGroup: row[2] } : undefined;
}
