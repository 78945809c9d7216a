//! SNIP-12 revision 1 message hash of a SNIP-9 V2 `OutsideExecution`: what an owner or a
//! session key signs for an outside execution. Must equal starknet.js 10's
//! `typedData.getMessageHash` (checked on devnet and against the published vector).
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use starknet::account::Call;
use crate::interfaces::outside_execution::OutsideExecution;

pub const STARKNET_DOMAIN_TYPE_HASH: felt252 = selector!(
    "\"StarknetDomain\"(\"name\":\"shortstring\",\"version\":\"shortstring\",\"chainId\":\"shortstring\",\"revision\":\"shortstring\")",
);

pub const OUTSIDE_EXECUTION_TYPE_HASH: felt252 = selector!(
    "\"OutsideExecution\"(\"Caller\":\"ContractAddress\",\"Nonce\":\"felt\",\"Execute After\":\"u128\",\"Execute Before\":\"u128\",\"Calls\":\"Call*\")\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

pub const CALL_TYPE_HASH: felt252 = selector!(
    "\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

/// SNIP-9 V2 domain: name 'Account.execute_from_outside', version 2 (a number, not the
/// short string '2'), revision 1.
const DOMAIN_NAME: felt252 = 'Account.execute_from_outside';
const DOMAIN_VERSION: felt252 = 2;
const SNIP12_REVISION: felt252 = 1;

fn domain_hash(chain_id: felt252) -> felt252 {
    poseidon_hash_span(
        array![STARKNET_DOMAIN_TYPE_HASH, DOMAIN_NAME, DOMAIN_VERSION, chain_id, SNIP12_REVISION]
            .span(),
    )
}

fn call_hash(call: @Call) -> felt252 {
    let to: felt252 = (*call.to).into();
    poseidon_hash_span(
        array![CALL_TYPE_HASH, to, *call.selector, poseidon_hash_span(*call.calldata)].span(),
    )
}

fn outside_execution_struct_hash(outside_execution: @OutsideExecution) -> felt252 {
    let mut call_hashes = array![];
    for call in *outside_execution.calls {
        call_hashes.append(call_hash(call));
    }
    let caller: felt252 = (*outside_execution.caller).into();
    poseidon_hash_span(
        array![
            OUTSIDE_EXECUTION_TYPE_HASH, caller, *outside_execution.nonce,
            (*outside_execution.execute_after).into(), (*outside_execution.execute_before).into(),
            poseidon_hash_span(call_hashes.span()),
        ]
            .span(),
    )
}

/// poseidon('StarkNet Message', domain hash, account, struct hash).
pub fn outside_execution_message_hash(
    outside_execution: @OutsideExecution, account: ContractAddress, chain_id: felt252,
) -> felt252 {
    poseidon_hash_span(
        array![
            'StarkNet Message', domain_hash(chain_id), account.into(),
            outside_execution_struct_hash(outside_execution),
        ]
            .span(),
    )
}
