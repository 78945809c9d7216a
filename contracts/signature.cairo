//! The account's signatures, parsed once into a tagged type that every path matches on
//! (`__validate__`, `__execute__`, outside executions, declare/deploy, `is_valid_signature`)
//! instead of each telling formats apart by length.
//!
//! Formats:
//! - owner: `[r, s]`;
//! - session (Session-Keys SNIP): `[session_pubkey, r, s, valid_until]`.
//! Anything else is `BAD_SIGNATURE_FORMAT`. Formats to come (policy proofs, owner-signed
//! sessions) lead with a magic felt so no length can be mistaken for another.
use crate::reasons;

/// A session key's signature, with `valid_until` already known to be a u64.
#[derive(Copy, Drop, Debug, PartialEq)]
pub struct SessionSignature {
    pub session_key: felt252,
    pub r: felt252,
    pub s: felt252,
    /// The expiry the signer claims; validation compares it with the registered one.
    pub valid_until: u64,
}

#[derive(Copy, Drop, Debug, PartialEq)]
pub enum AccountSignature {
    /// The owner's `(r, s)`.
    Owner: (felt252, felt252),
    Session: SessionSignature,
}

/// Parses `signature`, or returns the reason code it is refused with.
pub fn parse_signature(signature: Span<felt252>) -> Result<AccountSignature, felt252> {
    // Owner first: the most frequent, and what relayers sign with.
    let length = signature.len();
    if length == 2 {
        return Ok(AccountSignature::Owner((*signature[0], *signature[1])));
    }
    if length != 4 {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    }
    let Some(valid_until) = (*signature[3]).try_into() else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    Ok(
        AccountSignature::Session(
            SessionSignature { session_key: *signature[0], r: *signature[1], s: *signature[2], valid_until },
        ),
    )
}

/// The claimed expiry of a session signature, without parsing the rest: what `__execute__`
/// re-checks on every transaction, owner-signed ones included, so it must stay cheap.
pub fn session_valid_until(signature: Span<felt252>) -> Option<u64> {
    if signature.len() != 4 {
        return None;
    }
    (*signature[3]).try_into()
}
