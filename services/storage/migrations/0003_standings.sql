-- One row per computation: written after its standings rows, so it marks them complete.
CREATE TABLE IF NOT EXISTS standings_runs
(
    competition_id     String,
    as_of              Date,
    computed_at        DateTime64(3, 'UTC'),
    definition_version UInt32,
    org_version        UInt64,
    crews              UInt32
)
ENGINE = MergeTree
ORDER BY (competition_id, as_of, computed_at);

-- Standings snapshots: readers select the rows of the latest run for (competition, day), so the
-- answer is exact at every moment; ReplacingMergeTree only reclaims superseded runs in the background.
CREATE TABLE IF NOT EXISTS standings
(
    competition_id   LowCardinality(String),
    as_of            Date,
    computed_at      DateTime64(3, 'UTC'),
    group_by         LowCardinality(String),
    group_key        String,
    crew_id          String,
    crew_name        String,
    unit_id          String,
    unit_name        String,
    unit_type        LowCardinality(String),
    branch_id        String,
    branch_name      String,
    headcount        UInt32,
    rank             Nullable(UInt32),
    prev_rank        Nullable(UInt32),
    rank_change      Nullable(Int32),
    score            Float64,
    disqualified     UInt8,
    vetoed           UInt8,
    veto_reasons     Array(String),
    indicator_points Map(String, Float64),
    indicator_values Map(String, Nullable(Float64)),
    detail           String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(as_of)
ORDER BY (competition_id, as_of, group_by, group_key, crew_id);
