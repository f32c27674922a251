//! smileid-core's integration tests, in one binary: a module per area, and
//! the shared test doubles in `support`.

#![allow(dead_code)]

mod callback;
mod client;
mod discovery;
mod golden;
mod image_job;
mod lookups;
mod operation;
mod properties;
mod request;
mod secrets;
mod support;
mod wait;
