-- 考核细则 (issue 16): inspection results (安全检查/考核, event type `assessment`) and per-person
-- events (`personId`). An assessment names a sheet item, the findings counted or the points given,
-- the inspector and evidence references. evidence is a JSON array of strings in one String column,
-- like every other event field a plain value, so a resend's content compares column by column.
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS person_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS item_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS findings UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS points Float64 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS inspector String DEFAULT '',
    ADD COLUMN IF NOT EXISTS evidence String DEFAULT '[]';

-- A correction copies the scored fields of the event it corrects (migration 0013), so the
-- compensating rows below subtract exactly what the assessment added.
ALTER TABLE event_corrections
    ADD COLUMN IF NOT EXISTS person_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS item_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS findings UInt32 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS points Float64 DEFAULT 0;

-- An assessment adds to the daily rollup under assessment.<itemId>.findings and
-- assessment.<itemId>.points: the sheet counts findings over the period (escalation goes by the
-- number of findings so far), so sums are all it needs. A separate view leaves crew_daily_mv as it is.
CREATE MATERIALIZED VIEW IF NOT EXISTS crew_daily_assessments_mv TO crew_daily AS
SELECT
    toDate(occurred_at, 'Asia/Shanghai') AS day,
    crew_id,
    tupleElement(m, 1) AS metric,
    tupleElement(m, 2) AS value,
    toUInt64(1) AS events
FROM events
ARRAY JOIN [(concat('assessment.', item_id, '.findings'), toFloat64(findings)),
            (concat('assessment.', item_id, '.points'), points)] AS m
WHERE type = 'assessment';

CREATE MATERIALIZED VIEW IF NOT EXISTS crew_daily_assessment_corrections_mv TO crew_daily AS
SELECT
    toDate(occurred_at, 'Asia/Shanghai') AS day,
    crew_id,
    tupleElement(m, 1) AS metric,
    -tupleElement(m, 2) AS value,
    toUInt64(0) AS events
FROM event_corrections
ARRAY JOIN [(concat('assessment.', item_id, '.findings'), toFloat64(findings)),
            (concat('assessment.', item_id, '.points'), points)] AS m
WHERE type = 'assessment';
