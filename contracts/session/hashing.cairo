//! What a session signs (one Poseidon permutation), and what a usable session key is.

/// What a session key signs: the transaction hash (or the SNIP-12 hash of an outside
/// execution) bound to the registration it is made under, `poseidon(hash, generation)`.
/// Revoking, re-registering or updating a key bumps its generation, so every signature
/// made under an earlier registration stops verifying, including outside executions a
/// relayer still holds.
pub fn session_message_hash(hash: felt252, generation: felt252) -> felt252 {
    let (message, _, _) = core::poseidon::hades_permutation(hash, generation, 2);
    message
}

/// A usable session key: a non-zero x coordinate of a point on the Stark curve. Anything
/// else can never verify a signature, and a typo should fail at registration.
pub fn is_stark_public_key(key: felt252) -> bool {
    key != 0 && core::ec::EcPointTrait::new_from_x(key).is_some()
}
