#![doc = include_str!("../README.md")]

mod ack;
mod actions;
pub mod aml;
pub mod business_verification;
mod decode;
mod envelope;
mod error_body;
pub mod id_verification;
pub mod image_job;
pub mod job_status;
mod job_type;
mod partner_params;
mod personal_info;
pub mod products_config;
mod record;
mod result;
mod result_code;
mod scalar;
pub mod services;
mod signed_result;
pub mod valid_documents;
pub mod web_token;

pub use ack::AsyncAcknowledgement;
pub use actions::{ActionName, ActionSummary, Actions, Verdict, VerdictStatus};
pub use aml::{AmlPerson, AmlRequest, AmlResponse};
pub use business_verification::{BusinessVerificationRequest, BusinessVerificationResponse};
pub use decode::{DecodeError, DecodeErrorKind, decode};
pub use envelope::{SignatureText, SignedEnvelope, SignedOnlyRequest};
pub use error_body::ApiErrorBody;
pub use id_verification::{Consent, ConsentInformation, IdVerificationRequest};
pub use image_job::{
    ImageKind, ImageType, InfoImage, InfoJson, PrepUploadRequest, PrepUploadResponse,
};
pub use job_status::{ImageLinks, JobStatusRequest, JobStatusResponse, ResultOrMessage};
pub use job_type::{JobType, JobTypeValue};
pub use partner_params::PartnerParams;
pub use personal_info::{PLACEHOLDERS, PersonalInfo, is_placeholder};
pub use products_config::ProductsConfigResponse;
pub use result::JobResult;
pub use result_code::{Outcome, ResultCategory, ResultCode};
pub use scalar::{Scalar, ScalarKind};
pub use services::{BankCode, HostedWebCountry, HostedWebIdType, ServicesResponse};
pub use signed_result::{CallbackBody, IdVerificationResponse, SignedResult};
pub use valid_documents::{
    CountryDocuments, DocumentCountry, DocumentType, ValidDocumentsResponse,
};
pub use web_token::{Product, WebToken, WebTokenRequest, WebTokenResponse};
