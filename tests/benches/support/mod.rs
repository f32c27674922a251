//! What the end-to-end benchmarks share: an emulator in a child process,
//! process CPU time and memory from `/proc`, latency summaries, the client.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use smileid_core::{Client, Environment, RetryPolicy};
use smileid_emulator::{Emulator, JobSpec, PresetOutcome};
use smileid_hyper::{HyperTransport, TokioTimer, rustls};

/// The argument that turns a benchmark binary into an emulator server.
pub const SERVE_ARG: &str = "--serve-emulator";

/// The client every end-to-end benchmark measures: smileid-core's client over
/// the hyper transport and the tokio timer.
pub type BenchClient = Client<HyperTransport, TokioTimer>;

/// An emulator running in a child process (the same binary, started with
/// [`SERVE_ARG`]). Dropping it closes the child's stdin, which stops it.
pub struct EmulatorProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The emulator's process id.
    pub pid: u32,
    /// `https://127.0.0.1:PORT/v1`.
    pub base_url: String,
    /// The emulator's CA certificate, as a PEM file.
    pub ca_file: PathBuf,
    /// The partner id it accepts.
    pub partner_id: String,
    /// The API key it accepts.
    pub api_key: String,
}

/// Options of the emulator child.
#[derive(Debug, Clone, Default)]
pub struct EmulatorOptions {
    /// Worker threads of the child's runtime (0: tokio's default).
    pub workers: usize,
    /// Extra jobs `wait-user`/`wait-<i>` for `i` in `0..pending`, each
    /// completing on poll `pending_polls + 1`.
    pub pending: usize,
    /// See `pending`.
    pub pending_polls: u32,
    /// Run the child on this CPU only (through `taskset`).
    pub cpu: Option<usize>,
}

impl EmulatorProcess {
    /// Starts the child and waits until it serves.
    pub fn start(options: &EmulatorOptions) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let ca_file = std::env::temp_dir().join(format!(
            "smileid-bench-ca-{}-{}.pem",
            std::process::id(),
            fastish_id()
        ));
        let mut command = match options.cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        let mut child = command
            .arg(SERVE_ARG)
            .arg(&ca_file)
            .arg(options.workers.to_string())
            .arg(options.pending.to_string())
            .arg(options.pending_polls.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the emulator process: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("reading the emulator's first line: {e}"))?;
        let mut parts = line.split_whitespace();
        let (Some("READY"), Some(base_url), Some(partner_id), Some(api_key)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            let _ = child.kill();
            return Err(format!("the emulator process said {line:?}"));
        };
        Ok(Self {
            pid: child.id(),
            stdin: child.stdin.take(),
            child,
            base_url: base_url.to_owned(),
            ca_file,
            partner_id: partner_id.to_owned(),
            api_key: api_key.to_owned(),
        })
    }

    /// A rustls client configuration trusting only the emulator's CA,
    /// offering `alpn`.
    fn tls_config(&self, alpn: &[&[u8]]) -> Result<rustls::ClientConfig, String> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let pem = std::fs::read(&self.ca_file).map_err(|e| format!("CA file: {e}"))?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("CA PEM: {e}"))?;
            roots.add(cert).map_err(|e| format!("CA: {e}"))?;
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(config)
    }

    /// CPU time (user + system) the child used so far.
    pub fn cpu_time(&self) -> Duration {
        cpu_time_of(&format!("/proc/{}/stat", self.pid)).unwrap_or_default()
    }

    /// The child's peak resident set size, in bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        status_kib(&format!("/proc/{}/status", self.pid), "VmHWM:").map(|k| k * 1024)
    }

    /// A client for this emulator (TLS, its CA only, no retries).
    pub fn client(&self) -> Result<BenchClient, String> {
        self.client_with(false)
    }

    /// A client for this emulator; `http1_only` offers only HTTP/1.1 by
    /// ALPN (otherwise HTTP/2 is negotiated).
    pub fn client_with(&self, http1_only: bool) -> Result<BenchClient, String> {
        let builder = HyperTransport::builder().pool_max_idle_per_host(256);
        let builder = if http1_only {
            builder.tls_config(self.tls_config(&[b"http/1.1"])?)
        } else {
            builder
                .built_in_roots(false)
                .add_root_certificates_pem_file(&self.ca_file)
        };
        let transport = builder.build().map_err(|e| format!("transport: {e}"))?;
        Client::builder(self.partner_id.clone(), self.api_key.clone())
            .environment(Environment::custom(self.base_url.clone()))
            .retry_policy(RetryPolicy::none())
            .build(transport, TokioTimer::new())
            .map_err(|e| format!("client: {e}"))
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        // EOF on stdin stops the child; kill it if it does not go.
        drop(self.stdin.take());
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_file(&self.ca_file);
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

fn fastish_id() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The child side: `ARGS = [CA_FILE, WORKERS, PENDING, PENDING_POLLS]`.
/// Serves until stdin closes.
pub fn serve_emulator(args: &[String]) -> Result<(), String> {
    let [ca_file, workers, pending, pending_polls, ..] = args else {
        return Err(format!("{SERVE_ARG} CA_FILE WORKERS PENDING PENDING_POLLS"));
    };
    let workers: usize = workers.parse().map_err(|_| "bad WORKERS")?;
    let pending: usize = pending.parse().map_err(|_| "bad PENDING")?;
    let pending_polls: u32 = pending_polls.parse().map_err(|_| "bad PENDING_POLLS")?;
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if workers > 0 {
        builder.worker_threads(workers);
    }
    let runtime = builder
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let emulator = runtime
        .block_on(Emulator::builder().tls(true).start())
        .map_err(|e| format!("emulator: {e}"))?;
    emulator
        .write_ca_cert(ca_file)
        .map_err(|e| format!("CA: {e}"))?;
    for i in 0..pending {
        emulator
            .add_job(
                JobSpec::new("wait-user", format!("wait-{i}"))
                    .outcome(PresetOutcome::Approved)
                    .complete_after_polls(pending_polls),
            )
            .map_err(|e| format!("job: {e}"))?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "READY {} {} {}",
            emulator.base_url(),
            emulator.partner_id(),
            emulator.api_key()
        )
        .map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    // Block until the parent closes our stdin (or dies).
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
        sink.clear();
    }
    runtime.block_on(emulator.shutdown());
    Ok(())
}

