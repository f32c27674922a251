//! `cargo xtask bench`: every benchmark of the workspace, then one report.
//!
//! 1. The criterion micro-benchmarks of every crate (short but sane
//!    settings: 1 s warm-up, 2 s measurement, 100 samples).
//! 2. The end-to-end bench binaries of `smileid-e2e`: job status calls
//!    against the emulator in a child process over TLS (sequential and at
//!    concurrency 64), then the same workload through the official Python
//!    and Node SDKs against the same emulator (when they can be installed),
//!    then 10,000 concurrent waits and their memory, then an image job (a
//!    2 MB selfie and eight 200 kB frames) submitted by smileid and by the
//!    official Python SDK, up to the accepted upload, with the client's
//!    peak memory.
//! 3. `target/bench-report.md`: the machine, the command, the date, every
//!    figure and the project's performance goals with what was reached.
//!
//! Nothing here asserts on timings: a missed goal is reported, not failed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// Options of `cargo xtask bench`.
struct Options {
    quick: bool,
    sdks: bool,
    micro: bool,
    e2e: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            quick: false,
            sdks: true,
            micro: true,
            e2e: true,
        };
        for arg in args {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--no-sdks" => options.sdks = false,
                "--micro-only" => options.e2e = false,
                "--e2e-only" => options.micro = false,
                other => {
                    return Err(format!(
                        "unknown option `{other}` for bench (expected --quick, --no-sdks, \
                         --micro-only, --e2e-only)"
                    ));
                }
            }
        }
        Ok(options)
    }
}

/// Usage lines for `cargo xtask help`.
pub const HELP: &str = "  bench  every benchmark: criterion micro-benchmarks, end-to-end job status\n         \
    against the emulator (TLS, sequential and concurrency 64), the official\n         \
    Python and Node SDKs side by side, 10,000 concurrent waits, an image job\n         \
    submitted by smileid and the Python SDK; writes target/bench-report.md.\n         \
    Options: --quick, --no-sdks, --micro-only, --e2e-only\n";

