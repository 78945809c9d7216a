//! SNIP-12 revision 1, generic: a type hashes itself (`StructHash`), a domain says whose
//! message it is, and `message_hash` puts them together as every Starknet wallet does.
//! Outside executions use it today; session authorizations and policy leaves will too.
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;

pub const STARKNET_DOMAIN_TYPE_HASH: felt252 = selector!(
    "\"StarknetDomain\"(\"name\":\"shortstring\",\"version\":\"shortstring\",\"chainId\":\"shortstring\",\"revision\":\"shortstring\")",
);

/// SNIP-12 revision 1.
pub const SNIP12_REVISION: felt252 = 1;

/// The SNIP-12 `StarknetDomain` of a message.
#[derive(Copy, Drop, Debug, PartialEq)]
pub struct StarknetDomain {
    pub name: felt252,
    pub version: felt252,
    pub chain_id: felt252,
    pub revision: felt252,
}

/// A type's SNIP-12 struct hash: Poseidon of its type hash and its encoded members.
pub trait StructHash<T> {
    fn hash_struct(self: @T) -> felt252;
}

pub impl StarknetDomainStructHash of StructHash<StarknetDomain> {
    fn hash_struct(self: @StarknetDomain) -> felt252 {
        poseidon_hash_span(
            array![STARKNET_DOMAIN_TYPE_HASH, *self.name, *self.version, *self.chain_id, *self.revision]
                .span(),
        )
    }
}

/// poseidon('StarkNet Message', domain hash, account, struct hash).
pub fn message_hash<T, +StructHash<T>>(
    domain: @StarknetDomain, account: ContractAddress, message: @T,
) -> felt252 {
    poseidon_hash_span(
        array!['StarkNet Message', domain.hash_struct(), account.into(), message.hash_struct()]
            .span(),
    )
}
