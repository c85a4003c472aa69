-- Big-screen standings (大屏). A screen set is versioned like a competition: every save is a new
-- version and the current one is the highest. Competitions' default screens are not stored.
CREATE TABLE IF NOT EXISTS screens
(
    screen_id  String,
    version    UInt32,
    saved_at   DateTime64(3, 'UTC'),
    definition String
)
ENGINE = MergeTree
ORDER BY (screen_id, version);

-- Display links: read-only tokens a TV opens one screen with. Only a hash of the token is kept.
-- Revoking writes the same link again with a higher version and revoked_at set; the current
-- state of a link is its highest version.
CREATE TABLE IF NOT EXISTS display_links
(
    link_id    String,
    version    UInt32,
    screen_id  String,
    label      String,
    token_hash String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (link_id, version);
