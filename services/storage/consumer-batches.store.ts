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
}

const ledgerRow = (extent: BatchExtent, stored: boolean, at: Date) => ({
  topic: extent.topic,
  partition: extent.partition,
  first_offset: extent.firstOffset,
  first_timestamp: extent.firstTimestamp,
  last_offset: extent.lastOffset,
  stored: stored ? 1 : 0,
  recorded_at: at.toISOString(),
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

/** The batch an earlier attempt recorded as starting at this message, if any. */
export async function findRecordedBatch(
  client: ClickHouseClient,
  at: Omit<BatchExtent, 'lastOffset'>,
): Promise<RecordedBatch | undefined> {
  const result = await client.query({
    query: `SELECT last_offset, max(stored) FROM consumer_batches
            WHERE topic = {topic:String} AND partition = {partition:Int32}
              AND first_offset = {firstOffset:Int64} AND first_timestamp = {firstTimestamp:Int64}
            GROUP BY last_offset ORDER BY min(recorded_at), last_offset LIMIT 1`,
    query_params: at,
    format: 'JSONCompactEachRow',
  });
  const [row] = await result.json<[string | number, number]>();
  return row ? { ...at, lastOffset: Number(row[0]), stored: row[1] === 1 } : undefined;
}
