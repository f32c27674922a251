//! [`HyperTransportBuilder`]: timeouts, body cap, pool, TLS roots and the
//! user agent of a [`HyperTransport`].

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::CertificateDer;
use smileid_core::DEFAULT_USER_AGENT;
use tokio::sync::Semaphore;

use super::*;
use crate::BuildError;
use crate::tls::{self, RootSource};

/// Which protocols to offer by ALPN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alpn {
    Http1,
    Http2,
    All,
}

/// Settings for a [`HyperTransport`].
///
/// | setting | default |
/// |---|---|
/// | [`connect_timeout`](Self::connect_timeout) | 10 s ([`DEFAULT_CONNECT_TIMEOUT`]) |
/// | [`request_timeout`](Self::request_timeout) | 30 s ([`DEFAULT_REQUEST_TIMEOUT`]) |
/// | [`max_body_bytes`](Self::max_body_bytes) | 4 MiB ([`DEFAULT_MAX_BODY_BYTES`]) |
/// | [`pool_idle_timeout`](Self::pool_idle_timeout) | 90 s ([`DEFAULT_POOL_IDLE_TIMEOUT`]) |
/// | [`pool_max_idle_per_host`](Self::pool_max_idle_per_host) | unlimited |
/// | [`max_concurrent_requests`](Self::max_concurrent_requests) | 256 ([`DEFAULT_MAX_CONCURRENT_REQUESTS`]) |
/// | [`built_in_roots`](Self::built_in_roots) | on (per the `webpki-roots` / `native-roots` features) |
///
/// Certificate problems (bad PEM, unreadable file, no roots at all) are
/// reported by [`build`](Self::build) as a [`BuildError`].
#[derive(Clone)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    request_timeout: Duration,
    max_body_bytes: usize,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    max_concurrent_requests: usize,
    built_in_roots: bool,
    extra_roots: Vec<RootSource>,
    tls_config: Option<rustls::ClientConfig>,
    user_agent_token: Option<String>,
}

