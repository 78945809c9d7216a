pub mod outside_execution;
pub mod owner;
