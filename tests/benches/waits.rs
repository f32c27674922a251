//! Waiting at scale: many concurrent `wait_for_completion` calls on pending
//! jobs, and what they cost the client in memory.
//!
//! ```text
//! cargo bench -p smileid-e2e --bench waits -- [--waits N] [--json PATH]
//! ```
//!
//! Two measurements, each in a process of its own so that the peak resident
//! set size (`VmHWM`) belongs to it alone:
//!
//! 1. **Full stack**: smileid's client (hyper, rustls, tokio) waits on `N`
//!    jobs of an emulator running in a child process, over TLS. Each job
//!    answers "pending" twice and completes on the third poll; polls are
//!    1 s apart. The emulator's memory is not counted.
//! 2. **Client state only**: the same `N` waits over an in-process transport
//!    that answers at once (pending until a fixed instant, then complete),
//!    so what remains is the wait futures, their tokio tasks and the timer.
//!
//! The figure of interest is bytes per pending wait: (peak RSS - RSS before
//! the waits) / N.

#![allow(missing_docs)]

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{Client, Environment, JobStatusQuery, TransportError, WaitPolicy};
use smileid_hyper::TokioTimer;
use smileid_sign::Signer;
use support::{EmulatorOptions, EmulatorProcess};

const FAKE_CHILD_ARG: &str = "--fake-child";
const PENDING_POLLS: u32 = 2;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(support::SERVE_ARG) {
        if let Err(e) = support::serve_emulator(&args[1..]) {
            eprintln!("emulator process: {e}");
            std::process::exit(1);
        }
        return;
    }
    let waits: usize = support::arg_value(&args, "--waits")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    if args.first().map(String::as_str) == Some(FAKE_CHILD_ARG) {
        match in_process(waits) {
            Ok(v) => println!("{v}"),
            Err(e) => {
                eprintln!("waits (in-process): {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let json_path = support::arg_value(&args, "--json").map(PathBuf::from);
    let full = match full_stack(waits) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("waits: {e}");
            std::process::exit(1);
        }
    };
    print_line("full stack (hyper + TLS)", &full);
    let fake = match fake_in_child(waits) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("waits (in-process): {e}");
            std::process::exit(1);
        }
    };
    print_line("client state only", &fake);
    let report = json!({ "waits": waits, "full_stack": full, "in_process": fake });
    if let Some(path) = json_path {
        if let Err(e) = support::write_json(&path, &report) {
            eprintln!("waits: cannot write the report: {e}");
            std::process::exit(1);
        }
        println!("\nfigures written to {}", path.display());
    }
}

fn print_line(name: &str, v: &Value) {
    let mib = |k: &str| v[k].as_f64().unwrap_or(0.0) / (1024.0 * 1024.0);
    println!(
        "{name:<26} {} waits: peak RSS {:.1} MiB (before {:.1} MiB), {:.0} bytes per pending wait, \
         wait future {} bytes, {} polls, {} ok, {} errors, {:.1} s",
        v["waits"],
        mib("peak_rss_bytes"),
        mib("baseline_rss_bytes"),
        v["bytes_per_wait"].as_f64().unwrap_or(0.0),
        v["wait_future_bytes"],
        v["polls"],
        v["completed"],
        v["errors"],
        v["seconds"].as_f64().unwrap_or(0.0),
    );
}

/// What a run of waits found.
struct Tally {
    completed: AtomicUsize,
    errors: AtomicUsize,
    polls: AtomicU64,
    outstanding: AtomicUsize,
    first_error: std::sync::Mutex<Option<String>>,
}

impl Tally {
    fn new(waits: usize) -> Arc<Self> {
        Arc::new(Self {
            completed: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            polls: AtomicU64::new(0),
            outstanding: AtomicUsize::new(waits),
            first_error: std::sync::Mutex::new(None),
        })
    }

    fn record(&self, result: Result<smileid_core::JobStatus, smileid_core::Error>) {
        match result {
            Ok(status) if status.is_complete() => {
                self.completed.fetch_add(1, Ordering::Relaxed);
            }
            Ok(_) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut first) = self.first_error.lock() {
                    first.get_or_insert_with(|| e.to_string());
                }
            }
        }
        self.outstanding.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Samples RSS every 20 ms until told to stop; returns the highest RSS seen
/// while every wait was still outstanding.
fn sampler(tally: Arc<Tally>, waits: usize, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut all_pending_peak = 0;
        while !stop.load(Ordering::Acquire) {
            let rss = support::self_rss();
            if tally.outstanding.load(Ordering::Acquire) == waits {
                all_pending_peak = all_pending_peak.max(rss);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        all_pending_peak
    })
}

fn policy() -> WaitPolicy {
    WaitPolicy::fixed(Duration::from_secs(1))
        .with_deadline(Duration::from_secs(120))
        .with_max_polls(30)
}

