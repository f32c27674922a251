//! Installs the official Smile ID server SDKs (Python `smile-id-core`, Node
//! `smile-identity-core`) into a cache under the workspace's `target/`, and
//! runs the driver scripts of `testkit/compat/` with them.
//!
//! Shared by `tests/tests/it/official_sdks.rs` and the end-to-end benchmark
//! (included with `#[path]`). Installs happen once per cache: a finished
//! install is marked by a file, and is made in a scratch folder that is
//! renamed into place, so concurrent runs never see half an install. When a
//! tool is missing, the registry cannot be reached or an install fails, the
//! functions return [`Unavailable`] with the reason; callers skip, they do
//! not fail.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The Python SDK and the version the project checks against.
pub const PYTHON_PACKAGE: &str = "smile-id-core==3.0.1";
/// The Node SDK and the version the project checks against.
pub const NODE_PACKAGE: &str = "smile-identity-core@3.2.1";
/// Longest time one install may take before it is abandoned.
pub const INSTALL_TIMEOUT: Duration = Duration::from_secs(240);
/// Set to `1` to skip the official SDKs entirely (no install attempted).
pub const SKIP_ENV: &str = "SMILEID_SKIP_OFFICIAL_SDKS";
/// Overrides the cache folder (default `<target>/official-sdks`).
pub const CACHE_ENV: &str = "SMILEID_SDK_CACHE";

/// Why an SDK cannot be used here.
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The folder of the driver scripts (`testkit/compat`).
pub fn compat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("compat")
}

/// The workspace's target folder.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir)
            }
        }
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
    }
}

/// The cache folder the SDKs are installed into.
pub fn cache_dir() -> PathBuf {
    match std::env::var_os(CACHE_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => target_dir().join("official-sdks"),
    }
}

fn skipped() -> Option<Unavailable> {
    match std::env::var(SKIP_ENV) {
        Ok(v) if v == "1" || v.eq_ignore_ascii_case("true") => {
            Some(Unavailable(format!("{SKIP_ENV} is set")))
        }
        _ => None,
    }
}

/// A ready Python SDK: the interpreter of the virtual environment it lives in.
#[derive(Debug, Clone)]
pub struct PythonSdk {
    /// `venv/bin/python`.
    pub python: PathBuf,
}

/// A ready Node SDK: `node` and the `node_modules` folder holding it.
#[derive(Debug, Clone)]
pub struct NodeSdk {
    /// The `node` executable.
    pub node: PathBuf,
    /// The folder to put on `NODE_PATH`.
    pub node_modules: PathBuf,
}

/// Finds `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A folder name safe for a package spec.
fn slug(spec: &str) -> String {
    spec.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Runs `command` with its output going to `log`, killing it after `timeout`.
fn run_logged(mut command: Command, log: &Path, timeout: Duration) -> Result<(), String> {
    let out = fs::File::create(log).map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    match wait_with_timeout(child, timeout) {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => {
            let text = fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(6).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Err(format!(
                "{:?} failed ({status}): {}",
                command.get_program(),
                tail.join(" | ")
            ))
        }
        Err(e) => Err(e),
    }
}

/// Waits for `child`, killing it after `timeout`.
pub fn wait_with_timeout(mut child: Child, timeout: Duration) -> Result<ExitStatus, String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("gave up after {timeout:?}"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => return Err(format!("cannot wait for a child process: {e}")),
        }
    }
}

/// Makes `final_dir` by running `fill` on a scratch folder and renaming it
/// into place; a folder holding `marker` is taken as done.
///
/// Installs in this process are serialised: the tests of one binary run on
/// several threads, and a second thread must wait for the first install
/// and then use it, not start its own over it.
fn install_once(
    final_dir: &Path,
    marker: &str,
    fill: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A thread that panicked while holding the lock left no marker, so the
    // install is simply tried again.
    let _one_at_a_time = INSTALLING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if final_dir.join(marker).is_file() {
        return Ok(());
    }
    let parent = final_dir.parent().ok_or("the cache folder has no parent")?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = final_dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("bad cache folder name")?;
    // Unique to this process (other processes may install at the same time).
    let scratch = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    if let Err(e) = fill(&scratch) {
        let _ = fs::remove_dir_all(&scratch);
        return Err(e);
    }
    fs::write(scratch.join(marker), b"ok\n")
        .map_err(|e| format!("cannot mark the install: {e}"))?;
    // An older, unmarked attempt is in the way: clear it first.
    if final_dir.exists() && !final_dir.join(marker).is_file() {
        let _ = fs::remove_dir_all(final_dir);
    }
    if fs::rename(&scratch, final_dir).is_err() {
        // Someone else finished first; use theirs.
        let _ = fs::remove_dir_all(&scratch);
    }
    if final_dir.join(marker).is_file() {
        Ok(())
    } else {
        Err(format!(
            "the install in {} did not complete",
            final_dir.display()
        ))
    }
}

