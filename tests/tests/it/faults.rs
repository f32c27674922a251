//! The fault matrix, through the library: `smileid_hyper::Client` against
//! the emulator's injected faults (over TLS) and against scripted raw TCP
//! servers (`smileid_testkit::raw_http`) for what the emulator cannot do.
//!
//! Every case configures short limits (500 ms request timeout, 2 retries,
//! 20-100 ms backoffs, a 64 KiB body cap) and checks four things: the error
//! kind (and its details), how many attempts the server saw (bounded
//! retries), that the call ended (a hang is stopped 10 s past its own
//! deadline), and that nothing panicked. The same faults
//! are run through the `smileid` command in
//! `crates/smileid-cli/tests/faults_cli.rs`; `docs/security.md` has the table.

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use smileid_emulator::{Emulator, EmulatorHandle, FaultSpec};
use smileid_hyper::{
    Client, Error, ErrorKind, JobStatus, JobStatusQuery, RetryPolicy, SignatureFailure, Signer,
    TransportErrorKind,
};
use smileid_testkit::raw_http::{self, RawServer, Reply};

/// The transport's limit for one attempt.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);
/// Retries after the first attempt.
const RETRIES: u32 = 2;
/// The most attempts one call may make.
pub(crate) const ATTEMPTS: usize = RETRIES as usize + 1;
/// The largest backoff between attempts.
const MAX_BACKOFF: Duration = Duration::from_millis(100);
/// The response body cap.
const MAX_BODY: usize = 64 * 1024;
/// Slack for "no hang": scheduling, TLS handshakes, a loaded machine.
const MARGIN: Duration = Duration::from_secs(2);

fn retry_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(RETRIES)
        .with_initial_backoff(Duration::from_millis(20))
        .with_max_backoff(MAX_BACKOFF)
        .with_max_retry_after(Duration::from_secs(5))
}

/// The longest a call may take when every attempt runs into the timeout,
/// plus `extra` (honoured `Retry-After` waits).
fn deadline(extra: Duration) -> Duration {
    REQUEST_TIMEOUT * ATTEMPTS as u32 + MAX_BACKOFF * RETRIES + extra + MARGIN
}

fn raw_client(base_url: &str) -> Client {
    Client::builder(raw_http::PARTNER_ID, raw_http::API_KEY)
        .insecure_loopback_base_url(base_url)
        .request_timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .max_body_bytes(MAX_BODY)
        .retry_policy(retry_policy())
        .build()
        .expect("valid client settings")
}

pub(crate) async fn emulator() -> EmulatorHandle {
    Emulator::builder()
        .partner_id(raw_http::PARTNER_ID)
        .api_key(raw_http::API_KEY)
        .tls(true)
        .start()
        .await
        .expect("the emulator starts")
}

