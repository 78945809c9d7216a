//! SessionAccount: wires the owner, session and outside-execution components together
//! and routes each signature, parsed once by `crate::signature`, to its check.
#[starknet::contract(account)]
pub mod SessionAccount {
    use starknet::account::Call;
    use starknet::storage::StoragePointerWriteAccess;
    use starknet::syscalls::replace_class_syscall;
    use starknet::{ClassHash, ContractAddress, SyscallResultTrait, VALIDATED, get_execution_info};
    use crate::outside_execution::component::{OutsideExecutionComponent, OutsideExecutionHooks};
    use crate::outside_execution::nonces::OWNER_NONCE_SCOPE;
    use crate::components::owner::OwnerComponent;
    use crate::session::component::SessionComponent;
    use crate::session::component::SessionComponent::{ValidationContext, ValidationPath};
    use crate::interfaces::account::{
        IDeclarer, IDeployable, ISRC5, ISRC5_ID, ISRC6, ISRC6_ID, IUpgradeable,
    };
    use crate::interfaces::outside_execution::ISRC9_V2_ID;
    use crate::interfaces::session::ISESSION_KEY_MANAGER_ID;
    use crate::reasons;
    use crate::signature::{
        AccountSignature, parse_signature, session_signature_format,
    };
    use crate::utils::execution::execute_calls;

    component!(path: OwnerComponent, storage: owner, event: OwnerEvent);
    component!(path: SessionComponent, storage: sessions, event: SessionEvent);
    component!(
        path: OutsideExecutionComponent, storage: outside_execution, event: OutsideExecutionEvent,
    );

    #[abi(embed_v0)]
    impl OwnerImpl = OwnerComponent::OwnerImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionKeyManagerImpl =
        SessionComponent::SessionKeyManagerImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionKeyViewsImpl = SessionComponent::SessionKeyViewsImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionFeeCapImpl = SessionComponent::SessionFeeCapImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionRegistryImpl = SessionComponent::SessionRegistryImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionPoliciesImpl = SessionComponent::SessionPoliciesImpl<ContractState>;
    #[abi(embed_v0)]
    impl SpendingPolicyImpl = SessionComponent::SpendingPolicyImpl<ContractState>;
    #[abi(embed_v0)]
    impl SessionAuthorizationsImpl =
        SessionComponent::SessionAuthorizationsImpl<ContractState>;
    #[abi(embed_v0)]
    impl OutsideExecutionV2Impl =
        OutsideExecutionComponent::OutsideExecutionV2Impl<ContractState>;
    #[abi(embed_v0)]
    impl SessionOutsideExecutionNoncesImpl =
        OutsideExecutionComponent::SessionOutsideExecutionNoncesImpl<ContractState>;

    impl OwnerInternalImpl = OwnerComponent::InternalImpl<ContractState>;
    impl SessionInternalImpl = SessionComponent::InternalImpl<ContractState>;
    impl SessionAuthorizationImpl = SessionComponent::AuthorizationImpl<ContractState>;

    /// Signature of a transaction version 1 or later (query versions included):
    /// version 0 and its query twin 2^128 skip `__validate__` and are refused.
    const QUERY_OFFSET: felt252 = 0x100000000000000000000000000000000;

    #[storage]
    struct Storage {
        #[substorage(v0)]
        owner: OwnerComponent::Storage,
        #[substorage(v0)]
        sessions: SessionComponent::Storage,
        #[substorage(v0)]
        outside_execution: OutsideExecutionComponent::Storage,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    enum Event {
        #[flat]
        OwnerEvent: OwnerComponent::Event,
        #[flat]
        SessionEvent: SessionComponent::Event,
        #[flat]
        OutsideExecutionEvent: OutsideExecutionComponent::Event,
        Upgraded: Upgraded,
    }

    /// Emitted when the owner replaces the account's class.
    #[derive(Drop, starknet::Event)]
    struct Upgraded {
        class_hash: ClassHash,
    }

    #[constructor]
    fn constructor(ref self: ContractState, public_key: felt252) {
        self.owner.initializer(public_key);
    }

