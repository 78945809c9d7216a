//! Session policies beyond the SNIP's selector whitelist, all opt-in per session and all
//! enforced by the account: which (contract, selector) pairs a session may call, as a
//! Merkle root (with calldata values optionally pinned), from when, how often, and for how
//! much in fees in total.
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use starknet::account::Call;
use starknet::storage_access::StorePacking;
use crate::reasons;

/// The leaf Argent and Cartridge use, so their policy tooling and ours agree on leaves.
/// (Trees are built as OpenZeppelin's `SimpleMerkleTree` builds them: sorted leaves, no
/// zero padding; Cartridge pads odd levels, so its roots differ for the same leaves.)
pub const ALLOWED_METHOD_TYPE_HASH: felt252 = selector!(
    "\"Allowed Method\"(\"Contract Address\":\"ContractAddress\",\"selector\":\"selector\")",
);

/// A leaf that also pins calldata values (equality at chosen positions).
pub const ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH: felt252 = selector!(
    "\"Allowed Method With Arguments\"(\"Contract Address\":\"ContractAddress\",\"selector\":\"selector\",\"Pinned Arguments\":\"felt*\")",
);

/// `calldata[index] == value` for the call a leaf allows.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct PinnedArgument {
    pub index: u32,
    pub value: felt252,
}

/// What a policy session's signature carries for one call: the leaf's pinned arguments
/// (empty for a plain (contract, selector) leaf) and its Merkle proof.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct CallProof {
    pub pinned: Span<PinnedArgument>,
    pub proof: Span<felt252>,
}

/// The leaf of a (contract, selector) pair, or of one with pinned arguments. Leaves are
/// Poseidon hashes of three or four felts behind a type hash, inner nodes a single
/// permutation of two: no leaf can pass for an inner node.
pub fn method_leaf(to: ContractAddress, selector: felt252, pinned: Span<PinnedArgument>) -> felt252 {
    let to: felt252 = to.into();
    if pinned.is_empty() {
        return poseidon_hash_span(array![ALLOWED_METHOD_TYPE_HASH, to, selector].span());
    }
    let mut flat = array![];
    for argument in pinned {
        flat.append((*argument.index).into());
        flat.append(*argument.value);
    }
    poseidon_hash_span(
        array![ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH, to, selector, poseidon_hash_span(flat.span())]
            .span(),
    )
}

/// The root a leaf and its proof lead to: each step hashes the sorted pair with one
/// Poseidon permutation (starknet.js `hash.computePoseidonHash(min, max)`).
pub fn root_from_proof(leaf: felt252, proof: Span<felt252>) -> felt252 {
    let mut node = leaf;
    for sibling in proof {
        let a: u256 = node.into();
        let b: u256 = (*sibling).into();
        let (hash, _, _) = if a < b {
            core::poseidon::hades_permutation(node, *sibling, 2)
        } else {
            core::poseidon::hades_permutation(*sibling, node, 2)
        };
        node = hash;
    }
    node
}

/// Checks one call against the session's method root: `OK`, or why not.
pub fn check_call(call: @Call, call_proof: @CallProof, methods_root: felt252) -> felt252 {
    // Pins must be strictly increasing: one canonical leaf per set of pins.
    let mut previous: Option<u32> = None;
    for argument in *call_proof.pinned {
        if let Some(index) = previous {
            if *argument.index <= index {
                return reasons::BAD_SIGNATURE_FORMAT;
            }
        }
        previous = Some(*argument.index);
    }
    let leaf = method_leaf(*call.to, *call.selector, *call_proof.pinned);
    if root_from_proof(leaf, *call_proof.proof) != methods_root {
        return reasons::METHOD_NOT_ALLOWED;
    }
    let calldata = *call.calldata;
    for argument in *call_proof.pinned {
        let index = *argument.index;
        if index >= calldata.len() || *calldata[index] != *argument.value {
            return reasons::PINNED_ARGUMENT_MISMATCH;
        }
    }
    reasons::OK
}

/// A session's policy as the owner sets it and the views report it. Zero means "off" for
/// every field.
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default)]
pub struct SessionPolicy {
    /// Unix seconds before which the session may not act.
    pub valid_after: u64,
    /// Merkle root of the allowed (contract, selector[, pinned arguments]) leaves.
    pub methods_root: felt252,
    /// Cap on one transaction's worst-case fee, FRI (0: the default 1 STRK).
    pub max_fee_per_tx: u128,
    /// Cap on the sum of the session's worst-case fees, FRI.
    pub fee_budget: u128,
    /// At most this many session transactions per period.
    pub max_transactions: u32,
    /// The rate limit's period, seconds (at least an hour: `__validate__` sees the time
    /// rounded down to the hour).
    pub period_seconds: u32,
}

