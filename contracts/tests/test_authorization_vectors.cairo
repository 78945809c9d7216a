//! The same vectors as test/fixtures/session-authorization-vectors.json, generated with
//! them by scripts/generate-session-authorization-vectors.ts (test/unit/session-authorization.test.ts
//! checks they agree). Each vector: the contract's message hash of the terms equals
//! starknet.js's, the owner's signature verifies over it, and the first-use signature the
//! SDK lays out parses to exactly these terms and that signature.
use core::ecdsa::check_ecdsa_signature;
use crate::session::authorization::{SessionAuthorization, SessionTerms, SpendingLimit, authorization_message_hash};
use crate::signature::{AccountSignature, parse_signature};

fn check_vector(
    terms: SessionTerms,
    account: felt252,
    chain_id: felt252,
    owner: felt252,
    message_hash: felt252,
    owner_signature: (felt252, felt252),
    signature: Span<felt252>,
) {
    assert_eq!(authorization_message_hash(@terms, account.try_into().unwrap(), chain_id), message_hash);
    let (owner_r, owner_s) = owner_signature;
    assert!(check_ecdsa_signature(message_hash, owner, owner_r, owner_s), "the owner's signature does not verify");
    let Ok(AccountSignature::AuthorizedSession(first_use)) = parse_signature(signature) else {
        panic!("the first-use signature does not parse as one")
    };
    let first_use = first_use.unbox();
    assert_eq!(first_use.authorization, SessionAuthorization { terms, owner_r, owner_s });
    assert_eq!(first_use.session.session_key, terms.session_key);
    assert_eq!(first_use.session.valid_until, terms.valid_until);
    assert!(first_use.session.is_policy_format);
}

#[test]
fn minimal_terms_on_sepolia() {
    let terms = SessionTerms {
        session_key: 0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
        valid_after: 0,
        valid_until: 2000000000,
        max_calls: 10,
        methods_root: 0x0,
        max_fee_per_tx: 0,
        fee_budget: 0,
        max_transactions: 0,
        period_seconds: 0,
        spending_limits: array![].span(),
        epoch: 0,
    };
    check_vector(
        terms,
        0x123,
        0x534e5f5345504f4c4941,
        0x26da8d11938b76025862be14fdb8b28438827f73e75e86f7bfa38b196951fa7,
        0x401a6aea0aa731dda6382a0954433986bf1f7114868fd5479059d320fe38ae3,
        (0x72cc82931a542ca0472a1373ade7a6a9c7346a2fab5dec5e098510a8f58168e, 0x22f422c36192115f9c249fbf173b0e1db1ee874053f7ffd685972775ff34cc4),
        array![
            0x53455353494f4e5f415554485f5631,
            0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
            0x0,
            0x77359400,
            0xa,
            0x0,
            0x0,
            0x0,
            0x0,
            0x0,
            0x0,
            0x0,
            0x72cc82931a542ca0472a1373ade7a6a9c7346a2fab5dec5e098510a8f58168e,
            0x22f422c36192115f9c249fbf173b0e1db1ee874053f7ffd685972775ff34cc4,
            0x53455353494f4e5f504f4c4943595f5631,
            0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
            0x1,
            0x2,
            0x77359400,
            0x0,
        ]
            .span(),
    );
}

#[test]
fn every_term_on_mainnet() {
    let terms = SessionTerms {
        session_key: 0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
        valid_after: 1700000000,
        valid_until: 1800000000,
        max_calls: 4294967295,
        methods_root: 0x7ffffffffffffff0000000000000000000000000000000000000000000000ab,
        max_fee_per_tx: 1000000000000000000,
        fee_budget: 5000000000000000000,
        max_transactions: 3,
        period_seconds: 3600,
        spending_limits: array![
            SpendingLimit {
                token: 0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7.try_into().unwrap(),
                max_per_call: u256 { low: 0x64, high: 0x0 },
                max_per_window: u256 { low: 0xffffffffffffffffffffffffffffffff, high: 0xffffffffffffffffffffffffffffffff },
                window_seconds: 86400,
            },
            SpendingLimit {
                token: 0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d.try_into().unwrap(),
                max_per_call: u256 { low: 0x0, high: 0x1 },
                max_per_window: u256 { low: 0x5, high: 0x1 },
                window_seconds: 31622400,
            },
        ]
            .span(),
        epoch: 7,
    };
    check_vector(
        terms,
        0x7a11ce,
        0x534e5f4d41494e,
        0x26da8d11938b76025862be14fdb8b28438827f73e75e86f7bfa38b196951fa7,
        0x3b918bb17dd41f8bdb3a62c78f15a13f3a31f2e0d81a87cc2821df7528806b7,
        (0x18c219a211922243fb705715ef7ce1e608f9f275d2abde975c84735fc017487, 0x3049e452c6f3efe47cd553f10d93a29bd88f82c3f3f349ea9129f282e20e87e),
        array![
            0x53455353494f4e5f415554485f5631,
            0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
            0x6553f100,
            0x6b49d200,
            0xffffffff,
            0x7ffffffffffffff0000000000000000000000000000000000000000000000ab,
            0xde0b6b3a7640000,
            0x4563918244f40000,
            0x3,
            0xe10,
            0x2,
            0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7,
            0x64,
            0x0,
            0xffffffffffffffffffffffffffffffff,
            0xffffffffffffffffffffffffffffffff,
            0x15180,
            0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d,
            0x0,
            0x1,
            0x5,
            0x1,
            0x1e28500,
            0x7,
            0x18c219a211922243fb705715ef7ce1e608f9f275d2abde975c84735fc017487,
            0x3049e452c6f3efe47cd553f10d93a29bd88f82c3f3f349ea9129f282e20e87e,
            0x53455353494f4e5f504f4c4943595f5631,
            0x2fc9978e4a968de7ece81e58f678bc77946375f08d41f2a865f2671e1e21197,
            0x1,
            0x2,
            0x6b49d200,
            0x0,
        ]
            .span(),
    );
}
