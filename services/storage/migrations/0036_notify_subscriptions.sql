-- Which facts of a competition go to which group robots (issue 17): the whole list of a
-- competition's subscriptions per save (JSON, as schemas/notify.schema.ts Subscription), one row
-- per save and never changed; the current list is the row with the highest revision.
CREATE TABLE IF NOT EXISTS notify_subscriptions
(
    competition_id LowCardinality(String),
    revision       UInt32,
    subscriptions  String,
    saved_at       DateTime64(3, 'UTC'),
    saved_by       String
)
ENGINE = ReplacingMergeTree(revision)
ORDER BY competition_id;
