-- 公示 · 异议 · 复核 (issue 17): what happened to a closed period's results after its closing, one
-- row per action and never changed: the 公示 opened (its end date), an objection made under a real
-- name, an objection rejected or upheld (with the corrections and the re-check's changes), the
-- results confirmed. The state of a notice is the fold of its rows (services/notice/). action_id
-- is the deduplication key (e.g. "objection:<id>", "decision:<id>", "confirmed"): a retried write
-- is stored once, and a second decision on one objection cannot be written.
CREATE TABLE IF NOT EXISTS period_notice_actions
(
    competition_id LowCardinality(String),
    period_id      String,
    action_id      String,
    action         LowCardinality(String),
    at             DateTime64(3, 'UTC'),
    by             String,
    objection_id   String,
    -- The action's own fields as JSON (end date, objection text, reason, changes).
    detail         String
)
ENGINE = ReplacingMergeTree
ORDER BY (competition_id, period_id, action_id);
