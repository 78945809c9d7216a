//! SNIP-12 revision 1 hash of a SNIP-9 V2 `OutsideExecution`: what an owner signs for an
//! outside execution (a session signs it bound to its registration). Must equal
//! starknet.js 10's `typedData.getMessageHash` (checked on devnet and against the
//! published vector).
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use starknet::account::Call;
use crate::interfaces::outside_execution::OutsideExecution;
use crate::utils::snip12::{SNIP12_REVISION, StarknetDomain, StructHash, message_hash};

pub const OUTSIDE_EXECUTION_TYPE_HASH: felt252 = selector!(
    "\"OutsideExecution\"(\"Caller\":\"ContractAddress\",\"Nonce\":\"felt\",\"Execute After\":\"u128\",\"Execute Before\":\"u128\",\"Calls\":\"Call*\")\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

pub const CALL_TYPE_HASH: felt252 = selector!(
    "\"Call\"(\"To\":\"ContractAddress\",\"Selector\":\"selector\",\"Calldata\":\"felt*\")",
);

/// SNIP-9 V2 domain: name 'Account.execute_from_outside', version 2 (a number, not the
/// short string '2'), revision 1.
pub fn outside_execution_domain(chain_id: felt252) -> StarknetDomain {
    StarknetDomain { name: 'Account.execute_from_outside', version: 2, chain_id, revision: SNIP12_REVISION }
}

pub impl CallStructHash of StructHash<Call> {
    fn hash_struct(self: @Call) -> felt252 {
        let to: felt252 = (*self.to).into();
        poseidon_hash_span(
            array![CALL_TYPE_HASH, to, *self.selector, poseidon_hash_span(*self.calldata)].span(),
        )
    }
}

pub impl OutsideExecutionStructHash of StructHash<OutsideExecution> {
    fn hash_struct(self: @OutsideExecution) -> felt252 {
        let mut call_hashes = array![];
        for call in *self.calls {
            call_hashes.append(call.hash_struct());
        }
        let caller: felt252 = (*self.caller).into();
        poseidon_hash_span(
            array![
                OUTSIDE_EXECUTION_TYPE_HASH, caller, *self.nonce, (*self.execute_after).into(),
                (*self.execute_before).into(), poseidon_hash_span(call_hashes.span()),
            ]
                .span(),
        )
    }
}

/// The message an outside execution's signer signs, for `account` on `chain_id`.
pub fn outside_execution_message_hash(
    outside_execution: @OutsideExecution, account: ContractAddress, chain_id: felt252,
) -> felt252 {
    message_hash(@outside_execution_domain(chain_id), account, outside_execution)
}
