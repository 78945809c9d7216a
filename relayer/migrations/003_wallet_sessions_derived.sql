-- A wallet session's key, expiry and authorization hash are its terms' (the hash is the
-- terms' SNIP-12 hash for the account and chain): derived when read, not kept twice.
ALTER TABLE wallet_sessions DROP COLUMN public_key, DROP COLUMN valid_until, DROP COLUMN message_hash;
