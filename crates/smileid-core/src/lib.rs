#![doc = include_str!("../README.md")]

pub mod callback;
mod client;
pub mod environment;
mod error;
mod query;
mod request;
pub mod retry;
mod status;
pub mod transport;
pub mod wait;

pub use callback::{
    CallbackError, CallbackPolicy, CallbackVerifier, DEFAULT_MAX_CALLBACK_BYTES, VerifiedCallback,
    verify_callback,
};
pub use client::{Client, ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT};
pub use environment::{BaseUrl, CustomUrl, Environment, PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use error::{
    BaseUrlError, BaseUrlProblem, ConfigError, Error, ErrorKind, InputProblem, InvalidInput,
    SignatureFailure,
};
pub use query::{JobStatusQuery, MAX_ID_LEN};
pub use request::{
    BODY_SNIPPET_CHARS, DEFAULT_USER_AGENT, build_job_status_request, parse_job_status_response,
};
pub use retry::RetryPolicy;
pub use status::JobStatus;
pub use transport::{HttpTransport, Timer, TransportError, TransportErrorKind};
pub use wait::{PollEvent, PollOutcome, WaitPolicy};

/// The crates smileid-core builds on, re-exported so that users need not
/// depend on them directly.
pub use {bytes, http, smileid_sign as sign, smileid_types as types};
