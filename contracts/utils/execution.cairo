//! Running a multicall: shared by `__execute__` and `execute_from_outside_v2`.
use starknet::SyscallResultTrait;
use starknet::account::Call;
use starknet::syscalls::call_contract_syscall;

/// Runs every call in order and returns their results. A failing call panics, which
/// reverts the whole transaction: multicalls are atomic.
pub fn execute_calls(calls: Span<Call>) -> Array<Span<felt252>> {
    let mut results = array![];
    for call in calls {
        results.append(call_contract_syscall(*call.to, *call.selector, *call.calldata).unwrap_syscall());
    }
    results
}
