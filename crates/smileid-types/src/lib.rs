#![doc = include_str!("../README.md")]

mod actions;
mod callback;
mod decode;
mod error_body;
mod job_type;
mod request;
mod response;
mod result;
mod result_code;
mod scalar;
mod signature;

pub use actions::{ActionName, ActionSummary, Actions, Verdict, VerdictStatus};
pub use callback::CallbackBody;
pub use decode::{DecodeError, DecodeErrorKind, decode};
pub use error_body::ApiErrorBody;
pub use job_type::{JobType, JobTypeValue};
pub use request::JobStatusRequest;
pub use response::{ImageLinks, JobStatusResponse, ResultOrMessage};
pub use result::{JobResult, PartnerParams};
pub use result_code::{Outcome, ResultCategory, ResultCode};
pub use scalar::{Scalar, ScalarKind};
pub use signature::SignatureText;
