//! Secrets never leak: one full session against the emulator over TLS
//! (success, API error, bad signature, timeout, wait, callback) with a
//! tracing subscriber capturing everything at TRACE level (events, span
//! fields, span open and close, `log` records), and `Debug` (and `Display`
//! where implemented) of every public value involved. Neither the API key
//! nor any request, response or callback signature may appear anywhere.
//!
//! Not checked, by nature: `http::Request`/`http::Response` values and
//! [`JobStatus::raw_json`](smileid_core::JobStatus::raw_json), which hold
//! the signed bodies byte for byte.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use smileid_core::{
    CallbackPolicy, CallbackVerifier, Client, Environment, Error, HttpTransport, JobStatusQuery,
    RetryPolicy, TransportError, WaitPolicy, build_job_status_request, verify_callback,
};
use smileid_emulator::{Emulator, FaultSpec, JobSpec, PresetOutcome};
use smileid_hyper::{HyperTransport, TokioTimer};
use smileid_sign::{ApiKey, Signer};
use smileid_testkit::raw_http::{self, RawServer};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt as _;

const PARTNER_ID: &str = "085";
/// A key distinctive enough that any occurrence is a leak.
const API_KEY: &str = "sk-LEAKCHECK-0b6e0d4c7d3a49f1a2c5";

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

/// A transport that keeps every request and response body it carries, so
/// that the test knows every signature that went over the wire.
#[derive(Clone)]
struct Recorder {
    inner: HyperTransport,
    bodies: Arc<Mutex<Vec<Bytes>>>,
}

impl HttpTransport for Recorder {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        let this = self.clone();
        async move {
            this.keep(request.body().clone());
            let response = this.inner.send(request).await?;
            this.keep(response.body().clone());
            Ok(response)
        }
    }
}

impl Recorder {
    fn keep(&self, body: Bytes) {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(body);
    }

    fn bodies(&self) -> Vec<Bytes> {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The `signature` of a JSON object, if it has one.
fn signature_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value.get("signature")?.as_str()?.to_owned())
}

