//! SNIP-9 V2 outside execution: the component (caller, window, per-signer nonces, no
//! re-entrance), where used nonces are kept, and the SNIP-12 hash of what the signer signs.
pub mod component;
pub mod hashing;
pub mod nonces;
