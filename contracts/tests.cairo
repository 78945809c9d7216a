//! Cairo unit tests (cairo-test): fast checks of pure logic. The devnet tests in test/
//! remain the proof of the account's behaviour.
mod test_session_record;
mod test_signature;
mod test_merkle_vectors;
mod test_policy_packing;
mod test_snip12;
mod test_validate;
mod test_authorization;
mod test_authorization_vectors;
mod test_fees;