/// `Debug`, alternate `Debug` and `Display` of an error, and its sources.
fn error_texts(error: &dyn std::error::Error, debug: String, pretty: String) -> Vec<String> {
    let mut texts = vec![debug, pretty, error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        texts.push(format!("{e} / {e:?}"));
        source = e.source();
    }
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_debug_or_display() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_target(true)
        .with_writer(move || writer.clone())
        .finish()
        .try_init()
        .expect("the only subscriber of this test binary");

    let mut shown: Vec<String> = Vec::new();

    // ----- the emulator and a client with a recording transport -----
    let callbacks = RawServer::always(raw_http::json(200, "{}"));
    let emulator = Emulator::builder()
        .partner_id(PARTNER_ID)
        .api_key(API_KEY)
        .tls(true)
        .callback_backoff(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
    emulator
        .add_job(
            JobSpec::new("user-cb", "job-cb")
                .job_type(5)
                .outcome(PresetOutcome::Approved)
                .complete_after_polls(1)
                .callback_url(format!("http://{}/callback", callbacks.addr())),
        )
        .unwrap();
    let ca = emulator.ca_cert_pem().unwrap().to_owned();
    let transport = HyperTransport::builder()
        .add_root_certificates_pem(ca.as_bytes())
        .built_in_roots(false)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    shown.push(format!("{transport:?} {transport:#?}"));
    let recorder = Recorder {
        inner: transport,
        bodies: Arc::default(),
    };
    let api_key = ApiKey::new(API_KEY);
    shown.push(format!("{api_key:?} {api_key:#?} {api_key}"));
    let builder = Client::builder(PARTNER_ID, api_key.clone())
        .environment(Environment::custom(emulator.base_url()))
        .retry_policy(RetryPolicy::none())
        // Above the transport's 300 ms, as smileid-hyper's Client sets it, so
        // the transport's own timeout (and its log line) always fires first.
        .attempt_timeout(Some(Duration::from_millis(1300)));
    shown.push(format!("{builder:?} {builder:#?}"));
    let client = builder
        .build(recorder.clone(), TokioTimer::new())
        .expect("valid settings");
    shown.push(format!("{client:?} {client:#?}"));
    let signer = client.signer().clone();
    shown.push(format!("{signer:?} {signer:#?}"));
    let signed = signer.sign_at(SystemTime::now());
    shown.push(format!("{signed:?} {signed:#?}"));
    shown.push(format!("{:?}", client.environment()));
    shown.push(format!("{:?} {}", client.base_url(), client.base_url()));

    // The high-level client, built from the same key (Debug only).
    let hyper_builder = smileid_hyper::Client::builder(PARTNER_ID, api_key.clone())
        .base_url(emulator.base_url())
        .add_root_certificates_pem(ca.as_bytes());
    shown.push(format!("{hyper_builder:?} {hyper_builder:#?}"));
    let hyper_client = hyper_builder.build().unwrap();
    shown.push(format!("{hyper_client:?} {hyper_client:#?}"));

    // ----- success -----
    let query = JobStatusQuery::new("demo-user", "demo-approved").with_history(true);
    shown.push(format!("{query:?} {query:#?}"));
    let status = client.job_status(&query).await.expect("success");
    shown.push(format!("{status:?} {status:#?}"));
    shown.push(format!("{:?}", status.response()));
    shown.push(format!("{:?}", status.outcome()));

    // A request as build_job_status_request makes it: its decoded body's
    // Debug must not show the signature either.
    let request =
        build_job_status_request(&signer, client.base_url(), &query, SystemTime::now()).unwrap();
    let request_signature = signature_of(request.body()).expect("a signed request");
    let decoded: smileid_types::JobStatusRequest = serde_json::from_slice(request.body()).unwrap();
    shown.push(format!("{decoded:?} {decoded:#?}"));

    // ----- an API error -----
    emulator
        .set_fault(FaultSpec::http_error(401, "2205", "You're not authorized to do that").count(1))
        .unwrap();
    let error = client.job_status(&query).await.expect_err("2205");
    assert_eq!(error.api_code(), Some("2205"));
    shown.extend(error_texts(
        &error,
        format!("{error:?}"),
        format!("{error:#?}"),
    ));

    // ----- a response signed with another key -----
    emulator
        .set_fault(FaultSpec::wrong_signature().count(1))
        .unwrap();
    let error = client.job_status(&query).await.expect_err("bad signature");
    assert!(matches!(error, Error::Signature(_)), "{error:?}");
    shown.extend(error_texts(
        &error,
        format!("{error:?}"),
        format!("{error:#?}"),
    ));

    // ----- a timeout -----
    emulator
        .set_fault(FaultSpec::latency(Duration::from_secs(2)).count(1))
        .unwrap();
    let error = client.job_status(&query).await.expect_err("timeout");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    shown.extend(error_texts(
        &error,
        format!("{error:?}"),
        format!("{error:#?}"),
    ));

    // ----- a wait, which also completes the callback job -----
    let policy = WaitPolicy::fixed(Duration::from_millis(10)).with_max_polls(10);
    shown.push(format!("{policy:?}"));
    let mut events = Vec::new();
    let status = client
        .wait_for_completion_with(
            &JobStatusQuery::new("demo-user", "demo-pending"),
            &policy,
            |e| events.push(format!("{e:?} {e:#?}")),
        )
        .await
        .expect("the demo job completes");
    assert!(events.len() >= 3, "{events:?}");
    shown.extend(events);
    shown.push(format!("{status:?}"));
    let status = client
        .wait_for_completion(&JobStatusQuery::new("user-cb", "job-cb"), &policy)
        .await
        .expect("the callback job completes");
    shown.push(format!("{status:?}"));
    let error = client
        .wait_for_completion(
            &JobStatusQuery::new("nobody", "never"),
            &policy.with_max_polls(2),
        )
        .await
        .expect_err("never completes");
    assert!(matches!(error, Error::WaitTimedOut { .. }), "{error:?}");
    shown.extend(error_texts(
        &error,
        format!("{error:?}"),
        format!("{error:#?}"),
    ));

    // ----- the callback -----
    let deliveries = emulator
        .wait_for_callback_deliveries(1, Duration::from_secs(10))
        .await;
    shown.push(format!("{deliveries:?}"));
    let callback = callbacks
        .request_bodies()
        .into_iter()
        .next()
        .expect("a callback");
    let callback_signature = signature_of(&callback).expect("a signed callback");
    let verifier = CallbackVerifier::with_policy(signer.clone(), CallbackPolicy::default());
    shown.push(format!("{verifier:?} {verifier:#?}"));
    let verified = verifier.verify_now(&callback).expect("a genuine callback");
    shown.push(format!("{verified:?} {verified:#?}"));
    shown.push(format!("{:?} {:#?}", verified.body(), verified.result()));
    let stale = verify_callback(
        &signer,
        &callback,
        SystemTime::now() + Duration::from_secs(3600),
        &CallbackPolicy::default(),
    )
    .expect_err("stale");
    shown.extend(error_texts(
        &stale,
        format!("{stale:?}"),
        format!("{stale:#?}"),
    ));
    let stranger = Signer::new(PARTNER_ID, "another-key").unwrap();
    let foreign = verify_callback(
        &stranger,
        &callback,
        SystemTime::now(),
        &CallbackPolicy::default(),
    )
    .expect_err("another key");
    shown.extend(error_texts(
        &foreign,
        format!("{foreign:?}"),
        format!("{foreign:#?}"),
    ));
    emulator.shutdown().await;

    // ----- every signature that went over the wire -----
    let mut signatures: Vec<String> = recorder
        .bodies()
        .iter()
        .filter_map(|body| signature_of(body))
        .collect();
    signatures.push(request_signature);
    signatures.push(callback_signature);
    signatures.push(signed.signature.clone());
    signatures.sort();
    signatures.dedup();
    // At least: the requests, the good and the foreign response signatures,
    // the callback's.
    assert!(signatures.len() >= 10, "{signatures:?}");
    assert!(signatures.iter().all(|s| s.len() == 44), "{signatures:?}");

    // ----- the checks -----
    let logs = capture.text();
    // The capture really captured the session: spans with their fields,
    // the retry/poll events, the transport's own events.
    for expected in [
        "smileid.job_status",
        "smileid.wait_for_completion",
        "smileid.attempt",
        "user_id=\"demo-user\"",
        "http.status=200",
        "smileid request timed out",
        "TRACE",
    ] {
        assert!(logs.contains(expected), "`{expected}` not logged:\n{logs}");
    }
    let everything = format!("{logs}\n{}", shown.join("\n"));
    assert!(
        everything.contains("[REDACTED]"),
        "no redaction marker shown"
    );
    let mut leaks = Vec::new();
    if everything.contains(API_KEY) {
        leaks.push("the API key".to_owned());
    }
    for signature in &signatures {
        if everything.contains(signature.as_str()) {
            leaks.push(format!("signature {signature}"));
        }
    }
    if !leaks.is_empty() {
        let lines: Vec<&str> = everything
            .lines()
            .filter(|l| l.contains(API_KEY) || signatures.iter().any(|s| l.contains(s.as_str())))
            .take(20)
            .collect();
        panic!("leaked: {leaks:?}\n{}", lines.join("\n"));
    }
}
