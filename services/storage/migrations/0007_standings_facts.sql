-- What each crew's score stands on (safe days, hazards found and rectified, 三违, target progress),
-- as the scoring engine measured it, beside the score in every snapshot: dashboards read these
-- instead of re-deriving them from events with rules of their own. Keys: services/scoring/snapshot-facts.ts.
-- Rows written before this migration have an empty map, which readers report as unknown.
ALTER TABLE standings ADD COLUMN IF NOT EXISTS facts Map(String, Float64);
