//! `__validate__` on the contract itself, without a chain: fast checks of the owner and
//! session paths (signatures made with starknet.js for the keys below, over hash 0xabc).
//! cairo-test's "gas usage est." of the two tests shows what a session adds to validation.
use starknet::account::Call;
use starknet::syscalls::deploy_syscall;
use starknet::testing::{set_block_timestamp, set_contract_address, set_signature, set_transaction_hash};
use crate::account::SessionAccount;
use crate::interfaces::account::{ISRC6Dispatcher, ISRC6DispatcherTrait};
use crate::interfaces::session::{ISessionKeyManagerDispatcher, ISessionKeyManagerDispatcherTrait, SessionData};

const OWNER: felt252 = 0x2202275e27873286b71dae62930bbf6420d2e933bbc7cb08e09019e7218ad9c;
const SESSION: felt252 = 0x48d337ee487da6cdc93eacc5f39ddb61a3939987b13f58dc45b777540407d6f;

fn setup() -> starknet::ContractAddress {
    let (address, _) = deploy_syscall(
        SessionAccount::TEST_CLASS_HASH.try_into().unwrap(), 0, array![OWNER].span(), false,
    )
        .unwrap();
    set_contract_address(address);
    set_block_timestamp(1000);
    ISessionKeyManagerDispatcher { contract_address: address }
        .add_or_update_session_key(SESSION, 100000, 10, array![selector!("transfer")]);
    set_contract_address(0.try_into().unwrap());
    set_transaction_hash(0xabc);
    address
}

fn calls() -> Array<Call> {
    array![Call { to: 0x999.try_into().unwrap(), selector: selector!("transfer"), calldata: array![1, 2, 3].span() }]
}

#[test]
fn accepts_an_owner_signature() {
    let address = setup();
    set_signature(
        array![
            0x2e5d871f51e2ca48a025f5820a180756a585827ba7a6ded2a0bae1793bb49fd,
            0x4e67cb225f7d5f7d73fac62d7f72c8c2e8872521b6a1a274b8a1fd71aa17ed2,
        ]
            .span(),
    );
    assert_eq!(ISRC6Dispatcher { contract_address: address }.__validate__(calls()), starknet::VALIDATED);
}

#[test]
fn accepts_a_session_signature_and_consumes_one_call() {
    let address = setup();
    set_signature(
        array![
            SESSION, 0x71a111fb2a623d798641936332cf2330e149589f6679e16007b1ebf6d2c6c84,
            0x1e38ebccfca57b75a4d068e22dfb4d83051efd2cef04beb9f9849c02a83957f, 100000,
        ]
            .span(),
    );
    assert_eq!(ISRC6Dispatcher { contract_address: address }.__validate__(calls()), starknet::VALIDATED);
    let data = ISessionKeyManagerDispatcher { contract_address: address }.get_session_data(SESSION);
    assert_eq!(
        data,
        SessionData { valid_until: 100000, max_calls: 10, calls_used: 1, allowed_entrypoints_len: 1 },
    );
}
