//! The emulator under load and abuse: 10,000 requests at concurrency 256
//! over keep-alive HTTP/1.1, a third of them malformed, unauthenticated,
//! oversized or misdirected. Nothing crashes, every answer is JSON with the
//! documented code, every correct request gets a correctly signed answer,
//! and the emulator counted exactly the correct requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use smileid_emulator::{Emulator, JobSpec, MAX_REQUEST_BODY, PresetOutcome};
use smileid_sign::Signer;

const REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 256;
const PARTNER_ID: &str = "085";
const API_KEY: &str = "load-test-api-key";

/// What a request is, and what it must get back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A signed request for the job with this index.
    Valid(usize),
    NotJson,
    WrongType,
    Missing,
    BadSignature,
    WrongPartner,
    Oversized,
    WrongMethod,
    UnknownPath,
}

impl Kind {
    /// Two thirds valid, the rest spread over the abuses (oversized ones
    /// rarer, they weigh 1 MiB each).
    fn of(n: usize) -> Self {
        match n % 24 {
            0 => Self::NotJson,
            1 => Self::WrongType,
            2 => Self::Missing,
            3 => Self::BadSignature,
            4 => Self::WrongPartner,
            5 => Self::WrongMethod,
            6 => Self::UnknownPath,
            7 if n % 96 == 7 => Self::Oversized,
            7 => Self::BadSignature,
            _ => Self::Valid(n % JOBS.len()),
        }
    }

    /// The HTTP status and `code` the documentation promises.
    fn expected(self) -> (u16, &'static str) {
        match self {
            Self::Valid(_) => (200, ""),
            Self::NotJson => (400, "2203"),
            Self::WrongType => (400, "2204"),
            Self::Missing => (400, "2213"),
            Self::BadSignature | Self::WrongPartner => (401, "2205"),
            Self::Oversized => (413, "413"),
            Self::WrongMethod => (405, "405"),
            Self::UnknownPath => (404, "404"),
        }
    }
}

/// The jobs valid requests ask about: (user, job, complete).
const JOBS: [(&str, &str, bool); 3] = [
    ("load-user", "job-approved", true),
    ("load-user", "job-rejected", true),
    ("load-user", "job-unknown", false),
];

fn request(kind: Kind, base: &str, signer: &Signer) -> http::Request<Full<Bytes>> {
    let signed = signer.sign_at(SystemTime::now());
    let body = |value: Value| serde_json::to_vec(&value).unwrap();
    let good = |user: &str, job: &str| {
        json!({
            "partner_id": PARTNER_ID,
            "timestamp": signed.timestamp,
            "signature": signed.signature,
            "user_id": user,
            "job_id": job,
        })
    };
    let (method, path, payload) = match kind {
        Kind::Valid(i) => {
            let mut value = good(JOBS[i].0, JOBS[i].1);
            if i == 0 {
                value["history"] = json!(true);
                value["image_links"] = json!(true);
            }
            ("POST", "/job_status", body(value))
        }
        Kind::NotJson => ("POST", "/job_status", b"{\"partner_id\": \"085\",".to_vec()),
        Kind::WrongType => {
            let mut value = good("load-user", "job-approved");
            value["job_id"] = json!({"nested": [1, 2, 3]});
            ("POST", "/job_status", body(value))
        }
        Kind::Missing => {
            let mut value = good("load-user", "job-approved");
            value.as_object_mut().unwrap().remove("timestamp");
            ("POST", "/job_status", body(value))
        }
        Kind::BadSignature => {
            let mut value = good("load-user", "job-approved");
            value["signature"] = json!(
                Signer::new(PARTNER_ID, "stolen-key")
                    .unwrap()
                    .sign(signed.timestamp.clone())
                    .signature
            );
            ("POST", "/job_status", body(value))
        }
        Kind::WrongPartner => {
            let mut value = good("load-user", "job-approved");
            value["partner_id"] = json!("999");
            ("POST", "/job_status", body(value))
        }
        Kind::Oversized => {
            // The same megabyte each time: building it is the slow part.
            static OVERSIZED: OnceLock<Bytes> = OnceLock::new();
            let payload = OVERSIZED.get_or_init(|| {
                let mut value = good("load-user", "job-approved");
                value["padding"] = json!("x".repeat(MAX_REQUEST_BODY));
                Bytes::from(body(value))
            });
            return http::Request::builder()
                .method("POST")
                .uri(format!("{base}/job_status"))
                .header("content-type", "application/json")
                .body(Full::new(payload.clone()))
                .unwrap();
        }
        Kind::WrongMethod => ("GET", "/job_status", Vec::new()),
        Kind::UnknownPath => (
            "POST",
            "/job_status_v2",
            body(good("load-user", "job-approved")),
        ),
    };
    http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(payload)))
        .unwrap()
}

