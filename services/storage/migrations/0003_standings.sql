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

-- Standings snapshots, one row per crew with its rank in each ranking group (NULL where the
-- competition does not rank by that group, or the crew is disqualified). Readers select the rows
-- of the latest run for (competition, day), so the answer is exact at every moment;
-- ReplacingMergeTree only reclaims superseded runs in the background.
CREATE TABLE IF NOT EXISTS standings
(
    competition_id         LowCardinality(String),
    as_of                  Date,
    computed_at            DateTime64(3, 'UTC'),
    crew_id                String,
    crew_name              String,
    unit_id                String,
    unit_name              String,
    unit_type              LowCardinality(String),
    branch_id              String,
    branch_name            String,
    headcount              UInt32,
    score                  Float64,
    rank                   Nullable(UInt32),
    prev_rank              Nullable(UInt32),
    rank_change            Nullable(Int32),
    branch_rank            Nullable(UInt32),
    prev_branch_rank       Nullable(UInt32),
    branch_rank_change     Nullable(Int32),
    unit_type_rank         Nullable(UInt32),
    prev_unit_type_rank    Nullable(UInt32),
    unit_type_rank_change  Nullable(Int32),
    disqualified           UInt8,
    vetoed                 UInt8,
    veto_reasons           Array(String),
    indicator_points       Map(String, Float64),
    indicator_values       Map(String, Nullable(Float64)),
    indicator_zeroed_by    Map(String, String),
    -- The applied vetoes as JSON (names and bilingual reasons); '' for the many crews without one.
    vetoes                 String
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(as_of)
ORDER BY (competition_id, as_of, crew_id);
