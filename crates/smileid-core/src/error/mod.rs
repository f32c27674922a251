//! One error type for every client call, saying what happened and what to do.

mod config;
mod context;
mod image;
mod input;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

pub use config::{BaseUrlError, BaseUrlProblem, ConfigError};
pub use context::{
    ApiError, DecodeError, OutcomeUnknown, SignatureError, SignatureFailure, WaitTimedOut,
};
pub use image::{JobAlreadyExists, UploadIncomplete, UploadStep};
pub use input::{InputProblem, InvalidInput};

use crate::operation::RepeatSafety;
use crate::transport::{TransportError, TransportErrorKind};

/// What [`Error::operation`] returns for errors raised while building a
/// client (credentials, options, the base URL), before any operation.
pub const BUILD_OPERATION: &str = "build";

/// Everything that can go wrong in a call or a wait.
///
/// The variant tells the caller what happened and so what to do:
///
/// | variant | what happened | retryable |
/// |---|---|---|
/// | [`InvalidInput`](Error::InvalidInput) | a request field is unusable; nothing was sent | no |
/// | [`InvalidConfig`](Error::InvalidConfig) | the client could not be built (credentials, options) | no |
/// | [`InvalidBaseUrl`](Error::InvalidBaseUrl) | the environment's URL is refused | no |
/// | [`Transport`](Error::Transport) | no complete response came back | `Connect`/`Timeout`/`Io` only |
/// | [`OutcomeUnknown`](Error::OutcomeUnknown) | a call that creates a job failed after it may have arrived | no: query job status first |
/// | [`Api`](Error::Api) | the server answered with an error (or a redirect) | 408, 429, 500, 502, 503, 504 (idempotent calls) |
/// | [`Decode`](Error::Decode) | a 2xx answer did not have the documented shape, or was not JSON | no |
/// | [`Signature`](Error::Signature) | a 2xx answer was not signed with this API key | no |
/// | [`WaitTimedOut`](Error::WaitTimedOut) | the job was still not complete at the wait's deadline | no |
/// | [`JobAlreadyExists`](Error::JobAlreadyExists) | a prep upload's `job_id` already has a job (`2215`) | no: resume it, or query job status |
/// | [`UploadIncomplete`](Error::UploadIncomplete) | an image job was created but its zip did not arrive | no: resume the same job |
///
/// Which failures the client retries for which operation is the table of
/// [repeat safety](crate::retry#repeat-safety). Every error knows the
/// operation it came from ([`Error::operation`]).
///
/// `Display` is one line and does not repeat the underlying error, which is
/// available through [`std::error::Error::source`]. No variant ever holds the
/// API key or a request signature.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A request field is invalid (for example an empty `job_id`). Nothing
    /// was sent.
    InvalidInput(InvalidInput),
    /// The client configuration is invalid (for example an empty partner id
    /// or API key, or a user agent that is not a valid header value).
    InvalidConfig(ConfigError),
    /// The environment's base URL was refused (not `https`, has user info,
    /// a query or a fragment, ...).
    InvalidBaseUrl(BaseUrlError),
    /// No complete HTTP response was received. Retryable when its kind is
    /// `Connect`, `Timeout` or `Io`.
    Transport(TransportError),
    /// A request that creates (and may bill) a job failed after it may have
    /// reached the server. It is never re-sent automatically: query job
    /// status with the same ids before resubmitting.
    OutcomeUnknown(OutcomeUnknown),
    /// The server answered with a non-2xx status (a redirect is never
    /// followed and lands here too), or with a 2xx error body that carries
    /// no signature.
    Api(ApiError),
    /// A 2xx response was not a JSON object, or, once its signature had been
    /// verified, did not match the operation's schema.
    Decode(DecodeError),
    /// The 2xx response's signature was missing, malformed or wrong: it was
    /// not produced with this partner's API key, so the body is not trusted.
    Signature(SignatureError),
    /// [`wait_for_completion`](crate::Client::wait_for_completion) reached
    /// its deadline or its poll limit before the job completed.
    WaitTimedOut(WaitTimedOut),
    /// A prep upload was refused with `2215`: its `job_id` already has a
    /// job. See [`JobAlreadyExists`] for the way back.
    JobAlreadyExists(JobAlreadyExists),
    /// An image job was created by its prep upload, but building or
    /// uploading its zip failed: the job exists and waits for its images.
    /// See [`UploadIncomplete`] for the way back.
    UploadIncomplete(UploadIncomplete),
}

