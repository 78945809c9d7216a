pub mod execution;
pub mod snip12;
