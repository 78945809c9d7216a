//! Contracts that exist only for the tests to call.
pub mod counter;
pub mod declare_probe;
pub mod hostile;
pub mod token;
