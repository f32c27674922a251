#![doc = include_str!("../README.md")]

mod admin;
mod callback;
mod emulator;
mod error;
mod io;
mod results;
mod server;
mod spec;
mod state;
mod tls;

pub use emulator::{
    DEFAULT_API_KEY, DEFAULT_LISTEN, DEFAULT_PARTNER_ID, Emulator, EmulatorBuilder, EmulatorHandle,
};
pub use error::EmulatorError;
pub use results::{DEMO_USER_ID, demo_jobs};
#[doc(hidden)]
pub use server::check_job_status_request;
pub use spec::{FaultKind, FaultSpec, JobSpec, Outcome, Seed};
pub use state::{CallbackDelivery, FaultInfo, JobInfo};

/// Largest accepted `POST /v1/job_status` body in bytes; larger bodies get
/// `413` and are not read further.
pub const MAX_REQUEST_BODY: usize = server::MAX_BODY;
