use crate::session::policy::{PolicyFees, PolicyFeesStorePacking, PolicyTiming, PolicyTimingStorePacking};

#[test]
fn policy_timing_survives_at_its_extremes() {
    for timing in array![
        PolicyTiming {
            valid_after: 0xffffffffffffffff,
            max_transactions: 0xffffffff,
            period_seconds: 0xffffffff,
            window_start: 0xffffffffffffffff,
            window_used: 0xffffffff,
            has_fee_budget: true,
            has_spending: true,
        },
        PolicyTiming {
            valid_after: 1, max_transactions: 2, period_seconds: 3, window_start: 4, window_used: 5, has_fee_budget: false, has_spending: true,
        },
        PolicyTiming {
            valid_after: 1, max_transactions: 2, period_seconds: 3, window_start: 4, window_used: 5, has_fee_budget: true, has_spending: false,
        },
        Default::default(),
    ] {
        assert_eq!(PolicyTimingStorePacking::unpack(PolicyTimingStorePacking::pack(timing)), timing);
    }
    assert_eq!(PolicyTimingStorePacking::pack(Default::default()), 0);
}

#[test]
fn policy_fees_survive_at_their_extremes() {
    let fees = PolicyFees { budget_units: 0xffffffffffffffff, spent_units: 0xffffffffffffffff };
    assert_eq!(PolicyFeesStorePacking::unpack(PolicyFeesStorePacking::pack(fees)), fees);
}