/// What a policy has used so far.
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default)]
pub struct SessionPolicyUsage {
    /// Worst-case fees counted against the budget, FRI (in 10^15 FRI steps, rounded up).
    pub fee_spent: u128,
    /// Start of the current rate-limit window (0 before the first transaction).
    pub window_start: u64,
    /// Transactions in the current window.
    pub window_used: u32,
}

/// Time and rate fields of a stored policy, and which other parts the policy has, one slot
/// (valid_after 0..64, max_transactions 64..96, period 96..128 | window_start 128..192,
/// window_used 192..224, has_fee_budget 224, has_spending 225): the one slot every policy
/// transaction reads, so the others are read only when the policy uses them.
#[derive(Copy, Drop, Debug, PartialEq, Default)]
pub struct PolicyTiming {
    pub valid_after: u64,
    pub max_transactions: u32,
    pub period_seconds: u32,
    pub window_start: u64,
    pub window_used: u32,
    /// The fee budget slot is in use.
    pub has_fee_budget: bool,
    /// Some token has a spending policy: execution measures balances.
    pub has_spending: bool,
}

/// Fee budget and spending in 10^15 FRI units, one slot (budget 0..64, spent 64..128).
#[derive(Copy, Drop, Debug, PartialEq, Default)]
pub struct PolicyFees {
    pub budget_units: u64,
    pub spent_units: u64,
}

/// A session's stored policy: three slots, each read only when that part is needed.
#[derive(Copy, Drop, Debug, PartialEq, Default, starknet::Store)]
pub struct StoredPolicy {
    pub methods_root: felt252,
    pub timing: PolicyTiming,
    pub fees: PolicyFees,
}

const SHIFT_64: felt252 = 0x10000000000000000;
const SHIFT_96: felt252 = 0x1000000000000000000000000;
const SHIFT_128: felt252 = 0x100000000000000000000000000000000;
const SHIFT_192: felt252 = 0x1000000000000000000000000000000000000000000000000;
const SHIFT_224: felt252 = 0x100000000000000000000000000000000000000000000000000000000;
const SHIFT_225: felt252 = 0x200000000000000000000000000000000000000000000000000000000;
const TWO_POW_32: NonZero<u128> = 0x100000000;
const TWO_POW_64: NonZero<u128> = 0x10000000000000000;

pub impl PolicyTimingStorePacking of StorePacking<PolicyTiming, felt252> {
    fn pack(value: PolicyTiming) -> felt252 {
        value.valid_after.into()
            + value.max_transactions.into() * SHIFT_64
            + value.period_seconds.into() * SHIFT_96
            + value.window_start.into() * SHIFT_128
            + value.window_used.into() * SHIFT_192
            + if value.has_fee_budget {
                SHIFT_224
            } else {
                0
            }
            + if value.has_spending {
                SHIFT_225
            } else {
                0
            }
    }

    fn unpack(value: felt252) -> PolicyTiming {
        let value: u256 = value.into();
        let (upper, valid_after) = DivRem::div_rem(value.low, TWO_POW_64);
        let (period_seconds, max_transactions) = DivRem::div_rem(upper, TWO_POW_32);
        let (upper, window_start) = DivRem::div_rem(value.high, TWO_POW_64);
        let (flags, window_used) = DivRem::div_rem(upper, TWO_POW_32);
        PolicyTiming {
            valid_after: valid_after.try_into().unwrap(),
            max_transactions: max_transactions.try_into().unwrap(),
            period_seconds: period_seconds.try_into().unwrap(),
            window_start: window_start.try_into().unwrap(),
            window_used: window_used.try_into().unwrap(),
            has_fee_budget: flags & 1 != 0,
            has_spending: flags & 2 != 0,
        }
    }
}

pub impl PolicyFeesStorePacking of StorePacking<PolicyFees, felt252> {
    fn pack(value: PolicyFees) -> felt252 {
        value.budget_units.into() + value.spent_units.into() * SHIFT_64
    }

    fn unpack(value: felt252) -> PolicyFees {
        let value: u256 = value.into();
        let (spent_units, budget_units) = DivRem::div_rem(value.low, TWO_POW_64);
        PolicyFees {
            budget_units: budget_units.try_into().unwrap(), spent_units: spent_units.try_into().unwrap(),
        }
    }
}
