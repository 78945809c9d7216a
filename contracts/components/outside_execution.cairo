//! SNIP-9 V2 outside execution: calls this account signed (owner or session), submitted
//! and paid for by another account, e.g. a relayer. The account contract supplies the
//! signature check through `OutsideExecutionHooks`, so sessions go through the same
//! validation routine as in `__validate__`.
use starknet::ContractAddress;
use starknet::account::Call;

pub trait OutsideExecutionHooks<TContractState> {
    /// Panics with a reason code unless `signature` is a valid owner or session signature
    /// over `hash` that allows `calls` (a session is consumed once).
    fn validate_outside_signature(
        ref self: TContractState,
        hash: felt252,
        signature: Span<felt252>,
        calls: Span<Call>,
        now: u64,
        account: ContractAddress,
    );
}

#[starknet::component]
pub mod OutsideExecutionComponent {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::get_execution_info;
    use crate::interfaces::outside_execution::{ANY_CALLER, IOutsideExecutionV2, OutsideExecution};
    use crate::reasons;
    use crate::utils::execution::execute_calls;
    use crate::utils::snip12::outside_execution_message_hash;
    use super::OutsideExecutionHooks;

    #[storage]
    pub struct Storage {
        pub SRC9_used_nonces: Map<felt252, bool>,
        /// Set while calls of an outside execution run: no re-entrance.
        pub SRC9_executing: bool,
    }

    #[event]
    #[derive(Drop, PartialEq, starknet::Event)]
    pub enum Event {}

    #[embeddable_as(OutsideExecutionV2Impl)]
    impl OutsideExecutionV2<
        TContractState, +HasComponent<TContractState>, +OutsideExecutionHooks<TContractState>,
        +Drop<TContractState>,
    > of IOutsideExecutionV2<ComponentState<TContractState>> {
        /// Anyone may call it. Checks, in order: no execution is already running, the
        /// caller (`'ANY_CALLER'`, 0, or the submitting address), the window
        /// `execute_after < now < execute_before`, the nonce (then marks it used), the
        /// signature (owner, or session with its whitelist applied to these calls); then
        /// runs the calls atomically.
        fn execute_from_outside_v2(
            ref self: ComponentState<TContractState>,
            outside_execution: OutsideExecution,
            signature: Span<felt252>,
        ) -> Array<Span<felt252>> {
            assert(!self.SRC9_executing.read(), reasons::REENTRANT_CALL);
            let info = get_execution_info().unbox();

            let caller: felt252 = outside_execution.caller.into();
            assert(
                caller == ANY_CALLER || caller == 0 || outside_execution.caller == info.caller_address,
                reasons::INVALID_CALLER,
            );

            let now = info.block_info.unbox().block_timestamp;
            assert(outside_execution.execute_after < now, reasons::TOO_EARLY);
            assert(now < outside_execution.execute_before, reasons::TOO_LATE);

            let nonce = outside_execution.nonce;
            assert(!self.SRC9_used_nonces.read(nonce), reasons::NONCE_USED);
            self.SRC9_used_nonces.write(nonce, true);

            let hash = outside_execution_message_hash(
                @outside_execution, info.contract_address, info.tx_info.unbox().chain_id,
            );
            let mut contract = self.get_contract_mut();
            OutsideExecutionHooks::validate_outside_signature(
                ref contract, hash, signature, outside_execution.calls, now, info.contract_address,
            );

            self.SRC9_executing.write(true);
            let results = execute_calls(outside_execution.calls);
            self.SRC9_executing.write(false);
            results
        }

        fn is_valid_outside_execution_nonce(
            self: @ComponentState<TContractState>, nonce: felt252,
        ) -> bool {
            !self.SRC9_used_nonces.read(nonce)
        }
    }
}