impl fmt::Debug for HyperTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransportBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("built_in_roots", &self.built_in_roots)
            .field("extra_roots", &self.extra_roots)
            .field("custom_tls_config", &self.tls_config.is_some())
            .field("user_agent_token", &self.user_agent_token)
            .finish()
    }
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl HyperTransportBuilder {
    /// A builder with every default (see the table above).
    pub fn new() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            built_in_roots: true,
            extra_roots: Vec::new(),
            tls_config: None,
            user_agent_token: None,
        }
    }

    /// Limit for opening a TCP connection (per address tried). A connect
    /// that takes longer fails with [`TransportErrorKind::Timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit for one whole request: connecting, the TLS handshake, sending,
    /// and reading the complete response body. Past it the request is
    /// abandoned with [`TransportErrorKind::Timeout`].
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Largest response body accepted, in bytes. A larger body (by its
    /// `Content-Length`, or once more bytes than this have arrived) is
    /// abandoned unread with [`TransportErrorKind::BodyTooLarge`].
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// How long an idle connection stays in the pool; `None` keeps it until
    /// the server closes it.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Most idle connections kept per host; `0` disables reuse.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Most requests in flight at once on this transport and its clones
    /// (default [`DEFAULT_MAX_CONCURRENT_REQUESTS`]; `0` is taken as 1).
    /// Further requests wait for a slot, within their
    /// [`request_timeout`](Self::request_timeout), before any connection,
    /// HTTP/2 stream or buffer is set up for them: thousands of concurrent
    /// waits then cost little memory, and an HTTP/1.1 server never sees more
    /// than this many connections from one transport. A server's own HTTP/2
    /// stream limit (commonly 100 to 256) queues requests anyway; queueing
    /// them here first is cheaper.
    pub fn max_concurrent_requests(mut self, max: usize) -> Self {
        self.max_concurrent_requests = max.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Whether to trust the built-in roots (Mozilla's list with the
    /// `webpki-roots` feature, the OS store with `native-roots`). Turn off
    /// to trust only the roots added with the `add_root_*` methods.
    pub fn built_in_roots(mut self, enabled: bool) -> Self {
        self.built_in_roots = enabled;
        self
    }

    /// Also trusts every `CERTIFICATE` in `pem` (for a corporate proxy or a
    /// local emulator). Other PEM blocks are ignored. Parsed by
    /// [`build`](Self::build), which fails with [`BuildError::InvalidPem`] or
    /// [`BuildError::NoCertificatesInPem`].
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.extra_roots.push(RootSource::Pem(pem.to_vec()));
        self
    }

    /// Also trusts every `CERTIFICATE` in the PEM file at `path`, read by
    /// [`build`](Self::build) (which fails with [`BuildError::ReadCaFile`] if
    /// it cannot be read).
    pub fn add_root_certificates_pem_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_roots.push(RootSource::PemFile(path.into()));
        self
    }

    /// Also trusts one DER-encoded certificate.
    pub fn add_root_certificate_der(mut self, der: CertificateDer<'static>) -> Self {
        self.extra_roots.push(RootSource::Der(der));
        self
    }

    /// Uses `config` for TLS instead of the one built from roots and features
    /// (an escape hatch: client certificates, pinning, a custom verifier...).
    ///
    /// Its `alpn_protocols` decide the HTTP versions: empty (the usual case)
    /// offers HTTP/2 and HTTP/1.1; `["http/1.1"]` or `["h2"]` restrict to
    /// that version. Cannot be combined with extra root certificates
    /// ([`BuildError::RootsWithCustomTlsConfig`]).
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// Adds a product token (such as `my-app/1.2`) to the `User-Agent`
    /// header after `smileid-hyper/<version>`. A token that is not a valid
    /// header value (a newline, say) makes [`build`](Self::build) fail with
    /// [`BuildError::InvalidUserAgent`].
    pub fn user_agent_token(mut self, token: impl Into<String>) -> Self {
        self.user_agent_token = Some(token.into());
        self
    }

    /// Builds the transport, loading root certificates now.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] for unusable root certificates, an empty root
    /// store, a custom TLS config combined with extra roots, or an invalid
    /// user agent token.
    pub fn build(self) -> Result<HyperTransport, BuildError> {
        let user_agent_token = match &self.user_agent_token {
            Some(extra) => HeaderValue::from_str(&format!("{USER_AGENT_TOKEN} {}", extra.trim()))
                .map_err(|_| BuildError::InvalidUserAgent)?,
            None => HeaderValue::from_static(USER_AGENT_TOKEN),
        };
        let (mut config, alpn) = match self.tls_config {
            Some(mut config) => {
                if !self.extra_roots.is_empty() {
                    return Err(BuildError::RootsWithCustomTlsConfig);
                }
                let h1 = config.alpn_protocols.iter().any(|p| p == b"http/1.1");
                let h2 = config.alpn_protocols.iter().any(|p| p == b"h2");
                let alpn = match (h1, h2) {
                    (true, false) => Alpn::Http1,
                    (false, true) => Alpn::Http2,
                    _ => Alpn::All,
                };
                // The connector builder sets ALPN itself (and insists on an
                // empty list).
                config.alpn_protocols.clear();
                (config, alpn)
            }
            None => {
                let extra = tls::load_extra_roots(&self.extra_roots)?;
                let roots = tls::root_store(self.built_in_roots, extra)?;
                (tls::client_config(roots)?, Alpn::All)
            }
        };
        config.alpn_protocols.clear();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);

        let schemes = HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http();
        let connector = match alpn {
            Alpn::Http1 => schemes.enable_http1().wrap_connector(http),
            Alpn::Http2 => schemes.enable_http2().wrap_connector(http),
            Alpn::All => schemes.enable_all_versions().wrap_connector(http),
        };

        let mut builder = LegacyClient::builder(TokioExecutor::new());
        builder
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .timer(hyper_util::rt::TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .http2_only(alpn == Alpn::Http2);
        let client = builder.build(connector);

        let default_user_agent = {
            let mut value = DEFAULT_USER_AGENT.as_bytes().to_vec();
            value.push(b' ');
            value.extend_from_slice(user_agent_token.as_bytes());
            HeaderValue::from_bytes(&value).unwrap_or_else(|_| user_agent_token.clone())
        };

        Ok(HyperTransport {
            client,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            max_body_bytes: self.max_body_bytes,
            user_agent_token,
            default_user_agent,
            in_flight: Arc::new(Semaphore::new(self.max_concurrent_requests)),
            max_concurrent_requests: self.max_concurrent_requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use http::header::USER_AGENT;

    use super::*;

    fn bare_transport() -> HyperTransportBuilder {
        let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            tls::crypto_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        HyperTransport::builder().tls_config(config)
    }

    #[test]
    fn user_agent_is_added_or_extended() {
        let transport = bare_transport().build().unwrap();
        let mut headers = http::HeaderMap::new();
        transport.add_user_agent(&mut headers);
        assert_eq!(headers[USER_AGENT], USER_AGENT_TOKEN);

        headers.insert(USER_AGENT, HeaderValue::from_static("smileid-core/0.1.0"));
        transport.add_user_agent(&mut headers);
        assert_eq!(
            headers[USER_AGENT],
            format!("smileid-core/0.1.0 {USER_AGENT_TOKEN}").as_str()
        );
        // Not added twice.
        transport.add_user_agent(&mut headers);
        assert_eq!(
            headers[USER_AGENT],
            format!("smileid-core/0.1.0 {USER_AGENT_TOKEN}").as_str()
        );

        let transport = bare_transport()
            .user_agent_token("my-app/2")
            .build()
            .unwrap();
        let mut headers = http::HeaderMap::new();
        transport.add_user_agent(&mut headers);
        assert_eq!(
            headers[USER_AGENT],
            format!("{USER_AGENT_TOKEN} my-app/2").as_str()
        );

        // An invalid token is refused, not dropped.
        let result = bare_transport().user_agent_token("my-app\r\nX: 1").build();
        assert!(
            matches!(result, Err(BuildError::InvalidUserAgent)),
            "{result:?}"
        );
    }

    #[test]
    fn invalid_der_root_is_a_build_error() {
        let transport = HyperTransport::builder()
            .built_in_roots(false)
            .add_root_certificate_der(CertificateDer::from(Vec::new()))
            .build();
        assert!(matches!(
            transport,
            Err(BuildError::InvalidRootCertificate { index: 0, .. })
        ));
    }

    #[test]
    fn custom_tls_config_with_alpn_does_not_panic() {
        for alpn in [
            vec![],
            vec![b"h2".to_vec()],
            vec![b"http/1.1".to_vec()],
            vec![b"x".to_vec()],
        ] {
            let mut builder = bare_transport();
            if let Some(config) = builder.tls_config.as_mut() {
                config.alpn_protocols = alpn;
            }
            assert!(builder.build().is_ok());
        }
    }

    #[test]
    fn custom_tls_config_refuses_extra_roots() {
        let result = bare_transport()
            .add_root_certificates_pem(b"-----BEGIN CERTIFICATE-----\n")
            .build();
        assert!(matches!(result, Err(BuildError::RootsWithCustomTlsConfig)));
    }

    #[test]
    fn documented_defaults() {
        let transport = HyperTransport::new().unwrap();
        assert_eq!(transport.connect_timeout(), Duration::from_secs(10));
        assert_eq!(transport.request_timeout(), Duration::from_secs(30));
        assert_eq!(transport.max_body_bytes(), 4 * 1024 * 1024);
        let transport = HyperTransport::builder()
            .connect_timeout(Duration::from_secs(2))
            .request_timeout(Duration::from_secs(7))
            .max_body_bytes(10)
            .build()
            .unwrap();
        assert_eq!(transport.connect_timeout(), Duration::from_secs(2));
        assert_eq!(transport.request_timeout(), Duration::from_secs(7));
        assert_eq!(transport.max_body_bytes(), 10);
    }

    #[test]
    fn no_roots_at_all_is_a_build_error() {
        let result = HyperTransport::builder().built_in_roots(false).build();
        assert!(matches!(result, Err(BuildError::NoRootCertificates)));
    }

    #[test]
    fn bad_pem_is_a_build_error() {
        let result = HyperTransport::builder()
            .add_root_certificates_pem(b"-----BEGIN CERTIFICATE-----\nnot base64!!\n")
            .build();
        assert!(
            matches!(result, Err(BuildError::InvalidPem { .. })),
            "{result:?}"
        );
        let result = HyperTransport::builder()
            .add_root_certificates_pem(b"just some text")
            .build();
        assert!(
            matches!(result, Err(BuildError::NoCertificatesInPem { .. })),
            "{result:?}"
        );
        let result = HyperTransport::builder()
            .add_root_certificates_pem_file("/nonexistent/smileid-ca.pem")
            .build();
        assert!(
            matches!(result, Err(BuildError::ReadCaFile { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn core_default_user_agent_gets_the_precomputed_value() {
        for (token, expected) in [
            (None, format!("{DEFAULT_USER_AGENT} {USER_AGENT_TOKEN}")),
            (
                Some("my-app/2"),
                format!("{DEFAULT_USER_AGENT} {USER_AGENT_TOKEN} my-app/2"),
            ),
        ] {
            let mut builder = bare_transport();
            if let Some(token) = token {
                builder = builder.user_agent_token(token);
            }
            let transport = builder.build().unwrap();
            let mut headers = http::HeaderMap::new();
            headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
            transport.add_user_agent(&mut headers);
            assert_eq!(headers[USER_AGENT], expected.as_str());
        }
    }

    #[test]
    fn concurrent_request_limit_defaults_and_bounds() {
        let transport = bare_transport().build().unwrap();
        assert_eq!(
            transport.max_concurrent_requests(),
            DEFAULT_MAX_CONCURRENT_REQUESTS
        );
        let transport = bare_transport().max_concurrent_requests(0).build().unwrap();
        assert_eq!(transport.max_concurrent_requests(), 1);
    }

    /// A plain HTTP/1.1 server on loopback that answers after `delay` and
    /// records the most requests it had in hand at once.
    async fn counting_server(delay: Duration) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/job_status", listener.local_addr().unwrap());
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&peak);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (now, peak) = (Arc::clone(&now), Arc::clone(&peak));
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let mut read = 0;
                    // Read the head and the (small, declared) body.
                    loop {
                        match stream.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                        let text = String::from_utf8_lossy(&buf[..read]);
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if read >= end + 4 + len {
                                break;
                            }
                        }
                    }
                    let in_hand = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(in_hand, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                        )
                        .await;
                });
            }
        });
        (url, seen)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_beyond_the_limit_wait_for_a_slot() {
        let (url, peak) = counting_server(Duration::from_millis(150)).await;
        let transport = bare_transport().max_concurrent_requests(2).build().unwrap();
        let mut calls = Vec::new();
        for _ in 0..6 {
            let transport = transport.clone();
            let request = http::Request::post(url.as_str())
                .body(Bytes::from_static(b"{}"))
                .unwrap();
            calls.push(tokio::spawn(async move { transport.send(request).await }));
        }
        for call in calls {
            let response = call.await.unwrap().unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(&response.body()[..], b"{}");
        }
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
