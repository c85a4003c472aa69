import { z } from 'zod';
import { blankAsUnset, envInt as int } from '../shared/env.ts';

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const topic = (def: string) =>
  z.preprocess(
    blankAsUnset,
    z.string().regex(TOPIC, 'a Kafka topic name: letters, digits, ".", "_" or "-", at most 249').default(def),
  );

/** The KAFKA_* variables every service shares; merged into each service's own environment schema. */
export const KafkaEnv = z.object({
  KAFKA_BROKERS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'a comma-separated list of host:port, e.g. 127.0.0.1:9092')
      .optional(),
  ),
  KAFKA_CLIENT_ID: z.preprocess(blankAsUnset, z.string().default('labour-leaderboard')),
  KAFKA_EVENTS_TOPIC: topic('leaderboard.events'),
  KAFKA_EVENTS_PARTITIONS: int(6, 1, 10_000),
  KAFKA_EVENTS_RETENTION_HOURS: int(168, 1),
  KAFKA_DEAD_LETTER_TOPIC: topic('leaderboard.events.dead-letter'),
  KAFKA_DEAD_LETTER_RETENTION_HOURS: int(720, 1),
  KAFKA_ACCESS_TOPIC: topic('leaderboard.access'),
  KAFKA_REPLICATION_FACTOR: int(1, 1, 16),
  KAFKA_CONSUMER_GROUP: z.preprocess(blankAsUnset, z.string().min(1).default('leaderboard-scoring')),
  KAFKA_PRODUCE_TIMEOUT_MS: int(5_000, 100),
  KAFKA_MAX_IN_FLIGHT_EVENTS: int(100_000, 1),
  // Bytes per partition per fetch. A batch (one insert) gathers several fetches while its
  // partition is behind (KAFKA_BATCH_MAX_BYTES), so smaller fetches no longer mean more inserts.
  // Lowering it is safe: a batch recorded with larger fetches is gathered over several.
  KAFKA_FETCH_MAX_BYTES: int(4 * 1024 * 1024, 64 * 1024),
  // A partition that is behind gathers several fetches into one batch (one insert) up to this
  // many bytes of messages, for at most KAFKA_BATCH_MAX_WAIT_MS: fewer inserts, less of their
  // fixed cost per event (docs/performance.md). A fetch that reaches the partition's end is
  // stored at once, so live events are not held back.
  KAFKA_BATCH_MAX_BYTES: int(16 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
  KAFKA_BATCH_MAX_WAIT_MS: int(500, 0, 60_000),
  // Unset: every partition on the embedded engine (the batches processed together share one
  // insert), 2 on a ClickHouse server.
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(64).optional()),
  // The broker answers a fetch once it holds this many bytes for it, or after KAFKA_FETCH_MAX_WAIT_MS.
  KAFKA_FETCH_MIN_BYTES: int(1, 1, 64 * 1024 * 1024),
  KAFKA_FETCH_MAX_WAIT_MS: int(100, 0, 5_000),
  KAFKA_SESSION_TIMEOUT_MS: int(10_000, 6_000),
  KAFKA_STALL_AFTER_MS: int(30_000, 1_000),
});

export interface TopicSpec {
  name: string;
  partitions: number;
  retentionMs: number;
  /** Compacted (the latest message of each key is kept for good) instead of deleted after retentionMs. */
  compact?: boolean;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  events: TopicSpec;
  deadLetter: TopicSpec;
  /** Compacted: every API token (its hash, role, scope, revocation) and the access mode, for the ingest service. */
  access: TopicSpec;
  replicationFactor: number;
  consumerGroup: string;
  /** How long a publish may wait for the brokers' acknowledgement before the sender gets a 503. */
  produceTimeoutMs: number;
  /** Events published but not yet acknowledged, across requests; beyond it requests are shed. */
  maxInFlightEvents: number;
  /** Bytes fetched per partition per fetch. */
  fetchMaxBytes: number;
  /**
   * A partition behind its end gathers fetches into one batch (one ClickHouse insert) until the
   * batch holds this many bytes of messages (or the partition's end is reached)…
   */
  batchMaxBytes: number;
  /** …or its first fetch is this old. */
  batchMaxWaitMs: number;
  /** On a ClickHouse server (unset: 2); the embedded engine processes every partition at once (event-consumer.ts). */
  partitionsConsumedConcurrently: number | undefined;
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  /**
   * A scoring instance that stops heartbeating loses its partitions after this long; a restarted
   * one waits this long for its dead predecessor before it is assigned partitions.
   */
  sessionTimeoutMs: number;
  /** A partition whose batches keep failing this long is reported stalled (/readyz, metrics, log). */
  stallAfterMs: number;
}

/** KafkaConfig from parsed KAFKA_* variables, or undefined when KAFKA_BROKERS is unset. */
export function kafkaConfigFrom(env: z.infer<typeof KafkaEnv>): KafkaConfig | undefined {
  if (env.KAFKA_BROKERS === undefined) return undefined;
  const hours = 3_600_000;
  return {
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: env.KAFKA_CLIENT_ID,
    events: {
      name: env.KAFKA_EVENTS_TOPIC,
      partitions: env.KAFKA_EVENTS_PARTITIONS,
      retentionMs: env.KAFKA_EVENTS_RETENTION_HOURS * hours,
    },
    deadLetter: {
      name: env.KAFKA_DEAD_LETTER_TOPIC,
      partitions: 1,
      retentionMs: env.KAFKA_DEAD_LETTER_RETENTION_HOURS * hours,
    },
    access: { name: env.KAFKA_ACCESS_TOPIC, partitions: 1, retentionMs: -1, compact: true },
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    consumerGroup: env.KAFKA_CONSUMER_GROUP,
    produceTimeoutMs: env.KAFKA_PRODUCE_TIMEOUT_MS,
    maxInFlightEvents: env.KAFKA_MAX_IN_FLIGHT_EVENTS,
    fetchMaxBytes: env.KAFKA_FETCH_MAX_BYTES,
    batchMaxBytes: env.KAFKA_BATCH_MAX_BYTES,
    batchMaxWaitMs: env.KAFKA_BATCH_MAX_WAIT_MS,
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    fetchMinBytes: env.KAFKA_FETCH_MIN_BYTES,
    fetchMaxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    stallAfterMs: env.KAFKA_STALL_AFTER_MS,
  };
}
