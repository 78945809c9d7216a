//! One storage slot per session. Validation reads it once and writes it once, which is
//! most of what a session transaction costs beyond an owner one.
use starknet::storage_access::StorePacking;

/// Where a key stands. Explicit, rather than read from `valid_until == 0` and a flag.
#[derive(Copy, Drop, Serde, PartialEq, Debug, Default)]
pub enum SessionState {
    /// Never registered.
    #[default]
    Unregistered,
    /// Registered (it may still be expired or exhausted: those depend on time and use).
    Active,
    /// Revoked by the owner, until registered again.
    Revoked,
}

/// A session as stored.
///
/// `generation` grows on every registration and revocation of the key; whitelist entries
/// are stored under (key, generation, ...), so an update or a revoke makes every earlier
/// entry unreachable in O(1), whatever the whitelist's length, and session signatures
/// are bound to it.
#[derive(Copy, Drop, Serde, PartialEq, Debug, Default)]
pub struct SessionRecord {
    pub valid_until: u64,
    pub max_calls: u32,
    pub calls_used: u32,
    pub entrypoints_len: u32,
    pub generation: u32,
    pub state: SessionState,
    /// Cap on one transaction's worst-case fee, in `fees::FEE_UNIT`s; 0 means the default.
    pub max_fee_units: u32,
    /// The account's revoke-all epoch when the session was registered: the session is
    /// live only while it is the current one. Stored in 24 bits (`MAX_EPOCH`).
    pub epoch: u32,
    /// Registered with a policy (`session::policy`): it signs in the policy format and
    /// validation reads its policy slots.
    pub has_policy: bool,
}

/// The last revoke-all epoch a record can hold.
pub const MAX_EPOCH: u32 = 0xffffff;

// Bit layout of the packed felt252 (low to high): valid_until 0..64, max_calls 64..96,
// calls_used 96..128 | entrypoints_len 128..160, generation 160..192, state 192..194,
// max_fee_units 194..226, epoch 226..250, has_policy 250.
const SHIFT_64: felt252 = 0x10000000000000000;
const SHIFT_96: felt252 = 0x1000000000000000000000000;
const SHIFT_128: felt252 = 0x100000000000000000000000000000000;
const SHIFT_160: felt252 = 0x10000000000000000000000000000000000000000;
const SHIFT_192: felt252 = 0x1000000000000000000000000000000000000000000000000;
const SHIFT_194: felt252 = 0x4000000000000000000000000000000000000000000000000;
const SHIFT_226: felt252 = 0x400000000000000000000000000000000000000000000000000000000;
const SHIFT_250: felt252 = 0x400000000000000000000000000000000000000000000000000000000000000;

/// Masks of the fields in each half of the packed felt, as u128s (`high` holds bits 128..251).
const LOW_VALID_UNTIL: u128 = 0xffffffffffffffff;
const LOW_CALLS_USED: u128 = 0xffffffff000000000000000000000000;
const HIGH_ENTRYPOINTS_LEN: u128 = 0xffffffff;
const HIGH_GENERATION: u128 = 0xffffffff00000000;
const HIGH_STATE: u128 = 0x30000000000000000;
const HIGH_MAX_FEE_UNITS: u128 = 0x3fffffffc0000000000000000;
const HIGH_EPOCH: u128 = 0x3fffffc000000000000000000000000;
const HIGH_HAS_POLICY: u128 = 0x4000000000000000000000000000000;
/// `Active` and `Revoked` as they sit in `high` (`state * 2^64`), and the place of `epoch`.
const HIGH_ACTIVE: u128 = 0x10000000000000000;
const HIGH_REVOKED: u128 = 0x20000000000000000;
const HIGH_EPOCH_SHIFT: felt252 = 0x4000000000000000000000000;
/// Inverses in the field of 2^32 and 2^66 (the generation's and the fee units' places in
/// `high`): a masked field times the inverse of its place is the field's value, exactly
/// (a test checks both products are 1).
pub const INV_TWO_POW_32: felt252 = 0x7fffffff8000010ffffffef0000000000000000000000000000000000000001;
pub const INV_TWO_POW_66: felt252 = 0x800000000000010fdfffffffffffffbc0000000000000000000000000000001;

const TWO_POW_2: NonZero<u128> = 4;
const TWO_POW_24: NonZero<u128> = 0x1000000;
const TWO_POW_32: NonZero<u128> = 0x100000000;
const TWO_POW_64: NonZero<u128> = 0x10000000000000000;

/// What `PackedRecordTrait::liveness` gives for a live session, without and with a policy.
pub const LIVE: felt252 = 0;
pub const LIVE_WITH_POLICY: felt252 = 0x4000000000000000000000000000000;

/// What `calls_used + 1` adds to a packed record (it stays below `max_calls`, so it never
/// carries into `entrypoints_len`).
pub const ONE_CALL_USED: felt252 = SHIFT_96;

/// A packed record as validation reads it on every session transaction: each question it
/// asks is a mask or two and a comparison on the packed halves, where unpacking every field
/// (a division and a range-checked conversion each) would cost more than the whole check.
/// `unpack` remains the reading everywhere else.
#[derive(Copy, Drop)]
pub struct PackedRecord {
    low: u128,
    high: u128,
}

