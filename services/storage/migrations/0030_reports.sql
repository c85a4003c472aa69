-- 上报 · 审核 (issue 17): reports people make from the station floor, pending until reviewed.
-- Every step writes the whole report again with the next version (submitted, each level's
-- approval, a rejection): nothing is overwritten, the current state is the highest version, and
-- the versions are the report's history. Counting is done by the event an approved report
-- becomes (eventId report-<report_id>) in events, never from this table.
CREATE TABLE IF NOT EXISTS reports
(
    report_id         String,
    version           UInt32,
    status            LowCardinality(String),
    type              LowCardinality(String),
    crew_id           String,
    branch_id         String,
    unit_id           String,
    reporter_token_id String,
    reported_at       DateTime64(3, 'UTC'),
    body_hash         String,
    report            String,
    written_at        DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (report_id, version);
