#![doc = include_str!("../README.md")]

mod aml;
mod business_verification;
pub mod callback;
mod client;
mod discovery;
pub mod environment;
mod error;
mod id_verification;
mod image_job;
mod job_status;
mod lookup;
pub mod operation;
pub mod preflight;
mod redaction;
mod request;
mod response;
pub mod retry;
pub mod transport;
mod upload;
mod validate;
mod verified;
pub mod wait;
mod web_token;

pub use aml::{Aml, AmlResult, MAX_AML_LIST};
pub use business_verification::{
    AsyncBusinessVerification, BusinessIdType, BusinessType, BusinessVerification,
    BusinessVerificationResult,
};
pub use callback::{
    CallbackError, CallbackPolicy, CallbackVerifier, DEFAULT_MAX_CALLBACK_BYTES, VerifiedCallback,
    verify_callback,
};
pub use client::{
    Client, ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, SubmitEvent, SubmitOptions, SubmittedJob,
};
pub use discovery::{
    ProductsConfig, ProductsConfigQuery, Services, ServicesQuery, ValidDocuments,
    ValidDocumentsQuery,
};
pub use environment::{BaseUrl, CustomUrl, Environment, PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use error::{
    ApiError, BUILD_OPERATION, BaseUrlError, BaseUrlProblem, ConfigError, DecodeError, Error,
    ErrorKind, InputProblem, InvalidInput, JobAlreadyExists, OutcomeUnknown, SignatureError,
    SignatureFailure, UploadIncomplete, UploadStep, WaitTimedOut,
};
pub use id_verification::{AsyncIdVerification, IdType, IdVerification};
pub use image_job::{
    ImageFormat, ImageIdInfo, ImageJob, ImageJobType, MAX_IMAGE_BYTES, MAX_IMAGES_TOTAL_BYTES,
    MAX_LIVENESS_FRAMES, PrepUpload, PreparedUpload,
};
pub use job_status::{JobStatusQuery, build_job_status_request, parse_job_status_response};
pub use lookup::{IdVerificationResult, SOURCE_SDK, SOURCE_SDK_VERSION};
pub use operation::{
    Operation, RepeatSafety, Reply, RequestContext, SignatureCheck, SignatureMode,
};
pub use preflight::{IdFields, Preflight, PreflightProblem, PreflightReport, PreflightWarning};
pub use redaction::BODY_SNIPPET_CHARS;
pub use request::{DEFAULT_USER_AGENT, build_request};
pub use response::{ParseOptions, parse_response, parse_response_with};
pub use retry::RetryPolicy;
pub use transport::{HttpTransport, RequestTimeout, Timer, TransportError, TransportErrorKind};
pub use upload::{DEFAULT_UPLOAD_TIMEOUT, MAX_UPLOAD_URL_LEN, MAX_ZIP_BYTES, UploadUrl, ZipUpload};
pub use validate::{
    MAX_CODE_LEN, MAX_ID_LEN, MAX_PARTNER_PARAMS, MAX_TEXT_LEN, MAX_URL_LEN,
    RESERVED_PARTNER_PARAMS,
};
pub use verified::{JobStatus, Verified};
pub use wait::{PollEvent, PollOutcome, WaitPolicy};
pub use web_token::WebTokenQuery;

/// [`Signer`] and [`ApiKey`] of smileid-sign at the root, so that verifying
/// callbacks needs no other crate.
pub use smileid_sign::{ApiKey, Signer};
/// The crates smileid-core builds on, re-exported so that users need not
/// depend on them directly.
pub use {bytes, http, smileid_sign as sign, smileid_types as types};
