#![doc = include_str!("../README.md")]
// On docs.rs: "Available on crate feature ... only" on feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod client;
mod error;
mod timer;
mod tls;
mod transport;

pub use builder::{
    ClientBuilder, ENV_API_KEY, ENV_BASE_URL, ENV_CA_CERT, ENV_ENVIRONMENT, ENV_PARTNER_ID,
};
pub use client::{Client, CoreClient};
pub use error::BuildError;
pub use timer::TokioTimer;
pub use tls::CRYPTO_PROVIDER;
pub use transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, HyperTransport, HyperTransportBuilder,
};

// smileid-core's API, so that depending on smileid-hyper alone suffices.
/// rustls, for [`HyperTransportBuilder::tls_config`].
pub use rustls;
/// The certificate type of [`HyperTransportBuilder::add_root_certificate_der`].
pub use rustls_pki_types::CertificateDer;
/// smileid-core itself (the generic client, request building and parsing).
pub use smileid_core;
pub use smileid_core::{
    Aml, AmlResult, AsyncBusinessVerification, AsyncIdVerification, BusinessIdType, BusinessType,
    BusinessVerification, BusinessVerificationResult, IdType, IdVerification, IdVerificationResult,
    SignatureCheck,
};
pub use smileid_core::{
    ApiError, BaseUrl, BaseUrlError, BaseUrlProblem, CallbackError, CallbackPolicy,
    CallbackVerifier, ConfigError, CustomUrl, DEFAULT_MAX_CALLBACK_BYTES, DecodeError, Environment,
    Error, ErrorKind, HttpTransport, InputProblem, InvalidInput, JobStatus, JobStatusQuery,
    MAX_ID_LEN, Operation, OutcomeUnknown, PRODUCTION_BASE_URL, PollEvent, PollOutcome,
    RepeatSafety, RetryPolicy, SANDBOX_BASE_URL, SignatureError, SignatureFailure, Timer,
    TransportError, TransportErrorKind, Verified, VerifiedCallback, WaitPolicy, WaitTimedOut,
    verify_callback,
};
pub use smileid_core::{
    DEFAULT_UPLOAD_TIMEOUT, ImageFormat, ImageIdInfo, ImageJob, ImageJobType, JobAlreadyExists,
    MAX_IMAGE_BYTES, MAX_IMAGES_TOTAL_BYTES, MAX_LIVENESS_FRAMES, PrepUpload, PreparedUpload,
    SubmitEvent, SubmitOptions, SubmittedJob, UploadIncomplete, UploadStep, UploadUrl, ZipUpload,
};
pub use smileid_core::{
    IdFields, Preflight, PreflightProblem, PreflightReport, PreflightWarning, ProductsConfig,
    ProductsConfigQuery, Services, ServicesQuery, ValidDocuments, ValidDocumentsQuery,
    WebTokenQuery, preflight,
};
pub use smileid_core::{callback, environment, operation, retry, wait};
/// Signing and verification; [`ApiKey`] and [`Signer`] are re-exported at the root.
pub use smileid_sign as sign;
pub use smileid_sign::{ApiKey, Signer};
/// The wire types (job status responses, results, result codes, actions).
pub use smileid_types as types;
/// The wire types users match on and read most, at the root.
pub use smileid_types::{
    ActionName, Actions, JobResult, JobStatusResponse, JobType, Outcome, PartnerParams,
    ResultCategory, ResultCode, Verdict, VerdictStatus,
};
