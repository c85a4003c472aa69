import { Counter, Histogram, type Registry } from 'prom-client';
import type { IngestMetrics } from '../pipeline/ingest-pipeline.ts';

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const events = new Counter({
    name: 'leaderboard_ingest_events_total',
    help: 'Events seen by the ingest pipeline, by outcome (accepted, duplicate, conflict: an id used before for other content, rejected by validation, storage_refused: in a batch storage refused)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const storeSeconds = new Histogram({
    name: 'leaderboard_clickhouse_insert_seconds',
    help: 'Time ClickHouse took to acknowledge an events insert',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    accepted: (n) => events.inc({ outcome: 'accepted' }, n),
    duplicates: (n) => events.inc({ outcome: 'duplicate' }, n),
    conflicts: (n) => events.inc({ outcome: 'conflict' }, n),
    rejected: (n) => events.inc({ outcome: 'rejected' }, n),
    storageRefused: (n) => events.inc({ outcome: 'storage_refused' }, n),
    stored: (seconds) => storeSeconds.observe(seconds),
  };
}

/** Failed event inserts (HTTP path and scoring consumer), by kind: rows (a value refused) or outage. */
export function createInsertFailureCounter(registry: Registry): (kind: 'rows' | 'outage') => void {
  const failures = new Counter({
    name: 'leaderboard_clickhouse_insert_failures_total',
    help: 'Event inserts ClickHouse did not take, by kind: outage (unreachable, timeout, memory, disk, too many parts; /readyz says so) or rows (a value refused; only its batch is refused)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  return (kind) => failures.inc({ kind });
}

export interface PublishMetrics {
  published: (seconds: number) => void;
  shed: (reason: 'overload' | 'timeout' | 'broker_error') => void;
}

export function createPublishMetrics(registry: Registry): PublishMetrics {
  const latency = new Histogram({
    name: 'leaderboard_kafka_produce_seconds',
    help: 'Time from sending a batch of events to Kafka to the acknowledgement of all in-sync replicas',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const shed = new Counter({
    name: 'leaderboard_kafka_produce_refused_total',
    help: 'Requests answered 503 because Kafka was overloaded, slow or unreachable',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    published: (seconds) => latency.observe(seconds),
    shed: (reason) => shed.inc({ reason }),
  };
}
