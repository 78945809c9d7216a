//! The same vectors as test/fixtures/snip12-vectors.json (a TS unit test checks it).
use starknet::account::Call;
use crate::interfaces::outside_execution::OutsideExecution;
use crate::outside_execution::hashing::outside_execution_message_hash;

#[test]
fn published_vector() {
    let calls = array![
        Call {
            to: 0x1.try_into().unwrap(),
            selector: 0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e,
            calldata: array![0x1, 0x2, 0x3].span(),
        },
    ];
    let outside_execution = OutsideExecution {
        caller: 0x414e595f43414c4c4552.try_into().unwrap(),
        nonce: 0x1,
        execute_after: 0x0,
        execute_before: 0x77359400,
        calls: calls.span(),
    };
    let hash = outside_execution_message_hash(
        @outside_execution, 0x123.try_into().unwrap(), 0x534e5f5345504f4c4941,
    );
    assert_eq!(hash, 0x111299bc2eed77d5aa0e02a0ea735bfd35c0e6f56e68ef59ed686dafd5e6c49);
}
