//! smileid_hyper::Client against local servers answering with signed
//! responses.

use smileid_testkit::servers;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use smileid_hyper::types::Outcome;
use smileid_hyper::{
    BaseUrlProblem, BuildError, Client, ClientBuilder, Environment, Error, JobStatusQuery,
    RetryPolicy, SignatureFailure, Signer, TransportErrorKind, WaitPolicy,
};
use smileid_testkit::servers::{Pki, full};

/// Partner id and key the fixtures are signed with.
const PARTNER_ID: &str = "085";
const API_KEY: &str = "fixture-api-key";

const REJECTED: &str = smileid_testkit::fixtures::JOB_STATUS_REJECTED_ENHANCED_KYC;
const PENDING: &str = smileid_testkit::fixtures::JOB_STATUS_PENDING_STRING_RESULT;
const BAD_SIGNATURE: &str = smileid_testkit::fixtures::JOB_STATUS_BAD_SIGNATURE;
const ERROR_2205: &str = smileid_testkit::fixtures::ERROR_2205_UNAUTHORIZED;
const ERROR_502_HTML: &str = smileid_testkit::fixtures::ERROR_502_HTML;

/// Bounds every call so that a hang fails the test instead of stalling it.
async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the client hung")
}

fn json(body: impl Into<bytes::Bytes>) -> http::Response<servers::TestBody> {
    http::Response::builder()
        .header("content-type", "application/json")
        .body(full(body.into()))
        .unwrap()
}

fn query() -> JobStatusQuery {
    JobStatusQuery::new("user-77", "job-77")
}

/// A fast retry policy for tests.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(max_retries)
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(20))
}

fn loopback_client(server: &servers::Server) -> ClientBuilder {
    Client::builder(PARTNER_ID, API_KEY)
        .insecure_loopback_base_url(server.url("http", "/v1"))
        .retry_policy(quick_retries(2))
}

#[tokio::test]
async fn job_status_over_tls_verifies_the_signed_response() {
    let pki = Pki::new();
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let server = {
        let seen = seen.clone();
        servers::serve(
            Some(pki.server_config(&[b"h2", b"http/1.1"])),
            move |req: servers::TestRequest| {
                // The request is signed with the partner's key.
                let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
                let signer = Signer::new(PARTNER_ID, API_KEY).unwrap();
                let verified = signer
                    .verify(
                        body["timestamp"].as_str().unwrap(),
                        body["signature"].as_str().unwrap(),
                    )
                    .is_ok();
                seen.lock().unwrap().push(format!(
                    "{} {} verified={verified} user={} job={} ua={}",
                    req.method(),
                    req.uri().path(),
                    body["user_id"],
                    body["job_id"],
                    req.headers()["user-agent"].to_str().unwrap()
                ));
                json(REJECTED)
            },
        )
        .await
    };
    let client = Client::builder(PARTNER_ID, API_KEY)
        .base_url(server.url("https", "/v1"))
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();

    let status = bounded(client.job_status(&query())).await.unwrap();
    assert!(status.is_complete());
    assert!(!status.is_success());
    assert_eq!(status.outcome(), Outcome::Rejected);
    assert_eq!(status.raw_json().as_ref(), REJECTED.as_bytes());

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let line = &seen[0];
    assert!(
        line.starts_with("POST /v1/job_status verified=true user=\"user-77\" job=\"job-77\""),
        "{line}"
    );
    assert!(line.contains("smileid-core/"), "{line}");
    assert_eq!(line.matches("smileid-hyper/").count(), 1, "{line}");
}