pub(crate) fn emulator_client(emulator: &EmulatorHandle) -> Client {
    Client::builder(emulator.partner_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .add_root_certificates_pem(emulator.ca_cert_pem().expect("a TLS emulator").as_bytes())
        .built_in_roots(false)
        .request_timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .max_body_bytes(MAX_BODY)
        .retry_policy(retry_policy())
        .build()
        .expect("valid client settings")
}

fn query() -> JobStatusQuery {
    JobStatusQuery::new("demo-user", "demo-approved")
}

/// Panics anywhere in this process: in a test, but also in a background
/// task of hyper or of the emulator, or in a raw server's thread, which
/// would otherwise go unnoticed.
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

/// Runs one job status call and checks that nothing panicked. `limit` is
/// the call's own worst case (every attempt timing out, every backoff); the
/// call is stopped as hung 10 s past it. How long calls take is measured by
/// the benchmarks, not asserted here.
async fn call(client: &Client, limit: Duration) -> Result<JobStatus, Error> {
    count_panics();
    let result = tokio::time::timeout(limit + Duration::from_secs(10), client.job_status(&query()))
        .await
        .expect("the call hung");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
    result
}

fn expect_err(result: Result<JobStatus, Error>) -> Error {
    match result {
        Ok(status) => panic!("expected an error, got {status:?}"),
        Err(e) => e,
    }
}

fn transport_kind(error: &Error) -> TransportErrorKind {
    match error {
        Error::Transport(e) => e.kind(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// A call to `server` that must fail within `deadline(extra)`.
async fn raw_err_within(server: &RawServer, extra: Duration) -> Error {
    let client = raw_client(&server.base_url());
    expect_err(call(&client, deadline(extra)).await)
}

/// A call to a raw server that always sends `reply`, which must fail within
/// `deadline(Duration::ZERO)`; the server comes back for its hit count.
async fn raw_err(reply: Reply) -> (RawServer, Error) {
    let server = RawServer::always(reply);
    let error = raw_err_within(&server, Duration::ZERO).await;
    (server, error)
}

/// A call to a TLS emulator with `fault` set that must fail within
/// `deadline(Duration::ZERO)`; the emulator comes back for its fault hits.
async fn emulator_err(fault: FaultSpec) -> (EmulatorHandle, Error) {
    let emulator = emulator().await;
    emulator.set_fault(fault).unwrap();
    let client = emulator_client(&emulator);
    let error = expect_err(call(&client, deadline(Duration::ZERO)).await);
    (emulator, error)
}

/// The hits of the only fault set on `emulator`.
fn fault_hits(emulator: &EmulatorHandle) -> u64 {
    let faults = emulator.faults();
    assert_eq!(faults.len(), 1, "{faults:?}");
    faults[0].hits
}

// ----- the canned bodies are what they claim -----

#[test]
fn canned_signatures_are_valid() {
    let signer = Signer::new(raw_http::PARTNER_ID, raw_http::API_KEY).unwrap();
    assert_eq!(
        signer.sign(raw_http::TIMESTAMP).signature,
        raw_http::SIGNATURE
    );
    let other = Signer::new(raw_http::PARTNER_ID, raw_http::OTHER_API_KEY).unwrap();
    assert_eq!(
        other.sign(raw_http::TIMESTAMP).signature,
        raw_http::OTHER_SIGNATURE
    );
}

#[test]
fn http_dates_match_httpdate() {
    for secs in [0, 784_111_777, 1_787_313_600, 951_782_400, 4_102_444_800] {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(raw_http::http_date(t), httpdate::fmt_http_date(t), "{secs}");
    }
}

#[tokio::test]
async fn a_well_behaved_raw_server_is_answered_normally() {
    for (body, complete) in [
        (raw_http::pending_body(), false),
        (raw_http::complete_body(), true),
    ] {
        let server = RawServer::always(raw_http::json(200, body));
        let client = raw_client(&server.base_url());
        let status = call(&client, deadline(Duration::ZERO)).await.unwrap();
        assert_eq!(status.is_complete(), complete);
        assert_eq!(server.hits(), 1);
    }
}

// ----- no response -----

#[tokio::test]
async fn latency_beyond_the_timeout_is_a_timeout_after_bounded_retries() {
    let (emulator, error) = emulator_err(FaultSpec::latency(Duration::from_secs(3))).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
    assert_eq!(fault_hits(&emulator), ATTEMPTS as u64);
}

#[tokio::test]
async fn a_silent_raw_server_is_a_timeout_after_bounded_retries() {
    let (server, error) = raw_err(Reply::Silent(Duration::from_secs(5))).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let client = raw_client(&raw_http::refused_base_url());
    let error = expect_err(call(&client, deadline(Duration::ZERO)).await);
    assert_eq!(transport_kind(&error), TransportErrorKind::Connect);
    assert!(error.is_retryable());
    // One line that says why, nothing sent.
    let text = error.to_string();
    assert!(
        text.starts_with("request not sent: could not connect: "),
        "{text}"
    );
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_that_says_so_and_is_not_retried() {
    let emulator = emulator().await;
    // The emulator's CA is not added: only the built-in roots are trusted.
    let client = Client::builder(emulator.partner_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .request_timeout(REQUEST_TIMEOUT)
        .retry_policy(retry_policy())
        .build()
        .expect("valid client settings");
    let error = expect_err(call(&client, deadline(Duration::ZERO)).await);
    assert_eq!(transport_kind(&error), TransportErrorKind::Tls);
    assert!(!error.is_retryable());
    let text = error.to_string();
    assert!(
        text.starts_with("request not sent: TLS: certificate not trusted (UnknownIssuer)"),
        "{text}"
    );
    let hint = error.hint().expect("a hint");
    assert!(hint.contains("--ca-cert"), "{hint}");
    assert!(hint.contains("add_root_certificates_pem"), "{hint}");
    assert!(!hint.contains("retried"), "{hint}");
    // The policy the client used does not retry it.
    assert_eq!(retry_policy().decide(0, &error, 0.5), None);

    // A call that creates a job: nothing was sent, so its outcome is known.
    let lookup = smileid_hyper::IdVerification::new("u-tls", "j-tls", "NG", "BVN", "00000000000");
    let error = client.send(&lookup).await.unwrap_err();
    assert_eq!(transport_kind(&error), TransportErrorKind::Tls);
    assert!(emulator.job("u-tls", "j-tls").is_none());
}

#[tokio::test]
async fn a_reset_before_the_response_is_an_io_error_after_bounded_retries() {
    let (server, error) = raw_err(Reply::Reset).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Io);
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_dropped_connection_at_the_emulator_is_an_io_error() {
    let (emulator, error) = emulator_err(FaultSpec::drop_connection()).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Io);
    assert_eq!(fault_hits(&emulator), ATTEMPTS as u64);
}

#[tokio::test]
async fn a_reset_mid_body_is_an_io_error_after_bounded_retries() {
    let (server, error) = raw_err(raw_http::reset_mid_body()).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Io);
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_body_cut_short_at_the_emulator_is_an_io_error() {
    let (emulator, error) = emulator_err(FaultSpec::truncated_body()).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Io);
    assert_eq!(fault_hits(&emulator), ATTEMPTS as u64);
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap_without_retries() {
    let (server, error) = raw_err(Reply::Endless).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::BodyTooLarge);
    assert!(!error.is_retryable());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_body_dripped_one_byte_a_second_is_a_timeout() {
    let (server, error) = raw_err(raw_http::drip(Duration::from_secs(1))).await;
    assert_eq!(transport_kind(&error), TransportErrorKind::Timeout);
    assert_eq!(server.hits(), ATTEMPTS);
}

// ----- error statuses -----

#[tokio::test]
async fn an_html_502_is_an_api_error_with_a_snippet_after_bounded_retries() {
    let (emulator, error) = emulator_err(FaultSpec::html_502()).await;
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.api_code(), None);
    match &error {
        Error::Api(api) => {
            let snippet = api.body_snippet().unwrap_or_default();
            assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
            assert!(!snippet.contains('\n'), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fault_hits(&emulator), ATTEMPTS as u64);
}

#[tokio::test]
async fn a_raw_html_502_is_an_api_error_after_bounded_retries() {
    let (server, error) = raw_err(raw_http::html_502()).await;
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(502));
    assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_burst_of_500s_shorter_than_the_retries_ends_in_success() {
    let emulator = emulator().await;
    emulator
        .set_fault(FaultSpec::http_error(500, "2201", "System error").count(RETRIES))
        .unwrap();
    let client = emulator_client(&emulator);
    let status = call(&client, deadline(Duration::ZERO)).await.unwrap();
    assert!(status.is_complete());
    // Both faulted attempts were used up, and the third one was answered.
    assert!(emulator.faults().is_empty());
    let job = emulator.job("demo-user", "demo-approved").unwrap();
    assert_eq!(job.polls, 1);
}

#[tokio::test]
async fn a_raw_burst_of_500s_then_success() {
    let server = RawServer::start(|n| {
        if n < RETRIES as usize {
            raw_http::system_error_500()
        } else {
            raw_http::json(200, raw_http::pending_body())
        }
    });
    let client = raw_client(&server.base_url());
    let status = call(&client, deadline(Duration::ZERO)).await.unwrap();
    assert!(!status.is_complete());
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_burst_of_500s_longer_than_the_retries_is_an_api_error() {
    let (emulator, error) =
        emulator_err(FaultSpec::http_error(500, "2201", "System error").count(10)).await;
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.api_code(), Some("2201"));
    assert_eq!(emulator.faults()[0].remaining, Some(10 - ATTEMPTS as u32));
}

#[tokio::test]
async fn a_429_with_retry_after_seconds_is_honoured_then_reported() {
    let emulator = emulator().await;
    emulator.set_fault(FaultSpec::rate_limited(1)).unwrap();
    let client = emulator_client(&emulator);
    let started = Instant::now();
    let error = expect_err(call(&client, deadline(Duration::from_secs(2))).await);
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(fault_hits(&emulator), ATTEMPTS as u64);
    // Each retry waited for the server's Retry-After (1 s), not the
    // 20-100 ms backoff. A lower bound only: it cannot flake on a slow machine.
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[tokio::test]
async fn a_429_with_a_near_http_date_is_honoured_then_reported() {
    let server = RawServer::start(|_| {
        raw_http::too_many_requests(&raw_http::http_date(
            SystemTime::now() + Duration::from_secs(1),
        ))
    });
    let error = raw_err_within(&server, Duration::from_secs(4)).await;
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(429));
    let wait = error.retry_after().expect("the date was read");
    assert!(wait <= Duration::from_secs(2), "{wait:?}");
    assert_eq!(server.hits(), ATTEMPTS);
}

#[tokio::test]
async fn a_429_with_a_far_http_date_is_reported_at_once() {
    let server = RawServer::start(|_| {
        raw_http::too_many_requests(&raw_http::http_date(
            SystemTime::now() + Duration::from_secs(3600),
        ))
    });
    let error = raw_err_within(&server, Duration::ZERO).await;
    assert_eq!(error.http_status().map(|s| s.as_u16()), Some(429));
    let wait = error.retry_after().expect("the date was read");
    assert!(
        wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
    // Longer than max_retry_after: no retry, the caller decides.
    assert_eq!(server.hits(), 1);
}

// ----- answers that are not trusted or not understood -----

#[tokio::test]
async fn a_response_without_a_signature_is_refused() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::unsigned_body())).await;
    assert!(
        matches!(error, Error::Signature(e) if e.failure() == SignatureFailure::Missing),
        "{error:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_wrong_signature_from_the_emulator_is_refused() {
    let (emulator, error) = emulator_err(FaultSpec::wrong_signature()).await;
    assert!(
        matches!(error, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{error:?}"
    );
    assert_eq!(fault_hits(&emulator), 1);
}

#[tokio::test]
async fn a_raw_wrong_signature_is_refused() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::wrongly_signed_body())).await;
    assert!(
        matches!(error, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch),
        "{error:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::truncated_json_body())).await;
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::invalid_utf8_body())).await;
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn signed_json_of_the_wrong_shape_is_a_decode_error_with_a_path() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::wrong_shape_body())).await;
    match &error {
        Error::Decode(decode) => assert_eq!(decode.path(), "job_complete"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_a_decode_error() {
    let (server, error) = raw_err(raw_http::json(200, raw_http::nested_body(10_000))).await;
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    assert!(error.to_string().len() < 1000, "{error}");
    assert_eq!(server.hits(), 1);
}
