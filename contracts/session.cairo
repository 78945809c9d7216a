//! Session keys: the component (registration, revocation, views, validation), the packed
//! record it keeps per key, the selectors no session may call, what a session signs, where
//! the SNIP whitelist is stored, and what an owner signs to authorize a session off-chain.
pub mod authorization;
pub mod blocklist;
pub mod component;
pub mod fees;
pub mod hashing;
pub mod policy;
pub mod record;
pub mod spending;
pub mod whitelist;