#[tokio::test]
async fn a_response_signed_with_another_key_fails_closed() {
    let server = servers::serve(None, |_| json(BAD_SIGNATURE)).await;
    let client = loopback_client(&server).build().unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    assert!(
        matches!(error, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{error:?}"
    );
    assert!(error.hint().is_some());
    // Not retryable: asked once.
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_freshly_signed_response_from_another_partner_key_is_refused_and_ours_accepted() {
    // The server signs its answer now, with the key it is given.
    fn signed_pending(
        key: &'static str,
    ) -> impl Fn(servers::TestRequest) -> http::Response<servers::TestBody> {
        move |_| {
            let signed = Signer::new(PARTNER_ID, key)
                .unwrap()
                .sign("2026-08-21T12:00:00.000Z");
            let body = serde_json::json!({
                "timestamp": signed.timestamp,
                "signature": signed.signature,
                "job_complete": false,
                "job_success": false,
                "code": "2314",
                "result": "No zip file received",
            });
            json(body.to_string())
        }
    }
    let ours = servers::serve(None, signed_pending(API_KEY)).await;
    let status = bounded(loopback_client(&ours).build().unwrap().job_status(&query()))
        .await
        .unwrap();
    assert!(!status.is_complete());
    assert_eq!(status.outcome(), Outcome::Pending);

    let theirs = servers::serve(None, signed_pending("some-other-key")).await;
    let error = bounded(
        loopback_client(&theirs)
            .build()
            .unwrap()
            .job_status(&query()),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, Error::Signature(_)), "{error:?}");
}

#[tokio::test]
async fn a_reset_mid_body_is_retried_then_reported() {
    let server = servers::raw(|stream| {
        servers::write_and_reset(
            stream,
            b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\ncontent-type: application/json\r\n\r\n{\"job_complete\":",
        )
    })
    .await;
    let client = loopback_client(&server)
        .retry_policy(quick_retries(2))
        .build()
        .unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Io, "{e:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(error.is_retryable());
    assert_eq!(server.requests(), 1 + 2);
}

#[tokio::test]
async fn a_502_page_is_retried_then_reported_as_an_api_error() {
    let server = servers::serve(None, |_| {
        http::Response::builder()
            .status(502)
            .header("content-type", "text/html")
            .body(full(ERROR_502_HTML))
            .unwrap()
    })
    .await;
    let client = loopback_client(&server)
        .retry_policy(quick_retries(1))
        .build()
        .unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status().as_u16() == 502),
        "{error:?}"
    );
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn an_unauthorized_answer_is_an_api_error_with_a_hint() {
    let server = servers::serve(None, |_| {
        http::Response::builder()
            .status(401)
            .body(full(ERROR_2205))
            .unwrap()
    })
    .await;
    let client = loopback_client(&server).build().unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    assert_eq!(error.api_code(), Some("2205"));
    assert!(error.hint().unwrap().contains("environment"));
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_silent_server_times_out_per_the_request_timeout() {
    let server = servers::raw(|stream| servers::write_and_hold(stream, b"")).await;
    let client = loopback_client(&server)
        .request_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let addr = servers::closed_port().await;
    let client = Client::builder(PARTNER_ID, API_KEY)
        .insecure_loopback_base_url(format!("http://{addr}/v1"))
        .retry_policy(quick_retries(1))
        .build()
        .unwrap();
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Connect, "{e:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn wait_for_completion_polls_until_complete() {
    let polls = Arc::new(AtomicUsize::new(0));
    let server = {
        let polls = polls.clone();
        servers::serve(None, move |_| {
            if polls.fetch_add(1, Ordering::SeqCst) < 2 {
                json(PENDING)
            } else {
                json(REJECTED)
            }
        })
        .await
    };
    let client = loopback_client(&server).build().unwrap();
    let policy =
        WaitPolicy::fixed(Duration::from_millis(10)).with_deadline(Duration::from_secs(10));
    let mut events = Vec::new();
    let status = bounded(
        client.wait_for_completion_with(&query(), &policy, |event| events.push(event.poll)),
    )
    .await
    .unwrap();
    assert!(status.is_complete());
    assert_eq!(events, [1, 2, 3]);
    assert_eq!(server.requests(), 3);
    // All polls over one pooled connection.
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_at_build_time() {
    let error = Client::builder(PARTNER_ID, API_KEY)
        .insecure_loopback_base_url("http://testapi.smileidentity.com/v1")
        .build()
        .unwrap_err();
    match &error {
        BuildError::Core(Error::InvalidBaseUrl(e)) => {
            assert_eq!(e.problem(), BaseUrlProblem::InsecureHttp)
        }
        other => panic!("expected an invalid base URL, got {other:?}"),
    }

    // Loopback over http needs the explicit opt-in.
    let error = Client::builder(PARTNER_ID, API_KEY)
        .base_url("http://127.0.0.1:8080/v1")
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, BuildError::Core(Error::InvalidBaseUrl(e)) if e.problem() == BaseUrlProblem::InsecureLoopbackNotAllowed),
        "{error:?}"
    );
}

#[test]
fn credentials_are_required_and_checked() {
    assert!(matches!(
        Client::sandbox("085", ""),
        Err(BuildError::Core(Error::InvalidConfig(_)))
    ));
    assert!(matches!(
        Client::production(" ", "key"),
        Err(BuildError::Core(Error::InvalidConfig(_)))
    ));
}

#[test]
fn sandbox_and_production_constructors() {
    let sandbox = Client::sandbox("085", "secret-key-123").unwrap();
    assert_eq!(sandbox.core().environment(), &Environment::Sandbox);
    assert_eq!(
        sandbox.core().base_url().job_status_uri(),
        "https://testapi.smileidentity.com/v1/job_status"
    );
    let production = Client::production("085", "secret-key-123").unwrap();
    assert_eq!(production.core().environment(), &Environment::Production);
    assert!(production.core().user_agent().contains("smileid-hyper/"));
    // The key never shows.
    for text in [format!("{sandbox:?}"), format!("{production:?}")] {
        assert!(!text.contains("secret-key-123"), "{text}");
    }
}

#[test]
fn from_vars_names_the_missing_variable_and_never_prints_the_key() {
    let error = ClientBuilder::from_vars([("SMILE_API_KEY", "secret-key-123")]).unwrap_err();
    assert!(matches!(
        error,
        BuildError::MissingEnv {
            name: "SMILE_PARTNER_ID"
        }
    ));
    assert!(error.to_string().contains("SMILE_PARTNER_ID"));
    assert!(error.hint().is_some());

    let error =
        ClientBuilder::from_vars([("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", "")]).unwrap_err();
    assert!(matches!(
        error,
        BuildError::MissingEnv {
            name: "SMILE_API_KEY"
        }
    ));

    let error = ClientBuilder::from_vars([
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", "secret-key-123"),
        ("SMILE_ENV", "staging"),
    ])
    .unwrap_err();
    assert!(matches!(
        error,
        BuildError::InvalidEnv {
            name: "SMILE_ENV",
            ..
        }
    ));
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(text.contains("staging"), "{text}");
        assert!(!text.contains("secret-key-123"), "{text}");
    }

    let builder = ClientBuilder::from_vars([
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", "secret-key-123"),
        ("SMILE_ENV", "Production"),
    ])
    .unwrap();
    assert!(!format!("{builder:?}").contains("secret-key-123"));
    let client = builder.build().unwrap();
    assert_eq!(client.core().environment(), &Environment::Production);
    assert_eq!(client.core().partner_id(), "085");
    assert!(!format!("{client:?}").contains("secret-key-123"));

    // Default: sandbox.
    let client = ClientBuilder::from_vars([("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", "k")])
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.core().environment(), &Environment::Sandbox);
}