/// Binds this process (its threads made from now on, and its children) to
/// `cpu` with `taskset`; false when that is not possible here.
pub fn pin_self(cpu: usize) -> bool {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) <= cpu {
        return false;
    }
    // Threads made before this call keep their old affinity; call it first.
    Command::new("taskset")
        .args([
            "-p",
            "-c",
            &cpu.to_string(),
            &std::process::id().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Clock ticks per second of `/proc/*/stat` times.
fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// utime + stime of a `/proc/<pid>/stat` file.
fn cpu_time_of(path: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may hold spaces: count from its `)`.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After `)`: state is field 3, so utime (14) and stime (15) are at 11, 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let ticks = clock_ticks();
    Some(Duration::from_nanos(
        (utime + stime) * 1_000_000_000 / ticks,
    ))
}

/// CPU time this process used so far (all threads).
pub fn self_cpu_time() -> Duration {
    cpu_time_of("/proc/self/stat").unwrap_or_default()
}

fn status_kib(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// This process's resident set size now, in bytes.
pub fn self_rss() -> u64 {
    status_kib("/proc/self/status", "VmRSS:").unwrap_or(0) * 1024
}

/// This process's peak resident set size, in bytes.
pub fn self_peak_rss() -> u64 {
    status_kib("/proc/self/status", "VmHWM:").unwrap_or(0) * 1024
}

/// Latency percentiles of a set of samples.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    /// Median.
    pub p50: Duration,
    /// 90th percentile.
    pub p90: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Slowest.
    pub max: Duration,
}

impl Latency {
    /// Summarises `samples` (sorted in place).
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let at = |q: f64| -> Duration {
            if samples.is_empty() {
                return Duration::ZERO;
            }
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples[i.min(samples.len() - 1)]
        };
        Self {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
}

/// Microseconds as a float, for reports.
pub fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The value of `--name VALUE` in `args`.
pub fn arg_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// Writes `json` to `path`, creating its folder.
pub fn write_json(path: &Path, json: &serde_json::Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(json).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
