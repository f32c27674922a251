//! The emulator's integration tests: one binary, a module per area.

mod admin;
mod callbacks;
mod common;
mod discovery;
mod errors;
mod faults;
mod lifecycle;
mod lookups;
mod slow_clients;
mod smoke;
mod uploads;
mod wire;
