//! What a session signs and where its data lives: small Poseidon hashes, one permutation each.

/// What a session key signs: the transaction hash (or the SNIP-12 hash of an outside
/// execution) bound to the registration it is made under, `poseidon(hash, generation)`.
/// Revoking, re-registering or updating a key bumps its generation, so every signature
/// made under an earlier registration stops verifying, including outside executions a
/// relayer still holds.
pub fn session_message_hash(hash: felt252, generation: felt252) -> felt252 {
    let (message, _, _) = core::poseidon::hades_permutation(hash, generation, 2);
    message
}

/// One felt per (session, registration, selector) for the whitelist map: two Poseidon
/// permutations cost a fraction of the Pedersen hashes a tuple map key would.
pub fn whitelist_key(session_key: felt252, generation: felt252, selector: felt252) -> felt252 {
    whitelist_entry(whitelist_registration(session_key, generation), selector)
}

/// The first half of `whitelist_key`, the same for every entry of a registration: a loop
/// over the whitelist computes it once.
#[inline(always)]
pub fn whitelist_registration(session_key: felt252, generation: felt252) -> felt252 {
    let (registration, _, _) = core::poseidon::hades_permutation(session_key, generation, 2);
    registration
}

/// The second half of `whitelist_key`: `whitelist_key(k, g, s) ==
/// whitelist_entry(whitelist_registration(k, g), s)`.
#[inline(always)]
pub fn whitelist_entry(registration: felt252, selector: felt252) -> felt252 {
    let (hash, _, _) = core::poseidon::hades_permutation(registration, selector, 2);
    hash
}

/// A usable session key: a non-zero x coordinate of a point on the Stark curve. Anything
/// else can never verify a signature, and a typo should fail at registration.
pub fn is_stark_public_key(key: felt252) -> bool {
    key != 0 && core::ec::EcPointTrait::new_from_x(key).is_some()
}
