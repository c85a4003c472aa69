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
  // A fetch bounds a batch, and a batch is one insert: each insert costs ClickHouse 50-90 ms of
  // CPU before its rows, so 1 MiB fetches (about 4,000 events) took the CPU per event from 37 to
  // 48 µs while the peak RSS fell from 1.2 to 0.8 GB (docs/performance.md). Lowering it is safe:
  // a batch recorded with larger fetches is gathered over several.
  KAFKA_FETCH_MAX_BYTES: int(4 * 1024 * 1024, 64 * 1024),
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: int(2, 1, 64),
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
  /** Bytes fetched per partition per batch: bounds a batch (and one ClickHouse insert). */
  fetchMaxBytes: number;
  partitionsConsumedConcurrently: number;
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
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    stallAfterMs: env.KAFKA_STALL_AFTER_MS,
  };
}
