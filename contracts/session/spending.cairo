//! Spending limits (the Session-Keys SNIP's optional spending-policy part, names exact),
//! enforced by any route. Per (session, token): at most `max_per_call` per decoded
//! transfer or approval, and at most `max_per_window` per window of `window_seconds` (a
//! fixed window that restarts at the first spend after it elapsed).
//!
//! What counts as spent in a transaction, for each policed token:
//! - the fall of the account's balance across the transaction's calls (`balance_of`
//!   before and after): direct transfers, a whitelisted router or DEX pulling funds with
//!   an allowance granted earlier, several calls of a multicall — whatever the route;
//! - plus every allowance the calls grant (`approve`, `increase_allowance`,
//!   `increaseAllowance`, amount in full): an allowance lets someone pull later, after the
//!   session, so it is spent when granted.
//! `max_per_call` applies to each decoded `transfer` and approval.
use starknet::ContractAddress;
use starknet::account::Call;
use starknet::syscalls::call_contract_syscall;
use starknet::SyscallResultTrait;
use crate::reasons;

/// The SNIP's spending policy of one (session, token).
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default, starknet::Store)]
pub struct SpendingPolicy {
    pub max_per_call: u256,
    pub max_per_window: u256,
    pub window_seconds: u64,
    pub spent_in_window: u256,
    pub window_start: u64,
}

/// The longest spending window: a year (and a day, for leap years).
const MAX_WINDOW_SECONDS: u64 = 366 * 86400;

/// Refuses (`INVALID_SESSION`) a limit per call above the limit per window, and a window of
/// 0 (it marks "no policy") or longer than a year: the checks `set_spending_policy` and a
/// first use of an authorized session's limits share.
pub fn assert_valid_limit(max_per_call: u256, max_per_window: u256, window_seconds: u64) {
    assert(max_per_call <= max_per_window, reasons::INVALID_SESSION);
    assert(window_seconds != 0 && window_seconds <= MAX_WINDOW_SECONDS, reasons::INVALID_SESSION);
}

/// The amount a call to a policed token spends on its face: `(amount, is_allowance)`.
pub fn decoded_amount(call: @Call) -> Option<(u256, bool)> {
    let selector = *call.selector;
    let is_transfer = selector == selector!("transfer");
    let is_allowance = selector == selector!("approve")
        || selector == selector!("increase_allowance")
        || selector == selector!("increaseAllowance");
    if !is_transfer && !is_allowance {
        return None;
    }
    let calldata = *call.calldata;
    // (recipient or spender, amount: u256 as low, high)
    if calldata.len() < 3 {
        return Some((0, is_allowance));
    }
    let low: u128 = (*calldata[1]).try_into().expect(reasons::SPENDING_LIMIT_EXCEEDED);
    let high: u128 = (*calldata[2]).try_into().expect(reasons::SPENDING_LIMIT_EXCEEDED);
    Some((u256 { low, high }, is_allowance))
}

/// The account's balance of `token`.
pub fn balance_of(token: ContractAddress, account: ContractAddress) -> u256 {
    let mut result = call_contract_syscall(token, selector!("balance_of"), array![account.into()].span())
        .unwrap_syscall();
    Serde::<u256>::deserialize(ref result).expect(reasons::SPENDING_LIMIT_EXCEEDED)
}

/// Counts `spent` against the policy at time `now`; returns the updated policy, or
/// panics with `SPENDING_LIMIT_EXCEEDED`.
pub fn charge(policy: SpendingPolicy, spent: u256, now: u64) -> SpendingPolicy {
    let mut policy = policy;
    if now >= policy.window_start + policy.window_seconds {
        policy.window_start = now;
        policy.spent_in_window = 0;
    }
    let total = policy.spent_in_window + spent;
    assert(total <= policy.max_per_window, reasons::SPENDING_LIMIT_EXCEEDED);
    policy.spent_in_window = total;
    policy
}
