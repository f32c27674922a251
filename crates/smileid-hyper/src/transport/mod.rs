//! [`HyperTransport`]: smileid-core's [`HttpTransport`] over hyper 1.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_LENGTH, HeaderValue, USER_AGENT};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use smileid_core::DEFAULT_USER_AGENT;
use smileid_core::environment::is_loopback_host;
use smileid_core::transport::{HttpTransport, TransportError, TransportErrorKind};
use tokio::sync::Semaphore;

use crate::BuildError;
use crate::tls;

mod builder;
mod classify;

pub use builder::HyperTransportBuilder;
pub(crate) use classify::classify;

/// Default limit for opening a TCP connection: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for a whole request, from sending it to reading the last
/// byte of the response body (TLS handshake included): 30 seconds.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body: 4 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Default time an idle pooled connection is kept: 90 seconds.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Default limit of requests in flight at once on one transport (and its
/// clones); more wait for a free slot before any connection or HTTP/2 stream
/// state is allocated for them.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 256;

/// The product token this crate adds to the `User-Agent` header.
pub(crate) const USER_AGENT_TOKEN: &str = concat!("smileid-hyper/", env!("CARGO_PKG_VERSION"));

type Connector = HttpsConnector<HttpConnector>;

/// The default [`HttpTransport`]: hyper-util's pooled client over rustls.
///
/// - HTTP/1.1 and HTTP/2, chosen per connection by ALPN; connections are kept
///   alive and reused (one pool per transport; clones share it).
/// - **Redirects are never followed**: a 3xx response is returned as it is.
/// - A connect timeout, a whole-request timeout (covering the TLS handshake
///   and reading the body) and a response body cap; see
///   [`HyperTransportBuilder`] for the defaults.
/// - Plain `http://` is sent only to loopback hosts (`localhost`,
///   `127.0.0.0/8`, `::1`), for a local emulator; anything else must be
///   `https://`.
/// - Request bodies are never logged.
///
/// Failures are [`TransportError`]s whose [`TransportErrorKind`] says what
/// happened: `Connect` (refused, DNS), `Tls` (the handshake failed: an
/// untrusted certificate), `Timeout`, `Io` (connection broken mid-flight),
/// `BodyTooLarge`, or `Other`.
///
/// Needs a tokio runtime with the `time` and `net` drivers when sending.
///
/// # Panics
///
/// Sending outside a tokio runtime panics (hyper spawns its connections on
/// the runtime). [`Client`](crate::Client) checks for a runtime first and
/// returns an error instead.
///
/// ```no_run
/// use smileid_hyper::HyperTransport;
/// use std::time::Duration;
///
/// # fn main() -> Result<(), smileid_hyper::BuildError> {
/// let transport = HyperTransport::builder()
///     .request_timeout(Duration::from_secs(10))
///     .add_root_certificates_pem(b"-----BEGIN CERTIFICATE-----\n...")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    client: LegacyClient<Connector, Full<Bytes>>,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_body_bytes: usize,
    user_agent_token: HeaderValue,
    /// `smileid-core`'s default `User-Agent` followed by our token, made once.
    default_user_agent: HeaderValue,
    in_flight: Arc<Semaphore>,
    max_concurrent_requests: usize,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("crypto_provider", &tls::CRYPTO_PROVIDER)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A transport with every default: built-in roots, 10 s connect timeout,
    /// 30 s request timeout, 4 MiB body cap.
    ///
    /// Fails only when there is no trusted root at all (see
    /// [`BuildError::NoRootCertificates`]).
    pub fn new() -> Result<Self, BuildError> {
        Self::builder().build()
    }

    /// A builder to change timeouts, the body cap and TLS settings.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::new()
    }

    /// The limit for opening a TCP connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The limit for a whole request, response body included.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The most requests in flight at once (see
    /// [`HyperTransportBuilder::max_concurrent_requests`]).
    pub fn max_concurrent_requests(&self) -> usize {
        self.max_concurrent_requests
    }

    async fn send_inner(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        check_target(request.uri())?;
        let target = Target::of(&request);
        let mut request = request.map(Full::new);
        self.add_user_agent(request.headers_mut());

        // An upload carries its own, longer limit.
        let timeout = request
            .extensions()
            .get::<smileid_core::RequestTimeout>()
            .map_or(self.request_timeout, |t| t.0);
        let exchange = async {
            // Waiting for a slot counts against the request timeout. The
            // semaphore is never closed, so acquiring cannot fail.
            let _slot = self.in_flight.acquire().await.map_err(|_| {
                TransportError::msg(TransportErrorKind::Other, "the transport was shut down")
            })?;
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| map_error(e, &target))?;
            let (parts, body) = response.into_parts();
            let body = read_body(body, &parts.headers, self.max_body_bytes, &target).await?;
            Ok::<_, TransportError>(http::Response::from_parts(parts, body))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => {
                if let Err(error) = &result {
                    tracing::debug!(%target, kind = ?error.kind(), "smileid request failed");
                }
                result
            }
            Err(_elapsed) => {
                tracing::debug!(%target, ?timeout, "smileid request timed out");
                Err(TransportError::msg(
                    TransportErrorKind::Timeout,
                    format!("no complete response within {timeout:?} ({target})"),
                ))
            }
        }
    }

    fn add_user_agent(&self, headers: &mut http::HeaderMap) {
        let token = &self.user_agent_token;
        match headers.get(USER_AGENT) {
            None => {
                headers.insert(USER_AGENT, token.clone());
            }
            Some(existing) if existing == DEFAULT_USER_AGENT => {
                // The usual case, without an allocation per request.
                headers.insert(USER_AGENT, self.default_user_agent.clone());
            }
            Some(existing) => {
                let existing = existing.as_bytes();
                if !contains(existing, b"smileid-hyper/") {
                    let mut value = Vec::with_capacity(existing.len() + 1 + token.len());
                    value.extend_from_slice(existing);
                    value.push(b' ');
                    value.extend_from_slice(token.as_bytes());
                    if let Ok(value) = HeaderValue::from_bytes(&value) {
                        headers.insert(USER_AGENT, value);
                    }
                }
            }
        }
    }
}

