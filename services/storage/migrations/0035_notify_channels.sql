-- Messages to the work groups (issue 17): a group robot's webhook (企业微信, 钉钉 or 飞书), one row per
-- save and never changed. The channel is the row with the highest revision; a deletion is a row
-- with deleted = 1. webhook_url holds the robot's key and secret its 加签 secret: the API never
-- sends either back (services/notify/channels.ts).
CREATE TABLE IF NOT EXISTS notify_channels
(
    channel_id LowCardinality(String),
    revision   UInt32,
    name       String,
    platform   LowCardinality(String),
    webhook_url String,
    secret     String,
    unit_ids   Array(String),
    created_at DateTime64(3, 'UTC'),
    created_by String,
    updated_at DateTime64(3, 'UTC'),
    updated_by String,
    deleted    UInt8
)
ENGINE = ReplacingMergeTree(revision)
ORDER BY channel_id;
