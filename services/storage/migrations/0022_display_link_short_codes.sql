-- A display link's short code (/s/7KQ2MX4P), typed into a TV's browser instead of the long tokened
-- address. Like the token, only its SHA-256 is kept; a link made before this has none (''), and
-- revoking the link (a higher version with revoked_at) revokes its code with it.
ALTER TABLE display_links ADD COLUMN IF NOT EXISTS short_code_hash String DEFAULT '';
