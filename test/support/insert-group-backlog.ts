import { expect } from 'vitest';
import { smallOrg } from './fixtures.ts';
import type { ScoringProcess } from './scoring-process.ts';
import { waitFor } from './test-leaderboard.ts';

/**
 * The insert-group tests' setting: a backlog of one metric over smallOrg's five crews, which
 * murmur2 puts on partitions 0 and 2 of a three-partition topic, so that the first insert holds
 * two partitions' batches; and a process that dies right after ClickHouse acknowledged it.
 */
export const GROUP_CREWS = ['C1', 'C2', 'C3', 'C4', 'C5'];

/** `total` events of one 'group_units' each, keyed by crew, as the ingest service publishes them. */
export function groupBacklog(total: number, idPrefix: string, note?: string): { key: string; value: string }[] {
  return Array.from({ length: total }, (_, i) => {
    const crewId = GROUP_CREWS[i % GROUP_CREWS.length] ?? 'C1';
    const event = {
      eventId: `${idPrefix}-${i}`,
      crewId,
      type: 'metric',
      occurredAt: '2026-11-24T09:00:00+08:00',
      name: 'group_units',
      value: 1,
      ...(note === undefined ? {} : { note }),
    };
    return { key: crewId, value: JSON.stringify(event) };
  });
}

/** Registers smallOrg through a first process, stops it, then sends `messages` (`perSend` at a time). */
export async function registerThenSend(
  scoring: ScoringProcess,
  messages: readonly { key: string; value: string }[],
  perSend = messages.length,
): Promise<void> {
  scoring.start();
  await waitFor(() => scoring.api('GET', '/readyz'), 90_000, 200);
  await scoring.api('PUT', '/v1/org', smallOrg);
  await scoring.stop('SIGTERM');
  const producer = scoring.kafka.producer();
  await producer.connect();
  try {
    for (let k = 0; k < messages.length; k += perSend) {
      await producer.send({ topic: scoring.topic, acks: -1, messages: messages.slice(k, k + perSend) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A process that dies right after ClickHouse acknowledged its first insert: nothing is committed. */
export async function killAfterFirstInsert(scoring: ScoringProcess): Promise<void> {
  scoring.start({ FAULT_KILL_AFTER_INSERTS: '1' });
  expect(await scoring.current?.exited).toBeNull();
  expect(await scoring.committed()).toBe(0);
}
