//! Where the SNIP whitelist lives: one storage cell per (session, registration, selector).
//!
//! A cell's address is `poseidon(poseidon(session key, generation), selector)`, used as the
//! address itself. A `Map<felt252, felt252>` keyed by that hash would hash it once more, with
//! Pedersen, on every read and write; registering 100 selectors paid for 100 of those, and
//! every whitelisted session transaction for one. The Poseidon output is already an address
//! no one can aim at another variable (that would take a preimage), and the generation in it
//! makes every cell of an earlier registration unreachable at once.

use starknet::storage_access::{StorageBaseAddress, storage_base_address_from_felt252};
use starknet::{Store, SyscallResultTrait};

/// The part of an entry's address shared by every entry of a registration: a loop over the
/// whitelist computes it once.
#[inline(always)]
pub fn registration_of(session_key: felt252, generation: felt252) -> felt252 {
    let (registration, _, _) = core::poseidon::hades_permutation(session_key, generation, 2);
    registration
}

/// The cell of `selector` in the registration `registration`; selector 0 is the list's head.
#[inline(always)]
pub fn entry_address(registration: felt252, selector: felt252) -> StorageBaseAddress {
    let (hash, _, _) = core::poseidon::hades_permutation(registration, selector, 2);
    storage_base_address_from_felt252(hash)
}

/// The cell of `selector` in the session's current registration.
#[inline(always)]
pub fn entry_address_of(session_key: felt252, generation: felt252, selector: felt252) -> StorageBaseAddress {
    entry_address(registration_of(session_key, generation), selector)
}

#[inline(always)]
pub fn read_entry(address: StorageBaseAddress) -> felt252 {
    Store::<felt252>::read(0, address).unwrap_syscall()
}

#[inline(always)]
pub fn write_entry(address: StorageBaseAddress, value: felt252) {
    Store::<felt252>::write(0, address, value).unwrap_syscall()
}
