//! smileid-types' integration tests, in one binary: a module per area.

mod discovery;
mod errors;
mod fixtures;
mod image_job;
mod lenient;
mod lookups;
mod proptests;
mod roundtrip;
mod tables;
