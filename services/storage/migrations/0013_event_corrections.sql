-- Corrections (更正): an organiser withdraws a stored event, or supersedes it with a replacement
-- event, giving a reason. Stored events are never deleted or changed: a correction is a record of
-- its own, one at most per corrected event (crew_id, event_id is its deduplication key, so a
-- retried correction is stored once), and the replacement is an ordinary row of `events`.
--
-- The corrected event's scored fields are copied here as it was stored, so the rollup below can
-- subtract exactly what the event added: the daily sums stay exact (Decimal, migration 0012) and
-- every reader of crew_daily sees the withdrawal without a join. Hazards and innovations, judged by
-- their lifecycle rather than by sums, leave out withdrawn events with an anti-join on this table
-- (it holds a few rows per thousand events).
CREATE TABLE IF NOT EXISTS event_corrections
(
    crew_id              LowCardinality(String),
    event_id             String,
    correction_id        String,
    action               LowCardinality(String),
    reason               String,
    author               String,
    author_token_id      String,
    requested_at         DateTime64(3, 'UTC'),
    stored_at            DateTime64(3, 'UTC'),
    replacement_crew_id  String,
    replacement_event_id String,
    type                 LowCardinality(String),
    occurred_at          DateTime64(3, 'UTC'),
    volume               Float64,
    unit                 String,
    amount_cny           Float64,
    severity             String,
    violation_kind       String,
    person_count         UInt32,
    metric_name          String,
    value                Float64,
    source_topic         String DEFAULT '',
    source_partition     Int32 DEFAULT -1,
    source_offset        Int64 DEFAULT -1
)
ENGINE = MergeTree
ORDER BY (crew_id, event_id)
-- Inserts from the Kafka consumer carry a deduplication token per batch, as events do.
SETTINGS non_replicated_deduplication_window = 100000;

-- The compensating rows: the same metric keys crew_daily_mv (migration 0001) writes for the
-- corrected event, on its crew and day, with the values negated. value_exact is filled from value
-- by its default (migration 0012), which rounds half away from zero, so it is the exact negation
-- of the event's own row. events counts rows written, so a compensating row adds 0 there.
CREATE MATERIALIZED VIEW IF NOT EXISTS crew_daily_corrections_mv TO crew_daily AS
SELECT
    day,
    crew_id,
    tupleElement(m, 1) AS metric,
    -tupleElement(m, 2) AS value,
    toUInt64(0) AS events
FROM
(
    SELECT
        toDate(occurred_at, 'Asia/Shanghai') AS day,
        crew_id,
        multiIf(
            type = 'sales', [(concat('sales.volume_', unit), volume), ('sales.amount_cny', amount_cny)],
            type = 'incident', [(concat('incident.', severity), 1.)],
            type = 'hazard_found', [('hazard.found', 1.)],
            type = 'hazard_rectified', [('hazard.rectified', 1.)],
            type = 'violation', [(concat('violation.', violation_kind, '.events'), 1.), (concat('violation.', violation_kind, '.persons'), toFloat64(person_count))],
            type = 'metric', [(concat('metric.', metric_name), value)],
            CAST([], 'Array(Tuple(String, Float64))')
        ) AS metrics
    FROM event_corrections
)
ARRAY JOIN metrics AS m;
