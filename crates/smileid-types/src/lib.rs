#![doc = include_str!("../README.md")]

mod actions;
mod callback;
mod decode;
mod envelope;
mod error_body;
pub mod job_status;
mod job_type;
mod partner_params;
mod result;
mod result_code;
mod scalar;

pub use actions::{ActionName, ActionSummary, Actions, Verdict, VerdictStatus};
pub use callback::CallbackBody;
pub use decode::{DecodeError, DecodeErrorKind, decode};
pub use envelope::{SignatureText, SignedEnvelope};
pub use error_body::ApiErrorBody;
pub use job_status::{ImageLinks, JobStatusRequest, JobStatusResponse, ResultOrMessage};
pub use job_type::{JobType, JobTypeValue};
pub use partner_params::PartnerParams;
pub use result::JobResult;
pub use result_code::{Outcome, ResultCategory, ResultCode};
pub use scalar::{Scalar, ScalarKind};