    #[abi(embed_v0)]
    impl SRC6Impl of ISRC6<ContractState> {
        /// Called by the protocol only. Runs the calls atomically. For a session-signed
        /// transaction it first re-checks the exact expiry, which `__validate__` could only
        /// check against the block time rounded down to the hour.
        fn __execute__(ref self: ContractState, calls: Array<Call>) -> Array<Span<felt252>> {
            let info = get_execution_info().unbox();
            assert(info.caller_address.into() == 0, reasons::INVALID_TX);
            let tx_info = info.tx_info.unbox();
            // Neither 0 nor its query twin (one product: the field has no zero divisors).
            assert(tx_info.version * (tx_info.version - QUERY_OFFSET) != 0, reasons::INVALID_TX);
            // `__validate__` accepted this signature, so a session's valid_until is a u64. (A
            // first use of an authorized session is read from its inner session signature.)
            match session_signature_format(tx_info.signature) {
                Some((session_key, valid_until, is_policy_format)) => {
                    let now = info.block_info.unbox().block_timestamp;
                    assert(now <= valid_until, reasons::EXPIRED);
                    // A policy session signs in the policy format: only then its start time
                    // and its spending.
                    if is_policy_format {
                        return self.execute_policy_format(session_key, calls.span(), now, info.contract_address);
                    }
                },
                None => {},
            }
            execute_calls(calls.span())
        }

        /// Called by the protocol only: a contract calling it (say, one a session calls,
        /// re-entering with the running transaction's signature) is refused with
        /// `INVALID_TX` before anything is consumed. Accepts the owner's `[r, s]` or a
        /// session's `[session_pubkey, r, s, valid_until]` over the transaction hash;
        /// otherwise panics with the reason code.
        fn __validate__(ref self: ContractState, calls: Array<Call>) -> felt252 {
            let info = get_execution_info().unbox();
            assert(info.caller_address.into() == 0, reasons::INVALID_TX);
            let tx_info = info.tx_info.unbox();
            let context = ValidationContext {
                now: info.block_info.unbox().block_timestamp,
                account: info.contract_address,
                path: ValidationPath::Invoke((tx_info.resource_bounds, tx_info.tip, tx_info.version)),
            };
            self.validate_signature(tx_info.transaction_hash, tx_info.signature, calls.span(), context);
            VALIDATED
        }

        /// Owner signatures only: a session key can never sign messages for the account
        /// (the SNIP's reference accepts that as a known High finding; we do not).
        /// Returns 'VALID' or 0, and never panics on malformed input.
        fn is_valid_signature(
            self: @ContractState, hash: felt252, signature: Array<felt252>,
        ) -> felt252 {
            match parse_signature(signature.span()) {
                Ok(AccountSignature::Owner((r, s))) => if self.owner.is_valid_owner_signature(hash, r, s) {
                    VALIDATED
                } else {
                    0
                },
                _ => 0,
            }
        }
    }

    #[abi(embed_v0)]
    impl DeclarerImpl of IDeclarer<ContractState> {
        /// Declaring classes is the owner's: sessions are refused.
        fn __validate_declare__(self: @ContractState, class_hash: felt252) -> felt252 {
            self.assert_owner_signed_tx();
            VALIDATED
        }
    }

    #[abi(embed_v0)]
    impl DeployableImpl of IDeployable<ContractState> {
        /// Counterfactual deployment, signed by the owner key given to the constructor.
        fn __validate_deploy__(
            self: @ContractState,
            class_hash: felt252,
            contract_address_salt: felt252,
            public_key: felt252,
        ) -> felt252 {
            self.assert_owner_signed_tx();
            VALIDATED
        }
    }

    #[abi(embed_v0)]
    impl SRC5Impl of ISRC5<ContractState> {
        /// Constant answers (no storage): the interfaces this class implements.
        fn supports_interface(self: @ContractState, interface_id: felt252) -> bool {
            interface_id == ISRC6_ID
                || interface_id == ISRC5_ID
                || interface_id == ISRC9_V2_ID
                || interface_id == ISESSION_KEY_MANAGER_ID
        }
    }

