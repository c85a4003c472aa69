-- 单位赛/分公司赛 (issue 16): the crews whose events a closed unit- or branch-level period summed,
-- each with the entrant (unit or branch) it counted for, as the registry stood at the closing.
-- A change stored after the closing is late for that period when it is an event of one of these
-- crews (services/storage/closures.store.ts): the registry may have moved or retired the crew
-- since, and the frozen standings were computed from these. Crew-level periods need none (their
-- frozen rows are the crews) nor do person-level ones (their rows are the persons). Written before
-- the closure row, like final_standings; rows of an attempt without a closure row are ignored.
-- A unit- or branch-level period closed before this migration has none: it reports no late events.
CREATE TABLE IF NOT EXISTS final_standing_crews
(
    competition_id LowCardinality(String),
    period_id      String,
    closed_at      DateTime64(3, 'UTC'),
    crew_id        String,
    entrant_id     String
)
ENGINE = MergeTree
ORDER BY (competition_id, period_id, closed_at, crew_id);
