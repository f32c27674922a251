//! One error type for every client call, saying what happened and what to do.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::status::JobStatus;
use crate::transport::TransportError;

/// Everything that can go wrong in a job status call or a wait.
///
/// The variant tells the caller what happened and so what to do:
///
/// | variant | what happened | retryable |
/// |---|---|---|
/// | [`InvalidInput`](Error::InvalidInput) | a query id is unusable; nothing was sent | no |
/// | [`InvalidConfig`](Error::InvalidConfig) | the client could not be built (credentials, options) | no |
/// | [`InvalidBaseUrl`](Error::InvalidBaseUrl) | the environment's URL is refused | no |
/// | [`Transport`](Error::Transport) | no complete response came back | `Connect`/`Timeout`/`Io` only |
/// | [`Api`](Error::Api) | the server answered with an error (or a redirect) | 408, 429, 500, 502, 503, 504 |
/// | [`Decode`](Error::Decode) | a signed 2xx answer did not have the documented shape, or a 2xx was not JSON | no |
/// | [`Signature`](Error::Signature) | a 2xx answer was not signed with this API key | no |
/// | [`WaitTimedOut`](Error::WaitTimedOut) | the job was still not complete at the wait's deadline | no |
///
/// `Display` is one line and does not repeat the underlying error, which is
/// available through [`std::error::Error::source`]. No variant ever holds the
/// API key or a request signature.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The query is invalid (for example an empty `job_id`). Nothing was sent.
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
    /// The server answered with a non-2xx status (a redirect is never
    /// followed and lands here too), or with a 2xx error body that carries
    /// no signature.
    Api {
        /// The HTTP status.
        status: http::StatusCode,
        /// Smile ID's error code, such as `"2205"`, when the body had one.
        code: Option<String>,
        /// Smile ID's error message, when the body had one.
        message: Option<String>,
        /// The start of a body that was not a Smile ID error object (an HTML
        /// page from a proxy, for example): at most 200 characters, one
        /// line, invalid UTF-8 replaced.
        body_snippet: Option<String>,
        /// The server's `Retry-After`, as a delay from when the response was
        /// read.
        retry_after: Option<Duration>,
    },
    /// A 2xx response was not a JSON object, or, once its signature had been
    /// verified, did not match the job status schema.
    Decode {
        /// Where in the document decoding failed (`result.PartnerParams`),
        /// empty for the root.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The 2xx response's signature was missing, malformed or wrong: it was
    /// not produced with this partner's API key, so the body is not trusted.
    Signature(SignatureFailure),
    /// [`wait_for_completion`](crate::Client::wait_for_completion) reached
    /// its deadline or its poll limit before the job completed.
    WaitTimedOut {
        /// The last status received, if any poll succeeded.
        last: Option<Box<JobStatus>>,
        /// How many polls were made.
        polls: u32,
        /// How long the wait lasted.
        elapsed: Duration,
    },
}

