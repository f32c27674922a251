//! End-to-end tests of the smileid workspace live in this package's `tests/`
//! folder; this library holds the helpers they share.
