//! Where used outside-execution nonces are recorded: 128 to a storage cell.
//!
//! SNIP-9 nonces are any felt, and one cell per nonce made every outside execution pay for
//! a new storage cell (402,000 L2 gas on devnet 0.10.1, a third of what relaying adds to a
//! session transaction). Here `nonce / 128` picks a cell of the signer's nonce space and
//! `nonce % 128` a bit of it, so a signer that numbers its nonces consecutively (the SDK and
//! the relayer do, from a random start) pays for a new cell once per 128 executions; a
//! random nonce still works, in a cell of its own.

/// Nonces per cell: a cell is a `u128` bitmap.
const NONCES_PER_WORD: u128 = 128;
const WORD_SIZE: NonZero<felt252> = 128;

/// The owner's nonce space is the raw word index: `is_valid_outside_execution_nonce`
/// (SNIP-9) answers for it.
pub const OWNER_NONCE_SCOPE: felt252 = 0;

/// The map key of a word of `scope`'s nonce space. Each session has its own,
/// `poseidon(session_key, word)`, apart from the owner's: a session key that sees an
/// owner-signed (or another session's) execution cannot burn its nonce by submitting one of
/// its own first — that would take a Poseidon preimage.
pub fn scoped_word(scope: felt252, word: felt252) -> felt252 {
    if scope == OWNER_NONCE_SCOPE {
        word
    } else {
        let (slot, _, _) = core::poseidon::hades_permutation(scope, word, 2);
        slot
    }
}

/// The cell (`scoped_word` key) and the bit of `nonce` in `scope`'s nonce space.
pub fn nonce_position(scope: felt252, nonce: felt252) -> (felt252, u128) {
    let value: u256 = nonce.into();
    let bit = value.low % NONCES_PER_WORD;
    // nonce - bit is a multiple of 128 below the prime: dividing in the field by 128 gives
    // the integer quotient.
    let word = core::felt252_div(nonce - bit.into(), WORD_SIZE);
    (scoped_word(scope, word), core::num::traits::Pow::pow(2_u128, bit.try_into().unwrap()))
}