/// Runs the benchmarks and writes the report.
pub fn bench(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let root = workspace_root()?;
    let target = target_dir(&root);
    let out_dir = target.join("bench");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let started = Instant::now();
    let started_at = SystemTime::now();
    let command_line = format!("cargo xtask bench {}", args.join(" "))
        .trim_end()
        .to_owned();

    let mut micro = Vec::new();
    let mut notes = Vec::new();
    if options.micro {
        let (warm, measure) = if options.quick {
            ("0.5", "1")
        } else {
            ("1", "2")
        };
        let criterion_args = [
            "--warm-up-time",
            warm,
            "--measurement-time",
            measure,
            "--noplot",
        ];
        let mut cargo_args = vec![
            "bench",
            "--workspace",
            "--exclude",
            "smileid-e2e",
            "--exclude",
            "xtask",
            // Bench targets only: `--benches` would also run the libraries'
            // libtest harness, which rejects criterion's options.
            "--bench",
            "*",
            "--",
        ];
        cargo_args.extend(criterion_args);
        let since = SystemTime::now();
        if let Err(e) = run_cargo("micro-benchmarks (criterion)", &cargo_args, &root) {
            notes.push(format!("criterion benchmarks: {e}"));
        }
        micro = read_criterion(&target.join("criterion"), since);
        if micro.is_empty() {
            notes.push("no criterion results were found".to_owned());
        }
    }

    let mut e2e = Value::Null;
    let mut waits = Value::Null;
    let mut submit = Value::Null;
    if options.e2e {
        let e2e_json = out_dir.join("e2e.json");
        let waits_json = out_dir.join("waits.json");
        let _ = std::fs::remove_file(&e2e_json);
        let _ = std::fs::remove_file(&waits_json);
        let e2e_path = e2e_json.to_string_lossy().into_owned();
        let seconds = if options.quick { "1.5" } else { "3" };
        let mut args = vec![
            "bench",
            "-p",
            "smileid-e2e",
            "--bench",
            "e2e",
            "--",
            "--json",
            &e2e_path,
            "--seconds",
            seconds,
        ];
        if !options.sdks {
            args.push("--no-sdks");
        }
        match run_cargo("end to end: job status (+ official SDKs)", &args, &root) {
            Ok(()) => e2e = read_json(&e2e_json).unwrap_or(Value::Null),
            Err(e) => notes.push(format!("end-to-end job status: {e}")),
        }
        let waits_path = waits_json.to_string_lossy().into_owned();
        let count = if options.quick { "2000" } else { "10000" };
        let args = [
            "bench",
            "-p",
            "smileid-e2e",
            "--bench",
            "waits",
            "--",
            "--json",
            &waits_path,
            "--waits",
            count,
        ];
        match run_cargo("end to end: concurrent waits", &args, &root) {
            Ok(()) => waits = read_json(&waits_json).unwrap_or(Value::Null),
            Err(e) => notes.push(format!("waits: {e}")),
        }
        let submit_json = out_dir.join("submit.json");
        let _ = std::fs::remove_file(&submit_json);
        let submit_path = submit_json.to_string_lossy().into_owned();
        let runs = if options.quick { "5" } else { "10" };
        let mut args = vec![
            "bench",
            "-p",
            "smileid-e2e",
            "--bench",
            "submit",
            "--",
            "--json",
            &submit_path,
            "--runs",
            runs,
        ];
        if !options.sdks {
            args.push("--no-sdks");
        }
        match run_cargo(
            "end to end: image job submission (+ Python SDK)",
            &args,
            &root,
        ) {
            Ok(()) => submit = read_json(&submit_json).unwrap_or(Value::Null),
            Err(e) => notes.push(format!("image job submission: {e}")),
        }
    }

    let report = Report {
        machine: Machine::probe(&root),
        command: command_line,
        date: format_utc(started_at),
        duration_s: started.elapsed().as_secs_f64(),
        micro,
        e2e,
        waits,
        submit,
        notes,
    };
    let text = report.render();
    let path = target.join("bench-report.md");
    std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\n{text}");
    println!(
        "xtask bench: report written to {} ({:.0} s)",
        path.display(),
        report.duration_s
    );
    Ok(())
}

fn workspace_root() -> Result<PathBuf, String> {
    // xtask lives in <root>/xtask.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot find the workspace root".to_owned())
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

fn run_cargo(name: &str, args: &[&str], root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("\n==> [{name}] cargo {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    println!(
        "==> [{name}] {} in {:.1}s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

// ----- criterion results -----

/// One criterion benchmark's figures.
struct Micro {
    /// `group/function` as criterion names it.
    id: String,
    /// Median estimate, nanoseconds.
    median_ns: f64,
    /// 95 % confidence interval of the median, nanoseconds.
    low_ns: f64,
    high_ns: f64,
    /// Bytes or elements per iteration, when declared.
    throughput: Option<(String, f64)>,
}

impl Micro {
    fn throughput_text(&self) -> String {
        match &self.throughput {
            Some((kind, n)) if kind == "Bytes" || kind == "BytesDecimal" => {
                let per_s = n / (self.median_ns * 1e-9);
                format!("{:.0} MiB/s", per_s / (1024.0 * 1024.0))
            }
            Some((_, n)) => format!("{:.0} elem/s", n / (self.median_ns * 1e-9)),
            None => String::new(),
        }
    }
}

/// Every `benchmark.json` under `dir` written since `since`.
fn read_criterion(dir: &Path, since: SystemTime) -> Vec<Micro> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                // Skip criterion's own report folders and older runs.
                let name = entry.file_name();
                if name != "report" && name != "base" && name != "change" {
                    stack.push(path);
                }
            } else if path.file_name().is_some_and(|n| n == "benchmark.json")
                && path
                    .parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == "new")
            {
                let fresh = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|m| m >= since);
                if fresh && let Some(micro) = read_one(&path) {
                    found.push(micro);
                }
            }
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

