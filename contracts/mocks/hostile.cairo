/// A contract a session may be allowed to call that turns against the account: it
/// re-enters the account's `__validate__` with the running transaction's signature, and
/// panics with the account's own reason codes to mislead a wallet.
#[starknet::interface]
pub trait IHostile<TState> {
    /// Calls `account.__validate__` `times` times with one harmless call.
    fn revalidate(ref self: TState, account: starknet::ContractAddress, times: u32);
    /// Panics with `reason` (e.g. 'REVOKED').
    fn fail_with(ref self: TState, reason: felt252);
    /// A "router" that pulls `amount` of `token` from `from` to itself, with an allowance
    /// `from` granted it earlier.
    fn pull(ref self: TState, token: starknet::ContractAddress, from: starknet::ContractAddress, amount: u256);
    /// Calls `selector` on `to` with `calldata`: e.g. the account's execute_from_outside_v2,
    /// re-entering it from inside a session's own transaction.
    fn forward(ref self: TState, to: starknet::ContractAddress, selector: felt252, calldata: Array<felt252>);
}

#[starknet::contract]
pub mod Hostile {
    use starknet::account::Call;
    use starknet::{ContractAddress, SyscallResultTrait};
    use crate::interfaces::account::{ISRC6Dispatcher, ISRC6DispatcherTrait};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl HostileImpl of super::IHostile<ContractState> {
        fn revalidate(ref self: ContractState, account: ContractAddress, times: u32) {
            let target = starknet::get_contract_address();
            for _ in 0..times {
                let calls = array![
                    Call { to: target, selector: selector!("fail_with"), calldata: array![0].span() },
                ];
                ISRC6Dispatcher { contract_address: account }.__validate__(calls);
            }
        }

        fn fail_with(ref self: ContractState, reason: felt252) {
            core::panic_with_felt252(reason);
        }

        fn forward(ref self: ContractState, to: ContractAddress, selector: felt252, calldata: Array<felt252>) {
            starknet::syscalls::call_contract_syscall(to, selector, calldata.span()).unwrap_syscall();
        }

        fn pull(ref self: ContractState, token: ContractAddress, from: ContractAddress, amount: u256) {
            let mut calldata = array![from.into(), starknet::get_contract_address().into()];
            amount.serialize(ref calldata);
            starknet::syscalls::call_contract_syscall(token, selector!("transfer_from"), calldata.span())
                .unwrap_syscall();
        }
    }
}
