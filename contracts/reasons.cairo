//! Reason codes: why a session (or an outside execution) is refused. The same short
//! strings are the revert reasons of `__validate__` / `execute_from_outside_v2` and the
//! return values of the dry-run view `session_status`, so the SDK maps one list to typed
//! errors (sdk/errors keeps the TypeScript side; a test checks both lists agree).

/// The session would be accepted.
pub const OK: felt252 = 'OK';
/// No session was ever registered for this key.
pub const NOT_REGISTERED: felt252 = 'NOT_REGISTERED';
/// The session was revoked by the owner.
pub const REVOKED: felt252 = 'REVOKED';
/// The block time is past the session's `valid_until`.
pub const EXPIRED: felt252 = 'EXPIRED';
/// `calls_used` reached `max_calls`.
pub const MAX_CALLS_EXCEEDED: felt252 = 'MAX_CALLS_EXCEEDED';
/// A call targets the account itself; sessions can never do that.
pub const SELF_CALL: felt252 = 'SELF_CALL';
/// A call uses an admin selector (upgrade, key management, ...).
pub const BLOCKED_SELECTOR: felt252 = 'BLOCKED_SELECTOR';
/// The session has a whitelist and a call's selector is not in it.
pub const ENTRYPOINT_NOT_ALLOWED: felt252 = 'ENTRYPOINT_NOT_ALLOWED';
/// The signature is neither `[r, s]` nor `[session_pubkey, r, s, valid_until]`,
/// or its `valid_until` does not fit in a u64.
pub const BAD_SIGNATURE_FORMAT: felt252 = 'BAD_SIGNATURE_FORMAT';
/// The signature's `valid_until` differs from the registered one.
pub const VALID_UNTIL_MISMATCH: felt252 = 'VALID_UNTIL_MISMATCH';
/// A call's (contract, selector) is not in the session's method policy.
pub const METHOD_NOT_ALLOWED: felt252 = 'METHOD_NOT_ALLOWED';
/// A call differs from its policy leaf at a pinned calldata position.
pub const PINNED_ARGUMENT_MISMATCH: felt252 = 'PINNED_ARGUMENT_MISMATCH';
/// The session has a method policy and the signature carries no proof for every call.
pub const POLICY_PROOF_MISSING: felt252 = 'POLICY_PROOF_MISSING';
/// The block time is before the session's `valid_after`.
pub const NOT_YET_VALID: felt252 = 'NOT_YET_VALID';
/// The session used its transactions for the current rate-limit period.
pub const RATE_LIMITED: felt252 = 'RATE_LIMITED';
/// The session's calls would spend more of a token than its spending policy allows.
pub const SPENDING_LIMIT_EXCEEDED: felt252 = 'SPENDING_LIMIT_EXCEEDED';
/// The session's fee budget cannot cover this transaction's worst-case fee.
pub const FEE_BUDGET_EXCEEDED: felt252 = 'FEE_BUDGET_EXCEEDED';
/// The transaction's worst-case fee (bounds at max prices, plus tip) is above the
/// session's cap.
pub const FEE_CAP_EXCEEDED: felt252 = 'FEE_CAP_EXCEEDED';
/// The ECDSA signature does not verify (owner or session key).
pub const INVALID_SIGNATURE: felt252 = 'INVALID_SIGNATURE';

// Outside execution (SNIP-9 V2).
/// `caller` is neither ANY_CALLER nor the address submitting the execution.
pub const INVALID_CALLER: felt252 = 'INVALID_CALLER';
/// The block time is not after `execute_after`.
pub const TOO_EARLY: felt252 = 'TOO_EARLY';
/// The block time is not before `execute_before`.
pub const TOO_LATE: felt252 = 'TOO_LATE';
/// The outside-execution nonce was already used.
pub const NONCE_USED: felt252 = 'NONCE_USED';
/// `execute_from_outside_v2` was entered while one was running.
pub const REENTRANT_CALL: felt252 = 'REENTRANT_CALL';

// Owner operations and transaction checks.
/// Only the account itself (a transaction signed by the owner) may call this.
pub const UNAUTHORIZED: felt252 = 'UNAUTHORIZED';
/// `__execute__` called by a contract, or through a deprecated transaction version.
pub const INVALID_TX: felt252 = 'INVALID_TX';
/// A registration argument is unusable (zero max_calls, valid_until not in the future).
pub const INVALID_SESSION: felt252 = 'INVALID_SESSION';
/// A registration names a key that is not a Stark public key, or is the owner's key.
pub const INVALID_SESSION_KEY: felt252 = 'INVALID_SESSION_KEY';

// Sessions authorized off-chain (`session::authorization`).
/// The owner's signature does not verify over these terms for this account on this chain
/// (forged, a term changed, or signed for another account or chain).
pub const AUTHORIZATION_INVALID: felt252 = 'AUTHORIZATION_INVALID';
/// The authorization was revoked: its key by the owner (before or after its first use),
/// or every session by a revoke-all since it was signed (its epoch is past).
pub const AUTHORIZATION_REVOKED: felt252 = 'AUTHORIZATION_REVOKED';
/// The key already holds a session this authorization did not create (registered on chain,
/// by another authorization, or updated since).
pub const AUTHORIZATION_CONFLICT: felt252 = 'AUTHORIZATION_CONFLICT';
