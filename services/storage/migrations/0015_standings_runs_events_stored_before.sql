-- Each standings run records the instant before which every stored event was in what it read:
-- the oldest event insert still in flight when it read, or its start. After a crash, a day whose
-- latest run is older than the events stored for it (today's snapshot is written at most every
-- STANDINGS_PERSIST_MS) is found by comparing events' stored_at with it, and recomputed.
-- Runs written before this migration read their computed_at.
ALTER TABLE standings_runs ADD COLUMN IF NOT EXISTS events_stored_before DateTime64(3, 'UTC') DEFAULT computed_at;
