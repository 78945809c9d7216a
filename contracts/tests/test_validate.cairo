//! `__validate__` on the contract itself, without a chain: fast checks of the owner and
//! session paths (signatures made with starknet.js for the keys below, over hash 0xabc;
//! the session's over `poseidon(0xabc, generation 1)`).
//! cairo-test's "gas usage est." of the two accepting tests shows what a session adds.
use starknet::account::Call;
use starknet::syscalls::deploy_syscall;
use starknet::testing::{
    set_block_timestamp, set_contract_address, set_signature, set_transaction_hash, set_version,
};
use crate::account::SessionAccount;
use crate::outside_execution::nonces::{nonce_position, scoped_word};
use crate::session::hashing::{is_stark_public_key, session_message_hash};
use crate::interfaces::account::{ISRC6Dispatcher, ISRC6DispatcherTrait};
use crate::interfaces::session::{
    ISessionKeyManagerDispatcher, ISessionKeyManagerDispatcherTrait, ISessionKeyViewsDispatcher,
    ISessionKeyViewsDispatcherTrait, SessionData,
};

/// Public keys of private keys 0x1234…abcd (owner) and 0x0fed…6543 (session).
const OWNER: felt252 = 0x4838c4ed86f1c9b4fe1aac884ac79431b0243b79d9e24500eb0f6229f4fe72a;
const SESSION: felt252 = 0x74e362007367b93e685625b9150cc4a1ea3448c2ad69aa54f86043069284b19;
/// starknet.js: hash.computePoseidonHash(0xabc, 1).
const BOUND_HASH: felt252 = 0x3e267a143465948fc3ea89f9b891803c26c2914bdeb39f1fd5489f17e724fd0;

fn deploy() -> starknet::ContractAddress {
    let (address, _) = deploy_syscall(
        SessionAccount::TEST_CLASS_HASH.try_into().unwrap(), 0, array![OWNER].span(), false,
    )
        .unwrap();
    set_block_timestamp(1000);
    address
}

/// Registers `key` as the account itself would (an owner transaction calling the account).
fn register(address: starknet::ContractAddress, key: felt252) {
    set_contract_address(address);
    ISessionKeyManagerDispatcher { contract_address: address }
        .add_or_update_session_key(key, 100000, 10, array![selector!("transfer")].span());
    set_contract_address(0.try_into().unwrap());
}

fn setup() -> starknet::ContractAddress {
    let address = deploy();
    register(address, SESSION);
    set_transaction_hash(0xabc);
    set_version(3);
    address
}

fn calls() -> Array<Call> {
    array![Call { to: 0x999.try_into().unwrap(), selector: selector!("transfer"), calldata: array![1, 2, 3].span() }]
}

fn session_signature() -> Span<felt252> {
    array![
        SESSION, 0x50a017f1cfbca58f2b4c719c732e892b95b9ed2fc7079e6a3d501ae2718b342,
        0xced09956d14d5fc784362dd75cb0442984786933a31ea4c5bc3b137c6d2889, 100000,
    ]
        .span()
}

#[test]
fn accepts_an_owner_signature() {
    let address = setup();
    set_signature(
        array![
            0x153737cd69dc66c7185b3b93498601e9c3825a9784f7a055bd3af2610833561,
            0x1405957f548e468d3052419cc1dd7d6a66cfee9db3f0408b8f62762d72eab0d,
        ]
            .span(),
    );
    assert_eq!(ISRC6Dispatcher { contract_address: address }.__validate__(calls()), starknet::VALIDATED);
}

#[test]
fn accepts_a_session_signature_and_consumes_one_call() {
    let address = setup();
    set_signature(session_signature());
    assert_eq!(ISRC6Dispatcher { contract_address: address }.__validate__(calls()), starknet::VALIDATED);
    let data = ISessionKeyManagerDispatcher { contract_address: address }.get_session_data(SESSION);
    assert_eq!(
        data,
        SessionData { valid_until: 100000, max_calls: 10, calls_used: 1, allowed_entrypoints_len: 1 },
    );
}

