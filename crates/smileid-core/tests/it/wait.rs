//! wait_for_completion through a scripted transport and the fake timer.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Waker};
use std::time::Duration;

use crate::support::*;
use smileid_core::{
    Client, Error, JobStatusQuery, PollOutcome, RetryPolicy, TransportError, TransportErrorKind,
    WaitPolicy,
};

fn query() -> JobStatusQuery {
    JobStatusQuery::new("user-1", "job-1")
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[derive(Debug, PartialEq)]
struct Seen {
    poll: u32,
    elapsed: Duration,
    kind: &'static str,
    next: Option<Duration>,
}

fn record(events: &mut Vec<Seen>) -> impl FnMut(&smileid_core::PollEvent<'_>) + '_ {
    |e| {
        let kind = match e.outcome {
            PollOutcome::Status(s) if s.is_complete() => "complete",
            PollOutcome::Status(_) => "pending",
            PollOutcome::Failed(_) => "failed",
            PollOutcome::DeadlineReached => "deadline",
            _ => "other",
        };
        assert_eq!(e.status().is_some(), matches!(kind, "complete" | "pending"));
        assert_eq!(e.error().is_some(), kind == "failed");
        events.push(Seen {
            poll: e.poll,
            elapsed: e.elapsed,
            kind,
            next: e.next_poll_in,
        });
    }
}

/// A client over a transport that gives `replies`, on a fake timer; the
/// transport and the timer come back for their records.
fn scripted(
    replies: impl IntoIterator<Item = Reply>,
) -> (Scripted, FakeTimer, Client<Scripted, FakeTimer>) {
    let transport = Scripted::new(replies);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    (transport, timer, client)
}

/// The fields of a `WaitTimedOut` error; any other error fails the test.
fn timed_out(err: &Error) -> (Option<&smileid_core::JobStatus>, u32, Duration) {
    let Error::WaitTimedOut(timed_out) = err else {
        panic!("{err:?}")
    };
    (timed_out.last(), timed_out.polls(), timed_out.elapsed())
}

#[test]
fn pending_pending_complete_polls_three_times_on_the_default_schedule() {
    let (transport, timer, client) = scripted([
        respond(200, pending_body()),
        respond(200, pending_body()),
        respond(200, complete_body()),
    ]);
    let mut events = Vec::new();
    let status = block_on(client.wait_for_completion_with(
        &query(),
        &WaitPolicy::default(),
        record(&mut events),
    ))
    .unwrap();
    assert!(status.is_complete());
    assert_eq!(transport.count(), 3);
    assert_eq!(timer.sleeps(), [secs(2), secs(2)]);
    assert_eq!(
        events,
        [
            Seen {
                poll: 1,
                elapsed: secs(0),
                kind: "pending",
                next: Some(secs(2))
            },
            Seen {
                poll: 2,
                elapsed: secs(2),
                kind: "pending",
                next: Some(secs(2))
            },
            Seen {
                poll: 3,
                elapsed: secs(4),
                kind: "complete",
                next: None
            },
        ]
    );
    // Every poll freshly signed.
    let bodies = transport.bodies();
    assert_ne!(bodies[0]["signature"], bodies[1]["signature"]);
    assert_ne!(bodies[1]["signature"], bodies[2]["signature"]);
    assert_ne!(bodies[0]["timestamp"], bodies[2]["timestamp"]);
    for body in &bodies {
        signer()
            .verify(
                body["timestamp"].as_str().unwrap(),
                body["signature"].as_str().unwrap(),
            )
            .unwrap();
    }
}

#[test]
fn the_schedule_switches_to_four_seconds_after_three_polls() {
    let mut replies: Vec<Reply> = (0..5).map(|_| respond(200, pending_body())).collect();
    replies.push(respond(200, complete_body()));
    let timer = FakeTimer::default();
    let client = client(Scripted::new(replies), timer.clone());
    block_on(client.wait_for_completion(&query(), &WaitPolicy::default())).unwrap();
    assert_eq!(timer.sleeps(), [2, 2, 2, 4, 4].map(secs));
}

#[test]
fn deadline_gives_wait_timed_out_with_the_last_status() {
    let (transport, timer, client) = scripted((0..10).map(|_| respond(200, pending_body())));
    let policy = WaitPolicy::default().with_deadline(secs(10));
    let err = block_on(client.wait_for_completion(&query(), &policy)).unwrap_err();
    // Polls at 0, 2, 4, 6; the next would be at 10, the deadline: not made.
    let (last, polls, elapsed) = timed_out(&err);
    assert_eq!(polls, 4);
    assert_eq!(elapsed, secs(6));
    assert!(!last.as_ref().unwrap().is_complete());
    assert_eq!(transport.count(), 4);
    assert_eq!(timer.sleeps(), [2, 2, 2].map(secs));
    assert!(!err.is_retryable());
    assert_eq!(err.operation(), "job_status");
    assert_eq!(err.to_string(), "job not complete after 4 polls in 6.0s");
}

#[test]
fn max_polls_ends_the_wait_too() {
    let (_transport, timer, client) = scripted((0..3).map(|_| respond(200, pending_body())));
    let policy = WaitPolicy::fixed(secs(1)).with_max_polls(3);
    let err = block_on(client.wait_for_completion(&query(), &policy)).unwrap_err();
    assert!(
        matches!(&err, Error::WaitTimedOut(t) if t.polls() == 3),
        "{err:?}"
    );
    assert_eq!(timer.sleeps(), [secs(1), secs(1)]);
}

#[test]
fn a_non_retryable_error_ends_the_wait_at_once() {
    let (transport, timer, client) = scripted([
        respond(200, pending_body()),
        respond(401, fixture("error_2205_unauthorized.json")),
    ]);
    let mut events = Vec::new();
    let err = block_on(client.wait_for_completion_with(
        &query(),
        &WaitPolicy::default(),
        record(&mut events),
    ))
    .unwrap_err();
    assert_eq!(err.api_code(), Some("2205"));
    assert_eq!(transport.count(), 2);
    assert_eq!(timer.sleeps(), [secs(2)]);
    assert_eq!(events.last().unwrap().kind, "failed");
    assert_eq!(events.last().unwrap().next, None);

    let transport = Scripted::new([respond(200, fixture("job_status_bad_signature.json"))]);
    let err = block_on(
        client_with(transport.clone()).wait_for_completion(&query(), &WaitPolicy::default()),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Signature(_)));
    assert_eq!(transport.count(), 1);
}

fn client_with(transport: Scripted) -> Client<Scripted, FakeTimer> {
    client(transport, FakeTimer::default())
}

#[test]
fn retryable_failures_are_retried_inside_a_poll() {
    let (transport, timer, client) = scripted([respond(503, ""), respond(200, complete_body())]);
    let mut events = Vec::new();
    block_on(client.wait_for_completion_with(
        &query(),
        &WaitPolicy::default(),
        record(&mut events),
    ))
    .unwrap();
    assert_eq!(transport.count(), 2);
    assert_eq!(events.len(), 1, "one poll, with one retry inside");
    assert_eq!(timer.sleeps().len(), 1);
}

#[test]
fn a_retryable_failure_that_outlasts_its_retries_does_not_end_the_wait() {
    let transport = Scripted::new([
        Reply::Fail(TransportError::msg(TransportErrorKind::Connect, "down")),
        respond(200, pending_body()),
        respond(200, complete_body()),
    ]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .build(transport.clone(), timer.clone())
        .unwrap();
    let mut events = Vec::new();
    block_on(client.wait_for_completion_with(
        &query(),
        &WaitPolicy::default(),
        record(&mut events),
    ))
    .unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["failed", "pending", "complete"]);
    assert_eq!(timer.sleeps(), [secs(2), secs(2)]);
}

#[test]
fn retry_after_longer_than_the_schedule_delays_the_next_poll() {
    let mut busy = response(503, "");
    busy.headers_mut()
        .insert("retry-after", "10".parse().unwrap());
    let transport = Scripted::new([Reply::Respond(busy), respond(200, complete_body())]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .build(transport.clone(), timer.clone())
        .unwrap();
    block_on(client.wait_for_completion(&query(), &WaitPolicy::default())).unwrap();
    assert_eq!(timer.sleeps(), [secs(10)]);
}

#[test]
fn an_in_flight_request_is_cut_at_the_deadline() {
    let (transport, timer, client) = scripted([respond(200, pending_body()), Reply::Hang]);
    let mut events = Vec::new();
    let policy = WaitPolicy::fixed(secs(2)).with_deadline(secs(5));
    let err = block_on(client.wait_for_completion_with(&query(), &policy, record(&mut events)))
        .unwrap_err();
    let (last, polls, elapsed) = timed_out(&err);
    assert_eq!(polls, 2);
    assert_eq!(elapsed, secs(5));
    assert!(last.is_some());
    // 2 s between polls, then the hanging request is raced against the 3 s left.
    assert_eq!(timer.sleeps(), [secs(2), secs(3)]);
    assert_eq!(events.last().unwrap().kind, "deadline");
    assert_eq!(transport.count(), 2);
}

#[test]
fn a_backoff_past_the_deadline_is_not_slept() {
    // 503 on the first poll with 1 s left: the backoff cannot fit, the wait ends.
    let transport = Scripted::new([respond(503, "")]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::default().with_initial_backoff(secs(4)))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let policy = WaitPolicy::default().with_deadline(secs(1));
    let err = block_on(client.wait_for_completion(&query(), &policy)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WaitTimedOut(ref t) if t.polls() == 1 && t.last().is_none()
        ),
        "{err:?}"
    );
    assert!(timer.sleeps().is_empty());
}

/// A timer whose sleeps never end: only cancellation can stop a wait on it.
#[derive(Clone, Default)]
struct FrozenTimer(FakeTimer);

impl smileid_core::Timer for FrozenTimer {
    fn sleep(&self, _: Duration) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }
    fn now(&self) -> std::time::Instant {
        self.0.now()
    }
    fn system_now(&self) -> std::time::SystemTime {
        self.0.system_now()
    }
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_future_cancels_cleanly() {
    let dropped = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (flag, counter) = (Arc::clone(&dropped), Arc::clone(&calls));
    let transport = move |_req: http::Request<bytes::Bytes>| {
        counter.fetch_add(1, Ordering::SeqCst);
        let guard = DropFlag(Arc::clone(&flag));
        async move {
            let _guard = guard;
            std::future::pending::<Result<http::Response<bytes::Bytes>, TransportError>>().await
        }
    };
    let client = Client::builder(PARTNER_ID, API_KEY)
        .build(transport, FrozenTimer::default())
        .unwrap();
    let q = query();
    let policy = WaitPolicy::default();
    {
        let mut fut = pin!(client.wait_for_completion(&q, &policy));
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..10 {
            assert!(fut.as_mut().poll(&mut cx).is_pending());
        }
        // The request is in flight, raced against a sleep that never ends.
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(!dropped.load(Ordering::SeqCst));
    }
    // Dropping the wait dropped the in-flight request with it; nothing was
    // spawned that could go on.
    assert!(dropped.load(Ordering::SeqCst));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        Arc::strong_count(&dropped),
        2,
        "the flag and the transport closure"
    );
}

