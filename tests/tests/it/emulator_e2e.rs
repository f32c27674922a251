//! The smileid-hyper client against the emulator, over TLS: every demo job, a
//! wait, callbacks checked with smileid-core, and every fault giving the
//! documented client error.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use smileid_core::{
    CallbackError, CallbackPolicy, Error, JobStatusQuery, RetryPolicy, SignatureFailure,
    TransportErrorKind, WaitPolicy, verify_callback,
};
use smileid_emulator::{
    DEMO_USER_ID, Emulator, EmulatorHandle, FaultSpec, JobSpec, PresetOutcome, Seed,
};
use smileid_hyper::{BuildError, Client};
use smileid_types::Outcome as JobOutcome;

/// A client for `emu` that trusts its CA, with quick retries.
fn client_with(emu: &EmulatorHandle, retry: RetryPolicy) -> Client {
    let pem = emu.ca_cert_pem().expect("the emulator runs TLS");
    Client::builder(emu.partner_id(), emu.api_key())
        .base_url(emu.base_url())
        .add_root_certificates_pem(pem.as_bytes())
        .retry_policy(retry)
        .request_timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

fn quick_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(n)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn client(emu: &EmulatorHandle) -> Client {
    client_with(emu, RetryPolicy::none())
}

async fn tls_emulator() -> EmulatorHandle {
    Emulator::start_tls().await.expect("emulator starts")
}

fn demo(job_id: &str) -> JobStatusQuery {
    JobStatusQuery::new(DEMO_USER_ID, job_id)
}

/// A TLS emulator with `fault` set.
async fn with_fault(fault: FaultSpec) -> EmulatorHandle {
    let emu = tls_emulator().await;
    emu.set_fault(fault).expect("fault");
    emu
}

/// The status of `demo-approved`, which must fail (`why` says how).
async fn approved_err(client: &Client, why: &str) -> Error {
    client
        .job_status(&demo("demo-approved"))
        .await
        .expect_err(why)
}

#[tokio::test]
async fn every_demo_job_over_tls() {
    let emu = tls_emulator().await;
    assert!(emu.base_url().starts_with("https://"));
    let client = client(&emu);
    let cases = [
        ("demo-approved", JobOutcome::Approved, true, "0810"),
        ("demo-provisional", JobOutcome::Provisional, false, "0814"),
        ("demo-rejected", JobOutcome::Rejected, false, "1013"),
        ("demo-error", JobOutcome::Error, false, "1015"),
    ];
    for (job_id, outcome, success, code) in cases {
        let status = client.job_status(&demo(job_id)).await.expect(job_id);
        assert!(status.is_complete(), "{job_id}");
        assert_eq!(status.is_success(), success, "{job_id}");
        assert_eq!(status.outcome(), outcome, "{job_id}");
        let result = status.response().result_object().expect("a result object");
        assert_eq!(
            result.result_code().map(|c| c.as_str().to_owned()),
            Some(code.to_owned()),
            "{job_id}"
        );
        assert!(status.response().history().is_empty());
        assert!(status.response().image_links.is_none());
    }
}

#[tokio::test]
async fn history_and_image_links_when_asked() {
    let emu = tls_emulator().await;
    let client = client(&emu);
    let query = demo("demo-approved")
        .with_history(true)
        .with_image_links(true);
    let status = client.job_status(&query).await.expect("status");
    assert_eq!(status.response().history().len(), 1);
    let links = status.response().image_links.as_ref().expect("image links");
    assert!(
        links
            .selfie_image()
            .is_some_and(|l| l.starts_with(emu.base_url().trim_end_matches("/v1")))
    );
}

#[tokio::test]
async fn unknown_job_is_pending() {
    let emu = tls_emulator().await;
    let status = client(&emu)
        .job_status(&JobStatusQuery::new("nobody", "nothing"))
        .await
        .expect("status");
    assert!(!status.is_complete());
    assert_eq!(status.outcome(), JobOutcome::Pending);
    assert_eq!(status.response().message(), Some("No zip file received"));
}

#[tokio::test]
async fn wait_for_demo_pending() {
    let emu = tls_emulator().await;
    let client = client(&emu);
    let policy = WaitPolicy::fixed(Duration::from_millis(5)).with_max_polls(10);
    let status = client
        .wait_for_completion(&demo("demo-pending"), &policy)
        .await
        .expect("completes");
    assert!(status.is_complete());
    assert_eq!(status.outcome(), JobOutcome::Approved);
    assert_eq!(
        emu.job(DEMO_USER_ID, "demo-pending").map(|j| j.polls),
        Some(3)
    );
}

#[tokio::test]
async fn wait_gives_up_on_a_job_that_never_completes() {
    let emu = tls_emulator().await;
    emu.add_job(JobSpec::new("u", "never").complete_after_polls(1000))
        .expect("added");
    let policy = WaitPolicy::fixed(Duration::from_millis(1)).with_max_polls(3);
    let err = client(&emu)
        .wait_for_completion(&JobStatusQuery::new("u", "never"), &policy)
        .await
        .expect_err("times out");
    match err {
        Error::WaitTimedOut(timed_out) => {
            assert_eq!(timed_out.polls(), 3);
            assert!(timed_out.last().is_some_and(|s| !s.is_complete()));
        }
        other => panic!("expected WaitTimedOut, got {other:?}"),
    }
}

// ----- callbacks -----

/// A tiny HTTP server that answers each callback with the next status of
/// `script` (then 200) and keeps every body.
pub(crate) struct CallbackReceiver {
    pub(crate) url: String,
    bodies: Arc<Mutex<Vec<Bytes>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CallbackReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CallbackReceiver {
    pub(crate) async fn start(script: Vec<u16>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let url = format!(
            "http://{}/smile-callback",
            listener.local_addr().expect("addr")
        );
        let bodies: Arc<Mutex<Vec<Bytes>>> = Arc::default();
        let seen = Arc::clone(&bodies);
        let script = Arc::new(script);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let seen = Arc::clone(&seen);
                let script = Arc::clone(&script);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |req: http::Request<hyper::body::Incoming>| {
                            let seen = Arc::clone(&seen);
                            let script = Arc::clone(&script);
                            async move {
                                let body = req.into_body().collect().await?.to_bytes();
                                let n = {
                                    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                                    seen.push(body);
                                    seen.len()
                                };
                                let status = script.get(n - 1).copied().unwrap_or(200);
                                let mut response = http::Response::new(Full::new(Bytes::new()));
                                *response.status_mut() = http::StatusCode::from_u16(status)
                                    .unwrap_or(http::StatusCode::OK);
                                Ok::<_, hyper::Error>(response)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { url, bodies, task }
    }

    pub(crate) fn bodies(&self) -> Vec<Bytes> {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[tokio::test]
async fn callback_is_delivered_and_verifies_with_smileid_core() {
    let receiver = CallbackReceiver::start(vec![503]).await;
    let emu = Emulator::builder()
        .tls(true)
        .callback_backoff(Duration::from_millis(10))
        .start()
        .await
        .expect("starts");
    emu.add_job(
        JobSpec::new("cb-user", "cb-job")
            .job_type(5)
            .outcome(PresetOutcome::Rejected)
            .complete_after_polls(1)
            .callback_url(&receiver.url),
    )
    .expect("added");
    let client = client(&emu);
    let policy = WaitPolicy::fixed(Duration::from_millis(5)).with_max_polls(5);
    let status = client
        .wait_for_completion(&JobStatusQuery::new("cb-user", "cb-job"), &policy)
        .await
        .expect("completes");
    assert_eq!(status.outcome(), JobOutcome::Rejected);

    // The first attempt got 503; the second was accepted.
    let log = emu
        .wait_for_callback_deliveries(2, Duration::from_secs(10))
        .await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!((log[0].status, log[0].delivered), (Some(503), false));
    assert_eq!((log[1].status, log[1].delivered), (Some(200), true));

    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 2);
    let signer = client.core().signer().clone();
    for body in &bodies {
        let verified =
            verify_callback(&signer, body, SystemTime::now(), &CallbackPolicy::default())
                .expect("the callback verifies");
        assert_eq!(verified.outcome(), JobOutcome::Rejected);
        assert_eq!(
            verified
                .result()
                .result_code()
                .map(|c| c.as_str().to_owned()),
            Some("1013".to_owned())
        );
    }

    // Another key does not accept it, and a tampered timestamp is refused.
    let stranger = smileid_sign::Signer::new(emu.partner_id(), "another-key").expect("signer");
    assert!(matches!(
        verify_callback(
            &stranger,
            &bodies[1],
            SystemTime::now(),
            &CallbackPolicy::default()
        ),
        Err(CallbackError::BadSignature(_))
    ));
    let mut tampered: serde_json::Value = serde_json::from_slice(&bodies[1]).expect("JSON");
    // One second later than the signed timestamp: still fresh, but not the
    // text that was signed (a timestamp taken from the clock could equal it).
    let signed_at = tampered["timestamp"]
        .as_str()
        .and_then(|text| smileid_sign::parse_timestamp(text).ok())
        .expect("the callback carries a timestamp");
    let other = smileid_sign::format_timestamp(signed_at + std::time::Duration::from_secs(1));
    assert_ne!(tampered["timestamp"].as_str(), Some(other.as_str()));
    tampered["timestamp"] = serde_json::json!(other);
    let tampered = serde_json::to_vec(&tampered).expect("serializes");
    assert!(matches!(
        verify_callback(
            &signer,
            &tampered,
            SystemTime::now(),
            &CallbackPolicy::default()
        ),
        Err(CallbackError::BadSignature(_))
    ));
}

// ----- faults: each gives the documented client error -----

#[tokio::test]
async fn http_error_fault_is_an_api_error_with_its_code() {
    let emu = with_fault(FaultSpec::http_error(500, "2201", "System error").count(1)).await;
    let err = approved_err(&client(&emu), "fails").await;
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status().as_u16(), 500);
            assert_eq!(api.code(), Some("2201"));
            assert_eq!(api.message(), Some("System error"));
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(err.api_code(), Some("2201"));
}

#[tokio::test]
async fn three_500s_then_success_with_retries() {
    let emu = with_fault(FaultSpec::http_error(500, "2201", "System error").count(3)).await;
    let status = client_with(&emu, quick_retries(3))
        .job_status(&demo("demo-approved"))
        .await
        .expect("succeeds on the fourth attempt");
    assert!(status.is_complete());
    assert!(emu.faults().is_empty());
}

#[tokio::test]
async fn auth_error_fault_is_not_retried() {
    let emu =
        with_fault(FaultSpec::http_error(401, "2205", "You're not authorized to do that").count(1))
            .await;
    let err = approved_err(&client_with(&emu, quick_retries(3)), "fails").await;
    assert_eq!(err.api_code(), Some("2205"));
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn wrong_credentials_are_refused_with_2205() {
    let emu = tls_emulator().await;
    let pem = emu.ca_cert_pem().unwrap_or_default();
    let client = Client::builder(emu.partner_id(), "not-the-key")
        .base_url(emu.base_url())
        .add_root_certificates_pem(pem.as_bytes())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let err = approved_err(&client, "refused").await;
    assert_eq!(err.api_code(), Some("2205"));
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn html_502_is_an_api_error_with_a_body_snippet() {
    let emu = with_fault(FaultSpec::html_502().count(1)).await;
    let err = approved_err(&client(&emu), "fails").await;
    match err {
        Error::Api(api) => {
            assert_eq!(api.status().as_u16(), 502);
            assert_eq!(api.code(), None);
            assert!(
                api.body_snippet()
                    .is_some_and(|s| s.contains("502 Bad Gateway"))
            );
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let emu = with_fault(FaultSpec::rate_limited(3).count(1)).await;
    let err = approved_err(&client(&emu), "fails").await;
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn dropped_connection_is_a_retryable_transport_error() {
    let emu = with_fault(FaultSpec::drop_connection().count(1)).await;
    let err = approved_err(&client(&emu), "fails").await;
    match &err {
        Error::Transport(t) => assert!(t.kind().is_retryable(), "{t:?}"),
        other => panic!("expected Transport, got {other:?}"),
    }
    // With a retry, the next attempt succeeds.
    emu.set_fault(FaultSpec::drop_connection().count(1))
        .expect("fault");
    let status = client_with(&emu, quick_retries(1))
        .job_status(&demo("demo-approved"))
        .await
        .expect("retried");
    assert!(status.is_complete());
}

#[tokio::test]
async fn truncated_body_is_an_io_transport_error() {
    let emu = with_fault(FaultSpec::truncated_body().count(1)).await;
    let err = approved_err(&client(&emu), "fails").await;
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Io, "{t:?}"),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_signature_is_a_signature_error() {
    let emu = with_fault(FaultSpec::wrong_signature().count(1)).await;
    let err = approved_err(&client_with(&emu, quick_retries(2)), "fails closed").await;
    assert!(
        matches!(err, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{err:?}"
    );
}

#[tokio::test]
async fn latency_beyond_the_request_timeout_is_a_timeout() {
    let emu = with_fault(FaultSpec::latency(Duration::from_secs(5)).count(1)).await;
    let pem = emu.ca_cert_pem().unwrap_or_default();
    let client = Client::builder(emu.partner_id(), emu.api_key())
        .base_url(emu.base_url())
        .add_root_certificates_pem(pem.as_bytes())
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_millis(200))
        .build()
        .expect("builds");
    let err = approved_err(&client, "times out").await;
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Timeout, "{t:?}"),
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[tokio::test]
async fn plain_http_emulator_needs_the_loopback_opt_in() {
    let emu = Emulator::start().await.expect("starts");
    // A plain-http base URL is refused unless explicitly allowed for loopback.
    let refused = Client::builder(emu.partner_id(), emu.api_key())
        .base_url(emu.base_url())
        .build();
    assert!(
        matches!(
            &refused,
            Err(BuildError::Core(Error::InvalidBaseUrl(e)))
                if e.problem() == smileid_hyper::BaseUrlProblem::InsecureLoopbackNotAllowed
        ),
        "{refused:?}"
    );
    let client = Client::builder(emu.partner_id(), emu.api_key())
        .insecure_loopback_base_url(emu.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let status = client
        .job_status(&demo("demo-rejected"))
        .await
        .expect("status");
    assert_eq!(status.outcome(), JobOutcome::Rejected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients() {
    let emu = tls_emulator().await;
    let client = Arc::new(client(&emu));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..32 {
        let client = Arc::clone(&client);
        tasks.spawn(async move {
            let job = if i % 2 == 0 {
                "demo-approved"
            } else {
                "demo-error"
            };
            for _ in 0..5 {
                let status = client.job_status(&demo(job)).await.expect("status");
                assert!(status.is_complete());
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task ok");
    }
}

// ----- docs/emulator.md: its examples are these tests -----

/// The guide, read at compile time so that its examples are checked here.
const GUIDE: &str = include_str!("../../../docs/emulator.md");

/// The fenced blocks of `lang` in the guide, without their fences.
fn guide_blocks(lang: &str) -> Vec<&'static str> {
    let fence = format!("```{lang}\n");
    let mut blocks = Vec::new();
    let mut rest = GUIDE;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("every block is closed");
        blocks.push(&body[..end]);
        rest = &body[end + 3..];
    }
    blocks
}

// BEGIN the guide's Rust example
#[tokio::test]
async fn approved_job() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = smileid_emulator::Emulator::start_tls().await?;
    let client = smileid_hyper::Client::builder(emulator.partner_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .add_root_certificates_pem(emulator.ca_cert_pem().unwrap_or_default().as_bytes())
        .build()?;
    let query = smileid_hyper::JobStatusQuery::new("demo-user", "demo-approved");
    assert!(client.job_status(&query).await?.is_success());
    Ok(())
}
// END the guide's Rust example

#[test]
fn the_guide_shows_the_tested_rust_example() {
    let this_file = include_str!("emulator_e2e.rs");
    let begin = "// BEGIN the guide's Rust example\n";
    let start = this_file.find(begin).expect("begin marker") + begin.len();
    let end = this_file
        .find("// END the guide's Rust example")
        .expect("end marker");
    let tested = &this_file[start..end];
    assert_eq!(guide_blocks("rust"), [tested]);
}

#[tokio::test]
async fn the_guides_json_examples_are_accepted() {
    let blocks = guide_blocks("json");
    assert_eq!(blocks.len(), 2, "the seed file and the fault lines");
    let mut faults = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for block in blocks {
        if block.trim_start().starts_with("{\n") {
            // A seed file: it parses, and an emulator starts with it.
            let seed = Seed::from_json(block).expect("the seed example parses");
            assert!(!seed.jobs.is_empty() && !seed.faults.is_empty());
            let emu = Emulator::builder()
                .seed_json(block)
                .start()
                .await
                .expect("an emulator starts with the seed example");
            assert_eq!(emu.jobs().len(), 5 + seed.jobs.len());
            assert_eq!(emu.faults().len(), seed.faults.len());
        } else {
            // One fault per line: each parses and can be installed.
            let emu = Emulator::start().await.expect("starts");
            for line in block.lines().filter(|l| !l.trim().is_empty()) {
                let fault: FaultSpec =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
                let value: serde_json::Value = serde_json::from_str(line).expect("JSON");
                kinds.insert(value["kind"].as_str().expect("a kind").to_owned());
                emu.set_fault(fault)
                    .unwrap_or_else(|e| panic!("{line}: {e}"));
                faults += 1;
            }
        }
    }
    assert_eq!(kinds.len(), 7, "one example per fault kind: {kinds:?}");
    assert_eq!(
        faults, 10,
        "and three that target an endpoint (job status, the upload target, the prep upload)"
    );
}

#[tokio::test]
async fn the_guides_admin_curl_examples_work() {
    let emu = Emulator::start().await.expect("starts");
    let block = guide_blocks("sh")
        .into_iter()
        .find(|b| b.starts_with("A=http://127.0.0.1:8080/admin\n"))
        .expect("the admin examples");
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let mut statuses = Vec::new();
    for line in block.lines().skip(1) {
        // `curl [-X METHOD] $A/PATH [-d 'JSON']`
        let words: Vec<&str> = line.splitn(2, " -d ").collect();
        let body = words
            .get(1)
            .map(|d| d.trim().trim_matches('\'').to_owned())
            .unwrap_or_default();
        let mut parts = words[0].split_whitespace();
        assert_eq!(parts.next(), Some("curl"), "{line}");
        let mut method = if body.is_empty() { "GET" } else { "POST" };
        let mut target = parts.next().expect("a URL");
        if target == "-X" {
            method = parts.next().expect("a method");
            target = parts.next().expect("a URL");
        }
        let path = target.strip_prefix("$A").expect("a path under $A");
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", emu.admin_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .expect("a request");
        let response = http.request(request).await.expect("answered");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        assert!(
            status.is_success(),
            "{line}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        if !bytes.is_empty() {
            let _: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON answer");
        }
        statuses.push(status.as_u16());
    }
    // A job and a fault created, the callback log read, a reset.
    assert_eq!(statuses, [201, 201, 200, 204]);
    // The last example reset the emulator.
    assert_eq!(emu.jobs().len(), 5);
    assert!(emu.faults().is_empty());
}
