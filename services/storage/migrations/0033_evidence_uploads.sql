-- Evidence (issue 17): who uploaded which file for which crew. The file's bytes live in the
-- evidence store (a folder beside the data, or S3-compatible object storage), addressed by their
-- SHA-256; never here. One row per upload: the same photo uploaded for two crews is stored once
-- and may be seen by whoever may see either crew. GET /v1/evidence/<id> reads these rows to decide.
CREATE TABLE IF NOT EXISTS evidence_uploads
(
    evidence_id  String,
    crew_id      String,
    content_type LowCardinality(String),
    bytes        UInt64,
    width        Nullable(UInt32),
    height       Nullable(UInt32),
    kept_metadata Bool,
    uploaded_by_token String,
    uploaded_by  String,
    uploaded_at  DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (evidence_id, crew_id, uploaded_at);
