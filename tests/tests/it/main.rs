//! End-to-end tests, in one binary: the emulator with the real client, faults, fuzzing, secrets, load, and the official SDKs.

mod callback_abuse;
mod claims;
mod discovery_e2e;
mod emulator_e2e;
mod emulator_load;
mod faults;
mod fuzz;
mod image_jobs_e2e;
mod lookups_e2e;
mod official_sdks;
mod secrets;
mod upload_faults;
