//! The fault matrix, through the `smileid` command: every fault of
//! `tests/tests/faults.rs` (the library half) that a scripted server can
//! produce, checked for its exit code, the number of attempts the server saw,
//! a bounded run time, a one-line `error:` message, and no panic.
//!
//! The servers are the standard-library-only raw TCP servers of the
//! `smileid-e2e` package, included here by path so that this package needs
//! no dependency on it (and the test package none on this one), and the
//! emulator with its injected faults.

use smileid_testkit::raw_http;

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use raw_http::{RawServer, Reply};
use smileid_emulator::{Emulator, EmulatorHandle, FaultSpec};

const BIN: &str = env!("CARGO_BIN_EXE_smileid");

/// Retries after the first attempt (`--retries`).
const RETRIES: usize = 2;
/// The most attempts one command may make.
const ATTEMPTS: usize = RETRIES + 1;
/// The longest a command may run when it has no server-imposed waits: the
/// default backoffs (at most 0.5 s, then 1 s) plus process start-up and a
/// generous margin. Only a hang can exceed it.
const LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The request timeout given to the command for the slow faults.
const REQUEST_TIMEOUT: &str = "0.5";

/// Runs `smileid job-status` against `base_url` with the raw servers'
/// credentials, killing it (and failing) after `limit`.
fn job_status(base_url: &str, limit: Duration) -> Run {
    job_status_with(base_url, limit, &[])
}

/// [`job_status`] with more arguments.
fn job_status_with(base_url: &str, limit: Duration, extra: &[&str]) -> Run {
    let retries = RETRIES.to_string();
    let mut child = Command::new(BIN)
        .args([
            "job-status",
            "--user-id",
            "user-1",
            "--job-id",
            "job-1",
            "--retries",
            &retries,
        ])
        .args(extra)
        .env("SMILE_PARTNER_ID", raw_http::PARTNER_ID)
        .env("SMILE_API_KEY", raw_http::API_KEY)
        .env("SMILE_BASE_URL", base_url)
        .env_remove("SMILE_ENV")
        .env_remove("SMILE_CA_CERT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the smileid binary runs");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on smileid") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("smileid ran for more than {limit:?}: it hung");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("panicked"), "{run:?}");
    assert!(
        !all.contains(raw_http::API_KEY),
        "the API key leaked: {run:?}"
    );
    assert!(
        !all.contains(raw_http::SIGNATURE),
        "a signature leaked: {run:?}"
    );
    if run.code != 0 {
        assert!(run.stderr.contains("error:"), "no error line: {run:?}");
    }
    run
}

/// Runs against a server that gives every request `reply` and checks the
/// exit code and the number of attempts.
fn check(reply: Reply, code: i32, attempts: usize) -> Run {
    let server = RawServer::always(reply);
    let run = job_status(&server.base_url(), LIMIT);
    assert_eq!(run.code, code, "{run:?}");
    assert_eq!(server.hits(), attempts, "{run:?}");
    run
}

/// An emulator with the raw servers' credentials and one fault, on a
/// runtime of its own.
struct FaultyEmulator {
    handle: Option<EmulatorHandle>,
    runtime: tokio::runtime::Runtime,
}

impl FaultyEmulator {
    fn start(fault: FaultSpec) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let handle = runtime
            .block_on(
                Emulator::builder()
                    .partner_id(raw_http::PARTNER_ID)
                    .api_key(raw_http::API_KEY)
                    .start(),
            )
            .expect("the emulator starts");
        handle.set_fault(fault).expect("a valid fault");
        Self {
            handle: Some(handle),
            runtime,
        }
    }

    fn handle(&self) -> &EmulatorHandle {
        self.handle.as_ref().expect("running")
    }

    /// The requests the (only) fault applied to.
    fn hits(&self) -> u64 {
        let faults = self.handle().faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        faults[0].hits
    }
}

impl Drop for FaultyEmulator {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.runtime.block_on(handle.shutdown());
        }
    }
}

/// Runs against an emulator with `fault` and checks the exit code and the
/// number of attempts.
fn check_emulator(fault: FaultSpec, code: i32, attempts: u64, extra: &[&str]) -> Run {
    let emulator = FaultyEmulator::start(fault);
    let run = job_status_with(
        emulator.handle().base_url(),
        LIMIT + Duration::from_secs(2),
        extra,
    );
    assert_eq!(run.code, code, "{run:?}");
    assert_eq!(emulator.hits(), attempts, "{run:?}");
    run
}

#[test]
fn a_signed_answer_exits_0() {
    check(raw_http::json(200, raw_http::complete_body()), 0, 1);
}

#[test]
fn a_refused_connection_exits_4() {
    let run = job_status(&raw_http::refused_base_url(), LIMIT);
    assert_eq!(run.code, 4, "{run:?}");
}

#[test]
fn a_reset_before_the_response_exits_4_after_bounded_retries() {
    check(Reply::Reset, 4, ATTEMPTS);
}

