/**
 * The comparison npm run bench:pipeline measures our scoring service against: ClickHouse's own
 * Kafka table engine (librdkafka inside chdb) reading the same events topic into the same events
 * table, with the same materialized views attached (our migrations), in a process of its own so
 * that its CPU time and memory can be read from /proc like the scoring service's.
 *
 * It skips everything the scoring service exists for (validation, dedupe across retries and
 * crashes, dead letters, standings): it is the storage path's speed with nothing on top.
 *
 * Environment: DATA_DIR, KAFKA_BROKERS, KAFKA_EVENTS_TOPIC, KAFKA_CONSUMER_GROUP,
 * KAFKA_EVENTS_PARTITIONS (one librdkafka consumer per partition, at most the cores).
 * Prints "ready" once the engine is attached; the bench follows the group's committed offsets.
 */
import { availableParallelism } from 'node:os';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { migrate } from '../../services/storage/migrate.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const client = createClickHouse({ mode: 'embedded', dataDir: env('DATA_DIR') });
await migrate(client);
const consumers = Math.max(1, Math.min(Number(env('KAFKA_EVENTS_PARTITIONS')), availableParallelism()));

// The event JSON as the ingest service writes it (schemas/event.schema.ts); absent fields take
// the column defaults, as the scoring service's rows do.
await client.command({
  query: `CREATE TABLE events_queue
  (
    eventId String, crewId String, type String, occurredAt String,
    volume Float64, unit String, product String, amountCny Float64,
    severity String, hazardId String, kind String, personCount UInt32,
    innovationId String, category String, status String, awardLevel UInt8, benefitCny Float64,
    name String, value Float64, note String
  )
  ENGINE = Kafka
  SETTINGS kafka_broker_list = ${quoted(env('KAFKA_BROKERS'))},
           kafka_topic_list = ${quoted(env('KAFKA_EVENTS_TOPIC'))},
           kafka_group_name = ${quoted(env('KAFKA_CONSUMER_GROUP'))},
           kafka_format = 'JSONEachRow',
           kafka_num_consumers = ${consumers},
           kafka_flush_interval_ms = 100`,
});
await client.command({
  query: `CREATE MATERIALIZED VIEW events_queue_mv TO events AS
  SELECT eventId AS event_id, crewId AS crew_id, type,
         parseDateTime64BestEffort(occurredAt, 3, 'UTC') AS occurred_at,
         _timestamp_ms AS received_at, now64(3) AS stored_at,
         volume, unit, product, amountCny AS amount_cny, severity, hazardId AS hazard_id,
         kind AS violation_kind, personCount AS person_count, innovationId AS innovation_id,
         category, status, awardLevel AS award_level, benefitCny AS benefit_cny,
         name AS metric_name, value, note,
         _topic AS source_topic, _partition AS source_partition, _offset AS source_offset
  FROM events_queue`,
});
console.log('ready');
// The engine consumes in its background threads; this process only has to stay alive.
setInterval(() => undefined, 60_000);
