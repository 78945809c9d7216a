//! SNIP-9 V2: execute calls signed by this account and submitted by anyone else.
use starknet::ContractAddress;
use starknet::account::Call;

/// SNIP-9 V2 interface id.
pub const ISRC9_V2_ID: felt252 = 0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872;

/// `caller` value that lets any address submit the execution.
pub const ANY_CALLER: felt252 = 'ANY_CALLER';

#[derive(Copy, Drop, Serde, Debug)]
pub struct OutsideExecution {
    /// Who may submit it: an address, or `'ANY_CALLER'`.
    pub caller: ContractAddress,
    /// Any unused felt; consumed by the execution.
    pub nonce: felt252,
    /// Valid strictly after this block time (the SNIP-12 type says u128; the value is u64).
    pub execute_after: u64,
    /// Valid strictly before this block time.
    pub execute_before: u64,
    pub calls: Span<Call>,
}

#[starknet::interface]
pub trait IOutsideExecutionV2<TState> {
    fn execute_from_outside_v2(
        ref self: TState, outside_execution: OutsideExecution, signature: Span<felt252>,
    ) -> Array<Span<felt252>>;
    /// True while the owner's `nonce` is unused.
    fn is_valid_outside_execution_nonce(self: @TState, nonce: felt252) -> bool;
}

/// Beyond SNIP-9: each session key has its own outside-execution nonce space.
#[starknet::interface]
pub trait ISessionOutsideExecutionNonces<TState> {
    /// True while `nonce` is unused by `session_key`.
    fn is_valid_session_outside_execution_nonce(
        self: @TState, session_key: felt252, nonce: felt252,
    ) -> bool;
}
