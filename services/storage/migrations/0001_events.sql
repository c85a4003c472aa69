-- Raw metric events, typed: one wide table with a column set per event type
-- (ClickHouse stores the unused columns sparsely). (crew_id, event_id) identifies an event;
-- the ingest pipeline checks that key before it inserts, so every row here is counted once.
CREATE TABLE IF NOT EXISTS events
(
    event_id       String,
    crew_id        LowCardinality(String),
    type           LowCardinality(String),
    occurred_at    DateTime64(3, 'UTC'),
    received_at    DateTime64(3, 'UTC'),
    volume         Float64,
    unit           LowCardinality(String),
    product        LowCardinality(String),
    amount_cny     Float64,
    severity       LowCardinality(String),
    hazard_id      String,
    violation_kind LowCardinality(String),
    person_count   UInt32,
    innovation_id  String,
    category       LowCardinality(String),
    status         LowCardinality(String),
    award_level    UInt8,
    benefit_cny    Float64,
    metric_name    LowCardinality(String),
    value          Float64,
    note           String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (crew_id, event_id)
SETTINGS index_granularity = 1024;

-- Daily per-crew sums per metric key. Days are calendar days in Asia/Shanghai (UTC+08:00);
-- competitions may only use time zones with the same calendar day (schemas/competition.schema.ts).
-- Readers always sum(value) GROUP BY, so results are exact before and after background merges.
CREATE TABLE IF NOT EXISTS crew_daily
(
    day     Date,
    crew_id LowCardinality(String),
    metric  LowCardinality(String),
    value   Float64,
    events  UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, crew_id, metric);

-- Expands each event into the metric keys of schemas/metric-key.schema.ts.
-- Innovations are scored from their latest status, so they have no additive metric here.
CREATE MATERIALIZED VIEW IF NOT EXISTS crew_daily_mv TO crew_daily AS
SELECT
    day,
    crew_id,
    tupleElement(m, 1) AS metric,
    tupleElement(m, 2) AS value,
    toUInt64(1) AS events
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
    FROM events
)
ARRAY JOIN metrics AS m;

-- Hazards and innovations are judged by their whole lifecycle (found -> rectified,
-- submitted -> adopted -> awarded), not by sums; this small copy keeps those queries off the
-- much larger sales stream.
CREATE TABLE IF NOT EXISTS lifecycle_events
(
    type          LowCardinality(String),
    crew_id       LowCardinality(String),
    subject_id    String,
    occurred_at   DateTime64(3, 'UTC'),
    received_at   DateTime64(3, 'UTC'),
    event_id      String,
    category      LowCardinality(String),
    status        LowCardinality(String),
    award_level   UInt8
)
ENGINE = MergeTree
ORDER BY (type, crew_id, subject_id, occurred_at);

CREATE MATERIALIZED VIEW IF NOT EXISTS lifecycle_events_mv TO lifecycle_events AS
SELECT
    type,
    crew_id,
    if(type = 'innovation', innovation_id, hazard_id) AS subject_id,
    occurred_at,
    received_at,
    event_id,
    category,
    status,
    award_level
FROM events
WHERE type IN ('hazard_found', 'hazard_rectified', 'innovation');
