//! The seam between smileid-core and an HTTP client.
//!
//! smileid-core never opens a socket. It hands an [`http::Request`] to an
//! [`HttpTransport`] and reads back the [`http::Response`]. Waiting between
//! retries and polls goes through a [`Timer`], so core's policies can be tested
//! with a fake clock and driven by any runtime.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

/// Sends one HTTP request and returns the whole response.
///
/// Implementations must:
/// - **not follow redirects**: a 3xx is returned as it is (a redirect would
///   re-send the signed body to a host the caller did not choose);
/// - read the complete response body, enforcing their own size cap and
///   timeouts, and report failures as a [`TransportError`] of the right
///   [`TransportErrorKind`] so that retries can be decided;
/// - never log request bodies (they carry a signature);
/// - send to any absolute URL they are given, not only the API's host (a
///   zip is PUT to a presigned URL on another host), and honour a
///   [`RequestTimeout`] extension on a request in place of their own
///   whole-request timeout (uploads take longer than API calls).
///
/// A closure `Fn(http::Request<Bytes>) -> impl Future<Output = Result<..>>`
/// implements this trait, so a fake transport in a test is one line:
///
/// ```
/// use bytes::Bytes;
/// use smileid_core::transport::{HttpTransport, TransportError};
///
/// let fake = |_req: http::Request<Bytes>| async {
///     Ok::<_, TransportError>(http::Response::new(Bytes::from_static(b"{}")))
/// };
/// fn assert_transport(_: &impl HttpTransport) {}
/// assert_transport(&fake);
/// ```
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns the complete response, or why none came.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send;
}

impl<F, Fut> HttpTransport for F
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        self(request)
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for std::sync::Arc<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        (**self).send(request)
    }
}

/// A whole-request time limit carried in a request's
/// [`extensions`](http::Request::extensions), set by operations whose
/// requests take longer than an API call (the zip PUT of an image job). A
/// transport uses it in place of its own request timeout for that request;
/// the client's engine uses it in place of the attempt timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestTimeout(pub Duration);

/// What kind of transport failure happened; decides whether a retry may help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (refused, DNS, TLS handshake), so **no
    /// byte of the request was written**. Retryable, also for calls that
    /// create a job (see [repeat safety](crate::retry#repeat-safety)):
    /// transports must use this kind only when the request provably never
    /// left.
    Connect,
    /// A connect, request or body deadline passed. Retryable.
    Timeout,
    /// The connection broke while the request or response was in flight
    /// (reset, unexpected end of stream). Retryable.
    Io,
    /// The response body was larger than the transport's cap; reading stopped
    /// at the cap. Not retryable.
    BodyTooLarge,
    /// The TLS handshake failed: the server's certificate is not trusted (an
    /// unknown issuer, another host name, expired) or the two sides share no
    /// protocol. No byte of the request was written, and the same attempt
    /// would fail the same way: not retryable. The fix is configuration (the
    /// CA to trust, the host), so the error's hint names it.
    Tls,
    /// Anything else (a malformed response head, an invalid request). Not
    /// retryable.
    Other,
}

impl TransportErrorKind {
    /// Whether a fresh attempt of an idempotent request may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, Self::Connect | Self::Timeout | Self::Io)
    }

    /// Whether the request provably never left ([`Connect`](Self::Connect),
    /// [`Tls`](Self::Tls)): then even a call that creates a job has not
    /// created one.
    pub fn never_sent(self) -> bool {
        matches!(self, Self::Connect | Self::Tls)
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Io => "connection broken",
            Self::BodyTooLarge => "response body too large",
            Self::Tls => "TLS",
            Self::Other => "transport error",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure below HTTP: no complete response was received.
///
/// `Display` is one line with the kind, a short context and the innermost
/// cause; the underlying error is also reachable through
/// [`std::error::Error::source`].
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    operation: Option<&'static str>,
    context: Option<String>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl TransportError {
    /// A transport error of `kind` caused by `source`.
    pub fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind,
            operation: None,
            context: None,
            source: Some(source.into()),
        }
    }

    /// A transport error of `kind` with a message and no underlying error.
    pub fn msg(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            operation: None,
            context: Some(message.into()),
            source: None,
        }
    }

    /// Adds a short human context (for example `"after 30s"`), shown by `Display`.
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether a fresh attempt of an idempotent request may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// The operation whose request failed, once the client has tied the
    /// error to it.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    pub(crate) fn set_operation(&mut self, operation: &'static str) {
        self.operation.get_or_insert(operation);
    }
}

