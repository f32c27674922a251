//! smileid-core in a blocking program: a transport over `ureq`, a timer that
//! sleeps the thread, and `pollster::block_on` to run each call. No async
//! runtime drives the calls (`main` is a plain `fn main`).
//!
//! ```text
//! cargo run -p smileid-core --example blocking_ureq
//! SMILE_PARTNER_ID=... SMILE_API_KEY=... \
//!     cargo run -p smileid-core --example blocking_ureq -- http://127.0.0.1:PORT/v1
//! ```
//!
//! Without an argument it starts the bundled emulator (smileid-emulator, on
//! a thread of its own with its own runtime, as a stand-in for Smile ID) and
//! talks to it over plain HTTP on loopback. With a base URL it talks to that
//! server: a plain-http loopback URL (`smileid emulator` in another
//! terminal), or any https URL once ureq's `rustls` feature is enabled.
//! `docs/custom-transport.md` walks through this file.
//!
//! The three rules of a blocking setup:
//! - the timer's `sleep` is lazy: it sleeps when the future is polled, never
//!   when `sleep` is called (the client builds a timeout future per attempt
//!   when an attempt timeout is set; an eager sleep would block for it);
//! - the client's attempt timeout is off (`attempt_timeout(None)`): a
//!   blocking call cannot be interrupted from the same thread, so the
//!   transport's own timeouts (ureq's `timeout_global`) bound each attempt;
//! - each call runs to completion on the calling thread (`block_on`).

use std::error::Error as StdError;
use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use smileid_core::{
    Client, Environment, HttpTransport, JobStatusQuery, Timer, TransportError, TransportErrorKind,
    WaitPolicy,
};

/// The largest response body read; Smile ID responses with history and
/// image links stay far below this.
const MAX_BODY: u64 = 4 * 1024 * 1024;

/// An [`HttpTransport`] over a shared `ureq::Agent` (cheap to clone,
/// pooled connections). Its future does all its work on the first poll.
#[derive(Clone)]
struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            // Every status is an answer for smileid-core to read, not an error.
            .http_status_as_error(false)
            // Never follow a redirect: it would re-send the signed body to a
            // host the caller did not choose. The 3xx is returned as is.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            // Bounds each attempt: the client's attempt timeout is off.
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .new_agent();
        Self { agent }
    }
}

impl HttpTransport for UreqTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        let agent = self.agent.clone();
        // `async move`: nothing happens until the future is polled.
        async move {
            let (parts, body) = request.into_parts();
            let request = http::Request::from_parts(parts, &body[..]);
            let response = agent.run(request).map_err(classify)?;
            let (parts, body) = response.into_parts();
            let body = body
                .into_with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map_err(classify)?;
            Ok(http::Response::from_parts(parts, Bytes::from(body)))
        }
    }
}

/// Maps a ureq error to the kind that decides retries.
fn classify(error: ureq::Error) -> TransportError {
    let kind = match &error {
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportErrorKind::Connect,
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            TransportErrorKind::Connect
        }
        // The connection broke while the request or response was in flight.
        ureq::Error::Io(_) | ureq::Error::Protocol(_) => TransportErrorKind::Io,
        ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, error)
}

/// A [`Timer`] that blocks the thread, lazily.
struct BlockingTimer;

impl Timer for BlockingTimer {
    // An `async fn`: its body runs when the future is polled. Not
    // `fn sleep(..) -> impl Future { std::thread::sleep(d); ready(()) }`,
    // which would sleep when the future is made, and the client makes one
    // for every timeout it might need.
    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn now(&self) -> Instant {
        Instant::now()
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprint!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprint!(": {cause}");
                source = cause.source();
            }
            eprintln!();
            if let Some(hint) = error
                .downcast_ref::<smileid_core::Error>()
                .and_then(smileid_core::Error::hint)
            {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn StdError + Send + Sync>> {
    // Kept alive until the end of `run`: dropping it stops the emulator.
    let mut _emulator = None;
    let (base_url, partner_id, api_key) = match std::env::args().nth(1) {
        Some(url) => (
            url,
            std::env::var("SMILE_PARTNER_ID").map_err(|_| "set SMILE_PARTNER_ID")?,
            std::env::var("SMILE_API_KEY").map_err(|_| "set SMILE_API_KEY")?,
        ),
        None => {
            let emulator = BundledEmulator::start()?;
            let found = (
                emulator.base_url.clone(),
                emulator.partner_id.clone(),
                emulator.api_key.clone(),
            );
            _emulator = Some(emulator);
            found
        }
    };

    let client = Client::builder(partner_id, api_key)
        .environment(Environment::custom_insecure_loopback(base_url))
        .attempt_timeout(None)
        .user_agent_suffix("ureq-example")
        .build(UreqTransport::new(), BlockingTimer)?;

    // One call.
    let query = JobStatusQuery::new("demo-user", "demo-approved");
    let status = pollster::block_on(client.job_status(&query))?;
    println!(
        "{}: complete {}, outcome {:?}",
        query.job_id(),
        status.is_complete(),
        status.outcome()
    );

    // A wait: pending twice, then complete. The timer sleeps between polls.
    let query = JobStatusQuery::new("demo-user", "demo-pending");
    let policy =
        WaitPolicy::fixed(Duration::from_millis(200)).with_deadline(Duration::from_secs(30));
    let status = pollster::block_on(client.wait_for_completion_with(&query, &policy, |event| {
        println!(
            "  poll {} after {:.1}s",
            event.poll,
            event.elapsed.as_secs_f64()
        );
    }))?;
    println!(
        "{}: complete {}, outcome {:?}",
        query.job_id(),
        status.is_complete(),
        status.outcome()
    );
    Ok(())
}

/// The emulator on a thread of its own, with its own runtime: it stands in
/// for Smile ID here, and is not part of the blocking setup above.
struct BundledEmulator {
    base_url: String,
    partner_id: String,
    api_key: String,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BundledEmulator {
    fn start() -> Result<Self, Box<dyn StdError + Send + Sync>> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                match smileid_emulator::Emulator::builder().start().await {
                    Ok(emulator) => {
                        let _ = ready_tx.send(Ok((
                            emulator.base_url().to_owned(),
                            emulator.partner_id().to_owned(),
                            emulator.api_key().to_owned(),
                        )));
                        // Serve until told to stop (or the sender is gone).
                        let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
                        emulator.shutdown().await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                    }
                }
            });
        });
        let (base_url, partner_id, api_key) = ready_rx
            .recv()
            .map_err(|_| "the emulator thread ended")?
            .map_err(|e| format!("the emulator did not start: {e}"))?;
        println!("emulator at {base_url}");
        Ok(Self {
            base_url,
            partner_id,
            api_key,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for BundledEmulator {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
