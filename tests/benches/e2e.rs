//! End-to-end job status benchmark: smileid against the emulator on loopback,
//! over TLS with keep-alive, the emulator in its own process; then the same
//! workload through the official Python and Node SDKs against the same
//! emulator.
//!
//! ```text
//! cargo bench -p smileid-e2e --bench e2e -- [--json PATH] [--seconds S]
//!     [--concurrency N] [--no-sdks] [--client-workers N] [--emulator-workers N]
//!     [--no-http1] [--no-pin]
//! ```
//!
//! The client and the emulator each get one tokio worker thread and one CPU
//! (with `taskset`, when there are two CPUs; `--no-pin` leaves placement to
//! the scheduler). With two workers each, four busy threads share two cores
//! and every call pays for cross-thread wake-ups; `--client-workers 2
//! --emulator-workers 2` measures that.
//!
//! smileid runs twice: with the default transport (HTTP/2, negotiated by
//! ALPN) and offering only HTTP/1.1 (`--no-http1` skips that); the official
//! SDKs are compared with the default.
//!
//! Prints a table and, with `--json`, writes the figures for `cargo xtask
//! bench`. Every call must come back complete and verified; errors are
//! counted and reported, never ignored.

#![allow(missing_docs)]

use smileid_testkit::sdks;
mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use smileid_core::JobStatusQuery;
use smileid_emulator::DEMO_USER_ID;
use support::{BenchClient, EmulatorOptions, EmulatorProcess, Latency, us};

const JOB: &str = "demo-approved";

struct Settings {
    seconds: f64,
    concurrency: usize,
    sdks: bool,
    client_workers: usize,
    emulator_workers: usize,
    http1: bool,
    pin: bool,
    json: Option<PathBuf>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(support::SERVE_ARG) {
        if let Err(e) = support::serve_emulator(&args[1..]) {
            eprintln!("emulator process: {e}");
            std::process::exit(1);
        }
        return;
    }
    let parse = |name: &str| support::arg_value(&args, name);
    let settings = Settings {
        seconds: parse("--seconds")
            .and_then(|s| s.parse().ok())
            .unwrap_or(3.0),
        concurrency: parse("--concurrency")
            .and_then(|s| s.parse().ok())
            .unwrap_or(64),
        sdks: !args.iter().any(|a| a == "--no-sdks"),
        client_workers: parse("--client-workers")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        emulator_workers: parse("--emulator-workers")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
        http1: !args.iter().any(|a| a == "--no-http1"),
        pin: !args.iter().any(|a| a == "--no-pin"),
        json: parse("--json").map(PathBuf::from),
    };
    match run(&settings) {
        Ok(report) => {
            if let Some(path) = &settings.json {
                if let Err(e) = support::write_json(path, &report) {
                    eprintln!("e2e: cannot write the report: {e}");
                    std::process::exit(1);
                }
                println!("\nfigures written to {}", path.display());
            }
        }
        Err(e) => {
            eprintln!("e2e: {e}");
            std::process::exit(1);
        }
    }
}

/// One measured phase.
struct Phase {
    calls: u64,
    errors: u64,
    elapsed: Duration,
    latency: Latency,
    client_cpu: Duration,
    emulator_cpu: Duration,
}

impl Phase {
    /// A phase whose task panicked.
    fn failed() -> Self {
        Self {
            calls: 0,
            errors: 1,
            elapsed: Duration::from_secs(1),
            latency: Latency::default(),
            client_cpu: Duration::ZERO,
            emulator_cpu: Duration::ZERO,
        }
    }