/// `error` and each error below it: its `source`, or for an
/// [`std::io::Error`] the error it wraps (whose `source` an `io::Error`
/// skips). At most 32, so a cyclic chain cannot loop. Transports use it to
/// classify an HTTP client's error; [`TransportError`] to name its cause.
pub fn error_chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut current = Some(error);
    std::iter::from_fn(move || {
        let this = current?;
        current = this.source().or_else(|| {
            this.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .map(|inner| inner as &(dyn StdError + 'static))
        });
        Some(this)
    })
    .take(32)
}

impl TransportError {
    /// The deepest error of the source chain ([`error_chain`]): usually the
    /// one that says what happened ("Connection refused (os error 111)",
    /// "invalid peer certificate: UnknownIssuer").
    pub fn innermost_cause(&self) -> Option<&(dyn StdError + 'static)> {
        error_chain(self.source.as_deref()?).last()
    }
}

/// One line: the kind, the context, and the innermost cause, as in
/// `could not connect: POST https://api.example/v1/job_status: Connection
/// refused (os error 111)`.
impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(context) = &self.context {
            write!(f, ": {context}")?;
        }
        if let Some(cause) = self.innermost_cause() {
            let cause = cause.to_string();
            let said = self.context.as_deref().is_some_and(|c| c.contains(&cause));
            if !cause.is_empty() && !said {
                // One line, whatever the cause's text holds.
                write!(
                    f,
                    ": {}",
                    cause.split_whitespace().collect::<Vec<_>>().join(" ")
                )?;
            }
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Time as smileid-core sees it: a monotonic clock, a wall clock, and a way to
/// wait. The backend supplies a real one (`smileid-hyper` has a tokio timer);
/// tests supply a fake one that advances instantly.
///
/// # Sleeps are lazy
///
/// [`sleep`](Self::sleep) must not wait when it is called, only when its
/// future is polled. The client makes a sleep future for every limit an
/// attempt might run into (the attempt timeout, a call timeout, a wait's
/// deadline) and races it against the transport; when the response comes
/// first, the sleep is dropped without ever being polled. A blocking timer
/// written as `std::thread::sleep(d); std::future::ready(())` would make
/// every call take the full attempt timeout (30 s by default). Write it as
/// an `async fn sleep(&self, d: Duration) { std::thread::sleep(d) }`, whose
/// body runs when polled, instead.
///
/// With no attempt timeout, no call timeout and no wait deadline, the client
/// makes no sleep future for an attempt at all; backoffs between retries and
/// the intervals of a wait are always real sleeps, polled to completion.
///
/// A blocking transport cannot be interrupted by a timeout future on the
/// same thread, so a blocking setup turns the client's attempt timeout off
/// (`ClientBuilder::attempt_timeout(None)`) and relies on the transport's own
/// timeouts; `examples/blocking_ureq.rs` and `docs/custom-transport.md` show
/// the whole setup.
pub trait Timer: Send + Sync {
    /// Completes after `duration`. Dropping the future cancels the wait. Must
    /// be lazy: nothing waits before the future is polled (see the trait
    /// docs).
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;

    /// The monotonic now, for deadlines.
    fn now(&self) -> Instant;

    /// The wall-clock now, for request timestamps and callback freshness.
    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }
}

impl<T: Timer + ?Sized> Timer for std::sync::Arc<T> {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        (**self).sleep(duration)
    }

    fn now(&self) -> Instant {
        (**self).now()
    }

    fn system_now(&self) -> SystemTime {
        (**self).system_now()
    }
}