#[derive(Default)]
struct Tally {
    valid: [AtomicUsize; JOBS.len()],
    abuses: AtomicUsize,
}

#[test]
fn ten_thousand_requests_with_abuse_mixed_in() {
    // Count panics anywhere, the emulator's own tasks included (tokio
    // would swallow those).
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(load());
    drop(runtime);
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
}

async fn load() {
    let emulator = Emulator::builder()
        .partner_id(PARTNER_ID)
        .api_key(API_KEY)
        .demo_jobs(false)
        .start()
        .await
        .unwrap();
    emulator
        .add_job(
            JobSpec::new(JOBS[0].0, JOBS[0].1)
                .job_type(1)
                .outcome(PresetOutcome::Approved),
        )
        .unwrap();
    emulator
        .add_job(
            JobSpec::new(JOBS[1].0, JOBS[1].1)
                .job_type(5)
                .outcome(PresetOutcome::Rejected),
        )
        .unwrap();
    let base = emulator.base_url().to_owned();
    let signer = Signer::new(PARTNER_ID, API_KEY).unwrap();
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient<HttpConnector, Full<Bytes>> = HttpClient::builder(TokioExecutor::new())
        .pool_max_idle_per_host(CONCURRENCY)
        .build(connector);

    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Tally::default());
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (next, tally, client, signer, base) = (
            Arc::clone(&next),
            Arc::clone(&tally),
            client.clone(),
            signer.clone(),
            base.clone(),
        );
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= REQUESTS {
                    return;
                }
                let kind = Kind::of(n);
                let response = tokio::time::timeout(
                    Duration::from_secs(30),
                    client.request(request(kind, &base, &signer)),
                )
                .await
                .unwrap_or_else(|_| panic!("request {n} ({kind:?}) hung"))
                .unwrap_or_else(|e| panic!("request {n} ({kind:?}) failed: {e:?}"));
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                check(n, kind, status, &content_type, &body, &signer);
                match kind {
                    Kind::Valid(i) => tally.valid[i].fetch_add(1, Ordering::Relaxed),
                    _ => tally.abuses.fetch_add(1, Ordering::Relaxed),
                };
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.expect("no worker panicked");
    }

    // Every request was answered, and the emulator counted every valid poll.
    let valid: Vec<usize> = tally
        .valid
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .collect();
    let abuses = tally.abuses.load(Ordering::Relaxed);
    assert_eq!(valid.iter().sum::<usize>() + abuses, REQUESTS);
    assert!(abuses > REQUESTS / 4, "{abuses}");
    for (i, (user, job, _)) in JOBS.iter().enumerate().take(2) {
        let info = emulator.job(user, job).unwrap();
        assert_eq!(info.polls as usize, valid[i], "{user}/{job}");
    }
    emulator.shutdown().await;
}

fn check(n: usize, kind: Kind, status: u16, content_type: &str, body: &[u8], signer: &Signer) {
    let (want_status, want_code) = kind.expected();
    let context = || {
        format!(
            "request {n} ({kind:?}): {status} {}",
            String::from_utf8_lossy(body)
        )
    };
    assert_eq!(status, want_status, "{}", context());
    assert!(
        content_type.starts_with("application/json"),
        "{}",
        context()
    );
    let value: Value = serde_json::from_slice(body).unwrap_or_else(|_| panic!("{}", context()));
    match kind {
        Kind::Valid(i) => {
            let timestamp = value["timestamp"].as_str().unwrap_or_default();
            let signature = value["signature"].as_str().unwrap_or_default();
            assert!(signer.verify(timestamp, signature).is_ok(), "{}", context());
            let complete = JOBS[i].2;
            assert_eq!(value["job_complete"], json!(complete), "{}", context());
            assert_eq!(
                value["code"],
                json!(if complete { "2302" } else { "2314" }),
                "{}",
                context()
            );
            // The typed decoder accepts it too.
            smileid_types::JobStatusResponse::from_slice(body)
                .unwrap_or_else(|e| panic!("{}: {e}", context()));
        }
        _ => {
            assert_eq!(value["code"], json!(want_code), "{}", context());
            assert!(value["error"].is_string(), "{}", context());
        }
    }
}
