-- A log of the messages the scoring consumer sent to the dead-letter topic, so the pipeline
-- dashboard can show them from ClickHouse (Grafana reads no Kafka). The topic stays the record
-- to replay from; this keeps the reason, where the message came from, and the start of its value.
-- A batch resent after a crash sends its dead letters again; the insert carries a deduplication
-- token per batch, so the log keeps them once.
CREATE TABLE IF NOT EXISTS dead_letters
(
    failed_at    DateTime64(3, 'UTC'),
    topic        LowCardinality(String),
    partition    Int32,
    offset       Int64,
    code         LowCardinality(String),
    message      String,
    -- The field errors as JSON ([] when the value was not JSON at all).
    errors       String,
    key          String,
    value_bytes  UInt32,
    -- The first 1,000 bytes of the value, as text.
    value_start  String,
    -- The engine's own clock: old rows expire by it, whatever clock the service was given.
    logged_at    DateTime DEFAULT now()
)
ENGINE = MergeTree
-- One partition: insert deduplication works per partition, and a resend carries a new failed_at.
ORDER BY (topic, partition, offset)
TTL logged_at + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 100000;
