/// A contract a session may be allowed to call that turns against the account: it
/// re-enters the account's `__validate__` with the running transaction's signature, and
/// panics with the account's own reason codes to mislead a wallet.
#[starknet::interface]
pub trait IHostile<TState> {
    /// Calls `account.__validate__` `times` times with one harmless call.
    fn revalidate(ref self: TState, account: starknet::ContractAddress, times: u32);
    /// Panics with `reason` (e.g. 'REVOKED').
    fn fail_with(ref self: TState, reason: felt252);
}

#[starknet::contract]
pub mod Hostile {
    use starknet::ContractAddress;
    use starknet::account::Call;
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
    }
}