const MARKER: &str = ".installed";

/// Installs (once) and returns the Python SDK.
pub fn python_sdk() -> Result<PythonSdk, Unavailable> {
    if let Some(skip) = skipped() {
        return Err(skip);
    }
    let python3 = which("python3").ok_or_else(|| Unavailable("python3 is not on PATH".into()))?;
    let dir = cache_dir().join(format!("python-{}", slug(PYTHON_PACKAGE)));
    install_once(&dir, MARKER, |scratch| {
        let venv = scratch.join("venv");
        let mut make = Command::new(&python3);
        make.args(["-m", "venv"]).arg(&venv);
        run_logged(make, &scratch.join("venv.log"), Duration::from_secs(120))
            .map_err(|e| format!("python3 -m venv: {e}"))?;
        let mut pip = Command::new(venv.join("bin/python"));
        pip.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--timeout",
            "20",
            "--retries",
            "1",
            PYTHON_PACKAGE,
        ])
        .env("PIP_NO_COLOR", "1");
        run_logged(pip, &scratch.join("pip.log"), INSTALL_TIMEOUT)
            .map_err(|e| format!("pip install {PYTHON_PACKAGE}: {e}"))
    })
    .map_err(Unavailable)?;
    // The venv was made in the scratch folder: its interpreter link is
    // absolute to the system python, and site-packages is found relative to
    // the link, so the renamed venv works.
    let python = dir.join("venv/bin/python");
    if !python.exists() {
        return Err(Unavailable(format!("{} is missing", python.display())));
    }
    Ok(PythonSdk { python })
}

/// Installs (once) and returns the Node SDK.
pub fn node_sdk() -> Result<NodeSdk, Unavailable> {
    if let Some(skip) = skipped() {
        return Err(skip);
    }
    let node = which("node").ok_or_else(|| Unavailable("node is not on PATH".into()))?;
    let npm = which("npm").ok_or_else(|| Unavailable("npm is not on PATH".into()))?;
    let dir = cache_dir().join(format!("node-{}", slug(NODE_PACKAGE)));
    install_once(&dir, MARKER, |scratch| {
        let mut install = Command::new(&npm);
        install.arg("install").arg("--prefix").arg(scratch).args([
            "--no-audit",
            "--no-fund",
            "--no-update-notifier",
            "--ignore-scripts",
            "--loglevel=error",
            "--fetch-timeout=20000",
            "--fetch-retries=1",
            NODE_PACKAGE,
        ]);
        run_logged(install, &scratch.join("npm.log"), INSTALL_TIMEOUT)
            .map_err(|e| format!("npm install {NODE_PACKAGE}: {e}"))
    })
    .map_err(Unavailable)?;
    let node_modules = dir.join("node_modules");
    if !node_modules
        .join("smile-identity-core/package.json")
        .is_file()
    {
        return Err(Unavailable(format!(
            "{} has no smile-identity-core",
            node_modules.display()
        )));
    }
    Ok(NodeSdk { node, node_modules })
}

impl PythonSdk {
    /// A command running `testkit/compat/<script>` with this SDK, trusting
    /// `ca_file` for HTTPS.
    pub fn command(&self, script: &str, ca_file: Option<&Path>) -> Command {
        let mut command = Command::new(&self.python);
        command.arg(compat_dir().join(script));
        command.env("PYTHONDONTWRITEBYTECODE", "1");
        if let Some(ca) = ca_file {
            command.env("REQUESTS_CA_BUNDLE", ca);
        }
        command
    }
}

impl NodeSdk {
    /// A command running `testkit/compat/<script>` with this SDK, trusting
    /// `ca_file` for HTTPS.
    pub fn command(&self, script: &str, ca_file: Option<&Path>) -> Command {
        let mut command = Command::new(&self.node);
        command.arg(compat_dir().join(script));
        command.env("NODE_PATH", &self.node_modules);
        if let Some(ca) = ca_file {
            command.env("NODE_EXTRA_CA_CERTS", ca);
        }
        command
    }
}

/// What a finished driver run printed.
#[derive(Debug)]
pub struct Output {
    /// The exit status.
    pub status: ExitStatus,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `command` to completion (killed after `timeout`), capturing its output.
pub fn run(mut command: Command, timeout: Duration) -> Result<Output, String> {
    let dir = std::env::temp_dir();
    let stamp = format!(
        "smileid-driver-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let out_path = dir.join(format!("{stamp}.out"));
    let err_path = dir.join(format!("{stamp}.err"));
    let out = fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err = fs::File::create(&err_path).map_err(|e| e.to_string())?;
    let child = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let status = wait_with_timeout(child, timeout);
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let _ = fs::remove_file(&out_path);
    let _ = fs::remove_file(&err_path);
    Ok(Output {
        status: status?,
        stdout,
        stderr,
    })
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
