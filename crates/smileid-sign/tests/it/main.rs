//! smileid-sign's integration tests, in one binary: a module per area.

mod properties;
mod redaction;
mod timestamps;
mod vectors;
mod verify;
