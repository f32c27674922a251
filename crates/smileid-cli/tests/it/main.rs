//! The `smileid` command's integration tests, in one binary: the commands, and the fault matrix.

mod cli;
mod faults;