    #[abi(embed_v0)]
    impl UpgradeableImpl of IUpgradeable<ContractState> {
        /// Replaces the account's class. Only the account itself (an owner-signed
        /// transaction; sessions can neither call the account nor this selector).
        /// Emits `Upgraded`.
        fn upgrade(ref self: ContractState, new_class_hash: ClassHash) {
            let info = get_execution_info().unbox();
            assert(info.caller_address == info.contract_address, reasons::UNAUTHORIZED);
            replace_class_syscall(new_class_hash).unwrap_syscall();
            self.emit(Upgraded { class_hash: new_class_hash });
        }
    }

    impl OutsideExecutionHooksImpl of OutsideExecutionHooks<ContractState> {
        fn validate_outside_signature(
            ref self: ContractState,
            hash: felt252,
            signature: Span<felt252>,
            calls: Span<Call>,
            now: u64,
            account: ContractAddress,
        ) -> felt252 {
            let context = ValidationContext { now, account, path: ValidationPath::OutsideExecution };
            self.validate_signature(hash, signature, calls, context)
        }

        fn execute_outside_calls(
            ref self: ContractState, scope: felt252, calls: Span<Call>, now: u64, account: ContractAddress,
        ) -> Array<Span<felt252>> {
            if scope != OWNER_NONCE_SCOPE {
                return self.sessions.execute_policy_session(scope, calls, now, account);
            }
            execute_calls(calls)
        }
    }

    #[generate_trait]
    impl SignatureRoutingImpl of SignatureRoutingTrait {
        /// The owner's `[r, s]` or a session's `[session_pubkey, r, s, valid_until]`;
        /// panics with the reason code of the failing check. Returns the signer's
        /// outside-execution nonce scope (the owner's, or the session key).
        #[inline(always)]
        fn validate_signature(
            ref self: ContractState,
            hash: felt252,
            signature: Span<felt252>,
            calls: Span<Call>,
            context: ValidationContext,
        ) -> felt252 {
            match parse_signature(signature) {
                Ok(AccountSignature::Owner((r, s))) => {
                    assert(self.owner.is_valid_owner_signature(hash, r, s), reasons::INVALID_SIGNATURE);
                    OWNER_NONCE_SCOPE
                },
                Ok(AccountSignature::Session(session)) => {
                    self.sessions.validate_session(hash, session, calls, context);
                    session.session_key
                },
                Ok(AccountSignature::AuthorizedSession(first_use)) => {
                    let first_use = first_use.unbox();
                    let reason = self
                        .sessions
                        .validate_authorized_session(hash, first_use.authorization, first_use.session, calls, context);
                    assert(reason == reasons::OK, reason);
                    first_use.session.session_key
                },
                Err(reason) => core::panic_with_felt252(reason),
            }
        }

        /// `__execute__` for a session signing in the policy format: its start time, then
        /// its calls, measured if it has spending limits. (Out of line: a plain session's
        /// transaction never runs it.)
        #[inline(never)]
        fn execute_policy_format(
            ref self: ContractState, session_key: felt252, calls: Span<Call>, now: u64, account: ContractAddress,
        ) -> Array<Span<felt252>> {
            if !self.sessions.check_may_execute(session_key, now) {
                return execute_calls(calls);
            }
            // While its spending is measured, no outside execution may start inside the
            // calls: it would charge its spending to the same window the outer
            // measurement then overwrites.
            self.outside_execution.SRC9_executing.write(true);
            let results = self.sessions.execute_session_calls(session_key, calls, now, account);
            self.outside_execution.SRC9_executing.write(false);
            results
        }

        fn assert_owner_signed_tx(self: @ContractState) {
            let tx_info = starknet::get_tx_info().unbox();
            let Ok(AccountSignature::Owner((r, s))) = parse_signature(tx_info.signature) else {
                core::panic_with_felt252(reasons::BAD_SIGNATURE_FORMAT)
            };
            assert(
                self.owner.is_valid_owner_signature(tx_info.transaction_hash, r, s),
                reasons::INVALID_SIGNATURE,
            );
        }
    }
}
