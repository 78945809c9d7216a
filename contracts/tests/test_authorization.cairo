//! Sessions authorized off-chain, without a chain: the first-use layout parses one way only,
//! its magic is no session key, `is_valid_signature` refuses it, a forged authorization is
//! refused before anything is written, and a key may be revoked before it is ever used.
//! (The devnet tests, test/integration/offchain-sessions.test.ts, use real owner signatures.)
use starknet::account::Call;
use starknet::syscalls::deploy_syscall;
use starknet::testing::{set_block_timestamp, set_contract_address, set_signature, set_transaction_hash, set_version};
use crate::account::SessionAccount;
use crate::interfaces::account::{ISRC6Dispatcher, ISRC6DispatcherTrait};
use crate::interfaces::session::{
    ISessionAuthorizationsDispatcher, ISessionAuthorizationsDispatcherTrait, ISessionKeyManagerDispatcher,
    ISessionKeyManagerDispatcherTrait, ISessionKeyViewsDispatcher, ISessionKeyViewsDispatcherTrait,
    ISessionRegistryDispatcher, ISessionRegistryDispatcherTrait,
};
use crate::reasons;
use crate::session::hashing::is_stark_public_key;
use crate::signature::{
    AccountSignature, POLICY_SIGNATURE_MAGIC, SESSION_AUTHORIZATION_MAGIC, execution_signature, parse_signature,
    session_signature_format,
};

/// Public keys of private keys 0x1234…abcd (owner) and 0x0fed…6543 (session), as in test_validate.
const OWNER: felt252 = 0x4838c4ed86f1c9b4fe1aac884ac79431b0243b79d9e24500eb0f6229f4fe72a;
const SESSION: felt252 = 0x74e362007367b93e685625b9150cc4a1ea3448c2ad69aa54f86043069284b19;

/// `Serde(SessionAuthorization)` of minimal terms for SESSION (valid until 100000, 10
/// calls, epoch 0), with a placeholder owner signature.
fn authorization() -> Array<felt252> {
    array![SESSION, 0, 100000, 10, 0, 0, 0, 0, 0, 0, 0, 0x111, 0x222]
}

/// `[magic, ...authorization, ...inner]`.
fn first_use(inner: Span<felt252>) -> Span<felt252> {
    let mut signature = array![SESSION_AUTHORIZATION_MAGIC];
    signature.append_span(authorization().span());
    signature.append_span(inner);
    signature.span()
}

fn policy_inner() -> Span<felt252> {
    array![POLICY_SIGNATURE_MAGIC, SESSION, 0x1, 0x2, 100000, 0].span()
}

#[test]
fn parses_a_first_use_with_either_session_layout() {
    let Ok(AccountSignature::AuthorizedSession(parsed)) = parse_signature(first_use(policy_inner())) else {
        panic!("not an authorized session")
    };
    let parsed = parsed.unbox();
    assert_eq!(parsed.authorization.terms.session_key, SESSION);
    assert_eq!(parsed.authorization.terms.valid_until, 100000);
    assert_eq!((parsed.authorization.owner_r, parsed.authorization.owner_s), (0x111, 0x222));
    assert!(parsed.session.is_policy_format);
    let Ok(AccountSignature::AuthorizedSession(parsed)) = parse_signature(first_use(array![SESSION, 0x1, 0x2, 100000].span())) else {
        panic!("not an authorized session")
    };
    assert!(!parsed.unbox().session.is_policy_format);
}

#[test]
fn refuses_every_other_first_use_layout() {
    let mut truncated = array![SESSION_AUTHORIZATION_MAGIC];
    truncated.append_span(authorization().span().slice(0, 12));
    // max_calls of 2^32 and valid_until of 2^64 do not fit what the record stores.
    let mut wide_calls = array![SESSION_AUTHORIZATION_MAGIC, SESSION, 0, 100000, 0x100000000, 0, 0, 0, 0, 0, 0, 0, 1, 2];
    wide_calls.append_span(policy_inner());
    let mut wide_time = array![SESSION_AUTHORIZATION_MAGIC, SESSION, 0, 0x10000000000000000, 10, 0, 0, 0, 0, 0, 0, 0, 1, 2];
    wide_time.append_span(policy_inner());
    for signature in array![
        truncated.span(),
        // no inner signature, an owner's [r, s], a short one, trailing felts
        first_use(array![].span()),
        first_use(array![0x1, 0x2].span()),
        first_use(array![SESSION, 0x1, 0x2].span()),
        first_use(array![POLICY_SIGNATURE_MAGIC, SESSION, 0x1, 0x2, 100000, 0, 9].span()),
        // the inner signature is another key's
        first_use(array![OWNER, 0x1, 0x2, 100000].span()),
        first_use(array![POLICY_SIGNATURE_MAGIC, OWNER, 0x1, 0x2, 100000, 0].span()),
        // an authorization inside an authorization
        first_use(first_use(policy_inner())),
        wide_calls.span(),
        wide_time.span(),
    ] {
        assert_eq!(parse_signature(signature), Err(reasons::BAD_SIGNATURE_FORMAT));
    }
}

