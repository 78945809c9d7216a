use starknet::account::Call;
use crate::reasons;
use crate::session::hashing::is_stark_public_key;
use crate::session::policy::{CallProof, PinnedArgument, check_call, method_leaf};
use crate::signature::{AccountSignature, POLICY_SIGNATURE_MAGIC, SessionSignature, parse_signature};

#[test]
fn parses_owner_and_session_signatures() {
    assert_eq!(parse_signature(array![1, 2].span()), Ok(AccountSignature::Owner((1, 2))));
    assert_eq!(
        parse_signature(array![7, 1, 2, 0xffffffffffffffff].span()),
        Ok(
            AccountSignature::Session(
                SessionSignature {
                    session_key: 7, r: 1, s: 2, valid_until: 0xffffffffffffffff, proofs: array![].span(), is_policy_format: false,
                },
            ),
        ),
    );
}

#[test]
fn parses_the_policy_format_with_one_proof_per_call() {
    // [magic, key, r, s, valid_until, proofs: [ {pinned: [{1, 0x99}], proof: [5, 6]}, {pinned: [], proof: []} ]]
    let signature = array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 100, 2, 1, 1, 0x99, 2, 5, 6, 0, 0];
    let expected = array![
        CallProof { pinned: array![PinnedArgument { index: 1, value: 0x99 }].span(), proof: array![5, 6].span() },
        CallProof { pinned: array![].span(), proof: array![].span() },
    ];
    assert_eq!(
        parse_signature(signature.span()),
        Ok(
            AccountSignature::Session(
                SessionSignature { session_key: 7, r: 1, s: 2, valid_until: 100, proofs: expected.span(), is_policy_format: true },
            ),
        ),
    );
    // No proofs at all is a valid policy signature (a session without a method root).
    assert!(parse_signature(array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 100, 0].span()).is_ok());
}

#[test]
fn refuses_every_other_layout() {
    for signature in array![
        array![].span(), array![1].span(), array![1, 2, 3].span(), array![1, 2, 3, 4, 5].span(),
        // valid_until must fit a u64
        array![7, 1, 2, 0x10000000000000000].span(),
        // policy format: truncated, trailing data, proofs that do not deserialize, u64 overflow
        array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 100].span(),
        array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 100, 0, 9].span(),
        array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 100, 1, 0].span(),
        array![POLICY_SIGNATURE_MAGIC, 7, 1, 2, 0x10000000000000000, 0].span(),
    ] {
        assert_eq!(parse_signature(signature), Err(reasons::BAD_SIGNATURE_FORMAT));
    }
}

#[test]
fn the_policy_magic_is_no_session_key() {
    // Registration refuses it twice over: it is not a Stark public key either.
    assert!(!is_stark_public_key(POLICY_SIGNATURE_MAGIC));
}

#[test]
fn pins_must_be_strictly_increasing() {
    let to: starknet::ContractAddress = 0x123.try_into().unwrap();
    let call = Call { to, selector: selector!("transfer"), calldata: array![7, 8, 9].span() };
    let check = |pinned: Span<PinnedArgument>| {
        // A one-leaf tree: the root is the leaf itself, the proof empty.
        check_call(@call, @CallProof { pinned, proof: array![].span() }, method_leaf(to, selector!("transfer"), pinned))
    };
    assert_eq!(check(array![PinnedArgument { index: 0, value: 7 }, PinnedArgument { index: 2, value: 9 }].span()), reasons::OK);
    assert_eq!(check(array![PinnedArgument { index: 2, value: 9 }, PinnedArgument { index: 0, value: 7 }].span()), reasons::BAD_SIGNATURE_FORMAT);
    assert_eq!(check(array![PinnedArgument { index: 0, value: 7 }, PinnedArgument { index: 0, value: 7 }].span()), reasons::BAD_SIGNATURE_FORMAT);
    assert_eq!(check(array![PinnedArgument { index: 1, value: 7 }].span()), reasons::PINNED_ARGUMENT_MISMATCH);
    assert_eq!(check(array![PinnedArgument { index: 3, value: 7 }].span()), reasons::PINNED_ARGUMENT_MISMATCH);
}
