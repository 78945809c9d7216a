//! SNIP-9 V2 outside execution: calls this account signed (owner or session), submitted
//! and paid for by another account, e.g. a relayer. The account contract supplies the
//! signature check through `OutsideExecutionHooks`, so sessions go through the same
//! validation routine as in `__validate__`.
use starknet::ContractAddress;
use starknet::account::Call;

pub trait OutsideExecutionHooks<TContractState> {
    /// Panics with a reason code unless `signature` is a valid owner or session signature
    /// over `hash` that allows `calls` (a session is consumed once). Returns the signer's
    /// nonce scope: `OWNER_NONCE_SCOPE` for the owner, the session key for a session.
    fn validate_outside_signature(
        ref self: TContractState,
        hash: felt252,
        signature: Span<felt252>,
        calls: Span<Call>,
        now: u64,
        account: ContractAddress,
    ) -> felt252;

    /// Runs the calls of an execution the signer of `scope` signed (a session's spending
    /// is measured there).
    fn execute_outside_calls(
        ref self: TContractState, scope: felt252, calls: Span<Call>, now: u64, account: ContractAddress,
    ) -> Array<Span<felt252>>;
}

#[starknet::component]
pub mod OutsideExecutionComponent {
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::get_execution_info;
    use crate::interfaces::outside_execution::{
        ANY_CALLER, IOutsideExecutionV2, ISessionOutsideExecutionNonces, OutsideExecution,
    };
    use crate::reasons;
    use crate::outside_execution::hashing::outside_execution_message_hash;
    use super::OutsideExecutionHooks;
    use crate::outside_execution::nonces::{OWNER_NONCE_SCOPE, nonce_position};

    #[storage]
    pub struct Storage {
        /// A word of a signer's nonce space (`nonces::nonce_position`) -> which of its 128
        /// nonces are used.
        pub SRC9_used_nonce_words: Map<felt252, u128>,
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
        /// caller (`'ANY_CALLER'` or the submitting address; 0 is not "any caller", see
        /// contracts/README.md), the window `execute_after < now < execute_before`, the
        /// signature (owner, or session with its whitelist applied to these calls), then
        /// the nonce in the signer's own nonce space (and marks it used); then runs the
        /// calls atomically.
        fn execute_from_outside_v2(
            ref self: ComponentState<TContractState>,
            outside_execution: OutsideExecution,
            signature: Span<felt252>,
        ) -> Array<Span<felt252>> {
            assert(!self.SRC9_executing.read(), reasons::REENTRANT_CALL);
            let info = get_execution_info().unbox();

            // SNIP-9 V2 defines only 'ANY_CALLER' as the wildcard. A 0 (what a wallet may
            // leave in an unset field) names address 0, which never submits anything.
            let caller: felt252 = outside_execution.caller.into();
            assert(
                caller == ANY_CALLER || outside_execution.caller == info.caller_address,
                reasons::INVALID_CALLER,
            );

            let now = info.block_info.unbox().block_timestamp;
            assert(outside_execution.execute_after < now, reasons::TOO_EARLY);
            assert(now < outside_execution.execute_before, reasons::TOO_LATE);

            let hash = outside_execution_message_hash(
                @outside_execution, info.contract_address, info.tx_info.unbox().chain_id,
            );
            let mut contract = self.get_contract_mut();
            let scope = OutsideExecutionHooks::validate_outside_signature(
                ref contract, hash, signature, outside_execution.calls, now, info.contract_address,
            );

            // After the signature: the scope depends on who signed.
            let (word, bit) = nonce_position(scope, outside_execution.nonce);
            let used = self.SRC9_used_nonce_words.read(word);
            assert(used & bit == 0, reasons::NONCE_USED);
            self.SRC9_used_nonce_words.write(word, used | bit);

            self.SRC9_executing.write(true);
            let mut contract = self.get_contract_mut();
            let results = OutsideExecutionHooks::execute_outside_calls(
                ref contract, scope, outside_execution.calls, now, info.contract_address,
            );
            self.SRC9_executing.write(false);
            results
        }

        /// The owner's nonces (SNIP-9 wallets sign as the owner).
        fn is_valid_outside_execution_nonce(
            self: @ComponentState<TContractState>, nonce: felt252,
        ) -> bool {
            self.is_unused(OWNER_NONCE_SCOPE, nonce)
        }
    }

    #[embeddable_as(SessionOutsideExecutionNoncesImpl)]
    impl SessionOutsideExecutionNonces<
        TContractState, +HasComponent<TContractState>,
    > of ISessionOutsideExecutionNonces<ComponentState<TContractState>> {
        fn is_valid_session_outside_execution_nonce(
            self: @ComponentState<TContractState>, session_key: felt252, nonce: felt252,
        ) -> bool {
            self.is_unused(session_key, nonce)
        }
    }

    #[generate_trait]
    impl NonceReadImpl<TContractState, +HasComponent<TContractState>> of NonceReadTrait<TContractState> {
        fn is_unused(self: @ComponentState<TContractState>, scope: felt252, nonce: felt252) -> bool {
            let (word, bit) = nonce_position(scope, nonce);
            self.SRC9_used_nonce_words.read(word) & bit == 0
        }
    }
}
