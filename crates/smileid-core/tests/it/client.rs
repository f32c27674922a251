//! The client through fake transports and a fake timer: the retry matrix.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::*;
use bytes::Bytes;
use serde_json::Value;
use smileid_core::{
    Client, Environment, Error, ErrorKind, JobStatusQuery, RetryPolicy, SignatureFailure,
    TransportError, TransportErrorKind,
};

fn query() -> JobStatusQuery {
    JobStatusQuery::new("user-1", "job-1")
}

fn fail(kind: TransportErrorKind) -> Reply {
    Reply::Fail(TransportError::msg(kind, "scripted failure"))
}

fn with_retry_after(status: u16, value: &str) -> Reply {
    let mut r = response(status, "");
    r.headers_mut()
        .insert("retry-after", value.parse().unwrap());
    Reply::Respond(r)
}

#[test]
fn a_closure_is_a_transport() {
    let client = Client::builder(PARTNER_ID, API_KEY)
        .build(
            |_req: http::Request<Bytes>| async { Ok(response(200, pending_body())) },
            FakeTimer::default(),
        )
        .unwrap();
    let status = block_on(client.job_status(&query())).unwrap();
    assert!(!status.is_complete());
}

#[test]
fn success_on_first_attempt() {
    let transport = Scripted::new([respond(200, complete_body())]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let status = block_on(client.job_status(&query())).unwrap();
    assert!(status.is_complete());
    assert_eq!(transport.count(), 1);
    assert!(timer.sleeps().is_empty());
    let request = &transport.requests()[0];
    assert_eq!(
        request.uri(),
        "https://testapi.smileidentity.com/v1/job_status"
    );
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    signer()
        .verify(
            body["timestamp"].as_str().unwrap(),
            body["signature"].as_str().unwrap(),
        )
        .unwrap();
}

#[test]
fn every_retryable_status_is_retried_up_to_the_limit() {
    for status in [408, 429, 500, 502, 503, 504] {
        let transport = Scripted::new((0..3).map(|_| respond(status, "")));
        let timer = FakeTimer::default();
        let client = client(transport.clone(), timer.clone());
        let err = block_on(client.job_status(&query())).unwrap_err();
        assert_eq!(err.http_status().map(|s| s.as_u16()), Some(status));
        assert_eq!(transport.count(), 3, "{status}: 1 attempt + 2 retries");
        assert_eq!(timer.sleeps().len(), 2, "{status}");
    }
}

#[test]
fn an_html_502_is_retried_and_reported_with_a_snippet() {
    let transport = Scripted::new((0..3).map(|_| respond(502, fixture("error_502_html.txt"))));
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let err = block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(transport.count(), 3);
    assert_eq!(timer.sleeps().len(), 2);
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), None);
    let snippet = api.body_snippet().unwrap();
    assert_eq!(api.status().as_u16(), 502);
    assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
    assert_eq!(err.operation(), "job_status");
}

#[test]
fn every_retryable_transport_error_is_retried_up_to_the_limit() {
    for kind in [
        TransportErrorKind::Connect,
        TransportErrorKind::Timeout,
        TransportErrorKind::Io,
    ] {
        let transport = Scripted::new((0..3).map(|_| fail(kind)));
        let timer = FakeTimer::default();
        let client = client(transport.clone(), timer.clone());
        let err = block_on(client.job_status(&query())).unwrap_err();
        let Error::Transport(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.kind(), kind);
        assert_eq!(transport.count(), 3, "{kind:?}");
        assert_eq!(timer.sleeps().len(), 2);
        assert_eq!(err.operation(), "job_status");
    }
}