/// The kind of an [`Error`], without its data: for matching, metrics and
/// exit codes.
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
    /// [`Error::Api`].
    Api,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::Signature`].
    Signature,
    /// [`Error::WaitTimedOut`].
    WaitTimedOut,
}

impl ErrorKind {
    /// The `smileid` command's exit code for this kind: 2 usage or
    /// configuration, 3 Smile ID API error, 4 transport, 5 unsigned or
    /// undecodable response, 6 wait timed out. (0 is success and 1 a failed
    /// callback verification.)
    pub fn exit_code(self) -> u8 {
        match self {
            Self::InvalidInput | Self::InvalidConfig | Self::InvalidBaseUrl => 2,
            Self::Api => 3,
            Self::Transport => 4,
            Self::Decode | Self::Signature => 5,
            Self::WaitTimedOut => 6,
        }
    }
}

/// Why a response's signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureFailure {
    /// The body had no (or an empty) `signature` or `timestamp`.
    Missing,
    /// The `signature` was not valid base64 of a 32-byte HMAC.
    Malformed,
    /// The `signature` did not match the HMAC of the `timestamp` under this
    /// partner's API key.
    Mismatch,
}

impl fmt::Display for SignatureFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "signature or timestamp missing",
            Self::Malformed => "signature malformed",
            Self::Mismatch => "signature does not match",
        })
    }
}

/// HTTP statuses that a fresh attempt may get past.
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
            Self::Api { .. } => ErrorKind::Api,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::Signature(_) => ErrorKind::Signature,
            Self::WaitTimedOut { .. } => ErrorKind::WaitTimedOut,
        }
    }

    /// Whether a fresh attempt of the (idempotent) job status call may
    /// succeed: `Connect`, `Timeout` and `Io` transport errors, and HTTP 408,
    /// 429, 500, 502, 503 and 504. Never for 400, 401, 403, 404, redirects,
    /// signature or decode failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_retryable(),
            Self::Api { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }

    /// Smile ID's error code (`"2205"`), for [`Error::Api`].
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, for [`Error::Api`].
    pub fn http_status(&self) -> Option<http::StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `Retry-After` delay, for [`Error::Api`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The `smileid` command's exit code for this error (see
    /// [`ErrorKind::exit_code`]).
    pub fn exit_code(&self) -> u8 {
        self.kind().exit_code()
    }

    /// A one-line suggestion of the usual causes, when there is one.
    ///
    /// ```
    /// # use smileid_core::Error;
    /// let err = Error::Api {
    ///     status: http::StatusCode::UNAUTHORIZED,
    ///     code: Some("2205".into()),
    ///     message: Some("You're not authorized to do that".into()),
    ///     body_snippet: None,
    ///     retry_after: None,
    /// };
    /// assert!(err.hint().unwrap().contains("environment"));
    /// ```
    pub fn hint(&self) -> Option<&'static str> {
        const AUTH: &str = "check that the API key belongs to this environment (sandbox keys fail on \
                            production and the other way round), that the base URL is right, and \
                            that this machine's clock is correct";
        match self {
            Self::Api { status, code, .. } => match code.as_deref() {
                Some("2205" | "2405" | "2204") => Some(AUTH),
                Some("2213" | "2413") => {
                    Some("a required parameter is missing: check user_id and job_id")
                }
                Some("2220") => Some(
                    "production is not enabled for this partner yet: use the sandbox or contact Smile ID",
                ),
                Some("2428") => Some("the partner account is out of credits"),
                Some("2201" | "2301" | "2401") => {
                    Some("Smile ID reported a system error: try again later")
                }
                _ => match status.as_u16() {
                    401 | 403 => Some(AUTH),
                    404 => Some("check the base URL: the job status endpoint was not found there"),
                    300..=399 => Some(
                        "the base URL redirects: use the final URL directly (redirects are never followed, they would re-send the signed body)",
                    ),
                    429 => Some("rate limited: wait before retrying"),
                    500..=599 => {
                        Some("the server or a proxy in front of it failed: try again later")
                    }
                    _ => None,
                },
            },
            Self::Signature(SignatureFailure::Mismatch | SignatureFailure::Malformed) => Some(
                "the response was not signed with this API key: check that the key belongs to \
                 this environment and that nothing between you and Smile ID rewrites responses",
            ),
            Self::Signature(SignatureFailure::Missing) => Some(
                "the response carried no signature: check that the base URL points at Smile ID's v1 API",
            ),
            Self::Decode { .. } => Some(
                "the response did not have the expected shape: check the base URL, or report the response",
            ),
            Self::WaitTimedOut { .. } => Some(
                "the job is still being processed: wait longer, or receive the result by callback",
            ),
            Self::Transport(e) if e.is_retryable() => {
                Some("check the network and the base URL; the call is retried automatically")
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
            Self::Transport(_) => f.write_str("no response received from the server"),
            Self::Api {
                status,
                code,
                message,
                body_snippet,
                ..
            } => {
                if status.is_redirection() {
                    write!(f, "unexpected redirect (HTTP {status}), not followed")?;
                } else {
                    f.write_str("Smile ID API error")?;
                    if let Some(code) = code {
                        write!(f, " {code}")?;
                    }
                    write!(f, " (HTTP {status})")?;
                }
                match (message, body_snippet) {
                    (Some(message), _) => write!(f, ": {message}"),
                    (None, Some(snippet)) if !snippet.is_empty() => {
                        write!(f, "; body: {snippet}")
                    }
                    _ => Ok(()),
                }
            }
            Self::Decode { path, message } => {
                if path.is_empty() {
                    write!(f, "could not decode the response: {message}")
                } else {
                    write!(f, "could not decode the response at `{path}`: {message}")
                }
            }
            Self::Signature(failure) => {
                write!(f, "response not trusted: {failure}")
            }
            Self::WaitTimedOut { polls, elapsed, .. } => write!(
                f,
                "job not complete after {polls} poll{} in {:.1}s",
                if *polls == 1 { "" } else { "s" },
                elapsed.as_secs_f64()
            ),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Transport(e) => Some(e),
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

/// What is wrong with an input value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputProblem {
    /// Empty or only whitespace.
    Empty,
    /// Longer than allowed.
    TooLong {
        /// The length in bytes.
        len: usize,
        /// The maximum in bytes.
        max: usize,
    },
    /// Holds a control character (newline, NUL, ...).
    ControlCharacter,
}

/// An invalid query field, reported before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    field: &'static str,
    problem: InputProblem,
}

