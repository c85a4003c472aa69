-- When each event reached storage, as the process that inserted it saw the time. A closed
-- period's late events are those stored from its closing on; received_at cannot say that, since
-- with Kafka an event received before a close may be stored after it (consumer lag).
-- Rows stored before this migration read their received_at.
ALTER TABLE events ADD COLUMN IF NOT EXISTS stored_at DateTime64(3, 'UTC') DEFAULT received_at;
