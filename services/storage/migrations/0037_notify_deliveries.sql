-- The outbox of messages to the work groups and its attempt log (issue 17): one row per step of a
-- delivery, never changed. delivery_id = channel id + ":" + the fact's key, the idempotency key;
-- seq numbers a delivery's steps (0 = enqueued, holding the fact). A delivery's state is the fold
-- of its rows in seq order (services/notify/delivery-fold.ts): enqueued, sending (written before
-- the POST), delivered, attempt_failed (with the next attempt's time), failed, uncertain (found
-- sending after a restart), retry (an organiser asked again). A retried write of the same step
-- keeps one row.
CREATE TABLE IF NOT EXISTS notify_delivery_steps
(
    delivery_id    String,
    seq            UInt32,
    step           LowCardinality(String),
    at             DateTime64(3, 'UTC'),
    competition_id LowCardinality(String),
    channel_id     LowCardinality(String),
    -- The step's own fields as JSON (the fact; the error; the next attempt's time).
    detail         String
)
ENGINE = ReplacingMergeTree
ORDER BY (delivery_id, seq);
