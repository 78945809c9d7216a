//! Contracts that exist only for the tests to call.
pub mod counter;
pub mod token;
