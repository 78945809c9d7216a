-- The relayer's whole state. Several relayer processes share one database: every
-- invariant that matters under concurrency (a build executed once, a budget never
-- overspent, a relayer nonce used once) is a constraint or a conditional UPDATE here.

-- Sponsors' API keys. Only a SHA-256 of the secret is stored.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  secret_sha256 text NOT NULL UNIQUE,
  name text NOT NULL,
  budget_fri numeric(78, 0) NOT NULL CHECK (budget_fri >= 0),
  per_account_budget_fri numeric(78, 0) CHECK (per_account_budget_fri >= 0),
  spent_fri numeric(78, 0) NOT NULL DEFAULT 0 CHECK (spent_fri >= 0),
  reserved_fri numeric(78, 0) NOT NULL DEFAULT 0 CHECK (reserved_fri >= 0),
  -- NULL: any contract may be called with this key's sponsorship.
  allowed_targets text[],
  requests_per_minute integer NOT NULL CHECK (requests_per_minute > 0),
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- What one user account has spent of one key's sponsorship.
CREATE TABLE account_budgets (
  api_key_id text NOT NULL REFERENCES api_keys (id),
  user_address text NOT NULL,
  spent_fri numeric(78, 0) NOT NULL DEFAULT 0 CHECK (spent_fri >= 0),
  reserved_fri numeric(78, 0) NOT NULL DEFAULT 0 CHECK (reserved_fri >= 0),
  PRIMARY KEY (api_key_id, user_address)
);

-- Fixed one-minute windows of request counts, per API key or per client address.
CREATE TABLE rate_windows (
  subject text NOT NULL,
  window_start timestamptz NOT NULL,
  requests integer NOT NULL,
  PRIMARY KEY (subject, window_start)
);

-- Every outside execution this relayer built: execute accepts only these, exactly once.
CREATE TABLE builds (
  user_address text NOT NULL,
  message_hash text NOT NULL,
  api_key_id text REFERENCES api_keys (id),
  fee_mode text NOT NULL CHECK (fee_mode IN ('sponsored', 'default')),
  gas_token text,
  -- Default mode: the gas-token amount of the appended transfer the user signs.
  fee_amount numeric(78, 0),
  outside_execution jsonb NOT NULL,
  execute_before bigint NOT NULL,
  tracking_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_address, message_hash)
);

-- One user request handed to execute: its tracking id and where it stands.
CREATE TABLE requests (
  tracking_id text PRIMARY KEY,
  user_address text NOT NULL,
  message_hash text NOT NULL,
  api_key_id text REFERENCES api_keys (id),
  fee_mode text NOT NULL,
  -- The execute_from_outside_v2 call a relayer account submits.
  relayed_call jsonb NOT NULL,
  execute_before bigint NOT NULL,
  reserved_fri numeric(78, 0) NOT NULL DEFAULT 0,
  actual_fee_fri numeric(78, 0),
  status text NOT NULL CHECK (status IN ('queued', 'submitted', 'accepted', 'reverted', 'dropped', 'failed')),
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (user_address, message_hash) REFERENCES builds (user_address, message_hash)
);
CREATE INDEX requests_open ON requests (status, updated_at) WHERE status IN ('queued', 'submitted');

-- The relayer accounts' transactions, written before they are sent (write-ahead), so a
-- process that dies mid-send leaves a hash another process can look up on chain.
CREATE TABLE transactions (
  hash text PRIMARY KEY,
  tracking_id text NOT NULL REFERENCES requests (tracking_id),
  relayer_address text NOT NULL,
  nonce numeric(78, 0) NOT NULL,
  max_fee_fri numeric(78, 0) NOT NULL,
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'accepted', 'reverted', 'rejected', 'dropped')),
  created_at timestamptz NOT NULL DEFAULT now(),
  checked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transactions_by_request ON transactions (tracking_id, created_at);
CREATE INDEX transactions_open ON transactions (status, checked_at) WHERE status IN ('sending', 'sent');
-- A relayer nonce carries one live transaction at most: two processes can never both
-- have handed it out. (A rejected or dropped transaction frees its nonce.)
CREATE UNIQUE INDEX transactions_one_per_nonce ON transactions (relayer_address, nonce) WHERE status IN ('sending', 'sent', 'accepted', 'reverted');

-- Relayer accounts and their next nonce. A process sends from an account only while it
-- holds that account's row lock, so nonces are handed out one at a time across processes.
CREATE TABLE relayer_accounts (
  address text PRIMARY KEY,
  next_nonce numeric(78, 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