#[test]
fn non_retryable_failures_are_returned_at_once() {
    type MakeReply = fn() -> Reply;
    let replies: Vec<(&str, MakeReply)> = vec![
        ("400", || {
            respond(400, fixture("error_2213_missing_parameter.json"))
        }),
        ("401", || {
            respond(401, fixture("error_2205_unauthorized.json"))
        }),
        ("403", || respond(403, "forbidden")),
        ("404", || respond(404, "not found")),
        ("301", || respond(301, "")),
        ("501", || respond(501, "")),
        ("bad signature", || {
            respond(200, fixture("job_status_bad_signature.json"))
        }),
        ("unsigned", || respond(200, r#"{"job_complete": true}"#)),
        ("not json", || respond(200, "<html></html>")),
        ("body too large", || fail(TransportErrorKind::BodyTooLarge)),
        ("other transport", || fail(TransportErrorKind::Other)),
    ];
    for (name, reply) in replies {
        let transport = Scripted::new([reply()]);
        let timer = FakeTimer::default();
        let client = client(transport.clone(), timer.clone());
        let err = block_on(client.job_status(&query())).unwrap_err();
        assert!(!err.is_retryable(), "{name}");
        assert_eq!(transport.count(), 1, "{name} must not be retried");
        assert!(timer.sleeps().is_empty(), "{name}");
    }
}

#[test]
fn retry_then_success_with_a_fresh_signature_per_attempt() {
    let transport = Scripted::new([
        respond(503, ""),
        fail(TransportErrorKind::Connect),
        respond(200, complete_body()),
    ]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let status = block_on(client.job_status(&query())).unwrap();
    assert!(status.is_complete());
    let bodies = transport.bodies();
    assert_eq!(bodies.len(), 3);
    for body in &bodies {
        signer()
            .verify(
                body["timestamp"].as_str().unwrap(),
                body["signature"].as_str().unwrap(),
            )
            .unwrap();
    }
    assert_ne!(bodies[0]["timestamp"], bodies[1]["timestamp"]);
    assert_ne!(bodies[1]["timestamp"], bodies[2]["timestamp"]);
    assert_ne!(bodies[0]["signature"], bodies[1]["signature"]);
    assert_ne!(bodies[1]["signature"], bodies[2]["signature"]);
}

#[test]
fn backoff_is_jittered_exponential_and_seedable() {
    let policy = RetryPolicy::default()
        .with_max_retries(4)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_millis(400));
    let run = |seed: u64| {
        let transport = Scripted::new((0..5).map(|_| respond(500, "")));
        let timer = FakeTimer::default();
        let client = Client::builder(PARTNER_ID, API_KEY)
            .retry_policy(policy)
            .rng_seed(seed)
            .build(transport, timer.clone())
            .unwrap();
        block_on(client.job_status(&query())).unwrap_err();
        timer.sleeps()
    };
    let sleeps = run(1);
    assert_eq!(sleeps.len(), 4);
    let ceilings = [100, 200, 400, 400].map(Duration::from_millis);
    for (sleep, ceiling) in sleeps.iter().zip(ceilings) {
        assert!(
            *sleep >= ceiling / 2 && *sleep <= ceiling,
            "{sleep:?} vs {ceiling:?}"
        );
    }
    assert_eq!(run(1), sleeps, "same seed, same delays");
    assert_ne!(run(2), sleeps, "another seed, other delays");
}

#[test]
fn retry_after_seconds_is_honoured() {
    let transport = Scripted::new([with_retry_after(429, "3"), respond(200, pending_body())]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    block_on(client.job_status(&query())).unwrap();
    assert_eq!(timer.sleeps(), [Duration::from_secs(3)]);
}

#[test]
fn retry_after_http_date_is_honoured_relative_to_the_timer() {
    let date = httpdate::fmt_http_date(epoch() + Duration::from_secs(5));
    let transport = Scripted::new([with_retry_after(503, &date), respond(200, pending_body())]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    block_on(client.job_status(&query())).unwrap();
    assert_eq!(timer.sleeps(), [Duration::from_secs(5)]);
}

#[test]
fn retry_after_at_the_cap_waits_and_over_the_cap_stops() {
    let transport = Scripted::new([with_retry_after(503, "30"), respond(200, pending_body())]);
    let timer = FakeTimer::default();
    block_on(client(transport, timer.clone()).job_status(&query())).unwrap();
    assert_eq!(timer.sleeps(), [Duration::from_secs(30)]);

    let transport = Scripted::new([with_retry_after(503, "31")]);
    let timer = FakeTimer::default();
    let err = block_on(client(transport.clone(), timer.clone()).job_status(&query())).unwrap_err();
    assert_eq!(transport.count(), 1);
    assert!(timer.sleeps().is_empty());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(31)));

    // A lower cap, chosen by the caller.
    let transport = Scripted::new([with_retry_after(429, "3")]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::default().with_max_retry_after(Duration::from_secs(2)))
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(transport.count(), 1);
}

#[test]
fn no_retries_when_the_policy_says_none() {
    let transport = Scripted::new([respond(503, "")]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(transport.count(), 1);
}

#[test]
fn a_hanging_attempt_times_out_and_is_retried() {
    let transport = Scripted::new([Reply::Hang, Reply::Hang, respond(200, pending_body())]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .attempt_timeout(Some(Duration::from_secs(10)))
        .rng_seed(3)
        .build(transport.clone(), timer.clone())
        .unwrap();
    block_on(client.job_status(&query())).unwrap();
    assert_eq!(transport.count(), 3);
    let sleeps = timer.sleeps();
    // timeout, backoff, timeout, backoff
    assert_eq!(sleeps.len(), 4);
    assert_eq!(sleeps[0], Duration::from_secs(10));
    assert_eq!(sleeps[2], Duration::from_secs(10));

    let transport = Scripted::new([Reply::Hang]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .build(transport, FakeTimer::default())
        .unwrap();
    let err = block_on(client.job_status(&query())).unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[test]
fn invalid_input_sends_nothing() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .build(
            move |_req: http::Request<Bytes>| {
                counter.fetch_add(1, Ordering::SeqCst);
                async { Ok(response(200, pending_body())) }
            },
            FakeTimer::default(),
        )
        .unwrap();
    for q in [
        JobStatusQuery::new("", "j"),
        JobStatusQuery::new("u", "j\n"),
        JobStatusQuery::new("u", "j".repeat(300)),
    ] {
        let err = block_on(client.job_status(&q)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = block_on(client.wait_for_completion(&q, &Default::default())).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn builder_errors_are_typed() {
    let t = |_req: http::Request<Bytes>| async { Ok(response(200, "")) };
    let err = Client::builder("", API_KEY)
        .build(t, FakeTimer::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.operation(), "build");

    let err = Client::builder(PARTNER_ID, " ")
        .build(t, FakeTimer::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);

    for url in [
        "http://api.example.com/v1",
        "http://127.0.0.1:9/v1",
        "https://u:p@api.example.com/v1",
        "https://api.example.com/v1?x=1",
        "https://api.example.com/v1#f",
        "ftp://api.example.com/v1",
        "::not a url::",
    ] {
        let err = Client::builder(PARTNER_ID, API_KEY)
            .environment(Environment::custom(url))
            .build(t, FakeTimer::default())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidBaseUrl, "{url}");
        assert_eq!(err.operation(), "build");
    }
    let err = Client::builder(PARTNER_ID, API_KEY)
        .environment(Environment::custom_insecure_loopback("http://10.1.2.3/v1"))
        .build(t, FakeTimer::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidBaseUrl);

    let err = Client::builder(PARTNER_ID, API_KEY)
        .user_agent_suffix("bad\nvalue")
        .build(t, FakeTimer::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidConfig);
}

#[test]
fn environments_and_user_agent_reach_the_request() {
    let transport = Scripted::new([respond(200, pending_body()), respond(200, pending_body())]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .environment(Environment::Production)
        .user_agent_suffix("smileid-hyper/0.1.0")
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    block_on(client.job_status(&query())).unwrap();
    let request = &transport.requests()[0];
    assert_eq!(request.uri(), "https://api.smileidentity.com/v1/job_status");
    let ua = format!(
        "smileid-core/{} smileid-hyper/0.1.0",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(request.headers()["user-agent"], ua.as_str());
    assert_eq!(client.user_agent(), ua);

    let loopback = Client::builder(PARTNER_ID, API_KEY)
        .environment(Environment::custom_insecure_loopback(
            "http://localhost:8080/v1/",
        ))
        .build(transport.clone(), FakeTimer::default())
        .unwrap();
    block_on(loopback.job_status(&query())).unwrap();
    assert_eq!(
        transport.requests()[1].uri(),
        "http://localhost:8080/v1/job_status"
    );
    assert!(loopback.base_url().is_insecure());
}

#[test]
fn futures_are_send() {
    fn assert_send<F: Send>(_: &F) {}
    let client = client(Scripted::default(), FakeTimer::default());
    let q = query();
    let fut = client.job_status(&q);
    assert_send(&fut);
    let policy = smileid_core::WaitPolicy::default();
    let wait = client.wait_for_completion(&q, &policy);
    assert_send(&wait);
}

#[test]
fn error_display_is_one_line_with_the_kind_and_the_innermost_cause() {
    let transport = Scripted::new([Reply::Fail(TransportError::new(
        TransportErrorKind::Connect,
        std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused\nby peer"),
    ))]);
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .build(transport, FakeTimer::default())
        .unwrap();
    let err = block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "request not sent: could not connect: refused by peer"
    );
    // The chain stays reachable for code that walks it.
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(source.to_string(), "could not connect: refused by peer");
    let root = source.source().unwrap();
    assert_eq!(root.to_string(), "refused\nby peer");
    assert!(err.hint().unwrap().contains("retried"));

    // With a context, both; a timeout is "no response received".
    let timeout = TransportError::new(
        TransportErrorKind::Timeout,
        std::io::Error::new(std::io::ErrorKind::TimedOut, "deadline"),
    )
    .with_context("POST https://api.example/v1/job_status");
    assert_eq!(
        Error::Transport(timeout).to_string(),
        "no response received: timed out: POST https://api.example/v1/job_status: deadline"
    );
    // A message only.
    let msg = TransportError::msg(TransportErrorKind::Timeout, "no response within 30s");
    assert_eq!(msg.to_string(), "timed out: no response within 30s");
}

#[test]
fn signature_failures_surface_from_the_client() {
    let transport = Scripted::new([respond(200, fixture("job_status_bad_signature.json"))]);
    let err = block_on(client(transport, FakeTimer::default()).job_status(&query())).unwrap_err();
    assert!(matches!(err, Error::Signature(e) if e.failure() == SignatureFailure::Mismatch));
}

#[test]
fn error_size_stays_small() {
    assert!(
        std::mem::size_of::<Error>() <= 128,
        "Error is {} bytes",
        std::mem::size_of::<Error>()
    );
}

#[test]
fn no_call_timeout_by_default() {
    let client = client(Scripted::default(), FakeTimer::default());
    assert_eq!(client.call_timeout(), None);
    assert_eq!(
        client.attempt_timeout(),
        Some(smileid_core::DEFAULT_ATTEMPT_TIMEOUT)
    );
}

#[test]
fn a_call_timeout_bounds_all_attempts_and_backoffs_together() {
    // Without it: three hanging attempts of 10 s each.
    let transport = Scripted::new([Reply::Hang, Reply::Hang, Reply::Hang]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .attempt_timeout(Some(Duration::from_secs(10)))
        .call_timeout(Some(Duration::from_secs(15)))
        .rng_seed(5)
        .build(transport.clone(), timer.clone())
        .unwrap();
    assert_eq!(client.call_timeout(), Some(Duration::from_secs(15)));
    let err = block_on(client.job_status(&query())).unwrap_err();
    // The first attempt times out at 10 s, the backoff fits, the second
    // attempt is cut when the call's 15 s are over; no third attempt.
    assert_eq!(transport.count(), 2);
    assert_eq!(timer.elapsed(), Duration::from_secs(15));
    let Error::Transport(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.kind(), TransportErrorKind::Timeout);
    assert!(e.to_string().contains("15s"), "{e}");
    assert!(err.is_retryable());
    let sleeps = timer.sleeps();
    assert_eq!(sleeps.len(), 3, "{sleeps:?}");
    assert_eq!(sleeps[0], Duration::from_secs(10));
    assert_eq!(sleeps[0] + sleeps[1] + sleeps[2], Duration::from_secs(15));
}

#[test]
fn a_backoff_past_the_call_timeout_is_not_slept() {
    let transport = Scripted::new([respond(503, "")]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::default().with_initial_backoff(Duration::from_secs(4)))
        .call_timeout(Some(Duration::from_secs(1)))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let err = block_on(client.job_status(&query())).unwrap_err();
    // The real error of the last attempt, not a timeout.
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(503));
    assert_eq!(transport.count(), 1);
    assert!(timer.sleeps().is_empty());

    // A Retry-After that would end past the limit is not waited for either.
    let mut busy = response(429, "");
    busy.headers_mut()
        .insert("retry-after", "20".parse().unwrap());
    let transport = Scripted::new([Reply::Respond(busy)]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .call_timeout(Some(Duration::from_secs(10)))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let err = block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(20)));
    assert_eq!(transport.count(), 1);
    assert!(timer.sleeps().is_empty());
}

#[test]
fn a_call_timeout_shorter_than_the_attempt_timeout_cuts_the_attempt() {
    let transport = Scripted::new([Reply::Hang]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .call_timeout(Some(Duration::from_secs(2)))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let err = block_on(client.job_status(&query())).unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );
    assert_eq!(timer.sleeps(), [Duration::from_secs(2)]);
    assert_eq!(transport.count(), 1);

    // Also with no attempt timeout at all.
    let transport = Scripted::new([Reply::Hang]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .attempt_timeout(None)
        .call_timeout(Some(Duration::from_secs(3)))
        .build(transport, timer.clone())
        .unwrap();
    block_on(client.job_status(&query())).unwrap_err();
    assert_eq!(timer.sleeps(), [Duration::from_secs(3)]);
}

#[test]
fn attempts_in_the_same_millisecond_still_get_fresh_signatures() {
    // `Retry-After: 0` and a clock that does not move: without care, the
    // attempts would all be signed at the same millisecond.
    let transport = Scripted::new([
        with_retry_after(503, "0"),
        with_retry_after(503, "0"),
        respond(200, pending_body()),
        respond(200, pending_body()),
    ]);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    block_on(client.job_status(&query())).unwrap();
    assert_eq!(timer.elapsed(), Duration::ZERO);
    // Once the clock has moved on, its time is used as it is again.
    timer.advance(Duration::from_secs(1));
    block_on(client.job_status(&query())).unwrap();

    let bodies = transport.bodies();
    let timestamps: Vec<&str> = bodies
        .iter()
        .map(|b| b["timestamp"].as_str().unwrap())
        .collect();
    assert_eq!(
        timestamps,
        [
            "2026-08-21T12:00:00.000Z",
            "2026-08-21T12:00:00.001Z",
            "2026-08-21T12:00:00.002Z",
            "2026-08-21T12:00:01.000Z",
        ]
    );
    assert_ne!(bodies[0]["signature"], bodies[1]["signature"]);
    assert_ne!(bodies[1]["signature"], bodies[2]["signature"]);
    for body in &bodies {
        signer()
            .verify(
                body["timestamp"].as_str().unwrap(),
                body["signature"].as_str().unwrap(),
            )
            .unwrap();
    }
}

/// A fake timer that counts the sleep futures made, polled or not: a
/// blocking timer's sleep costs nothing only if the client never makes one
/// it does not need.
#[derive(Clone, Default)]
struct CountingTimer {
    made: Arc<AtomicUsize>,
    inner: FakeTimer,
}

impl smileid_core::Timer for CountingTimer {
    fn sleep(&self, duration: Duration) -> impl std::future::Future<Output = ()> + Send {
        self.made.fetch_add(1, Ordering::SeqCst);
        self.inner.sleep(duration)
    }

    fn now(&self) -> std::time::Instant {
        self.inner.now()
    }

    fn system_now(&self) -> std::time::SystemTime {
        self.inner.system_now()
    }
}

#[test]
fn no_timeout_future_is_made_without_an_attempt_or_call_timeout() {
    for (attempt_timeout, made) in [(None, 0), (Some(Duration::from_secs(30)), 1)] {
        let timer = CountingTimer::default();
        let client = Client::builder(PARTNER_ID, API_KEY)
            .attempt_timeout(attempt_timeout)
            .build(
                Scripted::new([respond(200, complete_body())]),
                timer.clone(),
            )
            .unwrap();
        let status = block_on(client.job_status(&query())).unwrap();
        assert!(status.is_complete());
        assert_eq!(
            timer.made.load(Ordering::SeqCst),
            made,
            "attempt timeout {attempt_timeout:?}"
        );
        // Made for the race with the response, but never waited on.
        assert!(timer.inner.sleeps().is_empty());
    }
}

#[test]
fn the_builder_sets_base_urls_as_smileid_hyper_does_and_hints_at_the_opt_in() {
    let build = |builder: smileid_core::ClientBuilder| {
        builder.build(Scripted::default(), FakeTimer::default())
    };
    let client = build(
        Client::builder(PARTNER_ID, API_KEY).insecure_loopback_base_url("http://127.0.0.1:9/v1"),
    )
    .expect("loopback http with the opt-in");
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/v1");

    // Plain http to loopback without the opt-in: the hint names it.
    let error =
        build(Client::builder(PARTNER_ID, API_KEY).base_url("http://127.0.0.1:9/v1")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidBaseUrl);
    let hint = error.hint().expect("a hint");
    assert!(
        hint.contains("Environment::custom_insecure_loopback"),
        "{hint}"
    );
    assert!(hint.contains("insecure_loopback_base_url"), "{hint}");

    // Plain http elsewhere is refused even with the opt-in, and the check
    // is available before building.
    let builder =
        Client::builder(PARTNER_ID, API_KEY).insecure_loopback_base_url("http://example.com/v1");
    assert_eq!(
        builder.check_base_url().unwrap_err().kind(),
        ErrorKind::InvalidBaseUrl
    );
}
