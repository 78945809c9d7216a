-- Sessions created through the wallet API (wallet_createSession): the terms the owner
-- signs off-chain, and once given, the owner's signature, so later calls can carry the
-- authorization until the account has recorded the session.
CREATE TABLE wallet_sessions (
  session_id text PRIMARY KEY,
  account_address text NOT NULL,
  chain_id text NOT NULL,
  public_key text NOT NULL,
  valid_until bigint NOT NULL,
  -- The SDK's authorizeSession output: typed data, terms, method policy (serialised).
  session_authorization jsonb NOT NULL,
  message_hash text NOT NULL,
  owner_signature text[],
  api_key_id text REFERENCES api_keys (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_sessions_by_account ON wallet_sessions (account_address, created_at);

-- Which session a prepared outside execution belongs to (NULL: signed by the owner).
ALTER TABLE builds ADD COLUMN session_id text REFERENCES wallet_sessions (session_id);
