//! The account's signatures, parsed once into a tagged type that every path matches on
//! (`__validate__`, `__execute__`, outside executions, declare/deploy, `is_valid_signature`)
//! instead of each telling formats apart by length.
//!
//! Formats:
//! - owner: `[r, s]`;
//! - session (Session-Keys SNIP): `[session_pubkey, r, s, valid_until]`;
//! - policy session: `[POLICY_SIGNATURE_MAGIC, session_pubkey, r, s, valid_until,
//!   ...Serde(proofs: Span<CallProof>)]`, one proof per call, for sessions with a method
//!   policy. The magic felt leads, so no length can be mistaken for another (registration
//!   refuses it as a session key), and the whole rest must deserialize exactly;
//! - first use of a session authorized off-chain: `[SESSION_AUTHORIZATION_MAGIC,
//!   ...Serde(SessionAuthorization), ...inner]`, where `inner` is one of the two session
//!   layouts above, signed by the authorized key (registration refuses this magic as a key
//!   too).
//! Anything else is `BAD_SIGNATURE_FORMAT`.
use crate::reasons;
use crate::session::authorization::SessionAuthorization;
use crate::session::policy::CallProof;

/// Leads a policy session's signature.
pub const POLICY_SIGNATURE_MAGIC: felt252 = 'SESSION_POLICY_V1';

/// Leads the first use of a session the owner authorized off-chain.
pub const SESSION_AUTHORIZATION_MAGIC: felt252 = 'SESSION_AUTH_V1';

/// A session key's signature, with `valid_until` already known to be a u64.
#[derive(Copy, Drop, Debug, PartialEq)]
pub struct SessionSignature {
    pub session_key: felt252,
    pub r: felt252,
    pub s: felt252,
    /// The expiry the signer claims; validation compares it with the registered one.
    pub valid_until: u64,
    /// One per call for a policy session with a method root; empty in the SNIP format.
    pub proofs: Span<CallProof>,
    /// Sent in the policy format (`POLICY_SIGNATURE_MAGIC` first).
    pub is_policy_format: bool,
}

#[derive(Copy, Drop, Debug, PartialEq)]
pub enum AccountSignature {
    /// The owner's `(r, s)`.
    Owner: (felt252, felt252),
    Session: SessionSignature,
    /// The owner's authorization of a session and that session's own signature (boxed: the
    /// other variants stay as small as they were).
    AuthorizedSession: Box<AuthorizedSessionSignature>,
}

/// A first use: the owner's authorization, then the session signature it comes with (its
/// key is the authorized one).
#[derive(Copy, Drop, Debug, PartialEq)]
pub struct AuthorizedSessionSignature {
    pub authorization: SessionAuthorization,
    pub session: SessionSignature,
}

impl AuthorizedSessionBoxPartialEq of PartialEq<Box<AuthorizedSessionSignature>> {
    fn eq(lhs: @Box<AuthorizedSessionSignature>, rhs: @Box<AuthorizedSessionSignature>) -> bool {
        (*lhs).unbox() == (*rhs).unbox()
    }
}

/// Parses `signature`, or returns the reason code it is refused with.
#[inline(always)]
pub fn parse_signature(signature: Span<felt252>) -> Result<AccountSignature, felt252> {
    // Owner first: the most frequent, and what relayers sign with.
    let owner: Option<@Box<[felt252; 2]>> = signature.try_into();
    if let Some(owner) = owner {
        let [r, s] = (*owner).unbox();
        return Ok(AccountSignature::Owner((r, s)));
    }
    let session: Option<@Box<[felt252; 4]>> = signature.try_into();
    if let Some(session) = session {
        let [session_key, r, s, valid_until] = (*session).unbox();
        let Some(valid_until) = valid_until.try_into() else {
            return Err(reasons::BAD_SIGNATURE_FORMAT);
        };
        return Ok(
            AccountSignature::Session(
                SessionSignature {
                    session_key, r, s, valid_until, proofs: array![].span(), is_policy_format: false,
                },
            ),
        );
    }
    let length = signature.len();
    if length > 4 && *signature[0] == POLICY_SIGNATURE_MAGIC {
        return parse_policy_signature(signature.slice(1, length - 1));
    }
    if length > 4 && *signature[0] == SESSION_AUTHORIZATION_MAGIC {
        return parse_authorized_session(signature.slice(1, length - 1));
    }
    Err(reasons::BAD_SIGNATURE_FORMAT)
}

