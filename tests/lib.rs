//! End-to-end tests of the smileid workspace live in this package's `tests/`
//! folder (their shared helpers are in `smileid-testkit`); this library only
//! runs the workspace README's examples as doctests.

/// The Rust examples of the workspace README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct RootReadmeDoctests;
