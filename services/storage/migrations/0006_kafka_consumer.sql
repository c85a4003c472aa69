-- Events read from Kafka remember where they came from (topic, partition, offset). A batch that
-- is read again after a crash finds the rows an earlier attempt of the same batch stored, and
-- sends them again unchanged, so ClickHouse's insert deduplication recognises the retry (see
-- services/scoring/consumer/). Events from the HTTP API without Kafka keep the defaults.
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS source_topic String DEFAULT '',
    ADD COLUMN IF NOT EXISTS source_partition Int32 DEFAULT -1,
    ADD COLUMN IF NOT EXISTS source_offset Int64 DEFAULT -1;

-- Insert deduplication on non-replicated tables, for retries that carry an
-- insert_deduplication_token: the events table and both views' targets check it themselves,
-- so a retry also repairs a view that missed the first attempt. Inserts without a token (the
-- HTTP API without Kafka) skip the views' check (deduplicate_blocks_in_dependent_materialized_views
-- is off by default), so equal rollup blocks from different events are never dropped.
-- The window must outlast the longest wait before a batch is retried: other partitions' (and
-- other instances') inserts go on meanwhile. 100,000 inserts are hours at full speed; each
-- remembered insert costs a few dozen bytes.
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE crew_daily MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE lifecycle_events MODIFY SETTING non_replicated_deduplication_window = 100000;

-- The scoring consumer writes which offsets a batch covers before it inserts the batch
-- (stored = 0), and again once ClickHouse acknowledged the insert (stored = 1). If it dies in
-- between, whoever reads the partition next forms exactly the same batch again (same rows, same
-- deduplication token) instead of a larger or smaller one; a batch known to be stored is never
-- sent again. first_timestamp tells a recreated topic's offset 0 from the old one's.
CREATE TABLE IF NOT EXISTS consumer_batches
(
    topic           String,
    partition       Int32,
    first_offset    Int64,
    first_timestamp Int64,
    last_offset     Int64,
    stored          UInt8,
    recorded_at     DateTime64(3, 'UTC'),
    -- The engine's own clock: old rows expire by it, whatever clock the service was given.
    inserted_at     DateTime DEFAULT now()
)
ENGINE = MergeTree
ORDER BY (topic, partition, first_offset)
TTL inserted_at + INTERVAL 30 DAY
-- Each record carries a deduplication token naming its offset (and stage): when two readers
-- record different batches at one offset, only the first to arrive is kept.
SETTINGS non_replicated_deduplication_window = 100000;
