-- 考核细则 results beside the score in every snapshot (issue 16): per-category points and rates,
-- every item's findings and points, the bonus, gates passed or failed with their reasons, the
-- grade and the rank within it, as one JSON document (schemas/sheet.schema.ts SheetOutcome).
-- Empty for competitions with no sheet, gates or grades, and for rows stored before this migration.
ALTER TABLE standings ADD COLUMN IF NOT EXISTS sheet String DEFAULT '';
