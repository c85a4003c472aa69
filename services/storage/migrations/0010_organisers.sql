-- Organisers' workflow: who saved a competition version and why, drafts, publications,
-- closed periods with their frozen standings, and API tokens.

-- A version saved as a draft (draft = 1) is not used by standings until it is published.
-- Versions saved before this migration were current when saved: draft = 0, author ''.
ALTER TABLE competitions ADD COLUMN IF NOT EXISTS author String DEFAULT '', ADD COLUMN IF NOT EXISTS note String DEFAULT '', ADD COLUMN IF NOT EXISTS draft UInt8 DEFAULT 0;

-- Each publication makes a version current; the current version is the one published last
-- (a version saved with draft = 0 counts as published when it was saved).
CREATE TABLE IF NOT EXISTS competition_publications
(
    competition_id String,
    version        UInt32,
    published_at   DateTime64(3, 'UTC'),
    published_by   String,
    note           String
)
ENGINE = MergeTree
ORDER BY (competition_id, published_at);

-- A closed period (a stage, or 'final' for the whole competition). Written after its frozen
-- standings rows, so a closure that exists has all of them.
CREATE TABLE IF NOT EXISTS period_closures
(
    competition_id     String,
    period_id          String,
    period_start       Date,
    period_end         Date,
    closed_at          DateTime64(3, 'UTC'),
    closed_by          String,
    note               String,
    definition_version UInt32,
    org_version        UInt64,
    crews              UInt32
)
ENGINE = MergeTree
ORDER BY (competition_id, period_id, closed_at);

-- The final standings of a closed period, never recomputed. Readers take the rows with the
-- closure's closed_at, so rows of an attempt that crashed before its closure row are ignored.
CREATE TABLE IF NOT EXISTS final_standings
(
    competition_id LowCardinality(String),
    period_id      String,
    closed_at      DateTime64(3, 'UTC'),
    crew_id        String,
    crew_name      String,
    unit_id        String,
    unit_name      String,
    unit_type      LowCardinality(String),
    branch_id      String,
    branch_name    String,
    score          Float64,
    rank           Nullable(UInt32),
    branch_rank    Nullable(UInt32),
    unit_type_rank Nullable(UInt32),
    disqualified   UInt8,
    -- The whole row as the API answers it (indicators, vetoes, facts), as JSON.
    detail         String
)
ENGINE = MergeTree
ORDER BY (competition_id, period_id, closed_at, crew_id);

-- API tokens. Only a hash of the token is kept. Revoking writes the token again with a higher
-- version and revoked_at set; the current state of a token is its highest version.
CREATE TABLE IF NOT EXISTS api_tokens
(
    token_id   String,
    version    UInt32,
    name       String,
    role       LowCardinality(String),
    branch_ids Array(String),
    unit_ids   Array(String),
    token_hash String,
    created_at DateTime64(3, 'UTC'),
    created_by String,
    revoked_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (token_id, version);