fn parse_policy_signature(mut rest: Span<felt252>) -> Result<AccountSignature, felt252> {
    let (Some(session_key), Some(r), Some(s), Some(valid_until)) = (
        rest.pop_front(), rest.pop_front(), rest.pop_front(), rest.pop_front(),
    ) else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    let Some(valid_until) = (*valid_until).try_into() else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    let Some(proofs) = Serde::<Span<CallProof>>::deserialize(ref rest) else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    // Nothing may follow the proofs: one signature, one reading.
    if !rest.is_empty() {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    }
    Ok(
        AccountSignature::Session(
            SessionSignature { session_key: *session_key, r: *r, s: *s, valid_until, proofs, is_policy_format: true },
        ),
    )
}

/// `[...Serde(SessionAuthorization), ...inner]`: the inner part must be a session signature
/// (SNIP or policy format, nothing else and nothing after it) of the authorized key.
fn parse_authorized_session(mut rest: Span<felt252>) -> Result<AccountSignature, felt252> {
    let Some(authorization) = Serde::<SessionAuthorization>::deserialize(ref rest) else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    let length = rest.len();
    let inner = if length > 4 && *rest[0] == POLICY_SIGNATURE_MAGIC {
        parse_policy_signature(rest.slice(1, length - 1))
    } else if length == 4 {
        // Read here, not through parse_signature: that one is inlined and calls this.
        match (*rest[3]).try_into() {
            Some(valid_until) => Ok(
                AccountSignature::Session(
                    SessionSignature {
                        session_key: *rest[0], r: *rest[1], s: *rest[2], valid_until, proofs: array![].span(), is_policy_format: false,
                    },
                ),
            ),
            None => Err(reasons::BAD_SIGNATURE_FORMAT),
        }
    } else {
        Err(reasons::BAD_SIGNATURE_FORMAT)
    };
    let Ok(AccountSignature::Session(session)) = inner else {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    };
    if session.session_key != authorization.terms.session_key {
        return Err(reasons::BAD_SIGNATURE_FORMAT);
    }
    Ok(AccountSignature::AuthorizedSession(BoxTrait::new(AuthorizedSessionSignature { authorization, session })))
}

/// What `__execute__` reads a session from: for the first use of an authorized session, its
/// inner session signature (`__validate__` parsed the whole and accepted it); any other
/// signature as it is. Costs any other signature one length comparison.
pub fn execution_signature(signature: Span<felt252>) -> Span<felt252> {
    let length = signature.len();
    if length > 4 && *signature[0] == SESSION_AUTHORIZATION_MAGIC {
        let mut rest = signature.slice(1, length - 1);
        if Serde::<SessionAuthorization>::deserialize(ref rest).is_some() {
            return rest;
        }
    }
    signature
}

/// The key and claimed expiry of a session signature, and whether it is in the policy
/// format, without parsing the rest: what `__execute__` re-checks on every transaction,
/// owner-signed ones included, so it must stay cheap.
#[inline(always)]
pub fn session_signature_format(signature: Span<felt252>) -> Option<(felt252, u64, bool)> {
    let plain: Option<@Box<[felt252; 4]>> = signature.try_into();
    if let Some(plain) = plain {
        let [session_key, _, _, valid_until] = (*plain).unbox();
        return Some((session_key, valid_until.try_into()?, false));
    }
    if signature.len() > 4 {
        if *signature[0] == POLICY_SIGNATURE_MAGIC {
            return Some((*signature[1], (*signature[4]).try_into()?, true));
        }
        if *signature[0] == SESSION_AUTHORIZATION_MAGIC {
            return authorized_session_format(signature);
        }
    }
    None
}

/// `session_signature_format` of a first use's inner session signature: out of line, so
/// that the common shapes above pay nothing for it.
fn authorized_session_format(signature: Span<felt252>) -> Option<(felt252, u64, bool)> {
    let inner = execution_signature(signature);
    let plain: Option<@Box<[felt252; 4]>> = inner.try_into();
    if let Some(plain) = plain {
        let [session_key, _, _, valid_until] = (*plain).unbox();
        return Some((session_key, valid_until.try_into()?, false));
    }
    if inner.len() > 4 && *inner[0] == POLICY_SIGNATURE_MAGIC {
        return Some((*inner[1], (*inner[4]).try_into()?, true));
    }
    None
}
