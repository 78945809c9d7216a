//! Running a multicall: shared by `__execute__` and `execute_from_outside_v2`.
use starknet::SyscallResultTrait;
use starknet::account::Call;
use starknet::syscalls::call_contract_syscall;

/// Runs every call in order and returns their results. A failing call panics, which
/// reverts the whole transaction: multicalls are atomic.
pub fn execute_calls(calls: Span<Call>) -> Array<Span<felt252>> {
    // A single call (most transactions) without the loop.
    let single: Option<@Box<[Call; 1]>> = calls.try_into();
    if let Some(single) = single {
        let [call] = (*single).unbox();
        return array![call_contract_syscall(call.to, call.selector, call.calldata).unwrap_syscall()];
    }
    let mut results = array![];
    for call in calls {
        results.append(call_contract_syscall(*call.to, *call.selector, *call.calldata).unwrap_syscall());
    }
    results
}
