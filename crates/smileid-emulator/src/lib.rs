#![doc = include_str!("../README.md")]

mod admin;
mod callback;
mod emulator;
mod endpoints;
mod error;
mod http;
mod io;
mod results;
mod spec;
mod state;
mod tls;
pub(crate) mod upload_zip;

pub use emulator::{
    DEFAULT_API_KEY, DEFAULT_IMAGE_JOB_PROCESSING, DEFAULT_LISTEN, DEFAULT_PARTNER_ID,
    DEFAULT_UPLOAD_URL_TTL, DEFAULT_WEB_TOKEN_TTL, Emulator, EmulatorBuilder, EmulatorHandle,
};
#[doc(hidden)]
pub use endpoints::job_status::check_job_status_request;
pub use error::EmulatorError;
pub use results::{DEMO_USER_ID, demo_jobs};
pub use spec::{FaultKind, FaultSpec, JobSpec, PresetOutcome, Seed};
pub use state::{CallbackDelivery, FaultInfo, JobInfo};
#[doc(hidden)]
pub use upload_zip::fuzz_read as fuzz_upload_zip;

/// Largest accepted `/v1` request body in bytes; larger bodies get
/// `413` and are not read further.
pub const MAX_REQUEST_BODY: usize = http::body::MAX_BODY;