/// The kind of an [`Error`], without its data: for matching and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::InvalidConfig`].
    InvalidConfig,
    /// [`Error::InvalidBaseUrl`].
    InvalidBaseUrl,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::OutcomeUnknown`].
    OutcomeUnknown,
    /// [`Error::Api`].
    Api,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::Signature`].
    Signature,
    /// [`Error::WaitTimedOut`].
    WaitTimedOut,
    /// [`Error::JobAlreadyExists`].
    JobAlreadyExists,
    /// [`Error::UploadIncomplete`].
    UploadIncomplete,
}

/// HTTP statuses that a fresh attempt of an idempotent call may get past.
pub(crate) fn is_retryable_status(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl Error {
    /// The kind of error, without its data.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidInput(_) => ErrorKind::InvalidInput,
            Self::InvalidConfig(_) => ErrorKind::InvalidConfig,
            Self::InvalidBaseUrl(_) => ErrorKind::InvalidBaseUrl,
            Self::Transport(_) => ErrorKind::Transport,
            Self::OutcomeUnknown(_) => ErrorKind::OutcomeUnknown,
            Self::Api(_) => ErrorKind::Api,
            Self::Decode(_) => ErrorKind::Decode,
            Self::Signature(_) => ErrorKind::Signature,
            Self::WaitTimedOut(_) => ErrorKind::WaitTimedOut,
            Self::JobAlreadyExists(_) => ErrorKind::JobAlreadyExists,
            Self::UploadIncomplete(_) => ErrorKind::UploadIncomplete,
        }
    }

    /// The operation the error came from, such as `job_status`;
    /// [`BUILD_OPERATION`] (`"build"`) for errors of building a client, and
    /// `"unknown"` for a transport error not yet tied to an operation.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::InvalidInput(e) => e.operation(),
            Self::InvalidConfig(_) | Self::InvalidBaseUrl(_) => BUILD_OPERATION,
            Self::Transport(e) => e.operation().unwrap_or("unknown"),
            Self::OutcomeUnknown(e) => e.operation(),
            Self::Api(e) => e.operation(),
            Self::Decode(e) => e.operation(),
            Self::Signature(e) => e.operation(),
            Self::WaitTimedOut(e) => e.operation(),
            Self::JobAlreadyExists(e) => e.api().operation(),
            Self::UploadIncomplete(e) => e.cause().operation(),
        }
    }

    /// Ties the error to `operation` (of repeat safety `safety`) where it
    /// does not name one yet.
    pub(crate) fn in_operation(mut self, operation: &'static str, safety: RepeatSafety) -> Self {
        match &mut self {
            Self::Transport(e) => e.set_operation(operation),
            Self::Api(e) => {
                if e.operation.is_empty() {
                    e.operation = operation;
                }
                e.safety = safety;
            }
            Self::Decode(e) if e.operation.is_empty() => e.operation = operation,
            Self::Signature(e) if e.operation.is_empty() => e.operation = operation,
            _ => {}
        }
        self
    }

    /// Whether a fresh attempt of an *idempotent* call may succeed:
    /// `Connect`, `Timeout` and `Io` transport errors, and HTTP 408, 429,
    /// 500, 502, 503 and 504. Never for 400, 401, 403, 404, redirects,
    /// signature or decode failures, or [`Error::OutcomeUnknown`]. Calls
    /// that create a job follow stricter rules: see
    /// [`RetryPolicy::decide_for`](crate::RetryPolicy::decide_for).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_retryable(),
            Self::Api(e) => is_retryable_status(e.status()),
            _ => false,
        }
    }

    /// Smile ID's error code (`"2205"`), for [`Error::Api`].
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.code(),
            Self::JobAlreadyExists(e) => e.api().code(),
            _ => None,
        }
    }

    /// The HTTP status, for [`Error::Api`] (and the `2215` of
    /// [`Error::JobAlreadyExists`]).
    pub fn http_status(&self) -> Option<http::StatusCode> {
        match self {
            Self::Api(e) => Some(e.status()),
            Self::JobAlreadyExists(e) => Some(e.api().status()),
            _ => None,
        }
    }

    /// The server's `Retry-After` delay, for [`Error::Api`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(e) => e.retry_after(),
            _ => None,
        }
    }

    /// A one-line suggestion of the usual causes, when there is one.
    ///
    /// ```
    /// # use smileid_core::{ApiError, Error};
    /// let err = Error::Api(
    ///     ApiError::new("job_status", http::StatusCode::UNAUTHORIZED)
    ///         .with_code("2205")
    ///         .with_message("You're not authorized to do that"),
    /// );
    /// assert!(err.hint().unwrap().contains("environment"));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        const AUTH: &str = "check that the API key belongs to this environment (sandbox keys fail on \
                            production and the other way round), that the base URL is right, and \
                            that this machine's clock is correct";
        const MAY_EXIST: &str = "the job may have been created: query job status with the same \
                                 user_id and job_id before resubmitting, or a second job may be \
                                 created and billed";
        match self {
            Self::Api(e) => match e.code() {
                Some("2205" | "2405" | "2204") => Some(AUTH),
                Some("2213" | "2413") => Some(
                    "a required parameter is missing: check the request's fields (user_id and job_id, for one)",
                ),
                Some("2220") => Some(
                    "production is not enabled for this partner yet: use the sandbox or contact Smile ID",
                ),
                Some("2428") => Some("the partner account is out of credits"),
                Some("2201" | "2301" | "2401") if e.repeat_safety() == RepeatSafety::Entry => {
                    Some(MAY_EXIST)
                }
                Some("2201" | "2301" | "2401") => {
                    Some("Smile ID reported a system error: try again later")
                }
                _ => match e.status().as_u16() {
                    401 | 403 => Some(AUTH),
                    404 => Some(
                        "check the base URL: the endpoint was not found there (it should end in /v1)",
                    ),
                    300..=399 => Some(
                        "the base URL redirects: use the final URL directly (redirects are never followed, they would re-send the signed body)",
                    ),
                    429 => Some("rate limited: wait before retrying"),
                    500..=599 if e.repeat_safety() == RepeatSafety::Entry => Some(MAY_EXIST),
                    500..=599 => {
                        Some("the server or a proxy in front of it failed: try again later")
                    }
                    _ => None,
                },
            },
            Self::Signature(e) => match e.failure() {
                SignatureFailure::Missing => Some(
                    "the response carried no signature: check that the base URL points at Smile ID's v1 API",
                ),
                _ => Some(
                    "the response was not signed with this API key: check that the key belongs to \
                     this environment and that nothing between you and Smile ID rewrites responses",
                ),
            },
            Self::Decode(_) => Some(
                "the response did not have the expected shape: check the base URL, or report the response",
            ),
            Self::WaitTimedOut(_) => Some(
                "the job is still being processed: wait longer, or receive the result by callback",
            ),
            Self::OutcomeUnknown(_) => Some(MAY_EXIST),
            Self::JobAlreadyExists(e) if e.resume_refused() => Some(
                "the job's images have already arrived (or it cannot be resumed): query job status \
                 with the same user_id and job_id for its result",
            ),
            Self::JobAlreadyExists(_) => Some(
                "this job_id already has a job: if its images never arrived, send the same job again \
                 with resume (ImageJob::resume, CLI --retry-upload) for a fresh upload URL; \
                 otherwise query job status, or use a new job_id for a new job",
            ),
            Self::UploadIncomplete(_) => Some(
                "the job exists and waits for its images: send the same job again with resume \
                 (ImageJob::resume, CLI --retry-upload) for a fresh upload URL; a new job_id would \
                 create, and may bill, a second job",
            ),
            Self::Transport(e) if e.kind() == TransportErrorKind::Tls => Some(
                "the TLS handshake failed, so nothing was sent: for a server with its own CA (a \
                 local emulator), trust it with --ca-cert FILE (CLI) or add_root_certificates_pem \
                 (smileid-hyper); for Smile ID's hosts, check the system clock and any proxy that \
                 intercepts TLS",
            ),
            Self::Transport(e) if e.is_retryable() => Some(
                "check the network and the base URL; such failures are retried (see the retry policy)",
            ),
            Self::InvalidBaseUrl(e)
                if e.problem() == BaseUrlProblem::InsecureLoopbackNotAllowed =>
            {
                Some(
                    "plain http is for local test servers only: opt in with \
                     Environment::custom_insecure_loopback (smileid-core) or \
                     ClientBuilder::insecure_loopback_base_url (smileid-hyper)",
                )
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput(e) => write!(f, "invalid input, nothing was sent: {e}"),
            Self::InvalidConfig(e) => write!(f, "invalid client configuration: {e}"),
            Self::InvalidBaseUrl(e) => write!(f, "invalid base URL: {e}"),
            Self::Transport(e) if e.kind().never_sent() => write!(f, "request not sent: {e}"),
            Self::Transport(e) => write!(f, "no response received: {e}"),
            Self::OutcomeUnknown(e) => e.fmt(f),
            Self::Api(e) => e.fmt(f),
            Self::Decode(e) => e.fmt(f),
            Self::Signature(e) => e.fmt(f),
            Self::WaitTimedOut(e) => e.fmt(f),
            Self::JobAlreadyExists(e) => e.fmt(f),
            Self::UploadIncomplete(e) => e.fmt(f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
            Self::OutcomeUnknown(e) => Some(e.cause()),
            Self::UploadIncomplete(e) => Some(e.cause()),
            Self::InvalidConfig(e) => e.source(),
            _ => None,
        }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Self::Transport(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Self {
        Self::Signature(e)
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Self::InvalidInput(e)
    }
}
