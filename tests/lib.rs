//! End-to-end tests of the smileid workspace live in this package's `tests/`
//! folder (their shared helpers are in `smileid-testkit`); this library only
//! runs the workspace README's examples as doctests.

/// The Rust examples of the workspace README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct RootReadmeDoctests;

/// The Rust examples of `docs/hosted-web.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/hosted-web.md")]
pub struct HostedWebDoctests;

/// The Rust examples of `docs/image-jobs.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/image-jobs.md")]
pub struct ImageJobsDoctests;
