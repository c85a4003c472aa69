-- The per-person rollups (0016, 0023) are materialized views' targets of events, like crew_daily,
-- but were made without the deduplication window 0006 gave the others: a Kafka batch stored
-- again with its token (a retry after a crash or a refused insert) was dropped by events and
-- crew_daily and counted a second time in person_daily and person_innovations, so a person's
-- sums doubled. Same window and reasons as 0006.
ALTER TABLE person_daily MODIFY SETTING non_replicated_deduplication_window = 100000;
ALTER TABLE person_innovations MODIFY SETTING non_replicated_deduplication_window = 100000;
