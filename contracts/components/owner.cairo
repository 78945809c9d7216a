//! The owner: one Stark key that signs `[r, s]` and may do anything, including managing
//! sessions and upgrading the account. (Signatures are parsed in `crate::signature`.)
#[starknet::component]
pub mod OwnerComponent {
    use core::ecdsa::check_ecdsa_signature;
    use starknet::storage::{StoragePointerReadAccess, StoragePointerWriteAccess};
    use crate::interfaces::account::IOwner;

    #[storage]
    pub struct Storage {
        pub Owner_public_key: felt252,
    }

    #[event]
    #[derive(Drop, PartialEq, starknet::Event)]
    pub enum Event {
        OwnerKeySet: OwnerKeySet,
    }

    /// Emitted when the owner key is set (at deployment).
    #[derive(Drop, PartialEq, starknet::Event)]
    pub struct OwnerKeySet {
        #[key]
        pub public_key: felt252,
    }

    pub mod Errors {
        pub const ZERO_PUBLIC_KEY: felt252 = 'Owner: zero public key';
    }

    #[embeddable_as(OwnerImpl)]
    impl Owner<TContractState, +HasComponent<TContractState>> of IOwner<ComponentState<TContractState>> {
        fn get_public_key(self: @ComponentState<TContractState>) -> felt252 {
            self.Owner_public_key.read()
        }
    }

    #[generate_trait]
    pub impl InternalImpl<
        TContractState, +HasComponent<TContractState>,
    > of InternalTrait<TContractState> {
        fn initializer(ref self: ComponentState<TContractState>, public_key: felt252) {
            assert(public_key != 0, Errors::ZERO_PUBLIC_KEY);
            self.Owner_public_key.write(public_key);
            self.emit(OwnerKeySet { public_key });
        }

        /// True when `(r, s)` is the owner's signature of `hash`; never panics.
        fn is_valid_owner_signature(
            self: @ComponentState<TContractState>, hash: felt252, r: felt252, s: felt252,
        ) -> bool {
            check_ecdsa_signature(hash, self.Owner_public_key.read(), r, s)
        }
    }
}
