import type { ClickHouseClient } from '@clickhouse/client';
import type { DeadLetterReason } from '../../schemas/kafka-message.schema.ts';
import { insertRows } from './insert-rows.ts';

/** How much of a dead letter's value the log keeps: enough to recognise it, not a copy of the topic. */
export const VALUE_START_BYTES = 1_000;

export interface DeadLetterRecord {
  topic: string;
  partition: number;
  offset: string;
  reason: DeadLetterReason;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Logs one batch's dead letters (migrations/0008_dead_letters.sql). `batchToken` names the batch,
 * so a resend of the same batch is dropped by ClickHouse instead of logged twice.
 */
export async function logDeadLetters(
  client: ClickHouseClient,
  records: readonly DeadLetterRecord[],
  failedAt: Date,
  batchToken: string,
): Promise<void> {
  if (records.length === 0) return;
  await insertRows(
    client,
    'dead_letters',
    records.map((r) => ({
      failed_at: failedAt.toISOString(),
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      code: r.reason.code,
      message: r.reason.message,
      errors: JSON.stringify(r.reason.errors ?? []),
      key: r.key?.toString('utf8') ?? '',
      value_bytes: r.value?.length ?? 0,
      // Cut on a byte boundary; a broken last character decodes as U+FFFD, which is fine for a glance.
      value_start: r.value?.subarray(0, VALUE_START_BYTES).toString('utf8') ?? '',
    })),
    undefined,
    { insert_deduplication_token: `dead-letters:${batchToken}` },
  );
}
