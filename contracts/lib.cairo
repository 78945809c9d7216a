//! SessionAccount: a Starknet account whose owner grants session keys (Session-Keys
//! SNIP) and which accepts SNIP-9 V2 outside executions. Built on the corelib alone.
pub mod account;
pub mod components;
pub mod interfaces;
pub mod mocks;
pub mod outside_execution;
pub mod reasons;
pub mod session;
pub mod signature;
pub mod utils;

#[cfg(test)]
mod tests;
