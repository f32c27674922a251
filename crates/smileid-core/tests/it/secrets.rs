//! The API key never shows in Debug, Display, errors or logs; signatures
//! never show in Debug or logs.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::*;
use serde_json::json;
use smileid_core::{
    Client, ClientBuilder, Environment, Error, JobStatusQuery, RetryPolicy, TransportError,
    TransportErrorKind, WaitPolicy,
};
use smileid_sign::Signer;

const SECRET: &str = "very-secret-api-key-4711";

/// The tests of this file run one at a time: `tracing` caches per call site
/// whether anyone listens, and a call site first reached on a thread with no
/// subscriber while the log test installs its own can stay cached as
/// "nobody listens", dropping the span the log test looks for.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn secret_signer() -> Signer {
    Signer::new(PARTNER_ID, SECRET).unwrap()
}

fn signed_pending(complete: bool) -> bytes::Bytes {
    signed_with(
        &secret_signer(),
        "2026-08-21T12:00:00.000Z",
        json!({"job_complete": complete, "job_success": complete, "code": "2314", "result": "No zip file received"}),
    )
}

fn assert_clean(text: &str, signatures: &[String]) {
    assert!(!text.contains(SECRET), "API key leaked: {text}");
    for sig in signatures {
        assert!(!text.contains(sig.as_str()), "signature leaked: {text}");
    }
}

#[test]
fn debug_and_display_never_show_the_key_or_signatures() {
    let _serial = serial();
    let response_signature = secret_signer().sign("2026-08-21T12:00:00.000Z").signature;
    let transport = Scripted::new([
        respond(200, signed_pending(false)),
        respond(401, fixture("error_2205_unauthorized.json")),
        respond(502, fixture("error_502_html.txt")),
        respond(200, fixture("job_status_bad_signature.json")),
        respond(200, "<html/>"),
        Reply::Fail(TransportError::msg(TransportErrorKind::Connect, "refused")),
        respond(200, signed_pending(false)),
        respond(200, signed_pending(false)),
    ]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, SECRET)
        .retry_policy(RetryPolicy::none())
        .build(transport.clone(), timer)
        .unwrap();
    let builder: ClientBuilder = Client::builder(PARTNER_ID, SECRET);
    let q = JobStatusQuery::new("user-1", "job-1");

    let status = block_on(client.job_status(&q)).unwrap();
    let mut texts = vec![
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{status:?}"),
        format!("{status:#?}"),
        format!("{:?}", status.response()),
    ];
    let mut errors: Vec<Error> = Vec::new();
    for _ in 0..5 {
        errors.push(block_on(client.job_status(&q)).unwrap_err());
    }
    errors.push(
        block_on(client.wait_for_completion(&q, &WaitPolicy::default().with_max_polls(2)))
            .unwrap_err(),
    );
    errors.push(block_on(client.job_status(&JobStatusQuery::new("", "j"))).unwrap_err());
    errors.push(
        Client::builder("", SECRET)
            .build(Scripted::default(), FakeTimer::default())
            .unwrap_err(),
    );
    errors.push(
        Client::builder(PARTNER_ID, SECRET)
            .environment(Environment::custom(format!(
                "http://x:{SECRET}@h.example/v1"
            )))
            .build(Scripted::default(), FakeTimer::default())
            .unwrap_err(),
    );
    let kinds: Vec<_> = errors.iter().map(Error::kind).collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    for err in &errors {
        texts.push(format!("{err:?}"));
        texts.push(format!("{err:#?}"));
        texts.push(err.to_string());
        texts.push(err.hint().unwrap_or_default().to_owned());
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            texts.push(s.to_string());
            texts.push(format!("{s:?}"));
            source = s.source();
        }
    }
    let request_signatures: Vec<String> = transport
        .bodies()
        .iter()
        .map(|b| b["signature"].as_str().unwrap().to_owned())
        .collect();
    let mut signatures = request_signatures;
    signatures.push(response_signature);
    for text in &texts {
        assert_clean(text, &signatures);
    }
    // The texts are real: they name what they describe.
    assert!(texts[0].contains("085"));
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything `f` logs at any level, with span closes, as text.
fn capture_logs(f: impl FnOnce()) -> String {
    let _serial = serial();
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}

#[test]
fn logs_have_ids_status_and_latency_but_no_key_or_signature() {
    let transport = Scripted::new([
        respond(503, ""),
        respond(200, signed_pending(false)),
        respond(200, signed_pending(true)),
    ]);
    let client = Client::builder(PARTNER_ID, SECRET)
        .rng_seed(1)
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    let logs = capture_logs(|| {
        let q = JobStatusQuery::new("user-1", "job-1");
        block_on(client.job_status(&q)).unwrap();
        block_on(client.wait_for_completion(&q, &WaitPolicy::fixed(Duration::from_secs(1))))
            .unwrap();
    });
    for needle in [
        "smileid.job_status",
        "smileid.attempt",
        "smileid.wait_for_completion",
        "smileid.poll{poll=1}",
        "user_id=\"user-1\"",
        "job_id=\"job-1\"",
        "attempt=2",
        "http.status=503",
        "http.status=200",
        "latency_ms=",
        "retrying",
    ] {
        assert!(logs.contains(needle), "missing {needle} in:\n{logs}");
    }
    let mut signatures: Vec<String> = transport
        .bodies()
        .iter()
        .map(|b| b["signature"].as_str().unwrap().to_owned())
        .collect();
    signatures.push(secret_signer().sign("2026-08-21T12:00:00.000Z").signature);
    assert_clean(&logs, &signatures);
}

/// The web token, a bearer credential, shows in no log line, error or
/// `Debug` output; the call's span and ids do.
#[test]
fn the_web_token_never_shows_in_logs_or_errors() {
    use smileid_core::WebTokenQuery;
    use smileid_types::Product;
    const TOKEN: &str = "b3KpWq9ZtX2mN7sLcV4hR8jD1fG6yE0uA5oI";
    let transport = Scripted::new([
        respond(503, ""),
        respond(200, smileid_testkit::fixtures::WEB_TOKEN_RESPONSE),
        // A token in a refusal's text is not echoed either (the body
        // snippet of a non-JSON error is the only place a body shows).
        respond(200, format!(r#"{{"success": false, "token": "{TOKEN}"}}"#)),
    ]);
    let client = Client::builder(PARTNER_ID, SECRET)
        .rng_seed(1)
        .build(transport, FakeTimer::default())
        .unwrap();
    let query = WebTokenQuery::new("user-1", "job-1", Product::BiometricKyc);
    let mut texts = Vec::new();
    let logs = capture_logs(|| {
        let token = block_on(client.send(&query)).unwrap();
        assert_eq!(token.expose_secret(), TOKEN);
        texts.push(format!("{token:?}"));
        let err = block_on(client.send(&query)).unwrap_err();
        texts.push(format!("{err} {err:?} {:?}", err.hint()));
    });
    for needle in [
        "smileid.token",
        "user_id=\"user-1\"",
        "product=\"biometric_kyc\"",
    ] {
        assert!(logs.contains(needle), "missing {needle} in:\n{logs}");
    }
    texts.push(logs);
    for text in &texts {
        assert!(!text.contains(TOKEN), "{text}");
    }
}
