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
    let mut total: felt252 = 0;
    for bound in resource_bounds {
        let amount: felt252 = (*bound.max_amount).into();
        let mut price: felt252 = (*bound.max_price_per_unit).into();
        if *bound.resource == 'L2_GAS' {
            price += tip.into();
        }
        total += amount * price;
    }
    total
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

/// True when a transaction with these bounds could cost more than the cap.
pub fn exceeds_cap(resource_bounds: Span<ResourcesBounds>, tip: u128, cap_units: u32) -> bool {
    let Some(worst): Option<u128> = worst_case_fee(resource_bounds, tip).try_into() else {
        // Beyond 2^128 FRI: over any cap.
        return true;
    };
    worst > max_fee_per_tx(cap_units)
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
