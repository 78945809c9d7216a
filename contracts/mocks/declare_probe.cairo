/// A class declared by one test only: proves that the owner can declare and a session
/// cannot, on a class no other test has declared already.
#[starknet::interface]
pub trait IDeclareProbe<TState> {
    fn probe(self: @TState) -> felt252;
}

#[starknet::contract]
pub mod DeclareProbe {
    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl DeclareProbeImpl of super::IDeclareProbe<ContractState> {
        fn probe(self: @ContractState) -> felt252 {
            'declared by the owner'
        }
    }
}
