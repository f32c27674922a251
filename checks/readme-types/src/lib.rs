//! The examples of smileid-types' README (`crates/smileid-types/README.md`), compiled and run as doctests by a
//! crate whose dependencies are exactly the ones that README lists, so an
//! example that needs anything else fails to build here.
#![doc = include_str!("../../../crates/smileid-types/README.md")]