#[test]
fn a_reset_mid_body_exits_4_after_bounded_retries() {
    check(raw_http::reset_mid_body(), 4, ATTEMPTS);
}

#[test]
fn an_endless_body_exits_4_without_retries() {
    let run = check(Reply::Endless, 4, 1);
    assert!(run.stderr.contains("too large"), "{run:?}");
}

#[test]
fn an_html_502_exits_3_after_bounded_retries() {
    let run = check(raw_http::html_502(), 3, ATTEMPTS);
    assert!(run.stderr.contains("502"), "{run:?}");
}

#[test]
fn a_burst_of_500s_then_success_exits_0() {
    let server = RawServer::start(|n| {
        if n < RETRIES {
            raw_http::system_error_500()
        } else {
            raw_http::json(200, raw_http::pending_body())
        }
    });
    let run = job_status(&server.base_url(), LIMIT);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.hits(), ATTEMPTS);
}

#[test]
fn a_burst_of_500s_longer_than_the_retries_exits_3() {
    let run = check(raw_http::system_error_500(), 3, ATTEMPTS);
    assert!(run.stderr.contains("2201"), "{run:?}");
}

#[test]
fn a_429_with_retry_after_seconds_exits_3_after_bounded_retries() {
    let server = RawServer::always(raw_http::too_many_requests("1"));
    let run = job_status(&server.base_url(), LIMIT + Duration::from_secs(2));
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(server.hits(), ATTEMPTS);
}

#[test]
fn a_429_with_a_far_http_date_exits_3_at_once() {
    let server = RawServer::start(|_| {
        raw_http::too_many_requests(&raw_http::http_date(
            SystemTime::now() + Duration::from_secs(3600),
        ))
    });
    let run = job_status(&server.base_url(), LIMIT);
    assert_eq!(run.code, 3, "{run:?}");
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_response_without_a_signature_exits_5() {
    check(raw_http::json(200, raw_http::unsigned_body()), 5, 1);
}

#[test]
fn a_wrong_signature_exits_5() {
    check(raw_http::json(200, raw_http::wrongly_signed_body()), 5, 1);
}

#[test]
fn truncated_json_exits_5() {
    check(raw_http::json(200, raw_http::truncated_json_body()), 5, 1);
}

#[test]
fn invalid_utf8_exits_5() {
    check(raw_http::json(200, raw_http::invalid_utf8_body()), 5, 1);
}

#[test]
fn json_of_the_wrong_shape_exits_5() {
    let run = check(raw_http::json(200, raw_http::wrong_shape_body()), 5, 1);
    assert!(run.stderr.contains("job_complete"), "{run:?}");
}

#[test]
fn json_nested_ten_thousand_deep_exits_5() {
    check(raw_http::json(200, raw_http::nested_body(10_000)), 5, 1);
}

// ----- slow servers, with --request-timeout -----

#[test]
fn latency_beyond_the_timeout_exits_4_after_bounded_retries() {
    let run = check_emulator(
        FaultSpec::latency(Duration::from_secs(3)),
        4,
        ATTEMPTS as u64,
        &["--request-timeout", REQUEST_TIMEOUT],
    );
    assert!(run.stderr.contains("timed out"), "{run:?}");
}

#[test]
fn a_silent_server_exits_4_after_bounded_retries() {
    let server = RawServer::always(Reply::Silent(Duration::from_secs(5)));
    let run = job_status_with(
        &server.base_url(),
        LIMIT,
        &["--request-timeout", REQUEST_TIMEOUT],
    );
    assert_eq!(run.code, 4, "{run:?}");
    assert_eq!(server.hits(), ATTEMPTS);
}

#[test]
fn a_body_dripped_one_byte_a_second_exits_4_after_bounded_retries() {
    let server = RawServer::always(raw_http::drip(Duration::from_secs(1)));
    let run = job_status_with(
        &server.base_url(),
        LIMIT,
        &["--request-timeout", REQUEST_TIMEOUT],
    );
    assert_eq!(run.code, 4, "{run:?}");
    assert_eq!(server.hits(), ATTEMPTS);
}

// ----- the emulator's other faults -----

#[test]
fn a_connection_dropped_by_the_emulator_exits_4() {
    check_emulator(FaultSpec::drop_connection(), 4, ATTEMPTS as u64, &[]);
}

#[test]
fn a_body_cut_short_by_the_emulator_exits_4() {
    check_emulator(FaultSpec::truncated_body(), 4, ATTEMPTS as u64, &[]);
}

#[test]
fn an_html_502_from_the_emulator_exits_3() {
    check_emulator(FaultSpec::html_502(), 3, ATTEMPTS as u64, &[]);
}

#[test]
fn a_wrong_signature_from_the_emulator_exits_5() {
    check_emulator(FaultSpec::wrong_signature(), 5, 1, &[]);
}

#[test]
fn a_429_from_the_emulator_exits_3_after_bounded_retries() {
    check_emulator(FaultSpec::rate_limited(1), 3, ATTEMPTS as u64, &[]);
}
