-- On the embedded engine the scoring consumer stores the batches of several partitions in one
-- insert (each insert costs the engine tens of ms before its rows). Each batch's ledger record
-- then names that insert: its deduplication token, which lists every batch in it. A retry after
-- a crash forms exactly that insert again, from the same batches, so the token completes it.
ALTER TABLE consumer_batches ADD COLUMN IF NOT EXISTS insert_group String DEFAULT '';
