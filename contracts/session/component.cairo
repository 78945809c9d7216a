//! Session keys (Session-Keys SNIP): the owner registers a key that may sign transactions
//! until `valid_until`, for at most `max_calls` transactions, on a whitelist of selectors,
//! and never on the account itself nor on an admin selector.

#[starknet::component]
pub mod SessionComponent {
    use core::ecdsa::check_ecdsa_signature;
    use starknet::account::Call;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{
        ContractAddress, ResourcesBounds, get_block_timestamp, get_caller_address, get_contract_address,
    };
    use crate::components::owner::OwnerComponent;
    use crate::interfaces::session::{
        ISessionFeeCap, ISessionKeyManager, ISessionKeyViews, ISessionRevocation, SessionData,
    };
    use crate::reasons;
    use crate::session::blocklist::is_blocked_selector;
    use crate::session::fees::{FEE_UNIT, exceeds_cap, max_fee_per_tx};
    use crate::session::hashing::{is_stark_public_key, session_message_hash, whitelist_key};
    use crate::session::record::{MAX_EPOCH, SessionRecord, SessionState};
    use crate::signature::SessionSignature;

    #[storage]
    pub struct Storage {
        /// Session public key -> its packed record.
        pub SessionKeys_records: Map<felt252, SessionRecord>,
        /// poseidon(session key, selector) -> the generation that whitelisted it. A selector
        /// is allowed when this equals the session's current generation: one map read at
        /// any whitelist length, and entries of earlier generations are dead at once.
        pub SessionKeys_allowed: Map<felt252, u32>,
        /// (session key, generation, index) -> selector, for `get_allowed_entrypoints`.
        pub SessionKeys_entrypoints: Map<(felt252, u32, u32), felt252>,
        /// Revoke-all epoch: a session is live only if registered in the current one.
        pub SessionKeys_epoch: u32,
    }

    #[event]
    #[derive(Drop, PartialEq, starknet::Event)]
    pub enum Event {
        SessionKeyAdded: SessionKeyAdded,
        SessionKeyRevoked: SessionKeyRevoked,
        SessionMaxFeeSet: SessionMaxFeeSet,
        AllSessionsRevoked: AllSessionsRevoked,
    }

