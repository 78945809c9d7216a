//! Session keys (Session-Keys SNIP): the owner registers a key that may sign transactions
//! until `valid_until`, for at most `max_calls` transactions, on a whitelist of selectors,
//! and never on the account itself nor on an admin selector.

#[starknet::component]
pub mod SessionComponent {
    use core::ecdsa::check_ecdsa_signature;
    use starknet::account::Call;
    use starknet::storage::{
        Map, StorageAsPointer, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::storage_access::StorageBaseAddress;
    use starknet::{
        ContractAddress, ResourcesBounds, Store, SyscallResultTrait, get_block_timestamp, get_caller_address,
        get_contract_address,
    };
    use crate::components::owner::OwnerComponent;
    use crate::interfaces::session::{
        ISessionFeeCap, ISessionKeyManager, ISessionKeyViews, ISessionPolicies, ISessionRegistry,
        ISpendingPolicy, SessionData,
    };
    use crate::reasons;
    use crate::session::blocklist::is_blocked_selector;
    use crate::session::fees::{FEE_UNIT, exceeds_cap, fee_units, max_fee_per_tx, worst_case_fee};
    use crate::session::hashing::{
        is_stark_public_key, session_message_hash,
    };
    use crate::session::whitelist::{
        entry_address, entry_address_of, read_entry, registration_of, write_entry,
    };
    use crate::session::policy::{
        PolicyFees, PolicyTiming, SessionPolicy, SessionPolicyUsage, StoredPolicy, check_call,
    };
    use crate::interfaces::session::SessionListEntry;
    use crate::session::record::{
        LIVE, LIVE_WITH_POLICY, MAX_EPOCH, ONE_CALL_USED, PackedRecord, PackedRecordTrait, SessionRecord,
        SessionState,
    };
    use crate::session::spending::{SpendingPolicy, assert_valid_limit, balance_of, charge, decoded_amount};
    use crate::utils::execution::execute_calls;
    use crate::signature::{POLICY_SIGNATURE_MAGIC, SessionSignature};

    #[storage]
    pub struct Storage {
        /// Session public key -> its packed record.
        pub SessionKeys_records: Map<felt252, SessionRecord>,
        // The SNIP whitelist is not a variable here: `session::whitelist` keeps one cell per
        // entry at `entry_address_of(session key, generation, selector)`, holding the next
        // selector (the last entry holds its own), so it is both the membership map (one
        // read per call, whatever the length) and the list `get_allowed_entrypoints` walks
        // from the head, the cell of selector 0.
        /// Revoke-all epoch: a session is live only if registered in the current one.
        pub SessionKeys_epoch: u32,
        /// Session key -> its policy, read only for sessions registered with one.
        pub SessionKeys_policies: Map<felt252, StoredPolicy>,
        /// (session key, generation, token) -> its spending policy.
        pub SessionKeys_spending: Map<(felt252, u32, ContractAddress), SpendingPolicy>,
        /// (session key, generation, index) -> a token with a spending policy.
        pub SessionKeys_spending_tokens: Map<(felt252, u32, u32), ContractAddress>,
        pub SessionKeys_spending_tokens_len: Map<(felt252, u32), u32>,
        /// Every key ever registered, in order of first registration, for `list_sessions`.
        pub SessionKeys_list: Map<u32, felt252>,
        pub SessionKeys_count: u32,
        /// Session key -> the message hash of the owner's authorization that registered it
        /// (`session::authorization`), written at its first use; read only on that path.
        pub SessionKeys_authorizations: Map<felt252, felt252>,
    }

    #[event]
    #[derive(Drop, PartialEq, starknet::Event)]
    pub enum Event {
        SessionKeyAdded: SessionKeyAdded,
        SessionKeyRevoked: SessionKeyRevoked,
        SessionMaxFeeSet: SessionMaxFeeSet,
        AllSessionsRevoked: AllSessionsRevoked,
        SessionPolicySet: SessionPolicySet,
        SpendingPolicySet: SpendingPolicySet,
        SpendingPolicyRemoved: SpendingPolicyRemoved,
        SessionAuthorized: SessionAuthorized,
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

    /// Emitted when a session is registered with a policy (after its `SessionKeyAdded`).
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SessionPolicySet {
        #[key]
        pub session_key: felt252,
        pub policy: SessionPolicy,
    }

    /// Emitted when the owner sets a session's spending policy for a token.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SpendingPolicySet {
        #[key]
        pub session_key: felt252,
        #[key]
        pub token: ContractAddress,
        pub max_per_call: u256,
        pub max_per_window: u256,
        pub window_seconds: u64,
    }

    /// Emitted when the owner removes a session's spending policy for a token.
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SpendingPolicyRemoved {
        #[key]
        pub session_key: felt252,
        #[key]
        pub token: ContractAddress,
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

    /// Emitted when a session the owner authorized off-chain is registered at its first use
    /// (after the `SessionKeyAdded`, `SessionPolicySet` and `SpendingPolicySet` events a
    /// registration on chain would emit).
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct SessionAuthorized {
        #[key]
        pub session_key: felt252,
        /// The SNIP-12 message hash the owner signed.
        pub authorization: felt252,
    }

    /// What validation knows about the path it runs on.
    #[derive(Copy, Drop)]
    pub struct ValidationContext {
        /// Block time: exact in execution, rounded down to the hour in `__validate__`.
        pub now: u64,
        pub account: ContractAddress,
        pub path: ValidationPath,
    }

    #[generate_trait]
    pub impl ValidationPathImpl of ValidationPathTrait {
        /// `__validate__` sees the block time rounded down to the hour; execution, exact.
        fn is_time_exact(self: @ValidationPath) -> bool {
            match self {
                ValidationPath::Invoke(_) => false,
                ValidationPath::OutsideExecution => true,
            }
        }
    }

    #[derive(Copy, Drop)]
    pub enum ValidationPath {
        /// A transaction of the account, which pays for it: its resource bounds, tip, and
        /// version (only version 3 is priced by those bounds: older ones by `max_fee`,
        /// which no cap here bounds).
        Invoke: (Span<ResourcesBounds>, u128, felt252),
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
        /// (`INVALID_SESSION_KEY`), and `max_calls == 0`, a `valid_until` not in the future
        /// and a zero or repeated selector (`INVALID_SESSION`). A whitelist may name an
        /// admin selector, as the SNIP allows; a session can never call it (validation
        /// refuses it, `BLOCKED_SELECTOR`), and the SDK refuses to build such a whitelist.
        /// Emits `SessionKeyAdded`.
        fn add_or_update_session_key(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_entrypoints: Span<felt252>,
        ) {
            // `assert_only_self` and the block time from one execution-info syscall, not three.
            let info = starknet::get_execution_info().unbox();
            assert(info.caller_address == info.contract_address, reasons::UNAUTHORIZED);
            let now = info.block_info.unbox().block_timestamp;
            self.register(session_key, valid_until, max_calls, allowed_entrypoints, 0, false, now);
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
            if record.entrypoints_len == 0 {
                return entrypoints;
            }
            // From the head, each cell holds the next selector; the length says where to stop.
            let registration = registration_of(session_key, record.generation.into());
            let mut selector = read_entry(entry_address(registration, 0));
            loop {
                entrypoints.append(selector);
                if entrypoints.len() == record.entrypoints_len {
                    break;
                }
                selector = read_entry(entry_address(registration, selector));
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
            let now = get_block_timestamp();
            let reason = self
                .check_policy(
                    false,
                    session_key,
                    record.valid_until,
                    record.calls_used < record.max_calls,
                    record.entrypoints_len != 0,
                    record.generation.into(),
                    calls.span(),
                    now,
                    get_contract_address(),
                );
            if reason != reasons::OK || !record.has_policy {
                return reason;
            }
            // What a policy adds that needs no signature: its start time and rate limit.
            // (Method proofs and the fee budget depend on what is sent.)
            let timing = self.SessionKeys_policies.entry(session_key).timing.read();
            if now < timing.valid_after {
                return reasons::NOT_YET_VALID;
            }
            if timing.max_transactions != 0
                && timing.window_used >= timing.max_transactions
                && now < timing.window_start + timing.period_seconds.into() {
                return reasons::RATE_LIMITED;
            }
            reasons::OK
        }
    }

    #[embeddable_as(SessionPoliciesImpl)]
    impl SessionPolicies<
        TContractState,
        +HasComponent<TContractState>,
        impl Owner: OwnerComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of ISessionPolicies<ComponentState<TContractState>> {
        /// Registers (or replaces) `session_key` with a policy: the checks of
        /// `add_or_update_session_key` (no selector whitelist: the method root scopes calls),
        /// plus `valid_after < valid_until`, a fee cap and budget in whole 10^15 FRI, and a
        /// rate limit with a period of at least an hour. The session then signs in the
        /// policy format. Only the account itself may call it. Emits `SessionKeyAdded` and
        /// `SessionPolicySet`.
        fn add_session_with_policy(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            policy: SessionPolicy,
        ) {
            assert_only_self();
            self.register_policy(session_key, valid_until, max_calls, policy, false);
        }

        fn get_session_policy(
            self: @ComponentState<TContractState>, session_key: felt252,
        ) -> (bool, SessionPolicy, SessionPolicyUsage) {
            let record = self.load(session_key);
            if record.state != SessionState::Active || !record.has_policy {
                return (false, Default::default(), Default::default());
            }
            let stored = self.SessionKeys_policies.read(session_key);
            let unit: u128 = FEE_UNIT;
            (
                true,
                SessionPolicy {
                    valid_after: stored.timing.valid_after,
                    methods_root: stored.methods_root,
                    max_fee_per_tx: max_fee_per_tx(record.max_fee_units),
                    fee_budget: stored.fees.budget_units.into() * unit,
                    max_transactions: stored.timing.max_transactions,
                    period_seconds: stored.timing.period_seconds,
                },
                SessionPolicyUsage {
                    fee_spent: stored.fees.spent_units.into() * unit,
                    window_start: stored.timing.window_start,
                    window_used: stored.timing.window_used,
                },
            )
        }
    }

    #[embeddable_as(SpendingPolicyImpl)]
    impl SpendingPolicies<
        TContractState, +HasComponent<TContractState>,
    > of ISpendingPolicy<ComponentState<TContractState>> {
        /// Limits what a live session may spend of `token` (see `session::spending`). The
        /// session becomes a policy session: it signs in the policy format, and its calls
        /// are measured. A policy for the same token is replaced, its window restarted.
        /// Only the account itself may call it. Refuses `max_per_call > max_per_window` and
        /// a window of 0 or over a year (`INVALID_SESSION`). Emits `SpendingPolicySet`.
        fn set_spending_policy(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            token: ContractAddress,
            max_per_call: u256,
            max_per_window: u256,
            window_seconds: u64,
        ) {
            assert_only_self();
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                core::panic_with_felt252(absent_reason(@record));
            }
            assert_valid_limit(max_per_call, max_per_window, window_seconds);
            let generation = record.generation;
            let slot = self.SessionKeys_spending.entry((session_key, generation, token));
            if slot.read().window_seconds == 0 {
                let length = self.SessionKeys_spending_tokens_len.read((session_key, generation));
                self.SessionKeys_spending_tokens.write((session_key, generation, length), token);
                self.SessionKeys_spending_tokens_len.write((session_key, generation), length + 1);
            }
            slot.write(SpendingPolicy { max_per_call, max_per_window, window_seconds, spent_in_window: 0, window_start: 0 });
            if !record.has_policy {
                self.SessionKeys_records.write(session_key, SessionRecord { has_policy: true, ..record });
                // A SNIP session given a spending policy: its other policy parts are off.
                self.SessionKeys_policies.write(session_key, Default::default());
            }
            let timing_slot = self.SessionKeys_policies.entry(session_key).timing;
            let timing = timing_slot.read();
            if !timing.has_spending {
                timing_slot.write(PolicyTiming { has_spending: true, ..timing });
            }
            self.emit(SpendingPolicySet { session_key, token, max_per_call, max_per_window, window_seconds });
        }

        fn get_spending_policy(
            self: @ComponentState<TContractState>, session_key: felt252, token: ContractAddress,
        ) -> SpendingPolicy {
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                return Default::default();
            }
            self.SessionKeys_spending.read((session_key, record.generation, token))
        }

        /// Removes the session's spending policy for `token` (the token is no longer
        /// measured). Only the account itself may call it. Emits `SpendingPolicyRemoved`.
        fn remove_spending_policy(
            ref self: ComponentState<TContractState>, session_key: felt252, token: ContractAddress,
        ) {
            assert_only_self();
            let record = self.load(session_key);
            if record.state != SessionState::Active {
                core::panic_with_felt252(absent_reason(@record));
            }
            let slot = self.SessionKeys_spending.entry((session_key, record.generation, token));
            assert(slot.read().window_seconds != 0, reasons::INVALID_SESSION);
            // A zero window marks "no policy"; the token stays listed and is skipped.
            slot.write(Default::default());
            self.emit(SpendingPolicyRemoved { session_key, token });
        }
    }

    #[embeddable_as(SessionRegistryImpl)]
    impl SessionRegistry<
        TContractState, +HasComponent<TContractState>,
    > of ISessionRegistry<ComponentState<TContractState>> {
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

        fn get_sessions_count(self: @ComponentState<TContractState>) -> u32 {
            self.SessionKeys_count.read()
        }

        /// Up to `limit` (at most 100) sessions from position `offset` of the list of every
        /// key ever registered, each with its state as it stands (a revoke-all shows), its
        /// SNIP data, generation and whether it has a policy (`get_session_policy` has the
        /// rest). Expired and exhausted sessions read `Active`: time and use tell them apart.
        fn list_sessions(
            self: @ComponentState<TContractState>, offset: u32, limit: u32,
        ) -> Array<SessionListEntry> {
            let count = self.SessionKeys_count.read();
            let limit = if limit > 100 {
                100
            } else {
                limit
            };
            let mut entries = array![];
            let mut index = offset;
            while index < count && index - offset < limit {
                let session_key = self.SessionKeys_list.read(index);
                let record = self.load(session_key);
                entries
                    .append(
                        SessionListEntry {
                            session_key,
                            state: record.state,
                            valid_until: record.valid_until,
                            max_calls: record.max_calls,
                            calls_used: record.calls_used,
                            generation: record.generation,
                            has_policy: record.has_policy,
                        },
                    );
                index += 1;
            }
            entries
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
            let units = fee_units(max_fee_per_tx);
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
    impl RegistrationImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Owner: OwnerComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of RegistrationTrait<TContractState> {
        /// Registers or replaces a session (the checks both registration entrypoints share).
        /// `now`: the block time.
        fn register(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            allowed_entrypoints: Span<felt252>,
            max_fee_units: u32,
            has_policy: bool,
            now: u64,
        ) {
            assert(is_stark_public_key(session_key), reasons::INVALID_SESSION_KEY);
            // The magic felt leads policy signatures: no key may look like it.
            assert(session_key != POLICY_SIGNATURE_MAGIC, reasons::INVALID_SESSION_KEY);
            // Nor like the magic felt of an authorized session's first use.
            assert(session_key != crate::signature::SESSION_AUTHORIZATION_MAGIC, reasons::INVALID_SESSION_KEY);
            // The owner key as a session key would be a session that signs like the owner
            // in every other context (off-chain messages, owner outside executions).
            let owner = get_dep_component!(@self, Owner);
            assert(session_key != owner.Owner_public_key.read(), reasons::INVALID_SESSION_KEY);
            assert(max_calls != 0, reasons::INVALID_SESSION);
            assert(valid_until > now, reasons::INVALID_SESSION);

            let previous = self.SessionKeys_records.read(session_key);
            let generation = previous.generation + 1;
            let epoch = self.SessionKeys_epoch.read();
            if previous.has_policy && !has_policy {
                // A former policy session registered the SNIP way: nothing of its policy stays.
                self.SessionKeys_policies.write(session_key, Default::default());
            }
            if previous.generation == 0 {
                // A key seen for the first time joins the list (two cells, once per key).
                let count = self.SessionKeys_count.read();
                self.SessionKeys_list.write(count, session_key);
                self.SessionKeys_count.write(count + 1);
            }
            // One new cell per entry (each holds the next selector, the last its own), plus
            // the head: each costs a storage write and a state diff whatever is done around
            // it, so the loop does little else: no admin-selector check (24 Cairo steps an
            // entry; validation refuses those selectors at every call anyway). Four entries
            // per iteration (the loop's own overhead, paid per iteration, is a good part of
            // what is left), then the rest one by one.
            let registration = registration_of(session_key, generation.into());
            let mut cursor = WhitelistCursor {
                previous_slot: entry_address(registration, 0), max: 0, registration,
            };
            let mut entries = allowed_entrypoints;
            while let Some(quad) = entries.multi_pop_front::<4>() {
                let [a, b, c, d] = quad.unbox();
                self.append_entry(ref cursor, a);
                self.append_entry(ref cursor, b);
                self.append_entry(ref cursor, c);
                self.append_entry(ref cursor, d);
            }
            for selector in entries {
                self.append_entry(ref cursor, *selector);
            }
            let index = allowed_entrypoints.len();
            if index != 0 {
                write_entry(cursor.previous_slot, *allowed_entrypoints[index - 1]);
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
                        max_fee_units,
                        epoch,
                        has_policy,
                    },
                );
            self
                .emit(
                    SessionKeyAdded {
                        session_key, valid_until, max_calls, allowed_entrypoints_len: index,
                    },
                );
        }
    }

    /// Where `register` is in the whitelist it writes.
    #[derive(Copy, Drop)]
    struct WhitelistCursor {
        /// The cell of the entry before (the head's at first), which gets the next selector.
        previous_slot: StorageBaseAddress,
        /// The largest selector so far (0 before the first).
        max: u256,
        /// `registration_of(session key, generation)`.
        registration: felt252,
    }

    #[generate_trait]
    impl WhitelistWriteImpl<
        TContractState, +HasComponent<TContractState>, +Drop<TContractState>,
    > of WhitelistWriteTrait<TContractState> {
        /// Appends `selector` to the whitelist `register` is writing: the previous entry's
        /// cell (or the head) gets `selector`. Refuses (`INVALID_SESSION`) 0, the head's
        /// place, and a repeat, which would leave an allowed selector off the list the
        /// views walk. A selector above every one before it is neither (in increasing
        /// order, as the SDK sends them, that is each one); any other is checked against
        /// its own cell, read after the previous cell is written: non-zero exactly if the
        /// selector is the one just before or any earlier one (every earlier cell is
        /// written by then, with a selector, never 0).
        #[inline(always)]
        fn append_entry(ref self: ComponentState<TContractState>, ref cursor: WhitelistCursor, selector: felt252) {
            write_entry(cursor.previous_slot, selector);
            let slot = entry_address(cursor.registration, selector);
            let value: u256 = selector.into();
            if value > cursor.max {
                cursor = WhitelistCursor { previous_slot: slot, max: value, ..cursor };
            } else {
                assert(selector != 0 && read_entry(slot) == 0, reasons::INVALID_SESSION);
                cursor = WhitelistCursor { previous_slot: slot, ..cursor };
            }
        }
    }

    #[generate_trait]
    impl PolicyRegistrationImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Owner: OwnerComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of PolicyRegistrationTrait<TContractState> {
        /// Registers or replaces a policy session (what `add_session_with_policy` does, and
        /// what a first use of an authorization does with its terms): the checks of
        /// `register`, plus `valid_after < valid_until`, fees in whole 10^15 FRI and a rate
        /// period of at least an hour (`INVALID_SESSION`). `has_spending`: spending limits
        /// follow at once. Emits `SessionKeyAdded` and `SessionPolicySet`.
        fn register_policy(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            valid_until: u64,
            max_calls: u32,
            policy: SessionPolicy,
            has_spending: bool,
        ) {
            assert(policy.valid_after < valid_until, reasons::INVALID_SESSION);
            let max_fee_units = if policy.max_fee_per_tx == 0 {
                0
            } else {
                fee_units(policy.max_fee_per_tx)
            };
            let budget_units: u64 = fee_units(policy.fee_budget).into();
            assert(
                (policy.max_transactions == 0) == (policy.period_seconds == 0), reasons::INVALID_SESSION,
            );
            assert(policy.max_transactions == 0 || policy.period_seconds >= 3600, reasons::INVALID_SESSION);
            self.register(session_key, valid_until, max_calls, array![].span(), max_fee_units, true, get_block_timestamp());
            self
                .SessionKeys_policies
                .write(
                    session_key,
                    StoredPolicy {
                        methods_root: policy.methods_root,
                        timing: PolicyTiming {
                            valid_after: policy.valid_after,
                            max_transactions: policy.max_transactions,
                            period_seconds: policy.period_seconds,
                            window_start: 0,
                            window_used: 0,
                            has_fee_budget: budget_units != 0,
                            has_spending,
                        },
                        fees: PolicyFees { budget_units, spent_units: 0 },
                    },
                );
            self.emit(SessionPolicySet { session_key, policy });
        }
    }

    #[embeddable_as(SessionAuthorizationsImpl)]
    impl SessionAuthorizations<
        TContractState, +HasComponent<TContractState>,
    > of crate::interfaces::session::ISessionAuthorizations<ComponentState<TContractState>> {
        fn get_session_authorization(self: @ComponentState<TContractState>, session_key: felt252) -> felt252 {
            // The recorded hash is generation 1's, the session the authorization created:
            // reported while that session is the key's last (live, or revoked into
            // generation 2), not once the owner registered the key again.
            let record = self.SessionKeys_records.read(session_key);
            let created_last = record.generation == 1
                || (record.generation == 2 && record.state == SessionState::Revoked);
            if created_last {
                self.SessionKeys_authorizations.read(session_key)
            } else {
                0
            }
        }
    }

    /// Sessions the owner authorized off-chain (`session::authorization`).
    #[generate_trait]
    pub impl AuthorizationImpl<
        TContractState,
        +HasComponent<TContractState>,
        impl Owner: OwnerComponent::HasComponent<TContractState>,
        +Drop<TContractState>,
    > of AuthorizationTrait<TContractState> {
        /// The first use of a session the owner authorized off-chain (or a later one that
        /// still carries the authorization), on either path. Returns `reasons::OK` or the
        /// reason code of the first failing check; the caller panics with it, which undoes a
        /// registration made here. In order:
        /// A1. the owner's ECDSA signature verifies over the SNIP-12 message hash of the
        ///     terms for this account on this chain (`AUTHORIZATION_INVALID`);
        /// A2. its epoch is the account's revoke-all epoch (`AUTHORIZATION_REVOKED`);
        /// A3. a key never seen (generation 0) is registered with exactly these terms, as
        ///     `add_session_with_policy` and `set_spending_policy` would (same checks, same
        ///     events, then `SessionAuthorized`), after `now < valid_until` (`EXPIRED`), and
        ///     the authorization's hash is recorded for the key. A key whose live session
        ///     this very authorization created (hash recorded, generation still 1) goes on
        ///     as it is: nothing is reset. A revoked key (before or after its first use, or
        ///     by a revoke-all) is `AUTHORIZATION_REVOKED`; any other session of the key is
        ///     `AUTHORIZATION_CONFLICT`;
        /// then the session signature is validated as any session's (`validate_session`,
        /// steps 0-9), under the generation the registration gave: 1.
        fn validate_authorized_session(
            ref self: ComponentState<TContractState>,
            hash: felt252,
            authorization: crate::session::authorization::SessionAuthorization,
            signature: SessionSignature,
            calls: Span<Call>,
            context: ValidationContext,
        ) -> felt252 {
            let terms = authorization.terms;
            let session_key = terms.session_key;
            // A1. The owner signed these terms, for this account on this chain.
            let chain_id = starknet::get_tx_info().unbox().chain_id;
            let message = crate::session::authorization::authorization_message_hash(
                @terms, context.account, chain_id,
            );
            let owner = get_dep_component!(@self, Owner);
            if !check_ecdsa_signature(message, owner.Owner_public_key.read(), authorization.owner_r, authorization.owner_s) {
                return reasons::AUTHORIZATION_INVALID;
            }
            // A2. No revoke-all since it was signed.
            let epoch = self.SessionKeys_epoch.read();
            if terms.epoch != epoch {
                return reasons::AUTHORIZATION_REVOKED;
            }
            // A3. Register a key never seen; recognise the session this authorization made.
            let stored = self.SessionKeys_records.read(session_key);
            if stored.generation == 0 {
                if context.now >= terms.valid_until {
                    return reasons::EXPIRED;
                }
                self.register_authorized(terms);
                self.SessionKeys_authorizations.write(session_key, message);
                self.emit(SessionAuthorized { session_key, authorization: message });
            } else {
                let record = effective(stored, epoch);
                if record.state != SessionState::Active {
                    return reasons::AUTHORIZATION_REVOKED;
                }
                if record.generation != 1 || self.SessionKeys_authorizations.read(session_key) != message {
                    return reasons::AUTHORIZATION_CONFLICT;
                }
            }
            // Panics with the reason of a failing check, as for any session.
            self.validate_session(hash, signature, calls, context);
            reasons::OK
        }

        /// Registers `terms` as a policy session with its spending limits (generation 1: the
        /// key was never seen). The checks of `set_spending_policy` per limit, and a token
        /// named twice (`INVALID_SESSION`).
        fn register_authorized(
            ref self: ComponentState<TContractState>, terms: crate::session::authorization::SessionTerms,
        ) {
            let session_key = terms.session_key;
            let policy = SessionPolicy {
                valid_after: terms.valid_after,
                methods_root: terms.methods_root,
                max_fee_per_tx: terms.max_fee_per_tx,
                fee_budget: terms.fee_budget,
                max_transactions: terms.max_transactions,
                period_seconds: terms.period_seconds,
            };
            let limits = terms.spending_limits;
            self.register_policy(session_key, terms.valid_until, terms.max_calls, policy, !limits.is_empty());
            let generation: u32 = 1;
            let mut index: u32 = 0;
            for limit in limits {
                let crate::session::authorization::SpendingLimit {
                    token, max_per_call, max_per_window, window_seconds,
                } = *limit;
                assert_valid_limit(max_per_call, max_per_window, window_seconds);
                for earlier in limits.slice(0, index) {
                    assert(*earlier.token != token, reasons::INVALID_SESSION);
                }
                self.SessionKeys_spending_tokens.write((session_key, generation, index), token);
                self
                    .SessionKeys_spending
                    .write(
                        (session_key, generation, token),
                        SpendingPolicy { max_per_call, max_per_window, window_seconds, spent_in_window: 0, window_start: 0 },
                    );
                self.emit(SpendingPolicySet { session_key, token, max_per_call, max_per_window, window_seconds });
                index += 1;
            }
            if index != 0 {
                self.SessionKeys_spending_tokens_len.write((session_key, generation), index);
            }
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        /// Runs a policy session's calls, measuring and charging what they spend of every
        /// token it has a spending policy for (see `session::spending`); panics with
        /// `SPENDING_LIMIT_EXCEEDED` beyond a limit, which reverts every call.
        fn execute_session_calls(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            calls: Span<Call>,
            now: u64,
            account: ContractAddress,
        ) -> Array<Span<felt252>> {
            let generation = self.SessionKeys_records.read(session_key).generation;
            let length = self.SessionKeys_spending_tokens_len.read((session_key, generation));
            if length == 0 {
                return execute_calls(calls);
            }
            let mut tokens = array![];
            let mut policies = array![];
            let mut before = array![];
            for index in 0..length {
                let token = self.SessionKeys_spending_tokens.read((session_key, generation, index));
                let policy = self.SessionKeys_spending.read((session_key, generation, token));
                if policy.window_seconds != 0 {
                    before.append(balance_of(token, account));
                    tokens.append(token);
                    policies.append(policy);
                }
            }
            // Per call: each decoded transfer and approval within max_per_call; approvals
            // add to what is spent.
            let mut granted: Array<u256> = array![];
            for index in 0..tokens.len() {
                let token = *tokens[index];
                let max_per_call = *policies[index].max_per_call;
                let mut total: u256 = 0;
                for call in calls {
                    if *call.to == token {
                        if let Some((amount, is_allowance)) = decoded_amount(call) {
                            assert(amount <= max_per_call, reasons::SPENDING_LIMIT_EXCEEDED);
                            if is_allowance {
                                total += amount;
                            }
                        }
                    }
                }
                granted.append(total);
            }
            let results = execute_calls(calls);
            for index in 0..tokens.len() {
                let token = *tokens[index];
                let after = balance_of(token, account);
                let previous = *before[index];
                let fell = if previous > after {
                    previous - after
                } else {
                    0
                };
                let charged = charge(*policies[index], fell + *granted[index], now);
                self.SessionKeys_spending.write((session_key, generation, token), charged);
            }
            results
        }

        /// What execution re-checks for a session signing in the policy format, with the
        /// exact time `__validate__` did not have: its start time. Returns whether its calls
        /// must be measured (`execute_session_calls`: it has spending limits). (A session
        /// without a policy may sign in that format too: its policy slot reads zero.)
        fn check_may_execute(self: @ComponentState<TContractState>, session_key: felt252, now: u64) -> bool {
            let timing = self.SessionKeys_policies.entry(session_key).timing.read();
            assert(now >= timing.valid_after, reasons::NOT_YET_VALID);
            timing.has_spending
        }

        /// Runs a policy session's calls in an outside execution: the start time, then the
        /// calls, measured if it has spending limits.
        fn execute_policy_session(
            ref self: ComponentState<TContractState>,
            session_key: felt252,
            calls: Span<Call>,
            now: u64,
            account: ContractAddress,
        ) -> Array<Span<felt252>> {
            if self.check_may_execute(session_key, now) {
                return self.execute_session_calls(session_key, calls, now, account);
            }
            execute_calls(calls)
        }

        /// The key's record as it stands: a session registered before the last revoke-all
        /// reads as revoked.
        fn load(self: @ComponentState<TContractState>, session_key: felt252) -> SessionRecord {
            effective(self.SessionKeys_records.read(session_key), self.SessionKeys_epoch.read())
        }

        /// Revokes a live session: every field reads 0, the whitelist is gone, and the
        /// generation grows so no signature made before verifies again, even after a new
        /// registration. A key never registered is revoked too, ahead of use: an owner's
        /// authorization of it (which registers only keys never seen) can then never be
        /// used; the key joins the list, as revoked. Panics with the reason when the key's
        /// session is already revoked.
        fn revoke(ref self: ComponentState<TContractState>, session_key: felt252) {
            let previous = self.load(session_key);
            if previous.state != SessionState::Active {
                if previous.generation != 0 {
                    core::panic_with_felt252(absent_reason(@previous));
                }
                let count = self.SessionKeys_count.read();
                self.SessionKeys_list.write(count, session_key);
                self.SessionKeys_count.write(count + 1);
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
        /// of the session; otherwise panics with the reason code of the first failing
        /// check. The one routine behind `__validate__` and `execute_from_outside_v2`.
        ///
        /// Every session transaction runs it, so it works on the packed record itself: one
        /// storage read, fields compared as they sit in it, and `calls_used + 1` written as
        /// one addition; and a failing check panics where it fails, so the passing path
        /// carries no reason along. A policy session's extra checks live in
        /// `validate_policy_session`.
        #[inline(always)]
        fn validate_session(
            ref self: ComponentState<TContractState>,
            hash: felt252,
            signature: SessionSignature,
            calls: Span<Call>,
            context: ValidationContext,
        ) {
            // The record's storage address is hashed once, for this read and the write of
            // step 9.
            let address = self.SessionKeys_records.entry(signature.session_key).as_ptr().__storage_pointer_address__;
            let packed = Store::<felt252>::read(0, address).unwrap_syscall();
            let record = PackedRecordTrait::new(packed);
            // 2. The session exists, and no revoke-all came after it (as `effective` reads
            //    it). The epoch is read as the felt it is stored as: `liveness` compares it
            //    as one.
            let epoch = Store::<felt252>::read(0, self.SessionKeys_epoch.as_ptr().__storage_pointer_address__)
                .unwrap_syscall();
            let liveness = record.liveness(epoch);
            if liveness != LIVE {
                // A policy session has more to check, and to keep until then: it takes its
                // own path, so a plain one keeps none of it.
                if liveness == LIVE_WITH_POLICY {
                    return self.validate_policy_session(hash, signature, calls, context, address, packed);
                }
                core::panic_with_felt252(record.absent_reason());
            }
            let generation = record.generation();
            self.check_session(signature, record, generation, calls, context);
            // A session without a policy has no use for method proofs.
            if !signature.proofs.is_empty() {
                core::panic_with_felt252(reasons::BAD_SIGNATURE_FORMAT);
            }
            verify_and_consume(hash, signature, generation, address, packed);
        }

        /// Steps 1 and 3-7 of the validation, the same for every live session (step 2 came
        /// first, in `validate_session`); panics with the reason.
        #[inline(always)]
        fn check_session(
            self: @ComponentState<TContractState>,
            signature: SessionSignature,
            record: PackedRecord,
            generation: felt252,
            calls: Span<Call>,
            context: ValidationContext,
        ) {
            // 1. `valid_until` is the registered one. (Compared after the record is known
            //    to exist, step 2 in `validate_session`: an absent session reports why it
            //    is absent.)
            if !record.valid_until_is(signature.valid_until) {
                core::panic_with_felt252(reasons::VALID_UNTIL_MISMATCH);
            }
            // 3.-6. Time, call budget, self-calls, blocklist, whitelist.
            self
                .check_policy(
                    true,
                    signature.session_key,
                    signature.valid_until,
                    record.has_calls_left(signature.valid_until),
                    record.has_whitelist(),
                    generation,
                    calls,
                    context.now,
                    context.account,
                );
            // 7. What the account may pay for this transaction fits the session's cap.
            if let ValidationPath::Invoke((resource_bounds, tip, version)) = context.path {
                if !is_version_3(version) || exceeds_cap(resource_bounds, tip, record.max_fee_units()) {
                    core::panic_with_felt252(reasons::FEE_CAP_EXCEEDED);
                }
            }
        }

        /// `validate_session` for a live record with a policy: steps 1 and 3-7, then 7a — its format,
        /// methods, start time, rate and fee budget, its policy slots read only here — then
        /// steps 8-9 and the policy's counters.
        #[inline(never)]
        fn validate_policy_session(
            ref self: ComponentState<TContractState>,
            hash: felt252,
            signature: SessionSignature,
            calls: Span<Call>,
            context: ValidationContext,
            address: StorageBaseAddress,
            packed: felt252,
        ) {
            let record = PackedRecordTrait::new(packed);
            let generation = record.generation();
            self.check_session(signature, record, generation, calls, context);
            let session_key = signature.session_key;
            if !signature.is_policy_format {
                core::panic_with_felt252(reasons::POLICY_PROOF_MISSING);
            }
            let policy = self.SessionKeys_policies.entry(session_key);
            let methods_root = policy.methods_root.read();
            // Ending itself needs no method proof: it is allowed whatever the policy.
            if methods_root != 0 && !is_self_revocation(calls, context.account, session_key) {
                if signature.proofs.len() != calls.len() {
                    core::panic_with_felt252(reasons::POLICY_PROOF_MISSING);
                }
                let mut index = 0;
                for call in calls {
                    let reason = check_call(call, signature.proofs[index], methods_root);
                    if reason != reasons::OK {
                        core::panic_with_felt252(reason);
                    }
                    index += 1;
                }
            } else if !signature.proofs.is_empty() {
                core::panic_with_felt252(reasons::BAD_SIGNATURE_FORMAT);
            }
            let mut timing = policy.timing.read();
            if !context.path.is_time_exact() {
                // Validation sees the hour's start: the time is certainly early only
                // when even the hour's end comes before valid_after. `__execute__`
                // re-checks the exact time.
                if context.now + 3600 <= timing.valid_after {
                    core::panic_with_felt252(reasons::NOT_YET_VALID);
                }
            } else if context.now < timing.valid_after {
                core::panic_with_felt252(reasons::NOT_YET_VALID);
            }
            let mut timing_update: Option<PolicyTiming> = None;
            if timing.max_transactions != 0 {
                // A fixed window that starts at the first transaction after the
                // previous one ended.
                if timing.window_used == 0 || context.now >= timing.window_start + timing.period_seconds.into() {
                    timing = PolicyTiming { window_start: context.now, window_used: 0, ..timing };
                }
                if timing.window_used >= timing.max_transactions {
                    core::panic_with_felt252(reasons::RATE_LIMITED);
                }
                timing_update = Some(PolicyTiming { window_used: timing.window_used + 1, ..timing });
            }
            let mut fees_update: Option<PolicyFees> = None;
            if let ValidationPath::Invoke((resource_bounds, tip, _)) = context.path {
                if timing.has_fee_budget {
                    let fees = policy.fees.read();
                    let worst: u256 = worst_case_fee(resource_bounds, tip).into();
                    let unit: u256 = FEE_UNIT.into();
                    let needed = (worst + unit - 1) / unit;
                    if fees.spent_units.into() + needed > fees.budget_units.into() {
                        core::panic_with_felt252(reasons::FEE_BUDGET_EXCEEDED);
                    }
                    // needed <= budget_units - spent_units < 2^64.
                    let needed: u64 = needed.try_into().unwrap();
                    fees_update = Some(PolicyFees { spent_units: fees.spent_units + needed, ..fees });
                }
            }
            verify_and_consume(hash, signature, generation, address, packed);
            if let Some(timing) = timing_update {
                policy.timing.write(timing);
            }
            if let Some(fees) = fees_update {
                policy.fees.write(fees);
            }
        }

        /// Steps 3-6 of the validation, for an existing session: `OK`, or the first failing
        /// check's reason, returned or (`panics`) panicked with (see `refuse`).
        #[inline(always)]
        fn check_policy(
            self: @ComponentState<TContractState>,
            panics: bool,
            session_key: felt252,
            valid_until: u64,
            has_calls_left: bool,
            has_whitelist: bool,
            generation: felt252,
            calls: Span<Call>,
            now: u64,
            account: ContractAddress,
        ) -> felt252 {
            // 3. Not expired. (`__validate__` sees the time rounded down to the hour;
            //    `__execute__` re-checks the exact time.)
            if now > valid_until {
                return refuse(panics, reasons::EXPIRED);
            }
            // 4. Call budget left.
            if !has_calls_left {
                return refuse(panics, reasons::MAX_CALLS_EXCEEDED);
            }
            // 5. Never the account itself (stricter than the SNIP, which only requires it
            //    for empty whitelists), never an admin selector — except the one self-call
            //    that ends this very session.
            // 6. A non-empty whitelist names every selector: one map read per call.
            // A single call (most transactions) is checked without a loop.
            if calls.len() == 1 {
                let call = calls[0];
                if *call.to == account {
                    if !is_end_session_of(call, session_key) {
                        return refuse(panics, reasons::SELF_CALL);
                    }
                } else {
                    if is_blocked_selector(*call.selector) {
                        return refuse(panics, reasons::BLOCKED_SELECTOR);
                    }
                    if has_whitelist {
                        // Selector 0 is the list's head, never an entry.
                        if *call.selector == 0 {
                            return refuse(panics, reasons::ENTRYPOINT_NOT_ALLOWED);
                        }
                        if read_entry(entry_address_of(session_key, generation, *call.selector)) == 0 {
                            return refuse(panics, reasons::ENTRYPOINT_NOT_ALLOWED);
                        }
                    }
                }
            } else {
                // Several calls: a whitelist miss is reported only after every call passed
                // step 5, as if step 6 came after it.
                let mut not_allowed = false;
                for call in calls {
                    if *call.to == account {
                        return refuse(panics, reasons::SELF_CALL);
                    }
                    if is_blocked_selector(*call.selector) {
                        return refuse(panics, reasons::BLOCKED_SELECTOR);
                    }
                    if has_whitelist && !not_allowed && !self.is_whitelisted(session_key, generation, *call.selector) {
                        not_allowed = true;
                    }
                }
                if not_allowed {
                    return refuse(panics, reasons::ENTRYPOINT_NOT_ALLOWED);
                }
            }
            reasons::OK
        }

        /// `selector` is in the session's whitelist (one map read; selector 0 is the
        /// list's head, never an entry).
        #[inline(always)]
        fn is_whitelisted(
            self: @ComponentState<TContractState>, session_key: felt252, generation: felt252, selector: felt252,
        ) -> bool {
            selector != 0 && read_entry(entry_address_of(session_key, generation, selector)) != 0
        }
    }

    /// What a failing check does with its reason code: `session_status` returns it,
    /// validation panics with it (a refused transaction reverts anyway, and the passing
    /// path then carries no reason along). `panics` is a constant at each call site.
    #[inline(always)]
    fn refuse(panics: bool, reason: felt252) -> felt252 {
        if panics {
            core::panic_with_felt252(reason);
        }
        reason
    }

    /// Steps 8-9 of the validation. 8. The session key signed this hash under this
    /// registration. 9. Only then one call is consumed: once per transaction, whatever the
    /// call count. (No event here: every syscall costs a session transaction dearly, and
    /// the use is on chain already — the session key is in the transaction's signature or
    /// the outside execution's calldata, and `calls_used` counts it.)
    #[inline(always)]
    fn verify_and_consume(
        hash: felt252, signature: SessionSignature, generation: felt252, address: StorageBaseAddress, packed: felt252,
    ) {
        let message = session_message_hash(hash, generation);
        if !check_ecdsa_signature(message, signature.session_key, signature.r, signature.s) {
            core::panic_with_felt252(reasons::INVALID_SIGNATURE);
        }
        // calls_used < max_calls, so the addition stays within its 32 bits.
        Store::<felt252>::write(0, address, packed + ONE_CALL_USED).unwrap_syscall();
    }

    /// Version 3, or its query twin (2^128 + 3). (One product: the field has no zero
    /// divisors.)
    fn is_version_3(version: felt252) -> bool {
        (version - 3) * (version - 0x100000000000000000000000000000003) == 0
    }

    /// A session ending itself: exactly one call, to the account's `end_session`, naming
    /// the signing key. Nothing else a session sends may reach the account.
    fn is_self_revocation(calls: Span<Call>, account: ContractAddress, session_key: felt252) -> bool {
        if calls.len() != 1 {
            return false;
        }
        let call = calls[0];
        *call.to == account && is_end_session_of(call, session_key)
    }

    /// `call` is `end_session(session_key)` (to whichever contract).
    fn is_end_session_of(call: @Call, session_key: felt252) -> bool {
        *call.selector == selector!("end_session") && *call.calldata == array![session_key].span()
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
