//! Sessions authorized off-chain: the owner signs a SNIP-12 (revision 1) `Session` that
//! commits to everything the session may do, and the session's first transaction (direct
//! or outside execution) carries that authorization. The account verifies it, registers
//! the session with exactly these terms, and from then on the session is an ordinary
//! policy session. What is signed must equal starknet.js 10's `typedData.getMessageHash`
//! (checked against the shared vectors, test/fixtures/snip12-vectors.json).
//!
//! The message hash binds the account and the chain (SNIP-12's domain and account), so an
//! authorization cannot serve another account or chain; `Epoch` is the account's revoke-all
//! epoch when signed, so `revoke_all_sessions` ends every authorization still outstanding.
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use crate::utils::snip12::{SNIP12_REVISION, StarknetDomain, StructHash, message_hash};

/// SNIP-12 revision 1 type of what the owner signs, with its dependencies in SNIP-12 order.
pub const SESSION_TYPE_HASH: felt252 = selector!(
    "\"Session\"(\"Key\":\"felt\",\"Valid After\":\"timestamp\",\"Valid Until\":\"timestamp\",\"Max Calls\":\"u128\",\"Methods Root\":\"felt\",\"Max Fee Per Tx\":\"u128\",\"Fee Budget\":\"u128\",\"Max Transactions\":\"u128\",\"Period Seconds\":\"u128\",\"Spending Limits\":\"Spending Limit*\",\"Epoch\":\"u128\")\"Spending Limit\"(\"Token\":\"ContractAddress\",\"Max Per Call\":\"u256\",\"Max Per Window\":\"u256\",\"Window Seconds\":\"u128\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

pub const SPENDING_LIMIT_TYPE_HASH: felt252 = selector!(
    "\"Spending Limit\"(\"Token\":\"ContractAddress\",\"Max Per Call\":\"u256\",\"Max Per Window\":\"u256\",\"Window Seconds\":\"u128\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

/// SNIP-12's preset `u256`.
pub const U256_TYPE_HASH: felt252 = selector!("\"u256\"(\"low\":\"u128\",\"high\":\"u128\")");

/// The domain's name: `SessionAccount.session`, version 1, revision 1.
pub const SESSION_DOMAIN_NAME: felt252 = 'SessionAccount.session';

/// One token's spending limit, as `set_spending_policy` takes it.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SpendingLimit {
    pub token: ContractAddress,
    pub max_per_call: u256,
    pub max_per_window: u256,
    pub window_seconds: u64,
}

/// Everything an authorized session may do: the terms of `add_session_with_policy` and
/// `set_spending_policy`, in the types the session's record stores (a signed value that
/// does not fit one does not deserialize: `BAD_SIGNATURE_FORMAT`).
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SessionTerms {
    pub session_key: felt252,
    pub valid_after: u64,
    pub valid_until: u64,
    pub max_calls: u32,
    pub methods_root: felt252,
    /// FRI, a multiple of 10^15 (0: the default cap of 1 STRK).
    pub max_fee_per_tx: u128,
    /// FRI, a multiple of 10^15 (0: none).
    pub fee_budget: u128,
    pub max_transactions: u32,
    pub period_seconds: u32,
    pub spending_limits: Span<SpendingLimit>,
    /// The account's revoke-all epoch when the owner signed (`get_sessions_epoch`).
    pub epoch: u32,
}

/// What a first use carries after `SESSION_AUTHORIZATION_MAGIC`: the terms and the owner's
/// ECDSA signature of their message hash.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SessionAuthorization {
    pub terms: SessionTerms,
    pub owner_r: felt252,
    pub owner_s: felt252,
}

/// SNIP-12 domain of session authorizations on `chain_id`.
pub fn session_authorization_domain(chain_id: felt252) -> StarknetDomain {
    StarknetDomain { name: SESSION_DOMAIN_NAME, version: 1, chain_id, revision: SNIP12_REVISION }
}

fn u256_hash(value: u256) -> felt252 {
    poseidon_hash_span(array![U256_TYPE_HASH, value.low.into(), value.high.into()].span())
}

pub impl SpendingLimitStructHash of StructHash<SpendingLimit> {
    fn hash_struct(self: @SpendingLimit) -> felt252 {
        let token: felt252 = (*self.token).into();
        poseidon_hash_span(
            array![
                SPENDING_LIMIT_TYPE_HASH, token, u256_hash(*self.max_per_call),
                u256_hash(*self.max_per_window), (*self.window_seconds).into(),
            ]
                .span(),
        )
    }
}

pub impl SessionTermsStructHash of StructHash<SessionTerms> {
    fn hash_struct(self: @SessionTerms) -> felt252 {
        let mut limits = array![];
        for limit in *self.spending_limits {
            limits.append(limit.hash_struct());
        }
        poseidon_hash_span(
            array![
                SESSION_TYPE_HASH, *self.session_key, (*self.valid_after).into(),
                (*self.valid_until).into(), (*self.max_calls).into(), *self.methods_root,
                (*self.max_fee_per_tx).into(), (*self.fee_budget).into(),
                (*self.max_transactions).into(), (*self.period_seconds).into(),
                poseidon_hash_span(limits.span()), (*self.epoch).into(),
            ]
                .span(),
        )
    }
}

/// What the owner signs to authorize `terms` for `account` on `chain_id`: the SNIP-12
/// message hash of the `Session`. Also the authorization's identity: the account records it
/// per key at first use (`get_session_authorization`).
pub fn authorization_message_hash(
    terms: @SessionTerms, account: ContractAddress, chain_id: felt252,
) -> felt252 {
    message_hash(@session_authorization_domain(chain_id), account, terms)
}
