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

const TWO_POW_2: NonZero<u128> = 4;
const TWO_POW_24: NonZero<u128> = 0x1000000;
const TWO_POW_32: NonZero<u128> = 0x100000000;
const TWO_POW_64: NonZero<u128> = 0x10000000000000000;

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
