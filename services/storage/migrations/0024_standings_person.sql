-- 个人赛 (issue 16): a person's row keeps the person's id and name where a crew's row keeps the
-- crew's (crew_id, crew_name: the entrant, as a unit's or branch's competition does), its unit
-- and branch are those of the person's crew, and these columns name that crew and the person's
-- job. Empty for every other entrant, and for rows stored before this migration.
ALTER TABLE standings
    ADD COLUMN IF NOT EXISTS person_crew_id String DEFAULT '',
    ADD COLUMN IF NOT EXISTS person_crew_name String DEFAULT '',
    ADD COLUMN IF NOT EXISTS person_job String DEFAULT '';
