pub mod outside_execution;
pub mod owner;
pub mod session;
pub mod session_record;
