-- Reporter tokens (上报人) may be limited to single crews, not only to branches or units.
-- Every token written before has no crew limit: the default empty array keeps its scope.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS crew_ids Array(String) DEFAULT [];