    /// Emitted when a session is registered or replaced.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SessionKeyAdded {
        #[key]
        pub session_key: felt252,
        pub valid_until: u64,
        pub max_calls: u32,
        pub allowed_entrypoints_len: u32,
    }

    /// Emitted when a session is revoked.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SessionKeyRevoked {
        #[key]
        pub session_key: felt252,
    }

    /// Emitted when the owner revokes every session at once.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct AllSessionsRevoked {
        /// The new epoch: sessions registered before it are revoked.
        pub epoch: u32,
    }

    /// Emitted when the owner sets a session's fee cap.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SessionMaxFeeSet {
        #[key]
        pub session_key: felt252,
        /// FRI.
        pub max_fee_per_tx: u128,
    }

    /// What validation knows about the path it runs on.
    #[derive(Copy, Drop)]
    pub struct ValidationContext {
        /// Block time: exact in execution, rounded down to the hour in `__validate__`.
        pub now: u64,
        pub account: ContractAddress,
        pub path: ValidationPath,
    }

    #[derive(Copy, Drop)]
    pub enum ValidationPath {
        /// A transaction of the account, which pays for it: its resource bounds and tip.
        Invoke: (Span<ResourcesBounds>, u128),
        /// An outside execution: whoever submits it pays.
        OutsideExecution,
    }

    #[embeddable_as(SessionKeyManagerImpl)]
    impl SessionKeyManager<
        TContractState,
        +HasComponent<TContractState>,
        impl Owner: OwnerComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of ISessionKeyManager<ComponentState<TContractState>> {
        /// Registers `session_key`, or replaces its session: the whole whitelist is
        /// replaced, `calls_used` restarts at 0 and the generation grows, so signatures
        /// made under the previous registration no longer verify. Only the account itself
        /// may call it. Refuses a key that is not a Stark public key or is the owner's
        /// (`INVALID_SESSION_KEY`), `max_calls == 0` and a `valid_until` not in the future
        /// (`INVALID_SESSION`), and a whitelist naming an admin selector (it could never
        /// be used). Emits `SessionKeyAdded`.
        fn add_or_update_session_key(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_entrypoints: Array<felt252>,
        ) {
            assert_only_self();
            assert(is_stark_public_key(session_key), reasons::INVALID_SESSION_KEY);
            // The owner key as a session key would be a session that signs like the owner
            // in every other context (off-chain messages, owner outside executions).
            let owner = get_dep_component!(@self, Owner);
            assert(session_key != owner.Owner_public_key.read(), reasons::INVALID_SESSION_KEY);
            assert(max_calls != 0, reasons::INVALID_SESSION);
            assert(valid_until > get_block_timestamp(), reasons::INVALID_SESSION);

            let previous = self.SessionKeys_records.read(session_key);
            let generation = previous.generation + 1;
            let epoch = self.SessionKeys_epoch.read();
            let mut index: u32 = 0;
            for selector in allowed_entrypoints.span() {
                assert(!is_blocked_selector(*selector), reasons::BLOCKED_SELECTOR);
                self.SessionKeys_allowed.write(whitelist_key(session_key, *selector), generation);
                self.SessionKeys_entrypoints.write((session_key, generation, index), *selector);
                index += 1;
            }
            self
                .SessionKeys_records
                .write(
                    session_key,
                    SessionRecord {
                        valid_until,
                        max_calls,
                        calls_used: 0,
                        entrypoints_len: index,
                        generation,
                        state: SessionState::Active,
                        max_fee_units: 0,
                        epoch,
                    },
                );
            self
                .emit(
                    SessionKeyAdded {
                        session_key, valid_until, max_calls, allowed_entrypoints_len: index,
                    },
                );
        }

        /// Revokes `session_key`: every field reads 0, the whitelist is gone, and the
        /// generation grows so no signature made before the revocation verifies again,
        /// even if the key is registered anew. Only the account itself may call it;
        /// refuses a key that has no live session.
        /// Emits `SessionKeyRevoked`.
        fn revoke_session_key(ref self: ComponentState<TContractState>, session_key: felt252) {
            assert_only_self();
            self.revoke(session_key);
        }

        fn get_session_data(
            self: @ComponentState<TContractState>, session_key: felt252,
        ) -> SessionData {
            let record = self.load(session_key);
            SessionData {
                valid_until: record.valid_until,
                max_calls: record.max_calls,
                calls_used: record.calls_used,
                allowed_entrypoints_len: record.entrypoints_len,
            }
        }
    }

    #[embeddable_as(SessionKeyViewsImpl)]
    impl SessionKeyViews<
        TContractState, +HasComponent<TContractState>,
    > of ISessionKeyViews<ComponentState<TContractState>> {
        fn get_allowed_entrypoints(
            self: @ComponentState<TContractState>, session_key: felt252,
        ) -> Array<felt252> {
            let record = self.load(session_key);
            let mut entrypoints = array![];
            for index in 0..record.entrypoints_len {
                entrypoints
                    .append(
                        self.SessionKeys_entrypoints.read((session_key, record.generation, index)),
                    );
            }
            entrypoints
        }

        fn is_session_revoked(self: @ComponentState<TContractState>, session_key: felt252) -> bool {
            self.load(session_key).state == SessionState::Revoked
        }

        fn get_session_generation(self: @ComponentState<TContractState>, session_key: felt252) -> u32 {
            self.SessionKeys_records.read(session_key).generation
        }

        fn session_status(
            self: @ComponentState<TContractState>, session_key: felt252, calls: Array<Call>,
        ) -> felt252 {
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                return absent_reason(@record);
            }
            self
                .check_policy(
                    session_key, @record, calls.span(), get_block_timestamp(), get_contract_address(),
                )
        }
    }

    #[embeddable_as(SessionRevocationImpl)]
    impl SessionRevocation<
        TContractState, +HasComponent<TContractState>,
    > of ISessionRevocation<ComponentState<TContractState>> {
        /// Revokes every session at once, whatever their number: the epoch grows and
        /// sessions registered in an earlier one read as revoked (their keys may be
        /// registered again, under a new generation). Only the account itself may call it.
        /// Emits `AllSessionsRevoked`.
        fn revoke_all_sessions(ref self: ComponentState<TContractState>) {
            assert_only_self();
            let epoch = self.SessionKeys_epoch.read();
            assert(epoch < MAX_EPOCH, reasons::INVALID_SESSION);
            self.SessionKeys_epoch.write(epoch + 1);
            self.emit(AllSessionsRevoked { epoch: epoch + 1 });
        }

        /// Ends a live session like `revoke_session_key`. Only the account itself may call
        /// it; validation lets a session reach it for its own key alone (see
        /// `is_self_revocation`). Emits `SessionKeyRevoked`.
        fn end_session(ref self: ComponentState<TContractState>, session_key: felt252) {
            assert_only_self();
            self.revoke(session_key);
        }

        fn get_sessions_epoch(self: @ComponentState<TContractState>) -> u32 {
            self.SessionKeys_epoch.read()
        }
    }

    #[embeddable_as(SessionFeeCapImpl)]
    impl SessionFeeCap<
        TContractState, +HasComponent<TContractState>,
    > of ISessionFeeCap<ComponentState<TContractState>> {
        /// Sets the most one transaction of a live session may cost at worst (resource
        /// bounds at their max prices, plus the tip on every unit of L2 gas), in FRI: a
        /// multiple of 10^15 (0.001 STRK), from 0.001 STRK to about 4.29 M STRK. Only the
        /// account itself may call it; an update of the session restores the default
        /// (1 STRK). Emits `SessionMaxFeeSet`.
        fn set_session_max_fee(
            ref self: ComponentState<TContractState>, session_key: felt252, max_fee_per_tx: u128,
        ) {
            assert_only_self();
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                core::panic_with_felt252(absent_reason(@record));
            }
            assert(max_fee_per_tx % FEE_UNIT == 0, reasons::INVALID_SESSION);
            let Some(units): Option<u32> = (max_fee_per_tx / FEE_UNIT).try_into() else {
                core::panic_with_felt252(reasons::INVALID_SESSION)
            };
            assert(units != 0, reasons::INVALID_SESSION);
            self.SessionKeys_records.write(session_key, SessionRecord { max_fee_units: units, ..record });
            self.emit(SessionMaxFeeSet { session_key, max_fee_per_tx });
        }

        fn get_session_max_fee(self: @ComponentState<TContractState>, session_key: felt252) -> u128 {
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                return 0;
            }
            max_fee_per_tx(record.max_fee_units)
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// The key's record as it stands: a session registered before the last revoke-all
        /// reads as revoked.
        fn load(self: @ComponentState<TContractState>, session_key: felt252) -> SessionRecord {
            effective(self.SessionKeys_records.read(session_key), self.SessionKeys_epoch.read())
        }

        /// Revokes a live session: every field reads 0, the whitelist is gone, and the
        /// generation grows so no signature made before verifies again, even after a new
        /// registration. Panics with the reason when the key holds no live session.
        fn revoke(ref self: ComponentState<TContractState>, session_key: felt252) {
            let previous = self.load(session_key);
            if previous.state != SessionState::Active {
                core::panic_with_felt252(absent_reason(@previous));
            }
            self
                .SessionKeys_records
                .write(
                    session_key,
                    SessionRecord {
                        generation: previous.generation + 1,
                        state: SessionState::Revoked,
                        ..Default::default()
                    },
                );
            self.emit(SessionKeyRevoked { session_key });
        }

        /// Validates a session signature (parsed by `crate::signature`, so `valid_until`
        /// is a u64) over `hash` for `calls` and, if every check passes, consumes one call
        /// of the session. Returns `reasons::OK`, or the reason code of the first failing
        /// check. The one routine behind `__validate__` and `execute_from_outside_v2`.
        fn validate_session(
            ref self: ComponentState<TContractState>,
            hash: felt252,
            signature: SessionSignature,
            calls: Span<Call>,
            context: ValidationContext,
        ) -> felt252 {
            let session_key = signature.session_key;
            // 1. `valid_until` is the registered one. (Compared after the record is known
            //    to exist: an absent session reports why it is absent.)
            // The record's storage address is hashed once, for this read and the write below.
            let record_slot = self.SessionKeys_records.entry(session_key);
            let record = effective(record_slot.read(), self.SessionKeys_epoch.read());
            // 2. The session exists (and no revoke-all came after it).
            if record.state != SessionState::Active {
                return absent_reason(@record);
            }
            if signature.valid_until != record.valid_until {
                return reasons::VALID_UNTIL_MISMATCH;
            }
            // 3.-6. Time, call budget, self-calls, blocklist, whitelist.
            let reason = self.check_policy(session_key, @record, calls, context.now, context.account);
            if reason != reasons::OK {
                return reason;
            }
            // 7. What the account may pay for this transaction fits the session's cap.
            if let ValidationPath::Invoke((resource_bounds, tip)) = context.path {
                if exceeds_cap(resource_bounds, tip, record.max_fee_units) {
                    return reasons::FEE_CAP_EXCEEDED;
                }
            }
            // 8. The session key signed this hash under this registration.
            let message = session_message_hash(hash, record.generation);
            if !check_ecdsa_signature(message, session_key, signature.r, signature.s) {
                return reasons::INVALID_SIGNATURE;
            }
            // 9. Only now consume one call: once per transaction, whatever the call count.
            //    (No event here: every syscall costs a session transaction dearly, and the
            //    use is on chain already — the session key is in the transaction's signature
            //    or the outside execution's calldata, and `calls_used` counts it.)
            record_slot.write(SessionRecord { calls_used: record.calls_used + 1, ..record });
            reasons::OK
        }

        /// Steps 3-6 of the validation, for an existing session.
        fn check_policy(
            self: @ComponentState<TContractState>,
            session_key: felt252,
            record: @SessionRecord,
            calls: Span<Call>,
            now: u64,
            account: ContractAddress,
        ) -> felt252 {
            // 3. Not expired. (`__validate__` sees the time rounded down to the hour;
            //    `__execute__` re-checks the exact time.)
            if now > *record.valid_until {
                return reasons::EXPIRED;
            }
            // 4. Call budget left.
            if *record.calls_used >= *record.max_calls {
                return reasons::MAX_CALLS_EXCEEDED;
            }
            // 5. Never the account itself (stricter than the SNIP, which only requires it
            //    for empty whitelists), never an admin selector — except the one self-call
            //    that ends this very session.
            if is_self_revocation(calls, account, session_key) {
                return reasons::OK;
            }
            for call in calls {
                if *call.to == account {
                    return reasons::SELF_CALL;
                }
                if is_blocked_selector(*call.selector) {
                    return reasons::BLOCKED_SELECTOR;
                }
            }
            // 6. A non-empty whitelist names every selector: one map read per call.
            if *record.entrypoints_len != 0 {
                for call in calls {
                    let key = whitelist_key(session_key, *call.selector);
                    if self.SessionKeys_allowed.read(key) != *record.generation {
                        return reasons::ENTRYPOINT_NOT_ALLOWED;
                    }
                }
            }
            reasons::OK
        }
    }

    /// A session ending itself: exactly one call, to the account's `end_session`, naming
    /// the signing key. Nothing else a session sends may reach the account.
    fn is_self_revocation(calls: Span<Call>, account: ContractAddress, session_key: felt252) -> bool {
        if calls.len() != 1 {
            return false;
        }
        let call = calls[0];
        *call.to == account && *call.selector == selector!("end_session") && *call.calldata == array![session_key].span()
    }

    /// A record registered in an earlier revoke-all epoch reads as revoked, with every
    /// field 0 but its generation (as `revoke` leaves it).
    fn effective(record: SessionRecord, epoch: u32) -> SessionRecord {
        if record.state == SessionState::Active && record.epoch != epoch {
            SessionRecord { generation: record.generation, state: SessionState::Revoked, ..Default::default() }
        } else {
            record
        }
    }

    /// Why a record that is not active holds no session.
    fn absent_reason(record: @SessionRecord) -> felt252 {
        match *record.state {
            SessionState::Revoked => reasons::REVOKED,
            _ => reasons::NOT_REGISTERED,
        }
    }

    /// Session management is the owner's: a transaction the owner signed, which the
    /// account executes as a call to itself.
    fn assert_only_self() {
        assert(get_caller_address() == get_contract_address(), reasons::UNAUTHORIZED);
    }
}
