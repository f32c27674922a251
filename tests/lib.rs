//! End-to-end tests of the smileid workspace live in this package's `tests/`
//! folder; this library holds the helpers they share.

/// The Rust examples of the workspace README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct RootReadmeDoctests;

pub mod raw_http;