impl HttpTransport for HyperTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        self.send_inner(request)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `METHOD scheme://authority/path` (no query) for messages and logs,
/// formatted only when one is written (the method and URI are cheap clones).
struct Target {
    method: http::Method,
    uri: http::Uri,
}

impl Target {
    fn of<B>(request: &http::Request<B>) -> Self {
        Self {
            method: request.method().clone(),
            uri: request.uri().clone(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}://{}{}",
            self.method,
            self.uri.scheme_str().unwrap_or("?"),
            self.uri.authority().map(|a| a.as_str()).unwrap_or("?"),
            self.uri.path()
        )
    }
}

/// Only absolute `https://` URIs, or `http://` to a loopback host.
fn check_target(uri: &http::Uri) -> Result<(), TransportError> {
    let host = uri.host();
    match (uri.scheme_str(), host) {
        (Some("https"), Some(_)) => Ok(()),
        (Some("http"), Some(host)) if is_loopback_host(host) => Ok(()),
        (Some("http"), Some(host)) => Err(TransportError::msg(
            TransportErrorKind::Other,
            format!("refusing plain http to the non-loopback host {host}: use https"),
        )),
        _ => Err(TransportError::msg(
            TransportErrorKind::Other,
            format!("the request URI {uri} is not an absolute https URL"),
        )),
    }
}

/// Reads the whole body, stopping as soon as it would exceed `cap` bytes.
async fn read_body(
    mut body: Incoming,
    headers: &http::HeaderMap,
    cap: usize,
    target: &Target,
) -> Result<Bytes, TransportError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(declared) = declared
        && declared > cap as u64
    {
        return Err(too_large(
            cap,
            format!("Content-Length is {declared} bytes"),
        ));
    }
    let mut buf = BytesMut::with_capacity(declared.map_or(0, |d| d as usize).min(cap));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| map_error(e, target))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > cap - buf.len() {
                return Err(too_large(
                    cap,
                    format!("more than {cap} bytes received, reading stopped"),
                ));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

fn too_large(cap: usize, detail: String) -> TransportError {
    TransportError::msg(
        TransportErrorKind::BodyTooLarge,
        format!("the cap is {cap} bytes; {detail}"),
    )
}

/// Wraps `error` in a [`TransportError`] of the kind found in its source chain.
fn map_error(
    error: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    target: &Target,
) -> TransportError {
    let error = error.into();
    let kind = classify(&*error);
    let context = match classify::tls_error(&*error) {
        Some(tls) if kind == TransportErrorKind::Tls => {
            format!("{}, {target}", classify::describe_tls(tls))
        }
        _ => target.to_string(),
    };
    TransportError::new(kind, error).with_context(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_checks() {
        let ok = [
            "https://api.smileidentity.com/v1/job_status",
            "http://127.0.0.1:8080/v1",
            "http://127.8.9.10/v1",
            "http://[::1]:9000/v1",
            "http://localhost/v1",
        ];
        for uri in ok {
            assert!(check_target(&uri.parse().unwrap()).is_ok(), "{uri}");
        }
        // The same hosts as smileid-core's build-time check refuses.
        for uri in [
            "http://api.smileidentity.com/v1/job_status",
            "http://10.0.0.1/v1",
            "http://localhost./v1",
            "http://localhost.example.com/v1",
            "http://[::2]/v1",
            "/v1/job_status",
            "ftp://localhost/x",
        ] {
            let err = check_target(&uri.parse().unwrap()).unwrap_err();
            assert_eq!(err.kind(), TransportErrorKind::Other, "{uri}");
        }
    }
}
