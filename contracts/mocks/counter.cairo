/// A counter with a per-caller total and several write entrypoints: the toolchain smoke
/// test deploys and invokes it, and the session tests whitelist some entrypoints of it
/// and not others.
#[starknet::interface]
pub trait ICounter<TState> {
    fn increase(ref self: TState, amount: u64);
    fn decrease(ref self: TState, amount: u64);
    fn fail(ref self: TState);
    fn get(self: @TState) -> u64;
    fn get_by_caller(self: @TState, caller: starknet::ContractAddress) -> u64;
    /// The block time a transaction would see now (call it on the pre-confirmed block).
    fn block_time(self: @TState) -> u64;
}

#[starknet::contract]
pub mod Counter {
    use starknet::ContractAddress;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };

    #[storage]
    struct Storage {
        total: u64,
        by_caller: Map<ContractAddress, u64>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Increased: Increased,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Increased {
        #[key]
        pub caller: ContractAddress,
        pub amount: u64,
        pub total: u64,
    }

    #[constructor]
    fn constructor(ref self: ContractState, initial: u64) {
        self.total.write(initial);
    }

    #[abi(embed_v0)]
    impl CounterImpl of super::ICounter<ContractState> {
        fn increase(ref self: ContractState, amount: u64) {
            assert(amount != 0, 'Counter: zero amount');
            let caller = starknet::get_caller_address();
            let total = self.total.read() + amount;
            self.total.write(total);
            self.by_caller.write(caller, self.by_caller.read(caller) + amount);
            self.emit(Increased { caller, amount, total });
        }

        fn decrease(ref self: ContractState, amount: u64) {
            let total = self.total.read();
            assert(total >= amount, 'Counter: below zero');
            self.total.write(total - amount);
        }

        /// Always panics: lets a test put a failing call in a multicall.
        fn fail(ref self: ContractState) {
            core::panic_with_felt252('Counter: asked to fail');
        }

        fn get(self: @ContractState) -> u64 {
            self.total.read()
        }

        fn get_by_caller(self: @ContractState, caller: ContractAddress) -> u64 {
            self.by_caller.read(caller)
        }

        fn block_time(self: @ContractState) -> u64 {
            starknet::get_block_timestamp()
        }
    }
}
