pub mod account;
pub mod outside_execution;
pub mod session;
