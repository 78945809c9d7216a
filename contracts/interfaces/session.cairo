//! Session-Keys SNIP interface, exactly as the SNIP names it, plus the views our SDK needs.
use starknet::account::Call;
use starknet::ContractAddress;
use crate::session::policy::{SessionPolicy, SessionPolicyUsage};
use crate::session::record::SessionState;
use crate::session::spending::SpendingPolicy;

/// One session in `list_sessions`.
#[derive(Drop, Copy, Serde, PartialEq, Debug)]
pub struct SessionListEntry {
    pub session_key: felt252,
    pub state: SessionState,
    pub valid_until: u64,
    pub max_calls: u32,
    pub calls_used: u32,
    pub generation: u32,
    pub has_policy: bool,
}

/// XOR of sn_keccak("add_or_update_session_key"), sn_keccak("revoke_session_key") and
/// sn_keccak("get_session_data") — the id the SNIP defines (a test recomputes it).
pub const ISESSION_KEY_MANAGER_ID: felt252 =
    0x37ab4f01106526662a612eaa2926df2aa314c4144b964f183805880bbcfa55d;

/// A session as the SNIP reports it. `valid_until == 0` means absent or revoked.
#[derive(Drop, Copy, Serde, PartialEq, Debug)]
pub struct SessionData {
    pub valid_until: u64,
    pub max_calls: u32,
    pub calls_used: u32,
    pub allowed_entrypoints_len: u32,
}

#[starknet::interface]
pub trait ISessionKeyManager<TState> {
    fn add_or_update_session_key(
        ref self: TState,
        session_key: felt252,
        valid_until: u64,
        max_calls: u32,
        allowed_entrypoints: Span<felt252>,
    );
    fn revoke_session_key(ref self: TState, session_key: felt252);
    fn get_session_data(self: @TState, session_key: felt252) -> SessionData;
}

/// Beyond the SNIP: what a wallet SDK needs to explain a session before using it.
#[starknet::interface]
pub trait ISessionKeyViews<TState> {
    /// The session's whitelist (empty: any selector that is not blocked).
    fn get_allowed_entrypoints(self: @TState, session_key: felt252) -> Array<felt252>;
    /// True once revoked (until registered again): tells "revoked" from "never registered".
    fn is_session_revoked(self: @TState, session_key: felt252) -> bool;
    /// The key's registration number: it grows on every registration, update and
    /// revocation. A session signs `poseidon(hash, generation)`, so signatures made under
    /// another registration never verify.
    fn get_session_generation(self: @TState, session_key: felt252) -> u32;
    /// Dry run of the session checks (all but the signature) for these calls at the
    /// current block time: returns `'OK'` or the reason code validation would fail with.
    fn session_status(self: @TState, session_key: felt252, calls: Array<Call>) -> felt252;
}

/// Beyond the SNIP: a cap on what one session transaction may cost the account in fees.
#[starknet::interface]
pub trait ISessionFeeCap<TState> {
    /// Owner only. FRI, a multiple of 10^15; the default of a registration is 1 STRK.
    fn set_session_max_fee(ref self: TState, session_key: felt252, max_fee_per_tx: u128);
    /// The live session's cap in FRI (0 when there is no live session).
    fn get_session_max_fee(self: @TState, session_key: felt252) -> u128;
}

/// Beyond the SNIP: the account's sessions as a whole — ending them all in O(1), a session
/// ending itself (a dApp's "log out") without the owner, and listing them.
#[starknet::interface]
pub trait ISessionRegistry<TState> {
    /// Owner only: every session registered so far is revoked at once.
    fn revoke_all_sessions(ref self: TState);
    /// Ends `session_key`'s session. Called by the account itself: in an owner transaction,
    /// or in a session's own transaction (or outside execution) whose only call is this
    /// one, for its own key — the one self-call a session may make.
    fn end_session(ref self: TState, session_key: felt252);
    /// The current revoke-all epoch (0 until the first revoke-all).
    fn get_sessions_epoch(self: @TState) -> u32;
    /// How many keys were ever registered.
    fn get_sessions_count(self: @TState) -> u32;
    /// A page of every key ever registered, with its state (see the component).
    fn list_sessions(self: @TState, offset: u32, limit: u32) -> Array<SessionListEntry>;
}

/// Beyond the SNIP: sessions scoped by policy (methods by Merkle root, start time, rate,
/// fee cap and budget).
#[starknet::interface]
pub trait ISessionPolicies<TState> {
    /// Owner only: registers or replaces a session with a policy.
    fn add_session_with_policy(
        ref self: TState, session_key: felt252, valid_until: u64, max_calls: u32, policy: SessionPolicy,
    );
    /// Whether the live session has a policy, the policy, and what it has used (false and
    /// zeros without one).
    fn get_session_policy(
        self: @TState, session_key: felt252,
    ) -> (bool, SessionPolicy, SessionPolicyUsage);
}

/// The Session-Keys SNIP's optional spending-policy interface, names exact.
#[starknet::interface]
pub trait ISpendingPolicy<TState> {
    fn set_spending_policy(
        ref self: TState,
        session_key: felt252,
        token: ContractAddress,
        max_per_call: u256,
        max_per_window: u256,
        window_seconds: u64,
    );
    fn get_spending_policy(self: @TState, session_key: felt252, token: ContractAddress) -> SpendingPolicy;
    fn remove_spending_policy(ref self: TState, session_key: felt252, token: ContractAddress);
}

/// Beyond the SNIP: sessions the owner authorizes off-chain (`session::authorization`).
#[starknet::interface]
pub trait ISessionAuthorizations<TState> {
    /// The authorization (its SNIP-12 message hash) that created the key's last session at
    /// its first use, live or since revoked; 0 when none did (never used, registered on
    /// chain, or registered on chain again after that session).
    fn get_session_authorization(self: @TState, session_key: felt252) -> felt252;
}
