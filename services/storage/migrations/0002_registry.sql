-- The registry is versioned as a whole: PUT /v1/org writes the crews of a new version, then the
-- version row last, so readers that take max(version) from org_versions never see half a registry.
CREATE TABLE IF NOT EXISTS org_versions
(
    version    UInt64,
    updated_at DateTime64(3, 'UTC'),
    group_name String,
    body       String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY version;

-- Denormalised crews per registry version, for dashboards and joins.
CREATE TABLE IF NOT EXISTS org_crews
(
    version     UInt64,
    crew_id     String,
    crew_name   String,
    unit_id     String,
    unit_name   String,
    unit_type   LowCardinality(String),
    branch_id   String,
    branch_name String,
    headcount   UInt32
)
ENGINE = MergeTree
ORDER BY (version, branch_id, crew_id);

-- Every saved definition is a new version; the current one is the highest.
CREATE TABLE IF NOT EXISTS competitions
(
    competition_id String,
    version        UInt32,
    saved_at       DateTime64(3, 'UTC'),
    name_zh        String,
    name_en        String,
    kind           LowCardinality(String),
    period_start   Date,
    period_end     Date,
    time_zone      LowCardinality(String),
    definition     String
)
ENGINE = MergeTree
ORDER BY (competition_id, version);