impl InvalidInput {
    pub(crate) fn new(field: &'static str, problem: InputProblem) -> Self {
        Self { field, problem }
    }

    /// The field's name: `user_id` or `job_id`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> InputProblem {
        self.problem
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.field;
        match self.problem {
            InputProblem::Empty => write!(f, "{field} is empty"),
            InputProblem::TooLong { len, max } => {
                write!(f, "{field} is {len} bytes long, the maximum is {max}")
            }
            InputProblem::ControlCharacter => write!(f, "{field} contains a control character"),
        }
    }
}

/// An invalid client configuration. `Display` says what; the underlying error
/// (for example the credential check's), if any, is the `source()`.
#[derive(Debug)]
pub struct ConfigError {
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl ConfigError {
    /// A configuration error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A configuration error with a message and an underlying cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// What is wrong with a base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseUrlProblem {
    /// The URL is empty.
    Empty,
    /// The text is not a URL.
    Unparseable,
    /// The URL has no scheme or no host.
    NotAbsolute,
    /// The scheme is neither `https` nor `http`.
    UnsupportedScheme,
    /// The URL has a `?query`.
    HasQuery,
    /// The URL has a `#fragment`.
    HasFragment,
    /// The URL has `user:password@`; credentials never go in the URL.
    HasUserinfo,
    /// Plain `http` to a host that is not loopback.
    InsecureHttp,
    /// Plain `http` to a loopback host without the explicit opt-in
    /// ([`Environment::custom_insecure_loopback`](crate::Environment::custom_insecure_loopback)).
    InsecureLoopbackNotAllowed,
}

impl fmt::Display for BaseUrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::Unparseable => "it is not a valid URL",
            Self::NotAbsolute => "it needs a scheme and a host, like https://api.example.com/v1",
            Self::UnsupportedScheme => "only https is supported",
            Self::HasQuery => "it must not have a query (?...)",
            Self::HasFragment => "it must not have a fragment (#...)",
            Self::HasUserinfo => "it must not contain user info (user:password@)",
            Self::InsecureHttp => "plain http is only allowed to a loopback host; use https",
            Self::InsecureLoopbackNotAllowed => {
                "plain http to a loopback host needs the explicit insecure-loopback opt-in"
            }
        })
    }
}

/// A refused base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlError {
    shown: Option<String>,
    problem: BaseUrlProblem,
}

impl BaseUrlError {
    pub(crate) fn new(url: &str, problem: BaseUrlProblem) -> Self {
        let shown = match problem {
            // The text may hold credentials: do not repeat it.
            BaseUrlProblem::HasUserinfo | BaseUrlProblem::Unparseable | BaseUrlProblem::Empty => {
                None
            }
            _ => Some(truncate_chars(
                &crate::environment::redact_userinfo(url.trim()),
                200,
            )),
        };
        Self { shown, problem }
    }

    /// What is wrong.
    pub fn problem(&self) -> BaseUrlProblem {
        self.problem
    }
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shown {
            Some(url) => write!(f, "`{url}`: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

/// At most `max` characters of `s`, with `...` when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s.to_owned(),
    }
}
