//! The `smileid` command's integration tests, in one binary: the commands,
//! the calls that create jobs, and the fault matrix.

mod cli;
mod discovery;
mod entry;
mod faults;
mod readme;
mod submit;