#[test]
fn the_magic_is_no_session_key_and_leads_no_other_layout() {
    assert!(!is_stark_public_key(SESSION_AUTHORIZATION_MAGIC));
    // Four felts are the SNIP layout whatever they hold: a "key" that can never be registered.
    let Ok(AccountSignature::Session(session)) = parse_signature(array![SESSION_AUTHORIZATION_MAGIC, 1, 2, 3].span()) else {
        panic!("four felts are a SNIP session signature")
    };
    assert_eq!(session.session_key, SESSION_AUTHORIZATION_MAGIC);
    // Two felts are the owner's, whatever they hold.
    assert_eq!(parse_signature(array![SESSION_AUTHORIZATION_MAGIC, 1].span()), Ok(AccountSignature::Owner((SESSION_AUTHORIZATION_MAGIC, 1))));
}

#[test]
fn execute_sees_the_inner_session_signature() {
    let signature = first_use(policy_inner());
    assert_eq!(execution_signature(signature), policy_inner());
    assert_eq!(session_signature_format(execution_signature(signature)), Some((SESSION, 100000, true)));
    // What __execute__ reads: the whole first-use signature gives its inner session.
    assert_eq!(session_signature_format(signature), Some((SESSION, 100000, true)));
    let plain = array![SESSION, 0x1, 0x2, 100000].span();
    assert_eq!(execution_signature(plain), plain);
}

fn deploy() -> starknet::ContractAddress {
    let (address, _) = deploy_syscall(SessionAccount::TEST_CLASS_HASH.try_into().unwrap(), 0, array![OWNER].span(), false)
        .unwrap();
    set_block_timestamp(1000);
    set_transaction_hash(0xabc);
    set_version(3);
    address
}

fn calls() -> Array<Call> {
    array![Call { to: 0x999.try_into().unwrap(), selector: selector!("transfer"), calldata: array![1, 2, 3].span() }]
}

#[test]
fn is_valid_signature_refuses_the_first_use_layout() {
    let address = deploy();
    assert_eq!(ISRC6Dispatcher { contract_address: address }.is_valid_signature(0xabc, first_use(policy_inner()).into()), 0);
}

#[test]
#[should_panic(expected: ('AUTHORIZATION_INVALID', 'ENTRYPOINT_FAILED'))]
fn refuses_a_forged_authorization() {
    let address = deploy();
    set_signature(first_use(policy_inner()));
    ISRC6Dispatcher { contract_address: address }.__validate__(calls());
}

#[test]
fn revokes_a_key_before_it_is_ever_used() {
    let address = deploy();
    let manager = ISessionKeyManagerDispatcher { contract_address: address };
    let views = ISessionKeyViewsDispatcher { contract_address: address };
    set_contract_address(address);
    manager.revoke_session_key(SESSION);
    assert!(views.is_session_revoked(SESSION));
    assert_eq!(views.get_session_generation(SESSION), 1);
    assert_eq!(ISessionRegistryDispatcher { contract_address: address }.get_sessions_count(), 1);
    assert_eq!(ISessionAuthorizationsDispatcher { contract_address: address }.get_session_authorization(SESSION), 0);
    // The on-chain path keeps its semantics: the owner may still register the key.
    manager.add_or_update_session_key(SESSION, 100000, 10, array![].span());
    assert_eq!(views.get_session_generation(SESSION), 2);
    assert_eq!(ISessionRegistryDispatcher { contract_address: address }.get_sessions_count(), 1);
}

#[test]
#[should_panic(expected: ('REVOKED', 'ENTRYPOINT_FAILED'))]
fn refuses_revoking_a_key_twice() {
    let address = deploy();
    set_contract_address(address);
    ISessionKeyManagerDispatcher { contract_address: address }.revoke_session_key(SESSION);
    ISessionKeyManagerDispatcher { contract_address: address }.revoke_session_key(SESSION);
}

#[test]
#[should_panic(expected: ('INVALID_SESSION_KEY', 'ENTRYPOINT_FAILED'))]
fn refuses_the_magic_as_a_session_key() {
    let address = deploy();
    set_contract_address(address);
    ISessionKeyManagerDispatcher { contract_address: address }.add_or_update_session_key(SESSION_AUTHORIZATION_MAGIC, 100000, 10, array![].span());
}
