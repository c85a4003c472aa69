import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ConsumeOutcome = 'stored' | 'duplicate' | 'dead_letter' | 'rerouted';

export interface ConsumerMetrics {
  outcomes(outcome: ConsumeOutcome, n: number): void;
  /** Messages whose eventId was stored with other content (dead-lettered, and counted as such too). */
  conflicts(n: number): void;
  batch(messages: number): void;
  inserted(seconds: number): void;
  /** Seconds from the oldest message of a stored batch being produced (its Kafka timestamp) to its insert's acknowledgement. */
  storeDelay(seconds: number): void;
  insertFailed(): void;
  lag(topic: string, partition: number, messages: number): void;
  /** Seconds a partition has been failing without progress (0 when it progresses). */
  stalled(topic: string, partition: number, seconds: number): void;
}

export function createConsumerMetrics(registry: Registry): ConsumerMetrics {
  const events = new Counter({
    name: 'leaderboard_consumer_events_total',
    help: "Messages consumed from the events topic, by outcome (stored, duplicate, dead_letter, rerouted to its crew's partition)",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const conflicts = new Counter({
    name: 'leaderboard_consumer_conflicts_total',
    help: 'Consumed events whose crewId and eventId were stored with other content: sent to the dead-letter topic (reason conflict, also counted as dead_letter); the first version stays',
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'leaderboard_consumer_batch_messages',
    help: 'Messages per consumed batch (one ClickHouse insert each)',
    buckets: [1, 10, 100, 1_000, 5_000, 10_000, 20_000, 50_000],
    registers: [registry],
  });
  const insertSeconds = new Histogram({
    name: 'leaderboard_consumer_clickhouse_insert_seconds',
    help: 'Time ClickHouse took to acknowledge a consumed batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const storeDelay = new Histogram({
    name: 'leaderboard_consumer_store_delay_seconds',
    help: "Time from a batch's oldest message being produced (its Kafka timestamp: when the ingest accepted it) to ClickHouse acknowledging the batch's insert",
    buckets: [0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'leaderboard_consumer_batch_failures_total',
    help: 'Batches not stored (ClickHouse or the dead-letter topic failed); retried after a backoff',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'leaderboard_consumer_lag_messages',
    help: "Messages behind the partition's end: after the latest stored batch, or from a batch that keeps failing",
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
  });
  const stalled = new Gauge({
    name: 'leaderboard_consumer_partition_stalled_seconds',
    help: 'How long a partition has been failing without progress (0: progressing)',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
  });
  return {
    outcomes: (outcome, n) => events.inc({ outcome }, n),
    conflicts: (n) => conflicts.inc(n),
    batch: (n) => batchSize.observe(n),
    inserted: (seconds) => insertSeconds.observe(seconds),
    storeDelay: (seconds) => storeDelay.observe(seconds),
    insertFailed: () => failures.inc(),
    lag: (topic, partition, n) => lag.set({ topic, partition: String(partition) }, n),
    stalled: (topic, partition, seconds) => stalled.set({ topic, partition: String(partition) }, seconds),
  };
}
