//! The context of the errors that carry data: private fields, read through
//! accessors, so that a field can be added without a breaking release.

use std::fmt;
use std::time::Duration;

use crate::operation::RepeatSafety;
use crate::transport::TransportError;
use crate::verified::JobStatus;

/// The server answered with a non-2xx status (or with a 2xx error body that
/// carries no signature). Held by [`Error::Api`](crate::Error::Api).
///
/// ```
/// use std::time::Duration;
/// use smileid_core::ApiError;
///
/// let error = ApiError::new("job_status", http::StatusCode::TOO_MANY_REQUESTS)
///     .with_code("2429")
///     .with_retry_after(Some(Duration::from_secs(3)));
/// assert_eq!(error.code(), Some("2429"));
/// assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub(crate) operation: &'static str,
    pub(crate) safety: RepeatSafety,
    status: http::StatusCode,
    code: Option<String>,
    message: Option<String>,
    body_snippet: Option<String>,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// An answer with `status` to a request of `operation`, with no code,
    /// message, snippet or `Retry-After` (add them with the `with_`
    /// methods). Repeat safety defaults to
    /// [`RepeatSafety::Idempotent`]; the client sets the operation's own.
    pub fn new(operation: &'static str, status: http::StatusCode) -> Self {
        Self {
            operation,
            safety: RepeatSafety::Idempotent,
            status,
            code: None,
            message: None,
            body_snippet: None,
            retry_after: None,
        }
    }

    /// Sets Smile ID's error code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets Smile ID's error message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the body snippet (for a body that was not a Smile ID error).
    #[must_use]
    pub fn with_body_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.body_snippet = Some(snippet.into());
        self
    }

    /// Sets the server's `Retry-After` delay.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Sets how safe the operation is to repeat (it decides retries and
    /// the hint).
    #[must_use]
    pub fn with_repeat_safety(mut self, safety: RepeatSafety) -> Self {
        self.safety = safety;
        self
    }

    /// The operation that was answered (`job_status`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How safe that operation is to repeat.
    pub fn repeat_safety(&self) -> RepeatSafety {
        self.safety
    }

    /// The HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// Smile ID's error code, such as `"2205"`, when the body had one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Smile ID's error message, when the body had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The start of a body that was not a Smile ID error object (an HTML
    /// page from a proxy, for example): at most
    /// [`BODY_SNIPPET_CHARS`](crate::BODY_SNIPPET_CHARS) characters, one
    /// line, invalid UTF-8 replaced, signatures redacted.
    pub fn body_snippet(&self) -> Option<&str> {
        self.body_snippet.as_deref()
    }

    /// The server's `Retry-After`, as a delay from when the response was
    /// read.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status;
        if status.is_redirection() {
            write!(f, "unexpected redirect (HTTP {status}), not followed")?;
        } else {
            f.write_str("Smile ID API error")?;
            if let Some(code) = &self.code {
                write!(f, " {code}")?;
            }
            write!(f, " (HTTP {status})")?;
        }
        match (&self.message, &self.body_snippet) {
            (Some(message), _) => write!(f, ": {message}"),
            (None, Some(snippet)) if !snippet.is_empty() => write!(f, "; body: {snippet}"),
            _ => Ok(()),
        }
    }
}

/// A 2xx answer that was not a JSON object, or that did not have the
/// operation's documented shape. Held by
/// [`Error::Decode`](crate::Error::Decode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub(crate) operation: &'static str,
    path: String,
    message: String,
}

impl DecodeError {
    /// A decode failure of `operation`'s answer at `path` (empty for the
    /// root).
    pub fn new(
        operation: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            operation,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The operation whose answer was refused.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Where in the document decoding failed (`result.PartnerParams`),
    /// empty for the root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "could not decode the response: {}", self.message)
        } else {
            write!(
                f,
                "could not decode the response at `{}`: {}",
                self.path, self.message
            )
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
            // The HMAC covers the key and the timestamp alike: a wrong key
            // and an altered timestamp look the same.
            Self::Mismatch => {
                "signature does not match (another API key signed it, or its timestamp was changed)"
            }
        })
    }
}

/// A 2xx answer whose signature was missing, malformed or wrong. Held by
/// [`Error::Signature`](crate::Error::Signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureError {
    pub(crate) operation: &'static str,
    failure: SignatureFailure,
}

impl SignatureError {
    /// `operation`'s answer failed the signature check with `failure`.
    pub fn new(operation: &'static str, failure: SignatureFailure) -> Self {
        Self { operation, failure }
    }

    /// The operation whose answer was refused.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What was wrong with the signature.
    pub fn failure(&self) -> SignatureFailure {
        self.failure
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response not trusted: {}", self.failure)
    }
}

/// A wait that ended before the job completed. Held by
/// [`Error::WaitTimedOut`](crate::Error::WaitTimedOut).
#[derive(Debug, Clone)]
pub struct WaitTimedOut {
    last: Option<Box<JobStatus>>,
    polls: u32,
    elapsed: Duration,
}

impl WaitTimedOut {
    /// A wait of `polls` polls over `elapsed`, whose last successful poll
    /// (if any) returned `last`.
    pub fn new(last: Option<JobStatus>, polls: u32, elapsed: Duration) -> Self {
        Self {
            last: last.map(Box::new),
            polls,
            elapsed,
        }
    }

    /// The operation that was polled: `job_status`.
    pub fn operation(&self) -> &'static str {
        crate::job_status::NAME
    }

    /// The last status received, if any poll succeeded.
    pub fn last(&self) -> Option<&JobStatus> {
        self.last.as_deref()
    }

    /// The last status received, consuming the error.
    pub fn into_last(self) -> Option<JobStatus> {
        self.last.map(|last| *last)
    }

    /// How many polls were made.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// How long the wait lasted.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for WaitTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "job not complete after {} poll{} in {:.1}s",
            self.polls,
            if self.polls == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64()
        )
    }
}

/// A request that creates (and may bill) a job failed after it may have
/// reached the server: a timeout, a broken connection, a response that
/// could not be read. The job may exist. Held by
/// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown); never retried
/// automatically (see the [retry safety table](crate::retry#repeat-safety)).
#[derive(Debug)]
pub struct OutcomeUnknown {
    operation: &'static str,
    cause: TransportError,
}

impl OutcomeUnknown {
    /// `operation`'s request failed with `cause` after it may have arrived.
    pub fn new(operation: &'static str, cause: TransportError) -> Self {
        Self { operation, cause }
    }

    /// The operation whose outcome is unknown.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The transport failure that hid the outcome.
    pub fn cause(&self) -> &TransportError {
        &self.cause
    }

    /// The transport failure, consuming the error.
    pub fn into_cause(self) -> TransportError {
        self.cause
    }
}

impl fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "outcome unknown: the {} request may have reached Smile ID, and the job may have been \
             created and billed",
            self.operation
        )
    }
}

impl std::error::Error for OutcomeUnknown {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}
