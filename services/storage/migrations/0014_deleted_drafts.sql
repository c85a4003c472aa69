-- Deleting a competition that was never published, or a screen set no display link opens, writes
-- one more version marked deleted (with who and why) instead of removing rows: the saved versions
-- stay as history, and the id disappears from every list. Saving the id again starts anew after
-- the deleted version.
ALTER TABLE competitions ADD COLUMN IF NOT EXISTS deleted UInt8 DEFAULT 0;

ALTER TABLE screens
    ADD COLUMN IF NOT EXISTS deleted UInt8 DEFAULT 0,
    ADD COLUMN IF NOT EXISTS author String DEFAULT '',
    ADD COLUMN IF NOT EXISTS note String DEFAULT '';