fn full_stack(waits: usize) -> Result<Value, String> {
    let emulator = EmulatorProcess::start(&EmulatorOptions {
        workers: 2,
        pending: waits,
        pending_polls: PENDING_POLLS,
        cpu: None,
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let client = Arc::new(emulator.client()?);
    // Connect and warm up before the baseline.
    runtime.block_on(async {
        let query = JobStatusQuery::new(smileid_emulator::DEMO_USER_ID, "demo-approved");
        for _ in 0..50 {
            client
                .job_status(&query)
                .await
                .map_err(|e| format!("warm-up: {e}"))?;
        }
        Ok::<(), String>(())
    })?;
    let policy = policy();
    let future_size = {
        let query = JobStatusQuery::new("wait-user", "wait-0");
        let future = client.wait_for_completion(&query, &policy);
        std::mem::size_of_val(&future)
    };
    let tally = Tally::new(waits);
    let baseline = support::self_rss();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sampler(Arc::clone(&tally), waits, Arc::clone(&stop));
    let cpu0 = support::self_cpu_time();
    let emulator_cpu0 = emulator.cpu_time();
    let started = Instant::now();
    run_waits(&runtime, &client, policy, waits, &tally);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Release);
    let all_pending = sampler.join().unwrap_or(0);
    let peak = support::self_peak_rss();
    Ok(report(
        &tally,
        waits,
        baseline,
        peak,
        all_pending,
        future_size,
        elapsed,
        support::self_cpu_time().saturating_sub(cpu0),
        Some(emulator.cpu_time().saturating_sub(emulator_cpu0)),
    ))
}

/// Runs `waits` concurrent `wait_for_completion` calls on jobs `wait-0`,
/// `wait-1`... of user `wait-user`, counting polls and results in `tally`.
fn run_waits<T, R>(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client<T, R>>,
    policy: WaitPolicy,
    waits: usize,
    tally: &Arc<Tally>,
) where
    T: smileid_core::HttpTransport + 'static,
    R: smileid_core::Timer + 'static,
{
    runtime.block_on(async {
        let mut tasks = Vec::with_capacity(waits);
        for i in 0..waits {
            let client = Arc::clone(client);
            let tally = Arc::clone(tally);
            tasks.push(tokio::spawn(async move {
                let query = JobStatusQuery::new("wait-user", format!("wait-{i}"));
                let result = client
                    .wait_for_completion_with(&query, &policy, |_| {
                        tally.polls.fetch_add(1, Ordering::Relaxed);
                    })
                    .await;
                tally.record(result);
            }));
        }
        for task in tasks {
            let _ = task.await;
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn report(
    tally: &Tally,
    waits: usize,
    baseline: u64,
    peak: u64,
    all_pending: u64,
    future_size: usize,
    elapsed: Duration,
    cpu: Duration,
    emulator_cpu: Option<Duration>,
) -> Value {
    let first_error = tally.first_error.lock().ok().and_then(|e| e.clone());
    json!({
        "waits": waits,
        "completed": tally.completed.load(Ordering::Relaxed),
        "errors": tally.errors.load(Ordering::Relaxed),
        "first_error": first_error,
        "polls": tally.polls.load(Ordering::Relaxed),
        "seconds": elapsed.as_secs_f64(),
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": peak,
        "all_pending_rss_bytes": all_pending,
        "bytes_per_wait": peak.saturating_sub(baseline) as f64 / waits.max(1) as f64,
        "wait_future_bytes": future_size,
        "client_cpu_s": cpu.as_secs_f64(),
        "emulator_cpu_s": emulator_cpu.map(|d| d.as_secs_f64()),
    })
}

fn fake_in_child(waits: usize) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe)
        .args([FAKE_CHILD_ARG, "--waits", &waits.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the in-process measurement: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the in-process measurement failed ({})",
            out.status
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| format!("no figures from the in-process measurement: {text}"))
}

/// The signed body of a job status answer, pending or complete.
fn answer(signer: &Signer, complete: bool) -> Bytes {
    let signed = signer.sign_at(SystemTime::now());
    let body = if complete {
        json!({
            "timestamp": signed.timestamp, "signature": signed.signature,
            "job_complete": true, "job_success": true, "code": "2302",
            "result": {
                "ResultCode": "0810", "ResultText": "Enroll User", "SmileJobID": "0000000001",
                "PartnerParams": {"user_id": "wait-user", "job_id": "wait", "job_type": 1}
            }
        })
    } else {
        json!({
            "timestamp": signed.timestamp, "signature": signed.signature,
            "job_complete": false, "job_success": false, "code": "2314",
            "result": "No zip file received"
        })
    };
    Bytes::from(body.to_string())
}

fn in_process(waits: usize) -> Result<Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let signer = Signer::new("001", "in-process-key").map_err(|e| e.to_string())?;
    let pending = answer(&signer, false);
    let complete = answer(&signer, true);
    // Every job is pending until `complete_at`, then complete: no per-job
    // state on the answering side.
    let complete_at = Arc::new(std::sync::OnceLock::<Instant>::new());
    let transport = {
        let complete_at = Arc::clone(&complete_at);
        move |_request: http::Request<Bytes>| {
            let done = complete_at.get().is_some_and(|at| Instant::now() >= *at);
            let body = if done {
                complete.clone()
            } else {
                pending.clone()
            };
            async move { Ok::<_, TransportError>(http::Response::new(body)) }
        }
    };
    let client = Arc::new(
        Client::builder("001", "in-process-key")
            .environment(Environment::Sandbox)
            .build(transport, TokioTimer::new())
            .map_err(|e| e.to_string())?,
    );
    let policy = policy();
    let future_size = {
        let query = JobStatusQuery::new("wait-user", "wait-0");
        let future = client.wait_for_completion(&query, &policy);
        std::mem::size_of_val(&future)
    };
    // Warm up the runtime's timer wheel and the allocator.
    runtime.block_on(async {
        let query = JobStatusQuery::new("wait-user", "warm-up");
        let _ = client.job_status(&query).await;
    });
    let tally = Tally::new(waits);
    let baseline = support::self_rss();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sampler(Arc::clone(&tally), waits, Arc::clone(&stop));
    let cpu0 = support::self_cpu_time();
    let started = Instant::now();
    let _ = complete_at.set(started + Duration::from_millis(2_500));
    run_waits(&runtime, &client, policy, waits, &tally);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Release);
    let all_pending = sampler.join().unwrap_or(0);
    let peak = support::self_peak_rss();
    Ok(report(
        &tally,
        waits,
        baseline,
        peak,
        all_pending,
        future_size,
        elapsed,
        support::self_cpu_time().saturating_sub(cpu0),
        None,
    ))
}
