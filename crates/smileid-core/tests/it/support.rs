//! Test doubles: a fake timer that never sleeps for real, a scripted
//! transport, a tiny executor, and signed response builders.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{Client, HttpTransport, Timer, TransportError};
use smileid_sign::Signer;

pub const PARTNER_ID: &str = "085";
pub const API_KEY: &str = "fixture-api-key";

/// 2026-08-21T12:00:00Z: a whole second, so HTTP dates are exact.
pub fn epoch() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_787_313_600)
}

pub fn signer() -> Signer {
    Signer::new(PARTNER_ID, API_KEY).expect("valid test credentials")
}

pub fn fixture(name: &str) -> Bytes {
    Bytes::from(smileid_testkit::fixture(name))
}

/// Polls `future` with a no-op waker until it completes. Fake transports and
/// the fake timer never wait, so a future that is still pending after many
/// polls is a bug (it would hang in real life).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("future still pending: something waits for real");
}

#[derive(Default)]
struct ClockState {
    offset: Duration,
    sleeps: Vec<Duration>,
}

/// A timer whose clocks move only when something sleeps on it; each sleep
/// completes at its first poll, after advancing both clocks.
#[derive(Clone)]
pub struct FakeTimer {
    base: Instant,
    system_base: SystemTime,
    state: Arc<Mutex<ClockState>>,
}

impl Default for FakeTimer {
    fn default() -> Self {
        Self::new(epoch())
    }
}

impl FakeTimer {
    pub fn new(system_base: SystemTime) -> Self {
        Self {
            base: Instant::now(),
            system_base,
            state: Arc::default(),
        }
    }

    /// Every completed sleep, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.lock().unwrap().sleeps.clone()
    }

    /// How far the fake clocks have moved.
    pub fn elapsed(&self) -> Duration {
        self.state.lock().unwrap().offset
    }

    pub fn advance(&self, d: Duration) {
        self.state.lock().unwrap().offset += d;
    }
}

impl Timer for FakeTimer {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        let state = Arc::clone(&self.state);
        async move {
            let mut state = state.lock().unwrap();
            state.offset += duration;
            state.sleeps.push(duration);
        }
    }

    fn now(&self) -> Instant {
        self.base + self.elapsed()
    }

    fn system_now(&self) -> SystemTime {
        self.system_base + self.elapsed()
    }
}

/// What a scripted transport answers.
pub enum Reply {
    Respond(http::Response<Bytes>),
    Fail(TransportError),
    /// Never answers (the future stays pending).
    Hang,
}

pub fn respond(status: u16, body: impl Into<Bytes>) -> Reply {
    Reply::Respond(response(status, body))
}

pub fn response(status: u16, body: impl Into<Bytes>) -> http::Response<Bytes> {
    let mut r = http::Response::new(body.into());
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap();
    r
}

/// Answers from a script, in order, and records every request. When the
/// script runs out it panics, so a test notices an unexpected extra request.
#[derive(Clone, Default)]
pub struct Scripted {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    requests: Arc<Mutex<Vec<http::Request<Bytes>>>>,
}

impl Scripted {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        Self {
            replies: Arc::new(Mutex::new(replies.into_iter().collect())),
            requests: Arc::default(),
        }
    }

    pub fn requests(&self) -> Vec<http::Request<Bytes>> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// The JSON bodies of every request.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .map(|r| serde_json::from_slice(r.body()).unwrap())
            .collect()
    }
}

impl HttpTransport for Scripted {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        self.requests.lock().unwrap().push(request);
        let reply = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .expect("the transport was called more often than scripted");
        async move {
            match reply {
                Reply::Respond(r) => Ok(r),
                Reply::Fail(e) => Err(e),
                Reply::Hang => std::future::pending().await,
            }
        }
    }
}

/// `fields` (a JSON object) plus a timestamp and its signature by `signer`.
pub fn signed_with(signer: &Signer, timestamp: &str, mut fields: Value) -> Bytes {
    let signed = signer.sign(timestamp);
    let map = fields.as_object_mut().expect("an object");
    map.insert("timestamp".into(), json!(signed.timestamp));
    map.insert("signature".into(), json!(signed.signature));
    Bytes::from(serde_json::to_vec(&fields).unwrap())
}

pub fn pending_body() -> Bytes {
    signed_with(
        &signer(),
        "2026-08-21T12:00:01.000Z",
        json!({"job_complete": false, "job_success": false, "code": "2314", "result": "No zip file received"}),
    )
}

pub fn complete_body() -> Bytes {
    signed_with(
        &signer(),
        "2026-08-21T12:00:09.000Z",
        json!({
            "job_complete": true,
            "job_success": true,
            "code": "2302",
            "result": {
                "ResultCode": "1012",
                "ResultText": "ID Number Validated",
                "SmileJobID": "0000000042",
                "PartnerParams": {"user_id": "user-1", "job_id": "job-1", "job_type": 5}
            }
        }),
    )
}

pub fn client<T: HttpTransport>(transport: T, timer: FakeTimer) -> Client<T, FakeTimer> {
    Client::builder(PARTNER_ID, API_KEY)
        .rng_seed(7)
        .build(transport, timer)
        .expect("valid client")
}
