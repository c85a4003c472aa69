import type { ClickHouseTarget } from '../storage/clickhouse-client.ts';

/**
 * Who owns the standings a process serves as current.
 *
 * - `sole`: this process stores every event (the embedded engine serves one process; a
 *   ClickHouse server without Kafka is written by the API that takes the events). It is the one
 *   writer of every competition's standings, so its latest computation of today is current: it
 *   serves it from memory and writes it at most every STANDINGS_PERSIST_MS.
 * - `shared`: several processes store events into one ClickHouse server (scoring instances and
 *   npm start with Kafka in one consumer group). Each recomputes after the events it stored and
 *   writes that run (still at most every STANDINGS_PERSIST_MS); the run with the latest
 *   computed_at is current, because it started after every event stored before it, whichever
 *   process stored them. Every process serves that stored run and never its own memory, which
 *   another instance's later run may have overtaken (serving it would move a screen back in time).
 *   Nothing read from closed days is kept either: another instance may store a late event there.
 */
export type StandingsOwnership = 'sole' | 'shared';

export function standingsOwnership(config: {
  clickhouse: Pick<ClickHouseTarget, 'mode'>;
  kafka?: unknown;
}): StandingsOwnership {
  return config.kafka !== undefined && config.clickhouse.mode === 'server' ? 'shared' : 'sole';
}