#[test]
fn zero_max_polls_makes_no_request() {
    let transport = Scripted::new([]);
    let client = client_with(transport.clone());
    let err =
        block_on(client.wait_for_completion(&query(), &WaitPolicy::default().with_max_polls(0)))
            .unwrap_err();
    assert!(matches!(
        err,
        Error::WaitTimedOut(t) if t.polls() == 0 && t.last().is_none()
    ));
    assert_eq!(transport.count(), 0);
}

#[test]
fn a_call_timeout_bounds_each_poll_and_the_wait_goes_on() {
    let transport = Scripted::new([Reply::Hang, respond(200, complete_body())]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .call_timeout(Some(secs(5)))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let mut events = Vec::new();
    let status = block_on(client.wait_for_completion_with(
        &query(),
        &WaitPolicy::default(),
        record(&mut events),
    ))
    .unwrap();
    assert!(status.is_complete());
    // The first poll is cut after 5 s (a retry would not fit), the second
    // follows on schedule.
    assert_eq!(timer.sleeps(), [secs(5), secs(2)]);
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["failed", "complete"]);
    assert_eq!(transport.count(), 2);
}

#[test]
fn the_wait_deadline_wins_over_a_longer_call_timeout() {
    let transport = Scripted::new([Reply::Hang]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .call_timeout(Some(secs(60)))
        .build(transport, timer.clone())
        .unwrap();
    let policy = WaitPolicy::default().with_deadline(secs(4));
    let err = block_on(client.wait_for_completion(&query(), &policy)).unwrap_err();
    assert!(
        matches!(&err, Error::WaitTimedOut(t) if t.polls() == 1),
        "{err:?}"
    );
    assert_eq!(timer.sleeps(), [secs(4)]);
}