#[test]
fn from_vars_reads_the_base_url_and_ca_file() {
    let pki = Pki::new();
    let dir = std::env::temp_dir().join(format!("smileid-hyper-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();

    let client = ClientBuilder::from_vars([
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", "k"),
        ("SMILE_ENV", "production"),
        ("SMILE_BASE_URL", "http://127.0.0.1:9/v1"),
        ("SMILE_CA_CERT", ca.to_str().unwrap()),
    ])
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(
        client.core().base_url().job_status_uri(),
        "http://127.0.0.1:9/v1/job_status"
    );

    let missing = dir.join("missing.pem");
    let error = ClientBuilder::from_vars([
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", "k"),
        ("SMILE_CA_CERT", missing.to_str().unwrap()),
    ])
    .unwrap()
    .build()
    .unwrap_err();
    assert!(matches!(error, BuildError::ReadCaFile { .. }), "{error:?}");

    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let error = ClientBuilder::from_vars([
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", "k"),
        ("SMILE_CA_CERT", not_pem.to_str().unwrap()),
    ])
    .unwrap()
    .build()
    .unwrap_err();
    assert!(
        matches!(error, BuildError::NoCertificatesInPem { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("not.pem"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_call_timeout_stops_the_retries_of_a_silent_server() {
    let server = servers::raw(|stream| servers::write_and_hold(stream, b"")).await;
    // Without a call timeout: six attempts of 200 ms each.
    let client = loopback_client(&server)
        .request_timeout(Duration::from_millis(200))
        .retry_policy(quick_retries(5))
        .call_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    assert_eq!(
        client.core().call_timeout(),
        Some(Duration::from_millis(300))
    );
    let error = bounded(client.job_status(&query())).await.unwrap_err();
    match &error {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Timeout, "{e:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The first attempt times out after 200 ms; the call's limit cuts the
    // second one (or leaves no room for it).
    assert!(
        (1..=2).contains(&server.requests()),
        "{} requests",
        server.requests()
    );
}

#[test]
fn clones_share_one_core_client() {
    fn assert_handle<T: Clone + Send + Sync + 'static>() {}
    assert_handle::<Client>();
    let client = Client::sandbox("085", "key").unwrap();
    let clone = client.clone();
    assert!(std::ptr::eq(client.core(), clone.core()));
    assert!(
        client
            .core()
            .user_agent()
            .starts_with(smileid_hyper::smileid_core::DEFAULT_USER_AGENT)
    );
}

#[test]
fn user_agent_suffix_follows_the_crate_tokens() {
    let client = Client::builder("085", "key")
        .user_agent_suffix("my-app/1.2")
        .build()
        .unwrap();
    let agent = client.core().user_agent();
    let hyper_at = agent.find("smileid-hyper/").unwrap();
    let app_at = agent.find("my-app/1.2").unwrap();
    assert!(
        agent.starts_with("smileid-core/") && hyper_at < app_at,
        "{agent}"
    );
}

#[test]
fn a_call_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let client =
        smileid_hyper::Client::sandbox("085", "my-api-key").expect("builds without a runtime");
    let query = smileid_hyper::JobStatusQuery::new("user-1", "job-1");
    // Another executor, no tokio runtime anywhere in this thread.
    let error = pollster::block_on(client.job_status(&query)).unwrap_err();
    let smileid_hyper::Error::InvalidConfig(config) = &error else {
        panic!("{error:?}")
    };
    assert!(
        config.message().contains("needs a tokio runtime"),
        "{error}"
    );
    assert!(error.to_string().contains("nothing was sent"), "{error}");
    let wait = smileid_hyper::WaitPolicy::default();
    let error = pollster::block_on(client.wait_for_completion(&query, &wait)).unwrap_err();
    assert_eq!(error.kind(), smileid_hyper::ErrorKind::InvalidConfig);
}

#[test]
fn question_mark_works_from_building_to_calling() {
    fn build(partner_id: &str) -> Result<smileid_hyper::Client, smileid_hyper::Error> {
        // A `BuildError` converts with `?`.
        let client = smileid_hyper::Client::builder(partner_id, "my-api-key").build()?;
        Ok(client)
    }
    let error = build("").unwrap_err();
    assert_eq!(
        error.kind(),
        smileid_hyper::ErrorKind::InvalidConfig,
        "{error}"
    );
    // A build error that is not core's keeps its message, and is the source.
    let missing = smileid_hyper::BuildError::MissingEnv {
        name: "SMILE_PARTNER_ID",
    };
    let error = smileid_hyper::Error::from(missing);
    assert_eq!(
        error.to_string(),
        "invalid client configuration: environment variable SMILE_PARTNER_ID is not set"
    );
    let source = std::error::Error::source(&error).expect("the build error");
    assert!(source.downcast_ref::<smileid_hyper::BuildError>().is_some());
}

#[test]
fn the_client_is_a_cheap_clone_shared_across_tasks() {
    fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}
    assert_clone_send_sync::<smileid_hyper::Client>();
}