#[generate_trait]
pub impl PackedRecordImpl of PackedRecordTrait {
    #[inline(always)]
    fn new(packed: felt252) -> PackedRecord {
        let value: u256 = packed.into();
        PackedRecord { low: value.low, high: value.high }
    }

    /// `LIVE` for a record `Active` and registered in `epoch` (the account's revoke-all
    /// epoch, a u32 as stored), what `effective` leaves active, without a policy;
    /// `LIVE_WITH_POLICY` for one with a policy; anything else for no live session. (Its
    /// state, epoch and policy bits, less those of a live session: one mask.)
    #[inline(always)]
    fn liveness(self: @PackedRecord, epoch: felt252) -> felt252 {
        let bits: felt252 = (*self.high & (HIGH_STATE | HIGH_EPOCH | HIGH_HAS_POLICY)).into();
        bits - HIGH_ACTIVE.into() - epoch * HIGH_EPOCH_SHIFT
    }

    /// The reason a record that is not live holds no session, as `absent_reason` gives it
    /// for its `effective` reading: registered (active in an earlier epoch, or revoked)
    /// reads `REVOKED`, anything else `NOT_REGISTERED`.
    fn absent_reason(self: @PackedRecord) -> felt252 {
        let state = *self.high & HIGH_STATE;
        if state == HIGH_ACTIVE || state == HIGH_REVOKED {
            crate::reasons::REVOKED
        } else {
            crate::reasons::NOT_REGISTERED
        }
    }

    #[inline(always)]
    fn valid_until_is(self: @PackedRecord, valid_until: u64) -> bool {
        *self.low & LOW_VALID_UNTIL == valid_until.into()
    }

    /// `calls_used < max_calls`, for a record whose `valid_until` is known (`valid_until_is`):
    /// the low half less it is `max_calls * 2^64 + calls_used * 2^96`, and
    /// `(max_calls - calls_used - 1) * 2^96` is below 2^128 exactly when it is not negative
    /// (both fields are below 2^32).
    #[inline(always)]
    fn has_calls_left(self: @PackedRecord, valid_until: u64) -> bool {
        let calls_used: felt252 = (*self.low & LOW_CALLS_USED).into();
        let low: felt252 = (*self.low).into();
        let max_calls_part = low - valid_until.into() - calls_used;
        let left: Option<u128> = (max_calls_part * 0x100000000 - calls_used - SHIFT_96).try_into();
        left.is_some()
    }

    #[inline(always)]
    fn has_whitelist(self: @PackedRecord) -> bool {
        *self.high & HIGH_ENTRYPOINTS_LEN != 0
    }

    #[inline(always)]
    fn generation(self: @PackedRecord) -> felt252 {
        let shifted: felt252 = (*self.high & HIGH_GENERATION).into();
        shifted * INV_TWO_POW_32
    }

    /// `max_fee_units` (below 2^32; 0 means the default).
    #[inline(always)]
    fn max_fee_units(self: @PackedRecord) -> felt252 {
        let shifted: felt252 = (*self.high & HIGH_MAX_FEE_UNITS).into();
        shifted * INV_TWO_POW_66
    }
}

fn state_to_bits(state: SessionState) -> felt252 {
    match state {
        SessionState::Unregistered => 0,
        SessionState::Active => 1,
        SessionState::Revoked => 2,
    }
}

fn state_from_bits(bits: u128) -> SessionState {
    if bits == 1 {
        SessionState::Active
    } else if bits == 2 {
        SessionState::Revoked
    } else {
        SessionState::Unregistered
    }
}

pub impl SessionRecordStorePacking of StorePacking<SessionRecord, felt252> {
    fn pack(value: SessionRecord) -> felt252 {
        value.valid_until.into()
            + value.max_calls.into() * SHIFT_64
            + value.calls_used.into() * SHIFT_96
            + value.entrypoints_len.into() * SHIFT_128
            + value.generation.into() * SHIFT_160
            + state_to_bits(value.state) * SHIFT_192
            + value.max_fee_units.into() * SHIFT_194
            + value.epoch.into() * SHIFT_226
            + if value.has_policy {
                SHIFT_250
            } else {
                0
            }
    }

    fn unpack(value: felt252) -> SessionRecord {
        let value: u256 = value.into();
        let (upper, valid_until) = DivRem::div_rem(value.low, TWO_POW_64);
        let (calls_used, max_calls) = DivRem::div_rem(upper, TWO_POW_32);
        let (upper, entrypoints_len) = DivRem::div_rem(value.high, TWO_POW_32);
        let (upper, generation) = DivRem::div_rem(upper, TWO_POW_32);
        let (upper, state) = DivRem::div_rem(upper, TWO_POW_2);
        let (upper, max_fee_units) = DivRem::div_rem(upper, TWO_POW_32);
        let (has_policy, epoch) = DivRem::div_rem(upper, TWO_POW_24);
        // Every part is a remainder (or quotient) below its width: the conversions hold.
        SessionRecord {
            valid_until: valid_until.try_into().unwrap(),
            max_calls: max_calls.try_into().unwrap(),
            calls_used: calls_used.try_into().unwrap(),
            entrypoints_len: entrypoints_len.try_into().unwrap(),
            generation: generation.try_into().unwrap(),
            state: state_from_bits(state),
            max_fee_units: max_fee_units.try_into().unwrap(),
            epoch: epoch.try_into().unwrap(),
            has_policy: has_policy != 0,
        }
    }
}
