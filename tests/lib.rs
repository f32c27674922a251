//! End-to-end tests of the smileid workspace live in this package's `tests/`
//! folder (their shared helpers are in `smileid-testkit`); this library only
//! runs the guides' examples as doctests. The READMEs' examples run in
//! `checks/readme*`, each with only the dependencies its README lists.

/// The Rust examples of `docs/hosted-web.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/hosted-web.md")]
pub struct HostedWebDoctests;

/// The Rust examples of `docs/image-jobs.md`, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/image-jobs.md")]
pub struct ImageJobsDoctests;
