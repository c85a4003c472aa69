-- 个人赛 (issue 16): per-person facts. Events that name a person (personId: sales, 三违, metric,
-- innovation, assessment) add to a daily rollup per person, beside the per-crew one: the same
-- metric keys as crew_daily (migrations 0001 and 0016), keyed by person and by the crew the event
-- was reported for (a person who changes crew keeps the events of the old one). Events without a
-- personId count for no person. Incidents and hazards carry no personId: they are crew events.
-- value_exact is the Decimal sum as in crew_daily (migration 0012).
-- Events stored before this migration (a database that ran 0016 to 0022 with per-person events)
-- are not rolled up: migrations add no rows (on a cluster an INSERT ... SELECT is refused).
CREATE TABLE IF NOT EXISTS person_daily
(
    day         Date,
    person_id   String,
    crew_id     LowCardinality(String),
    metric      LowCardinality(String),
    value       Float64,
    value_exact Decimal(38, 6) DEFAULT toDecimal128(value + if(value < 0, -5e-7, 5e-7), 6),
    events      UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, person_id, crew_id, metric);

CREATE MATERIALIZED VIEW IF NOT EXISTS person_daily_mv TO person_daily AS
SELECT
    day,
    person_id,
    crew_id,
    tupleElement(m, 1) AS metric,
    tupleElement(m, 2) AS value,
    toUInt64(1) AS events
FROM
(
    SELECT
        toDate(occurred_at, 'Asia/Shanghai') AS day,
        person_id,
        crew_id,
        multiIf(
            type = 'sales', [(concat('sales.volume_', unit), volume), ('sales.amount_cny', amount_cny)],
            type = 'violation', [(concat('violation.', violation_kind, '.events'), 1.), (concat('violation.', violation_kind, '.persons'), toFloat64(person_count))],
            type = 'metric', [(concat('metric.', metric_name), value)],
            type = 'assessment', [(concat('assessment.', item_id, '.findings'), toFloat64(findings)), (concat('assessment.', item_id, '.points'), points)],
            CAST([], 'Array(Tuple(String, Float64))')
        ) AS metrics
    FROM events
    WHERE person_id != ''
)
ARRAY JOIN metrics AS m;

-- A withdrawn or superseded event subtracts what it added, as crew_daily_corrections_mv does
-- (migration 0013): the correction copies the event's person_id (migration 0016).
CREATE MATERIALIZED VIEW IF NOT EXISTS person_daily_corrections_mv TO person_daily AS
SELECT
    day,
    person_id,
    crew_id,
    tupleElement(m, 1) AS metric,
    -tupleElement(m, 2) AS value,
    toUInt64(0) AS events
FROM
(
    SELECT
        toDate(occurred_at, 'Asia/Shanghai') AS day,
        person_id,
        crew_id,
        multiIf(
            type = 'sales', [(concat('sales.volume_', unit), volume), ('sales.amount_cny', amount_cny)],
            type = 'violation', [(concat('violation.', violation_kind, '.events'), 1.), (concat('violation.', violation_kind, '.persons'), toFloat64(person_count))],
            type = 'metric', [(concat('metric.', metric_name), value)],
            type = 'assessment', [(concat('assessment.', item_id, '.findings'), toFloat64(findings)), (concat('assessment.', item_id, '.points'), points)],
            CAST([], 'Array(Tuple(String, Float64))')
        ) AS metrics
    FROM event_corrections
    WHERE person_id != ''
)
ARRAY JOIN metrics AS m;

-- Innovations are judged by their latest status (lifecycle_events, migration 0001); this copy
-- holds those that name a person. Withdrawn ones are left out by the same anti-join on
-- event_corrections (crew_id, event_id).
CREATE TABLE IF NOT EXISTS person_innovations
(
    person_id    String,
    crew_id      LowCardinality(String),
    subject_id   String,
    occurred_at  DateTime64(3, 'UTC'),
    received_at  DateTime64(3, 'UTC'),
    event_id     String,
    category     LowCardinality(String),
    status       LowCardinality(String),
    award_level  UInt8
)
ENGINE = MergeTree
ORDER BY (person_id, subject_id, occurred_at);

CREATE MATERIALIZED VIEW IF NOT EXISTS person_innovations_mv TO person_innovations AS
SELECT person_id, crew_id, innovation_id AS subject_id, occurred_at, received_at, event_id, category, status, award_level
FROM events
WHERE type = 'innovation' AND person_id != '';