fn read_one(benchmark_json: &Path) -> Option<Micro> {
    let meta = read_json(benchmark_json)?;
    let estimates = read_json(&benchmark_json.with_file_name("estimates.json"))?;
    let median = &estimates["median"];
    let throughput = meta["throughput"].as_object().and_then(|t| {
        t.iter()
            .next()
            .and_then(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
    });
    Some(Micro {
        id: meta["full_id"].as_str()?.to_owned(),
        median_ns: median["point_estimate"].as_f64()?,
        low_ns: median["confidence_interval"]["lower_bound"].as_f64()?,
        high_ns: median["confidence_interval"]["upper_bound"].as_f64()?,
        throughput,
    })
}

fn duration_text(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

// ----- the machine -----

struct Machine {
    nproc: usize,
    cpu: String,
    memory: String,
    rustc: String,
    kernel: String,
    commit: String,
    load: String,
}

impl Machine {
    fn probe(root: &Path) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<f64>().ok())
            .map(|kib| format!("{:.1} GiB", kib / (1024.0 * 1024.0)))
            .unwrap_or_else(|| "unknown".to_owned());
        let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
        let output = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .current_dir(root)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_else(|| "unknown".to_owned())
        };
        let dirty = Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no"])
            .current_dir(root)
            .output()
            .ok()
            .is_some_and(|o| !o.stdout.is_empty());
        let commit = format!(
            "{}{}",
            output("git", &["rev-parse", "--short", "HEAD"]),
            if dirty {
                " (with uncommitted changes)"
            } else {
                ""
            }
        );
        Self {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory,
            rustc: output(&rustc, &["--version"]),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|s| format!("Linux {}", s.trim()))
                .unwrap_or_else(|_| std::env::consts::OS.to_owned()),
            commit,
            load: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_else(|| "unknown".to_owned()),
        }
    }
}

/// `YYYY-MM-DD HH:MM UTC`.
fn format_utc(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

// ----- the report -----

struct Report {
    machine: Machine,
    command: String,
    date: String,
    duration_s: f64,
    micro: Vec<Micro>,
    e2e: Value,
    waits: Value,
    submit: Value,
    notes: Vec<String>,
}

/// A goal's verdict.
struct Goal {
    goal: &'static str,
    reached: String,
    met: Verdict,
}

/// Whether a goal was reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Met,
    /// Missed by the medians, but the 95 % intervals overlap.
    WithinNoise,
    Missed,
    NotMeasured,
}

impl Verdict {
    fn from(met: Option<bool>) -> Self {
        match met {
            Some(true) => Self::Met,
            Some(false) => Self::Missed,
            None => Self::NotMeasured,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Self::Met => "yes",
            Self::WithinNoise => "within noise (medians miss, 95 % intervals overlap)",
            Self::Missed => "**no**",
            Self::NotMeasured => "not measured",
        }
    }
}

impl Report {
    fn micro(&self, id: &str) -> Option<&Micro> {
        self.micro.iter().find(|m| m.id == id)
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "# smileid benchmark report\n");
        let _ = writeln!(out, "- date: {}", self.date);
        let _ = writeln!(out, "- command: `{}`", self.command);
        let _ = writeln!(out, "- commit: {}", m.commit);
        let _ = writeln!(
            out,
            "- machine: {} CPUs (`nproc`), {}, {} memory, {}",
            m.nproc, m.cpu, m.memory, m.kernel
        );
        let _ = writeln!(out, "- toolchain: {}, `bench` profile", m.rustc);
        let _ = writeln!(out, "- load average at the end: {}", m.load);
        let _ = writeln!(out, "- total time: {:.0} s", self.duration_s);

