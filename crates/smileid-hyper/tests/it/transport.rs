//! HyperTransport against real servers on 127.0.0.1.

use smileid_testkit::servers;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use smileid_hyper::{
    BuildError, HttpTransport, HyperTransport, TransportError, TransportErrorKind,
};
use smileid_testkit::servers::{Endless, Pki, full};

/// Generous bound proving a call returned instead of hanging.
const NO_HANG: Duration = Duration::from_secs(5);

fn post(url: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::post(url)
        .header("content-type", "application/json")
        .body(Bytes::from_static(body))
        .unwrap()
}

fn trusting(pki: &Pki) -> HyperTransport {
    HyperTransport::builder()
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap()
}

fn plain() -> HyperTransport {
    HyperTransport::builder()
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

async fn send(
    transport: &HyperTransport,
    req: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, TransportError> {
    tokio::time::timeout(NO_HANG, transport.send(req))
        .await
        .expect("the transport hung")
}

/// Posts `{}` to `url`; the call must succeed.
async fn send_ok(transport: &HyperTransport, url: &str) -> http::Response<Bytes> {
    send(transport, post(url, b"{}")).await.unwrap()
}

/// Posts `{}` to `url`; the call must fail.
async fn send_err(transport: &HyperTransport, url: &str) -> TransportError {
    send(transport, post(url, b"{}")).await.unwrap_err()
}

/// A response head promising 100 bytes, then the first few of them.
const PARTIAL: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial\":";

#[tokio::test]
async fn tls_with_extra_root_negotiates_h2_and_delivers_the_request() {
    let pki = Pki::new();
    let server = servers::serve(
        Some(pki.server_config(&[b"h2", b"http/1.1"])),
        |req: servers::TestRequest| {
            let ua = req.headers()["user-agent"].to_str().unwrap().to_owned();
            let echo = format!(
                "{} {} {} ua={ua} body={}",
                req.method(),
                req.uri().path(),
                req.headers()["content-type"].to_str().unwrap(),
                String::from_utf8_lossy(req.body())
            );
            http::Response::new(full(echo))
        },
    )
    .await;
    let transport = trusting(&pki);

    let response = send(
        &transport,
        post(&server.url("https", "/v1/job_status"), b"{\"a\":1}"),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), http::Version::HTTP_2);
    let body = String::from_utf8(response.into_body().to_vec()).unwrap();
    assert!(
        body.starts_with("POST /v1/job_status application/json ua=smileid-hyper/"),
        "{body}"
    );
    assert!(body.ends_with("body={\"a\":1}"), "{body}");

    // The same server by name: the leaf is valid for `localhost` too.
    let url = format!("https://localhost:{}/v1/job_status", server.addr.port());
    let response = send_ok(&transport, &url).await;
    assert_eq!(response.status(), 200);

    // Building and using the transport installed no process-wide provider.
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}

#[tokio::test]
async fn tls_from_a_pem_file_and_http1_only_server() {
    let pki = Pki::new();
    let dir = std::env::temp_dir().join(format!("smileid-hyper-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ca.pem");
    std::fs::write(&path, &pki.ca_pem).unwrap();

    let server = servers::serve(Some(pki.server_config(&[b"http/1.1"])), |_| {
        http::Response::new(full("ok"))
    })
    .await;
    let transport = HyperTransport::builder()
        .built_in_roots(false)
        .add_root_certificates_pem_file(&path)
        .build()
        .unwrap();
    let response = send_ok(&transport, &server.url("https", "/")).await;
    assert_eq!(response.version(), http::Version::HTTP_11);
    assert_eq!(response.body().as_ref(), b"ok");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rustls config of the test's own making: the escape hatch.
fn own_tls_config(trusted_ca_pem: Option<&str>, alpn: &[&[u8]]) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = trusted_ca_pem {
        use rustls::pki_types::pem::PemObject;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    config
}

#[tokio::test]
async fn a_user_supplied_tls_config_is_the_one_used() {
    let pki = Pki::new();
    let server = servers::serve(Some(pki.server_config(&[b"h2", b"http/1.1"])), |_| {
        http::Response::new(full("ok"))
    })
    .await;

    // Trusting the test CA and asking for HTTP/1.1 only: the server would
    // prefer h2, so the version proves the config's ALPN was used.
    let transport = HyperTransport::builder()
        .tls_config(own_tls_config(Some(&pki.ca_pem), &[b"http/1.1"]))
        .build()
        .unwrap();
    let response = send_ok(&transport, &server.url("https", "/")).await;
    assert_eq!(response.version(), http::Version::HTTP_11);
    assert_eq!(response.body().as_ref(), b"ok");

    // Empty ALPN: both versions offered, h2 chosen.
    let transport = HyperTransport::builder()
        .tls_config(own_tls_config(Some(&pki.ca_pem), &[]))
        .build()
        .unwrap();
    let response = send_ok(&transport, &server.url("https", "/")).await;
    assert_eq!(response.version(), http::Version::HTTP_2);

    // A config trusting nothing replaces the built-in roots entirely.
    let transport = HyperTransport::builder()
        .tls_config(own_tls_config(None, &[]))
        .build()
        .unwrap();
    let error = send_err(&transport, &server.url("https", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{error:?}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn untrusted_certificate_is_a_tls_error_that_is_not_retried() {
    let pki = Pki::new();
    let server = servers::serve(Some(pki.server_config(&[b"h2", b"http/1.1"])), |_| {
        http::Response::new(full("should not be reached"))
    })
    .await;
    // Trusts a different CA.
    let other = Pki::new();
    let transport = HyperTransport::builder()
        .built_in_roots(false)
        .add_root_certificates_pem(other.ca_pem.as_bytes())
        .build()
        .unwrap();
    let error = send_err(&transport, &server.url("https", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Tls, "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.kind().never_sent());
    let text = error.to_string();
    // A CA of the same name as the trusted one, but another key.
    assert!(
        text.starts_with("TLS: certificate not trusted (BadSignature), POST https://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.ends_with(": invalid peer certificate: BadSignature"),
        "{text}"
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn fifty_sequential_requests_share_one_tls_connection() {
    let pki = Pki::new();
    let server = servers::serve(Some(pki.server_config(&[b"h2", b"http/1.1"])), |_| {
        http::Response::new(full("{}"))
    })
    .await;
    let transport = trusting(&pki);
    for _ in 0..50 {
        let response = send_ok(&transport, &server.url("https", "/")).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(server.requests(), 50);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn fifty_sequential_http1_requests_share_one_connection() {
    let server = servers::serve(None, |_| http::Response::new(full("{}"))).await;
    let transport = plain();
    for _ in 0..50 {
        let response = send_ok(&transport, &server.url("http", "/")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), http::Version::HTTP_11);
    }
    assert_eq!(server.requests(), 50);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn clones_share_the_pool() {
    let server = servers::serve(None, |_| http::Response::new(full("{}"))).await;
    let transport = plain();
    let clone = transport.clone();
    send_ok(&transport, &server.url("http", "/")).await;
    send_ok(&clone, &server.url("http", "/")).await;
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let server = servers::serve(None, |req| {
        if req.uri().path() == "/v1/job_status" {
            http::Response::builder()
                .status(302)
                .header("location", "/elsewhere")
                .body(full(""))
                .unwrap()
        } else {
            http::Response::new(full("followed"))
        }
    })
    .await;
    let response = send_ok(&plain(), &server.url("http", "/v1/job_status")).await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/elsewhere");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = servers::raw(|stream| servers::write_and_hold(stream, b"")).await;
    let transport = HyperTransport::builder()
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // `send` fails the test if the call does not return within NO_HANG.
    let error = send_err(&transport, &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_that_stalls_times_out() {
    let server = servers::raw(|stream| servers::write_and_hold(stream, PARTIAL)).await;
    let error = send_err(&plain(), &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error:?}");
}

#[tokio::test]
async fn a_big_content_length_is_refused_before_reading() {
    let server = servers::raw(|stream| {
        servers::write_and_hold(
            stream,
            b"HTTP/1.1 200 OK\r\ncontent-length: 104857600\r\n\r\nxxxx",
        )
    })
    .await;
    let transport = HyperTransport::builder()
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let error = send_err(&transport, &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error:?}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("1024"), "{error}");
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_cap() {
    let produced = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = {
        let produced = produced.clone();
        servers::serve(None, move |_| {
            http::Response::new(
                Endless {
                    produced: produced.clone(),
                }
                .boxed(),
            )
        })
        .await
    };
    // The default cap (4 MiB).
    let transport = HyperTransport::new().unwrap();
    assert_eq!(transport.max_body_bytes(), 4 * 1024 * 1024);
    let error = send_err(&transport, &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge, "{error:?}");
    assert!(produced.load(Ordering::SeqCst) > 0);
}

#[tokio::test]
async fn a_body_at_the_cap_is_accepted() {
    let server = servers::serve(None, |_| http::Response::new(full(vec![b'x'; 1024]))).await;
    let transport = HyperTransport::builder()
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let response = send_ok(&transport, &server.url("http", "/")).await;
    assert_eq!(response.body().len(), 1024);
}

#[tokio::test]
async fn a_reset_mid_body_is_an_io_error() {
    let server = servers::raw(|stream| servers::write_and_reset(stream, PARTIAL)).await;
    let error = send_err(&plain(), &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_close_mid_body_is_an_io_error() {
    let server = servers::raw(|mut stream| async move {
        use tokio::io::AsyncWriteExt;
        let _ = stream.write_all(PARTIAL).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = send_err(&plain(), &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error:?}");
}

#[tokio::test]
async fn a_malformed_response_is_other() {
    let server =
        servers::raw(|stream| servers::write_and_hold(stream, b"this is not http at all\r\n\r\n"))
            .await;
    let error = send_err(&plain(), &server.url("http", "/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Other, "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let addr = servers::closed_port().await;
    let error = send_err(&plain(), &format!("http://{addr}/")).await;
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_without_connecting() {
    let error = send_err(&plain(), "http://testapi.smileidentity.com/v1/job_status").await;
    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.to_string().contains("https"), "{error}");
}

#[tokio::test]
async fn invalid_pem_fails_the_build() {
    let result = HyperTransport::builder()
        .add_root_certificates_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n")
        .build();
    assert!(
        matches!(result, Err(BuildError::InvalidPem { .. })),
        "{result:?}"
    );
}