    fn per_second(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    fn to_json(&self, concurrency: usize) -> Value {
        let calls = self.calls.max(1) as f64;
        json!({
            "concurrency": concurrency,
            "calls": self.calls,
            "errors": self.errors,
            "seconds": self.elapsed.as_secs_f64(),
            "calls_per_sec": self.per_second(),
            "p50_us": us(self.latency.p50),
            "p90_us": us(self.latency.p90),
            "p99_us": us(self.latency.p99),
            "max_us": us(self.latency.max),
            "client_cpu_s": self.client_cpu.as_secs_f64(),
            "emulator_cpu_s": self.emulator_cpu.as_secs_f64(),
            "client_cpu_us_per_call": self.client_cpu.as_secs_f64() * 1e6 / calls,
            "emulator_cpu_us_per_call": self.emulator_cpu.as_secs_f64() * 1e6 / calls,
        })
    }

    fn print(&self, name: &str) {
        let calls = self.calls.max(1) as f64;
        println!(
            "{name:<28} {:>9.0} calls/s  p50 {:>8.1} us  p99 {:>8.1} us  max {:>8.1} us  \
             cpu/call client {:>6.1} us emulator {:>6.1} us  ({} calls, {} errors)",
            self.per_second(),
            us(self.latency.p50),
            us(self.latency.p99),
            us(self.latency.max),
            self.client_cpu.as_secs_f64() * 1e6 / calls,
            self.emulator_cpu.as_secs_f64() * 1e6 / calls,
            self.calls,
            self.errors,
        );
    }
}

fn run(settings: &Settings) -> Result<Value, String> {
    // One core each: this process (and the SDK drivers it starts) on CPU 0,
    // the emulator on CPU 1. Unpinned, the scheduler sometimes puts both on
    // one CPU, which makes sequential calls about 40 % faster (no wake-up
    // across CPUs) and concurrent ones slower: results would depend on luck.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pinned = settings.pin && cpus >= 2 && support::pin_self(0);
    let emulator = EmulatorProcess::start(&EmulatorOptions {
        workers: settings.emulator_workers,
        cpu: pinned.then_some(1),
        ..EmulatorOptions::default()
    })?;
    let placement = if pinned {
        "client on CPU 0, emulator on CPU 1 (taskset)"
    } else {
        "not pinned"
    };
    println!(
        "emulator: pid {} at {} ({} worker threads); client: {} worker threads; {placement}",
        emulator.pid, emulator.base_url, settings.emulator_workers, settings.client_workers
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(settings.client_workers.max(1))
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let window = Duration::from_secs_f64(settings.seconds);

    // The default client (HTTP/2 by ALPN), then one offering only HTTP/1.1.
    let mut results = Vec::new();
    for http1 in [false, true] {
        if http1 && !settings.http1 {
            continue;
        }
        let client = Arc::new(emulator.client_with(http1)?);
        // Warm up: connection, TLS session, allocator, caches.
        runtime.block_on(async {
            let query = JobStatusQuery::new(DEMO_USER_ID, JOB);
            for _ in 0..500 {
                check(client.job_status(&query).await)?;
            }
            Ok::<(), String>(())
        })?;
        let version = runtime.block_on(http_version(&client));
        let name = if http1 { "smileid HTTP/1.1" } else { "smileid" };

        // In a task, as a request handler would call it (not on the thread
        // blocked in `block_on`, which costs a cross-thread wake-up per call).
        let seq = measure(&emulator, || {
            let client = Arc::clone(&client);
            runtime
                .block_on(runtime.spawn(async move { sequential(&client, window).await }))
                .unwrap_or_else(|_| Phase::failed())
        });
        seq.print(&format!("{name} sequential"));
        let conc = measure(&emulator, || {
            runtime.block_on(concurrent(&client, settings.concurrency, window))
        });
        conc.print(&format!("{name} concurrency {}", settings.concurrency));
        results.push((http1, version, seq, conc));
    }
    drop(runtime);

    let (_, version, sequential, concurrent) = &results[0];
    let mut report = json!({
        "workload": {
            "call": "POST /v1/job_status (demo-user/demo-approved, no history or image links)",
            "transport": format!("TLS 1.3 on loopback, keep-alive, {version} (negotiated by ALPN)"),
            "window_s": settings.seconds,
            "client_workers": settings.client_workers,
            "emulator_workers": settings.emulator_workers,
            "placement": placement,
        },
        "smileid": {
            "sequential": sequential.to_json(1),
            "concurrent": concurrent.to_json(settings.concurrency),
        },
    });
    if let Some((_, version, seq, conc)) = results.get(1) {
        report["smileid_http1"] = json!({
            "version": version,
            "sequential": seq.to_json(1),
            "concurrent": conc.to_json(settings.concurrency),
        });
    }

    if settings.sdks {
        report["python"] = side_by_side("python", &emulator, settings);
        report["node"] = side_by_side("node", &emulator, settings);
        let ours = [sequential.per_second(), concurrent.per_second()];
        for sdk in ["python", "node"] {
            let theirs = [
                report[sdk]["sequential"]["calls_per_sec"].as_f64(),
                report[sdk]["concurrent"]["calls_per_sec"].as_f64(),
            ];
            if let [Some(seq), Some(conc)] = theirs {
                report["ratios"][sdk] = json!({
                    "sequential": ours[0] / seq,
                    "concurrent": ours[1] / conc,
                });
                println!(
                    "smileid / {sdk}: {:.1}x sequential, {:.1}x at concurrency {}",
                    ours[0] / seq,
                    ours[1] / conc,
                    settings.concurrency
                );
            }
        }
    }
    Ok(report)
}

/// Runs `work` and adds both processes' CPU time to its figures.
fn measure(emulator: &EmulatorProcess, work: impl FnOnce() -> Phase) -> Phase {
    let client_before = support::self_cpu_time();
    let emulator_before = emulator.cpu_time();
    let mut phase = work();
    phase.client_cpu = support::self_cpu_time().saturating_sub(client_before);
    phase.emulator_cpu = emulator.cpu_time().saturating_sub(emulator_before);
    phase
}

fn check(result: Result<smileid_core::JobStatus, smileid_core::Error>) -> Result<(), String> {
    match result {
        Ok(status) if status.is_complete() && status.is_success() => Ok(()),
        Ok(status) => Err(format!(
            "unexpected status: complete {} success {}",
            status.is_complete(),
            status.is_success()
        )),
        Err(e) => Err(format!("job status failed: {e}")),
    }
}

async fn http_version(client: &BenchClient) -> String {
    // The transport negotiates by ALPN; ask the emulator directly which one
    // a request over the same stack uses.
    use smileid_core::HttpTransport as _;
    let request = http::Request::builder()
        .uri(format!(
            "{}/healthz",
            client.base_url().as_str().trim_end_matches("/v1")
        ))
        .body(bytes::Bytes::new());
    match request {
        Ok(request) => match client.transport().send(request).await {
            Ok(response) => format!("{:?}", response.version()),
            Err(e) => format!("unknown ({e})"),
        },
        Err(_) => "unknown".to_owned(),
    }
}

async fn sequential(client: &BenchClient, window: Duration) -> Phase {
    let query = JobStatusQuery::new(DEMO_USER_ID, JOB);
    let mut samples = Vec::with_capacity(100_000);
    let mut errors = 0;
    let started = Instant::now();
    while started.elapsed() < window {
        let t = Instant::now();
        let result = client.job_status(&query).await;
        samples.push(t.elapsed());
        if check(result).is_err() {
            errors += 1;
        }
    }
    let elapsed = started.elapsed();
    Phase {
        calls: samples.len() as u64,
        errors,
        elapsed,
        latency: Latency::of(&mut samples),
        client_cpu: Duration::ZERO,
        emulator_cpu: Duration::ZERO,
    }
}

async fn concurrent(client: &Arc<BenchClient>, concurrency: usize, window: Duration) -> Phase {
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = Arc::clone(client);
        let errors = Arc::clone(&errors);
        tasks.push(tokio::spawn(async move {
            let query = JobStatusQuery::new(DEMO_USER_ID, JOB);
            let mut samples = Vec::with_capacity(4096);
            while started.elapsed() < window {
                let t = Instant::now();
                let result = client.job_status(&query).await;
                samples.push(t.elapsed());
                if check(result).is_err() {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        match task.await {
            Ok(mut s) => samples.append(&mut s),
            Err(_) => {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let elapsed = started.elapsed();
    Phase {
        calls: samples.len() as u64,
        errors: errors.load(Ordering::Relaxed),
        elapsed,
        latency: Latency::of(&mut samples),
        client_cpu: Duration::ZERO,
        emulator_cpu: Duration::ZERO,
    }
}

/// The same workload through an official SDK; `{"skipped": reason}` when it
/// cannot be installed or run here.
fn side_by_side(sdk: &str, emulator: &EmulatorProcess, settings: &Settings) -> Value {
    let command = match sdk {
        "python" => {
            sdks::python_sdk().map(|s| s.command("python_bench.py", Some(&emulator.ca_file)))
        }
        _ => sdks::node_sdk().map(|s| s.command("node_bench.js", Some(&emulator.ca_file))),
    };
    let mut command = match command {
        Ok(c) => c,
        Err(why) => {
            println!("{sdk} SDK: skipped ({why})");
            return json!({ "skipped": why.0 });
        }
    };
    command
        .args([
            emulator.base_url.as_str(),
            emulator.partner_id.as_str(),
            emulator.api_key.as_str(),
            DEMO_USER_ID,
            JOB,
        ])
        .env("SMILE_BENCH_SECONDS", settings.seconds.to_string())
        .env("SMILE_BENCH_CONCURRENCY", settings.concurrency.to_string());
    let emulator_before = emulator.cpu_time();
    let out = match sdks::run(
        command,
        Duration::from_secs_f64(settings.seconds * 6.0 + 60.0),
    ) {
        Ok(out) => out,
        Err(e) => {
            println!("{sdk} SDK: failed to run ({e})");
            return json!({ "skipped": e });
        }
    };
    let emulator_cpu = emulator.cpu_time().saturating_sub(emulator_before);
    let parsed: Option<Value> = out
        .stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok());
    let Some(mut doc) = parsed.filter(|_| out.status.success()) else {
        println!(
            "{sdk} SDK: the driver failed ({}): {}",
            out.status,
            out.stderr.trim()
        );
        return json!({ "skipped": format!("driver failed: {}", out.stderr.trim()) });
    };
    // Both phases share the emulator CPU measured around the whole run.
    doc["emulator_cpu_s_total"] = json!(emulator_cpu.as_secs_f64());
    for phase in ["sequential", "concurrent"] {
        let p = &doc[phase];
        println!(
            "{:<28} {:>9.0} calls/s  p50 {:>8.1} us  p99 {:>8.1} us  max {:>8.1} us  \
             cpu/call driver {:>6.1} us  ({} calls, {} errors)",
            format!("{sdk} {phase}"),
            p["calls_per_sec"].as_f64().unwrap_or(0.0),
            p["p50_us"].as_f64().unwrap_or(0.0),
            p["p99_us"].as_f64().unwrap_or(0.0),
            p["max_us"].as_f64().unwrap_or(0.0),
            p["client_cpu_us_per_call"].as_f64().unwrap_or(0.0),
            p["calls"].as_u64().unwrap_or(0),
            p["errors"].as_u64().unwrap_or(0),
        );
    }
    doc
}