        let _ = writeln!(out, "\n## Goals\n");
        let _ = writeln!(out, "| goal | reached | met |");
        let _ = writeln!(out, "|---|---|---|");
        for goal in self.goals() {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                goal.goal,
                goal.reached,
                goal.met.text()
            );
        }

        if !self.micro.is_empty() {
            let _ = writeln!(out, "\n## Micro-benchmarks (criterion)\n");
            let _ = writeln!(
                out,
                "Median of 100 samples with its 95 % confidence interval; throughput from the median.\n"
            );
            let _ = writeln!(out, "| benchmark | median | 95 % interval | throughput |");
            let _ = writeln!(out, "|---|---|---|---|");
            for b in &self.micro {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} – {} | {} |",
                    b.id,
                    duration_text(b.median_ns),
                    duration_text(b.low_ns),
                    duration_text(b.high_ns),
                    b.throughput_text()
                );
            }
        }

        if !self.e2e.is_null() {
            self.render_e2e(&mut out);
        }
        if !self.waits.is_null() {
            self.render_waits(&mut out);
        }
        if !self.submit.is_null() {
            self.render_submit(&mut out);
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\n## Problems during the run\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    fn render_e2e(&self, out: &mut String) {
        let e = &self.e2e;
        let w = &e["workload"];
        let _ = writeln!(out, "\n## End to end: job status against the emulator\n");
        let _ = writeln!(
            out,
            "{} over {}; the emulator runs in its own process; tokio worker threads: client \
             {}, emulator {}; placement: {}; {} s per phase after a warm-up. CPU per call is \
             each process's user + system time over the phase divided by its calls. The \
             official SDKs run against the same emulator, on the client's CPU.\n",
            w["call"].as_str().unwrap_or("job status"),
            w["transport"].as_str().unwrap_or("TLS"),
            w["client_workers"],
            w["emulator_workers"],
            w["placement"].as_str().unwrap_or("not pinned"),
            w["window_s"]
        );
        let _ = writeln!(
            out,
            "| client | phase | calls/s | p50 | p99 | max | client CPU/call | emulator CPU/call | calls | errors |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        for (client, doc) in [
            ("smileid", &e["smileid"]),
            ("smileid, HTTP/1.1 only", &e["smileid_http1"]),
            ("Python SDK", &e["python"]),
            ("Node SDK", &e["node"]),
        ] {
            if let Some(reason) = doc["skipped"].as_str() {
                let _ = writeln!(out, "| {client} | skipped: {reason} | | | | | | | | |");
                continue;
            }
            if doc.is_null() {
                continue;
            }
            // SDK runs share one emulator CPU figure for both phases.
            let emu_total = doc["emulator_cpu_s_total"].as_f64();
            let total_calls = doc["sequential"]["calls"].as_f64().unwrap_or(0.0)
                + doc["concurrent"]["calls"].as_f64().unwrap_or(0.0);
            for phase in ["sequential", "concurrent"] {
                let p = &doc[phase];
                let emulator_cpu = match (p["emulator_cpu_us_per_call"].as_f64(), emu_total) {
                    (Some(v), _) => format!("{v:.1} µs"),
                    (None, Some(total)) if total_calls > 0.0 => {
                        format!("{:.1} µs (both phases)", total * 1e6 / total_calls)
                    }
                    _ => String::new(),
                };
                let label = if phase == "concurrent" {
                    format!("concurrency {}", p["concurrency"])
                } else {
                    "sequential".to_owned()
                };
                let _ = writeln!(
                    out,
                    "| {client} | {label} | {:.0} | {} | {} | {} | {:.1} µs | {emulator_cpu} | {} | {} |",
                    p["calls_per_sec"].as_f64().unwrap_or(0.0),
                    us_text(p["p50_us"].as_f64()),
                    us_text(p["p99_us"].as_f64()),
                    us_text(p["max_us"].as_f64()),
                    p["client_cpu_us_per_call"].as_f64().unwrap_or(0.0),
                    p["calls"],
                    p["errors"],
                );
            }
        }
        for sdk in ["python", "node"] {
            if let Some(r) = e["ratios"][sdk].as_object() {
                let _ = writeln!(
                    out,
                    "\nsmileid / {sdk} SDK calls per second: **{:.1}x** sequential, **{:.1}x** at concurrency {}.",
                    r.get("sequential").and_then(Value::as_f64).unwrap_or(0.0),
                    r.get("concurrent").and_then(Value::as_f64).unwrap_or(0.0),
                    e["smileid"]["concurrent"]["concurrency"]
                );
            }
        }
        for sdk in ["python", "node"] {
            if let Some(name) = e[sdk]["sdk"].as_str() {
                let _ = writeln!(out, "\n{sdk}: {name}.");
            }
        }
    }

    fn render_waits(&self, out: &mut String) {
        let w = &self.waits;
        let _ = writeln!(out, "\n## Waiting at scale\n");
        let _ = writeln!(
            out,
            "{} concurrent `wait_for_completion` calls, polls 1 s apart, each job completing on \
             its third poll. Peak RSS is `VmHWM` of the client process; bytes per wait = (peak \
             - RSS before the waits) / waits.\n",
            w["waits"]
        );
        let _ = writeln!(
            out,
            "| measurement | peak RSS | RSS before | bytes per pending wait | wait future | polls | completed | errors | time |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
        for (name, doc) in [
            (
                "full stack: emulator in a child process, hyper + TLS",
                &w["full_stack"],
            ),
            ("client state only: in-process transport", &w["in_process"]),
        ] {
            if doc.is_null() {
                continue;
            }
            let mib = |k: &str| doc[k].as_f64().unwrap_or(0.0) / (1024.0 * 1024.0);
            let _ = writeln!(
                out,
                "| {name} | {:.1} MiB | {:.1} MiB | {:.0} B | {} B | {} | {} | {} | {:.1} s |",
                mib("peak_rss_bytes"),
                mib("baseline_rss_bytes"),
                doc["bytes_per_wait"].as_f64().unwrap_or(0.0),
                doc["wait_future_bytes"],
                doc["polls"],
                doc["completed"],
                doc["errors"],
                doc["seconds"].as_f64().unwrap_or(0.0),
            );
        }
    }

    fn render_submit(&self, out: &mut String) {
        let s = &self.submit;
        let w = &s["workload"];
        let mib = |v: &Value| v.as_f64().unwrap_or(0.0) / (1024.0 * 1024.0);
        let _ = writeln!(out, "\n## Image job: submitted up to the accepted upload\n");
        let _ = writeln!(
            out,
            "Biometric KYC with a {} B selfie and {} liveness frames of {} B ({:.1} MiB of images), \
             {} runs with new job ids, to the emulator in its own process over TLS on loopback. \
             Time from the call to the accepted zip (prep upload, zip, PUT); no waiting for the \
             result (the Python SDK's polling is stubbed out by its driver). The smileid client \
             runs in a process of its own, so its peak RSS (`VmHWM`) is the client's alone.\n",
            w["selfie_bytes"],
            w["frames"],
            w["frame_bytes"],
            mib(&w["image_bytes"]),
            w["runs"],
        );
        let _ = writeln!(
            out,
            "| client | median | fastest | slowest | first run | CPU per run | peak RSS |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for (client, doc) in [("smileid", &s["smileid"]), ("Python SDK", &s["python"])] {
            if let Some(reason) = doc["skipped"].as_str() {
                let _ = writeln!(out, "| {client} | skipped: {reason} | | | | | |");
                continue;
            }
            let mut runs: Vec<f64> = doc["runs_ms"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            let first = runs.first().copied();
            runs.sort_by(f64::total_cmp);
            let ms = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.2} ms"));
            let count = runs.len().max(1) as f64;
            let _ = writeln!(
                out,
                "| {client} | {} | {} | {} | {} | {:.2} ms | {:.1} MiB |",
                ms(median(&runs)),
                ms(runs.first().copied()),
                ms(runs.last().copied()),
                ms(first),
                doc["cpu_s"].as_f64().unwrap_or(0.0) * 1e3 / count,
                mib(&doc["peak_rss_bytes"]),
            );
        }
        if let Some(ratio) = s["ratio_python"].as_f64() {
            let _ = writeln!(
                out,
                "\nsmileid / Python SDK, median time per submission: **{ratio:.1}x** faster."
            );
        }
        if let Some(name) = s["python"]["sdk"].as_str() {
            let _ = writeln!(out, "\npython: {name}.");
        }
    }

    fn goals(&self) -> Vec<Goal> {
        let mut goals = Vec::new();
        let sign = self.micro("sign");
        goals.push(Goal {
            goal: "sign ≤ 250 ns",
            reached: sign.map_or_else(String::new, |m| duration_text(m.median_ns)),
            met: match sign {
                Some(m) if m.median_ns <= 250.0 => Verdict::Met,
                Some(m) if m.low_ns <= 250.0 => Verdict::WithinNoise,
                Some(_) => Verdict::Missed,
                None => Verdict::NotMeasured,
            },
        });

        // A hostile catalogue pattern is matched in linear time.
        let hostile = self.micro("preflight check (hostile pattern, 64 bytes)");
        goals.push(Goal {
            goal: "pre-flight with a hostile pattern ≤ 100 µs",
            reached: hostile.map_or_else(String::new, |m| duration_text(m.median_ns)),
            met: match hostile {
                Some(m) if m.median_ns <= 100_000.0 => Verdict::Met,
                Some(m) if m.low_ns <= 100_000.0 => Verdict::WithinNoise,
                Some(_) => Verdict::Missed,
                None => Verdict::NotMeasured,
            },
        });

        // Typed decoding against serde_json::Value, per decode group.
        type Pair<'a> = (Option<&'a Micro>, Option<&'a Micro>);
        let mut decode: BTreeMap<&str, Pair<'_>> = BTreeMap::new();
        for m in &self.micro {
            if let Some((group, function)) = m.id.split_once('/') {
                let entry = decode.entry(group).or_default();
                match function {
                    "typed_decode" => entry.0 = Some(m),
                    "value" => entry.1 = Some(m),
                    _ => {}
                }
            }
        }
        let pairs: Vec<(&str, &Micro, &Micro)> = decode
            .iter()
            .filter_map(|(g, (t, v))| Some((*g, (*t)?, (*v)?)))
            .collect();
        let verdicts: Vec<Verdict> = pairs
            .iter()
            .map(|(_, t, v)| {
                if t.median_ns <= v.median_ns {
                    Verdict::Met
                } else if t.low_ns <= v.high_ns {
                    Verdict::WithinNoise
                } else {
                    Verdict::Missed
                }
            })
            .collect();
        goals.push(Goal {
            goal: "typed decoding ≥ `serde_json::Value` speed",
            reached: pairs
                .iter()
                .map(|(g, t, v)| {
                    format!(
                        "{g}: typed {} vs Value {} ({:.2}x)",
                        duration_text(t.median_ns),
                        duration_text(v.median_ns),
                        v.median_ns / t.median_ns
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            met: if verdicts.is_empty() {
                Verdict::NotMeasured
            } else if verdicts.contains(&Verdict::Missed) {
                Verdict::Missed
            } else if verdicts.contains(&Verdict::WithinNoise) {
                Verdict::WithinNoise
            } else {
                Verdict::Met
            },
        });

        let seq = &self.e2e["smileid"]["sequential"];
        let p50 = seq["p50_us"].as_f64();
        goals.push(Goal {
            goal: "sequential job status p50 ≤ 150 µs",
            reached: us_text(p50),
            met: Verdict::from(p50.map(|p| p <= 150.0)),
        });
        let conc = &self.e2e["smileid"]["concurrent"];
        let rate = conc["calls_per_sec"].as_f64();
        goals.push(Goal {
            goal: "≥ 15,000 calls/s at concurrency 64",
            reached: rate.map_or_else(String::new, |r| {
                format!("{r:.0} calls/s (p99 {})", us_text(conc["p99_us"].as_f64()))
            }),
            met: Verdict::from(rate.map(|r| r >= 15_000.0)),
        });

        let full = &self.waits["full_stack"];
        let peak = full["peak_rss_bytes"].as_f64();
        let waits = self.waits["waits"].as_u64().unwrap_or(0);
        goals.push(Goal {
            goal: "10,000 pending waits in ≤ 64 MiB",
            reached: peak.map_or_else(String::new, |p| {
                format!(
                    "{waits} waits: peak RSS {:.1} MiB, {:.0} B per wait",
                    p / (1024.0 * 1024.0),
                    full["bytes_per_wait"].as_f64().unwrap_or(0.0)
                )
            }),
            met: Verdict::from(
                peak.filter(|_| waits >= 10_000)
                    .map(|p| p <= 64.0 * 1024.0 * 1024.0),
            ),
        });

        let submit = &self.submit;
        let peak = submit["smileid"]["peak_rss_bytes"].as_f64();
        let images = submit["workload"]["image_bytes"].as_f64();
        goals.push(Goal {
            goal: "image job: client peak RSS ≤ image bytes + 16 MiB",
            reached: match (peak, images) {
                (Some(p), Some(i)) => format!(
                    "{:.1} MiB for {:.1} MiB of images (limit {:.1} MiB)",
                    p / MIB,
                    i / MIB,
                    i / MIB + 16.0
                ),
                _ => String::new(),
            },
            met: Verdict::from(match (peak, images) {
                (Some(p), Some(i)) => Some(p <= i + 16.0 * MIB),
                _ => None,
            }),
        });
        let ratio = submit["ratio_python"].as_f64();
        goals.push(Goal {
            goal: "image job submission ≥ 5x faster than the official Python SDK",
            reached: ratio.map_or_else(
                || {
                    submit["python"]["skipped"]
                        .as_str()
                        .map(|s| format!("skipped: {s}"))
                        .unwrap_or_default()
                },
                |r| format!("{r:.1}x (median time to the accepted upload)"),
            ),
            met: Verdict::from(ratio.map(|r| r >= 5.0)),
        });

        let ratios = &self.e2e["ratios"]["python"];
        let (rs, rc) = (ratios["sequential"].as_f64(), ratios["concurrent"].as_f64());
        goals.push(Goal {
            goal: "≥ 20x the official Python SDK's calls/s",
            reached: match (rs, rc) {
                (Some(s), Some(c)) => format!("{s:.1}x sequential, {c:.1}x at concurrency 64"),
                _ => self.e2e["python"]["skipped"]
                    .as_str()
                    .map(|s| format!("skipped: {s}"))
                    .unwrap_or_default(),
            },
            met: Verdict::from(match (rs, rc) {
                (Some(s), Some(c)) => Some(s >= 20.0 && c >= 20.0),
                _ => None,
            }),
        });
        goals
    }
}

/// Bytes in a MiB, for the report.
const MIB: f64 = 1024.0 * 1024.0;

/// The median of sorted `values`.
fn median(values: &[f64]) -> Option<f64> {
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 0 => Some((values[mid - 1] + values[mid]) / 2.0),
        _ => Some(values[mid]),
    }
}

fn us_text(us: Option<f64>) -> String {
    match us {
        Some(v) if v >= 1000.0 => format!("{:.2} ms", v / 1000.0),
        Some(v) => format!("{v:.0} µs"),
        None => String::new(),
    }
}
