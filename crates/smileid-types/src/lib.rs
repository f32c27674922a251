#![doc = include_str!("../README.md")]

mod ack;
mod actions;
pub mod aml;
pub mod business_verification;
mod decode;
mod envelope;
mod error_body;
pub mod id_verification;
pub mod job_status;
mod job_type;
mod partner_params;
mod personal_info;
mod record;
mod result;
mod result_code;
mod scalar;
mod signed_result;

pub use ack::AsyncAcknowledgement;
pub use actions::{ActionName, ActionSummary, Actions, Verdict, VerdictStatus};
pub use aml::{AmlPerson, AmlRequest, AmlResponse};
pub use business_verification::{BusinessVerificationRequest, BusinessVerificationResponse};
pub use decode::{DecodeError, DecodeErrorKind, decode};
pub use envelope::{SignatureText, SignedEnvelope};
pub use error_body::ApiErrorBody;
pub use id_verification::{Consent, ConsentInformation, IdVerificationRequest};
pub use job_status::{ImageLinks, JobStatusRequest, JobStatusResponse, ResultOrMessage};
pub use job_type::{JobType, JobTypeValue};
pub use partner_params::PartnerParams;
pub use personal_info::{PLACEHOLDERS, PersonalInfo, is_placeholder};
pub use result::JobResult;
pub use result_code::{Outcome, ResultCategory, ResultCode};
pub use scalar::{Scalar, ScalarKind};
pub use signed_result::{CallbackBody, IdVerificationResponse, SignedResult};
