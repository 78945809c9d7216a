//! Fee caps. A session signs the transaction hash, which binds the resource bounds and
//! tip, but a leaked key chooses them: without a cap it can make the account pay up to
//! its whole balance in fees (a high tip, or bounds a reverting call burns). Validation
//! checks the worst case the transaction allows, which is what the account may be charged.
use starknet::ResourcesBounds;

/// Caps are stored in units of 10^15 FRI (0.001 STRK), so one fits the session record.
pub const FEE_UNIT: u128 = 1_000_000_000_000_000;

/// The cap of a session registered through the SNIP entrypoint: 1 STRK per transaction.
/// A session transfer costs about 0.002 STRK on devnet (its bounds, as starknet.js
/// estimates them, a few times that); a registration of 100 entrypoints about 0.05 STRK.
/// So honest use never meets it, while a leaked key loses at most 1 STRK per remaining
/// call. The owner raises or lowers it with `set_session_max_fee`.
pub const DEFAULT_MAX_FEE_UNITS: u32 = 1000;

/// The most a transaction with these bounds can charge, in FRI: every resource at its max
/// amount and max price, plus the tip on every unit of L2 gas. Computed in felts: each
/// product is below 2^192 (u64 x u128) and the sum of three below 2^194, far from the
/// field's 2^251, so nothing wraps. (This runs on every session transaction, where u256
/// arithmetic costs measurably more.)
pub fn worst_case_fee(resource_bounds: Span<ResourcesBounds>, tip: u128) -> felt252 {
    // A version 3 transaction lists three resources, L2 gas in the middle (L1_GAS, L2_GAS,
    // L1_DATA): summed without a loop. Any other list takes the loop below, same result.
    let three: Option<@Box<[ResourcesBounds; 3]>> = resource_bounds.try_into();
    if let Some(three) = three {
        let [first, second, third] = (*three).unbox();
        if first.resource != 'L2_GAS' && second.resource == 'L2_GAS' && third.resource != 'L2_GAS' {
            return bound_fee(first, 0) + bound_fee(second, tip) + bound_fee(third, 0);
        }
    }
    let mut total: felt252 = 0;
    for bound in resource_bounds {
        let tip = if *bound.resource == 'L2_GAS' {
            tip
        } else {
            0
        };
        total += bound_fee(*bound, tip);
    }
    total
}

/// One resource at its max amount and max price plus `tip` per unit.
#[inline(always)]
fn bound_fee(bound: ResourcesBounds, tip: u128) -> felt252 {
    let amount: felt252 = bound.max_amount.into();
    let price: felt252 = bound.max_price_per_unit.into();
    amount * (price + tip.into())
}

/// The per-transaction cap in FRI for a record's stored units (0: the default). At most
/// (2^32 - 1) x 10^15 < 2^82.
pub fn max_fee_per_tx(units: u32) -> u128 {
    let units = if units == 0 {
        DEFAULT_MAX_FEE_UNITS
    } else {
        units
    };
    units.into() * FEE_UNIT
}

/// True when a transaction with these bounds could cost more than the cap of `cap_units`
/// (below 2^32, as the packed record holds them; 0 means the default). In felts: the cap is
/// below 2^82 and the worst case below 2^196, so `cap - worst` fits in a u128 exactly when
/// the worst case is within the cap (otherwise it wraps to a felt far above 2^128).
pub fn exceeds_cap(resource_bounds: Span<ResourcesBounds>, tip: u128, cap_units: felt252) -> bool {
    let cap_units = if cap_units == 0 {
        DEFAULT_MAX_FEE_UNITS.into()
    } else {
        cap_units
    };
    let margin: Option<u128> = (cap_units * FEE_UNIT.into() - worst_case_fee(resource_bounds, tip)).try_into();
    margin.is_none()
}

/// A fee in FRI as stored units: it must be a whole number of 10^15 FRI below 2^32 units
/// (about 4.29 M STRK); panics with `INVALID_SESSION` otherwise.
pub fn fee_units(fri: u128) -> u32 {
    assert(fri % FEE_UNIT == 0, crate::reasons::INVALID_SESSION);
    let Some(units) = (fri / FEE_UNIT).try_into() else {
        core::panic_with_felt252(crate::reasons::INVALID_SESSION)
    };
    units
}