#[test]
#[should_panic(expected: ('INVALID_SIGNATURE', 'ENTRYPOINT_FAILED'))]
fn refuses_a_session_signature_of_the_bare_hash() {
    let address = setup();
    // The key's ECDSA signature of 0xabc itself, not bound to its registration.
    set_signature(
        array![
            SESSION, 0x1a16c34b4d76f94d0278a2b3ab3f9cf26b3eef8aafd8d8041fde01ab84498aa,
            0x7573bc84c5618a3242b08166a64c5d42bfa7c24e59cabfbba1654e4e4073e2c, 100000,
        ]
            .span(),
    );
    ISRC6Dispatcher { contract_address: address }.__validate__(calls());
}

#[test]
#[should_panic(expected: ('INVALID_SIGNATURE', 'ENTRYPOINT_FAILED'))]
fn refuses_a_signature_made_under_an_earlier_registration() {
    let address = setup();
    register(address, SESSION); // generation 2: the signature names generation 1
    set_signature(session_signature());
    ISRC6Dispatcher { contract_address: address }.__validate__(calls());
}

#[test]
#[should_panic(expected: ('INVALID_TX', 'ENTRYPOINT_FAILED'))]
fn refuses_validate_called_by_a_contract() {
    let address = setup();
    set_signature(session_signature());
    set_contract_address(0x999.try_into().unwrap());
    ISRC6Dispatcher { contract_address: address }.__validate__(calls());
}

#[test]
#[should_panic(expected: ('INVALID_SESSION_KEY', 'ENTRYPOINT_FAILED'))]
fn refuses_the_owner_key_as_a_session_key() {
    let address = deploy();
    register(address, OWNER);
}

#[test]
#[should_panic(expected: ('INVALID_SESSION_KEY', 'ENTRYPOINT_FAILED'))]
fn refuses_a_key_off_the_curve() {
    let address = deploy();
    register(address, 5);
}

#[test]
fn tells_stark_public_keys_apart() {
    assert!(is_stark_public_key(SESSION));
    assert!(is_stark_public_key(OWNER));
    assert!(!is_stark_public_key(0));
    assert!(!is_stark_public_key(5));
}

#[test]
fn generation_grows_on_update_and_revoke() {
    let address = setup();
    let views = ISessionKeyViewsDispatcher { contract_address: address };
    assert_eq!(views.get_session_generation(SESSION), 1);
    register(address, SESSION);
    assert_eq!(views.get_session_generation(SESSION), 2);
    set_contract_address(address);
    ISessionKeyManagerDispatcher { contract_address: address }.revoke_session_key(SESSION);
    assert_eq!(views.get_session_generation(SESSION), 3);
}

#[test]
fn session_hashes_match_starknet_js() {
    assert_eq!(session_message_hash(0xabc, 1), BOUND_HASH);
    // starknet.js: hash.computePoseidonHash(SESSION, 7).
    assert_eq!(scoped_word(SESSION, 7), 0x42993bcc2744d9688ed0159c52d3155d7d11b5dfd432ff3392b40a80931880d);
    assert_eq!(scoped_word(0, 7), 7);
}

#[test]
fn nonces_are_128_to_a_word() {
    // Nonce 7 * 128 + 5: word 7, bit 5, in the owner's space and (hashed) in a session's.
    assert_eq!(nonce_position(0, 7 * 128 + 5), (7, 32));
    assert_eq!(nonce_position(SESSION, 7 * 128 + 127), (scoped_word(SESSION, 7), 0x80000000000000000000000000000000));
    assert_eq!(nonce_position(0, 0), (0, 1));
    // The largest felt, p - 1 = 2^251 + 17 * 2^192: its last 7 bits are 0.
    let p_minus_1: felt252 = -1;
    let last_word = 0x10000000000000220000000000000000000000000000000000000000000000; // (p - 1) / 128
    assert_eq!(nonce_position(0, p_minus_1), (last_word, 1));
    assert_eq!(nonce_position(0, p_minus_1 - 1), (last_word - 1, 0x80000000000000000000000000000000));
}

#[test]
#[should_panic(expected: ('FEE_CAP_EXCEEDED', 'ENTRYPOINT_FAILED'))]
fn refuses_a_session_transaction_of_an_older_version() {
    // Priced by max_fee, which no session cap bounds.
    let address = setup();
    set_version(1);
    set_signature(session_signature());
    ISRC6Dispatcher { contract_address: address }.__validate__(calls());
}
