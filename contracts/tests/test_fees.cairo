//! The fee cap: the three-resource sum agrees with the general one, and the cap holds at
//! its exact edge.
use starknet::ResourcesBounds;
use crate::session::fees::{FEE_UNIT, exceeds_cap, worst_case_fee};

fn bound(resource: felt252, max_amount: u64, max_price_per_unit: u128) -> ResourcesBounds {
    ResourcesBounds { resource, max_amount, max_price_per_unit }
}

/// The definition: every resource at its max, plus the tip on every unit of L2 gas.
fn by_definition(bounds: Span<ResourcesBounds>, tip: u128) -> felt252 {
    let mut total = 0;
    for b in bounds {
        let mut price: felt252 = (*b.max_price_per_unit).into();
        if *b.resource == 'L2_GAS' {
            price += tip.into();
        }
        total += (*b.max_amount).into() * price;
    }
    total
}

#[test]
fn worst_case_fee_of_any_list_is_the_definition() {
    let lists = array![
        array![bound('L1_GAS', 10, 7), bound('L2_GAS', 1000, 3), bound('L1_DATA', 20, 11)].span(),
        array![bound('L1_GAS', 10, 7), bound('L2_GAS', 1000, 3)].span(),
        array![bound('L2_GAS', 10, 7), bound('L2_GAS', 1000, 3), bound('L1_DATA', 20, 11)].span(),
        array![bound('L1_GAS', 10, 7), bound('L1_DATA', 1000, 3), bound('L2_GAS', 20, 11)].span(),
        array![
            bound('L1_GAS', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
            bound('L2_GAS', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
            bound('L1_DATA', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
        ]
            .span(),
        array![].span(),
    ];
    for list in lists {
        assert_eq!(worst_case_fee(list, 5), by_definition(list, 5));
        assert_eq!(worst_case_fee(list, 0), by_definition(list, 0));
    }
}

#[test]
fn the_cap_holds_at_its_edge() {
    // Worst case 1000 * (price + tip): exactly 5 units of 10^15 FRI, then one FRI more.
    let unit: u128 = FEE_UNIT;
    let at_cap = array![bound('L1_GAS', 0, 0), bound('L2_GAS', 1000, 5 * unit / 1000 - 1), bound('L1_DATA', 0, 0)]
        .span();
    assert!(!exceeds_cap(at_cap, 1, 5));
    assert!(exceeds_cap(at_cap, 2, 5));
    // 0 units: the default, 1 STRK.
    let one_strk = array![bound('L2_GAS', 1000, 1000 * unit / 1000)].span();
    assert!(!exceeds_cap(one_strk, 0, 0));
    assert!(exceeds_cap(one_strk, 1, 0));
    // Far beyond 2^128 FRI: over any cap.
    let huge = array![
        bound('L1_GAS', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
        bound('L2_GAS', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
        bound('L1_DATA', 0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff),
    ]
        .span();
    assert!(exceeds_cap(huge, 0, 0xffffffff));
}
