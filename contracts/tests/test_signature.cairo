use crate::reasons;
use crate::signature::{AccountSignature, SessionSignature, parse_signature};

#[test]
fn parses_owner_and_session_signatures() {
    assert_eq!(parse_signature(array![1, 2].span()), Ok(AccountSignature::Owner((1, 2))));
    assert_eq!(
        parse_signature(array![7, 1, 2, 0xffffffffffffffff].span()),
        Ok(AccountSignature::Session(SessionSignature { session_key: 7, r: 1, s: 2, valid_until: 0xffffffffffffffff })),
    );
}

#[test]
fn refuses_every_other_layout() {
    for signature in array![
        array![].span(), array![1].span(), array![1, 2, 3].span(), array![1, 2, 3, 4, 5].span(),
        // valid_until must fit a u64
        array![7, 1, 2, 0x10000000000000000].span(),
    ] {
        assert_eq!(parse_signature(signature), Err(reasons::BAD_SIGNATURE_FORMAT));
    }
}
