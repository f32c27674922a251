//! The `smileid` binary, run as a user would: every subcommand and every
//! exit code, against emulators started here (plain HTTP on loopback, or
//! TLS with the CA written to a temporary file).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use smileid_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, FaultSpec, JobSpec};
use smileid_hyper::Signer;

const BIN: &str = env!("CARGO_BIN_EXE_smileid");

/// A distinctive API key that must never show up in any output.
pub(crate) const SECRET_KEY: &str = "sk-LEAKCHECK-5d41402abc4b2a76b9719d911017c592";

// ----- running the binary -----

#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Output {
    pub(crate) fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// `smileid` with a clean environment: no SMILE_* variables, no colour.
pub(crate) fn smileid() -> Command {
    let mut cmd = Command::new(BIN);
    for var in [
        "SMILE_PARTNER_ID",
        "SMILE_API_KEY",
        "SMILE_ENV",
        "SMILE_BASE_URL",
        "SMILE_CA_CERT",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

pub(crate) fn output_of(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("the smileid binary runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("stdin accepts the input");
    }
    let out = child
        .wait_with_output()
        .expect("the smileid binary finishes");
    Output {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `smileid args...` with `envs` added.
pub(crate) fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    output_of(smileid().args(args).envs(envs.iter().copied()), None)
}

fn run_stdin(args: &[&str], envs: &[(&str, &str)], stdin: &[u8]) -> Output {
    output_of(smileid().args(args).envs(envs.iter().copied()), Some(stdin))
}

/// `job-status --user-id USER --job-id JOB`, then `extra`.
fn job_status<'a>(user: &'a str, job: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["job-status", "--user-id", user, "--job-id", job];
    args.extend_from_slice(extra);
    args
}

/// Checks that `text` contains every one of `wanted`.
#[track_caller]
pub(crate) fn assert_contains_all(text: &str, wanted: &[&str]) {
    for want in wanted {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
}

#[track_caller]
pub(crate) fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.code, code,
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout, out.stderr
    );
}

// ----- emulators and files -----

/// An emulator served by its own runtime while the test thread runs the
/// binary.
pub(crate) struct TestEmulator {
    pub(crate) handle: EmulatorHandle,
    _runtime: tokio::runtime::Runtime,
}

impl TestEmulator {
    pub(crate) fn start(builder: EmulatorBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let handle = runtime
            .block_on(builder.start())
            .expect("the emulator starts");
        Self {
            handle,
            _runtime: runtime,
        }
    }

    /// Plain HTTP on loopback, default credentials, demo jobs.
    pub(crate) fn plain() -> Self {
        Self::start(Emulator::builder())
    }

    /// The variables that point the command at this emulator.
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SMILE_PARTNER_ID", self.handle.partner_id().to_owned()),
            ("SMILE_API_KEY", self.handle.api_key().to_owned()),
            ("SMILE_BASE_URL", self.handle.base_url().to_owned()),
        ]
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        output_of(smileid().args(args).envs(self.env()), None)
    }

    pub(crate) fn add_job(&self, spec: JobSpec) {
        self.handle.add_job(spec).expect("the job is added");
    }

    pub(crate) fn set_fault(&self, spec: FaultSpec) {
        self.handle.set_fault(spec).expect("the fault is set");
    }
}

/// A file in the temporary directory, removed on drop.
pub(crate) struct TempFile(pub(crate) PathBuf);

impl TempFile {
    pub(crate) fn new(name: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "smileid-cli-test-{}-{n}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("the temporary file is written");
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn as_str(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    port
}

// ----- help, version, usage -----

#[test]
fn help_and_version() {
    let out = run(&["--version"], &[]);
    assert_code(&out, 0);
    assert_eq!(
        out.stdout.trim(),
        format!("smileid {}", env!("CARGO_PKG_VERSION"))
    );

    let out = run(&["--help"], &[]);
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "job-status",
            "sign",
            "verify",
            "verify-callback",
            "emulator",
            "Exit codes",
        ],
    );
    for sub in [
        "job-status",
        "sign",
        "verify",
        "verify-callback",
        "emulator",
    ] {
        let out = run(&[sub, "--help"], &[("SMILE_API_KEY", SECRET_KEY)]);
        assert_code(&out, 0);
        assert!(out.stdout.contains("Usage: smileid"), "{}", out.stdout);
        assert!(out.stdout.contains("Exit codes"), "{sub}: {}", out.stdout);
        for code in 0..=6 {
            assert!(
                out.stdout.contains(&format!("\n  {code}  ")),
                "{sub}: exit code {code} not documented"
            );
        }
        assert!(
            !out.all().contains(SECRET_KEY),
            "{sub} --help shows the key"
        );
    }
    let out = run(&["job-status", "--help"], &[("SMILE_API_KEY", SECRET_KEY)]);
    assert!(out.stdout.contains("SMILE_API_KEY"));
    for flag in [
        "--history",
        "--images",
        "--json",
        "--wait",
        "--timeout",
        "--interval",
        "--emulator",
        "--partner-id",
        "--api-key",
        "--env",
        "--base-url",
        "--ca-cert",
    ] {
        assert!(out.stdout.contains(flag), "{flag} missing");
    }
}

#[test]
fn usage_errors_exit_2() {
    // A missing required option, an unknown subcommand, --timeout without --wait.
    assert_code(&run(&["job-status", "--user-id", "u"], &[]), 2);
    assert_code(&run(&["frobnicate"], &[]), 2);
    assert_code(&run(&[], &[]), 2);
    let out = run(
        &[
            "job-status",
            "--emulator",
            "--user-id",
            "u",
            "--job-id",
            "j",
            "--timeout",
            "5",
        ],
        &[],
    );
    assert_code(&out, 2);
    assert!(out.stderr.contains("--wait"), "{}", out.stderr);
    // An invalid environment name, from the variable.
    let out = run(&job_status("u", "j", &[]), &[("SMILE_ENV", "staging")]);
    assert_code(&out, 2);
    // A bad interval.
    let out = run(
        &[
            "job-status",
            "--emulator",
            "--user-id",
            "u",
            "--job-id",
            "j",
            "--wait",
            "--interval",
            "0",
        ],
        &[],
    );
    assert_code(&out, 2);
}

#[test]
fn missing_credentials_exit_2_with_a_hint() {
    let out = run(&job_status("u", "j", &[]), &[]);
    assert_code(&out, 2);
    assert!(
        out.stderr.contains("error: no partner id"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("SMILE_PARTNER_ID"), "{}", out.stderr);

    let out = run(&["sign"], &[("SMILE_PARTNER_ID", "085")]);
    assert_code(&out, 2);
    assert!(out.stderr.contains("error: no API key"), "{}", out.stderr);
    assert!(out.stderr.contains("SMILE_API_KEY"), "{}", out.stderr);
}

#[test]
fn plain_http_to_a_remote_host_is_refused_with_exit_2() {
    let out = run(
        &job_status("u", "j", &["--base-url", "http://example.com/v1"]),
        &[("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)],
    );
    assert_code(&out, 2);
    assert!(
        out.stderr.contains("http://example.com/v1"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("loopback"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
}

#[test]
fn an_unreadable_ca_file_exits_2() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&job_status(
        "demo-user",
        "demo-approved",
        &["--ca-cert", "/nonexistent/smileid/ca.pem"],
    ));
    assert_code(&out, 2);
    assert!(
        out.stderr.contains("/nonexistent/smileid/ca.pem"),
        "{}",
        out.stderr
    );
}

#[test]
fn invalid_ids_exit_2_and_nothing_is_sent() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&job_status(" ", "j", &[]));
    assert_code(&out, 2);
    assert!(out.stderr.contains("user_id is empty"), "{}", out.stderr);
}

// ----- job-status -----

#[test]
fn the_readme_main_command_works_offline() {
    let out = run(
        &[
            "job-status",
            "--emulator",
            "--user-id",
            "demo-user",
            "--job-id",
            "demo-approved",
        ],
        &[],
    );
    assert_code(&out, 0);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(first.starts_with("APPROVED"), "{}", out.stdout);
    assert!(first.contains("demo-approved"), "{first}");
    assert_contains_all(
        &out.stdout,
        &[
            "complete",
            "yes",
            "0810 Enroll User (approved)",
            "Smile ID job id",
            "Actions",
            "Liveness_Check",
            "Passed",
            "Partner params",
            "demo-user",
        ],
    );
    assert!(!out.stdout.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn colour_follows_clicolor_force_and_no_color() {
    let emulator = TestEmulator::plain();
    let args = job_status("demo-user", "demo-rejected", &[]);
    let out = output_of(
        smileid()
            .args(&args)
            .envs(emulator.env())
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1"),
        None,
    );
    assert_code(&out, 0);
    // Bold red outcome, a red failed verdict.
    assert!(
        out.stdout.starts_with("\u{1b}[1m\u{1b}[31mREJECTED"),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\u{1b}[31mNot Verified"),
        "{:?}",
        out.stdout
    );

    // NO_COLOR wins.
    let out = output_of(
        smileid()
            .args(&args)
            .envs(emulator.env())
            .env("CLICOLOR_FORCE", "1"),
        None,
    );
    assert_code(&out, 0);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
}

#[test]
fn the_emulator_flag_ignores_credentials_from_the_environment() {
    let out = run(
        &[
            "job-status",
            "--emulator",
            "--user-id",
            "demo-user",
            "--job-id",
            "demo-rejected",
        ],
        &[
            ("SMILE_PARTNER_ID", "085"),
            ("SMILE_API_KEY", SECRET_KEY),
            ("SMILE_BASE_URL", "https://proxy.invalid/v1"),
        ],
    );
    // A complete but rejected job is a successful query: exit 0.
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("REJECTED"), "{}", out.stdout);
    assert!(out.stdout.contains("1013 Unable to Validate ID (rejected)"));
    assert!(out.stdout.contains("Not Verified"), "{}", out.stdout);
    assert!(!out.all().contains(SECRET_KEY));
}

#[test]
fn every_outcome_is_shown_prominently() {
    let emulator = TestEmulator::plain();
    for (job, word) in [
        ("demo-approved", "APPROVED"),
        ("demo-provisional", "PROVISIONAL"),
        ("demo-rejected", "REJECTED"),
        ("demo-error", "ERROR"),
        ("demo-pending", "PENDING"),
    ] {
        let out = emulator.run(&job_status("demo-user", job, &[]));
        assert_code(&out, 0);
        assert!(
            out.stdout.starts_with(&format!("{word}  job {job}")),
            "{job}: {}",
            out.stdout
        );
    }
}

#[test]
fn failed_and_reviewed_actions_are_summarised_at_the_top() {
    let emulator = TestEmulator::plain();
    let top = |job: &str| {
        let out = emulator.run(&job_status("demo-user", job, &[]));
        assert_code(&out, 0);
        out.stdout
            .lines()
            .take(5)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let rejected = top("demo-rejected");
    assert_eq!(
        rejected[2..4],
        [
            "  result           1013 Unable to Validate ID (rejected)",
            "  failed actions   Return_Personal_Info (Not Returned), Verify_ID_Number (Not Verified)",
        ],
        "{rejected:#?}"
    );
    let provisional = top("demo-provisional");
    assert_eq!(
        provisional[3],
        "  under review     Human_Review_Compare, Human_Review_Liveness_Check, Liveness_Check, \
         Register_Selfie, Selfie_To_ID_Authority_Compare (Under Review)",
        "{provisional:#?}"
    );
    let approved = top("demo-approved");
    assert!(
        approved[3].starts_with("  complete "),
        "nothing to flag: {approved:#?}"
    );
}

#[test]
fn pending_jobs_show_the_message() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&job_status("nobody", "never", &[]));
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("PENDING"), "{}", out.stdout);
    assert!(out.stdout.contains("2314"), "{}", out.stdout);
    assert!(
        out.stdout.contains("No zip file received"),
        "{}",
        out.stdout
    );
}

#[test]
fn history_image_links_and_partner_extras_are_shown() {
    let emulator = TestEmulator::plain();
    emulator.add_job(
            JobSpec::new("u-extra", "j-extra")
                .job_type(5)
                .result(json!({
                    "ResultCode": "1012",
                    "ResultText": "ID Number Validated",
                    "SmileJobID": "0000004242",
                    "PartnerParams": {
                        "user_id": "u-extra",
                        "job_id": "j-extra",
                        "job_type": 5,
                        "campaign": "spring-2026"
                    },
                    "Actions": {"Verify_ID_Number": "Verified", "Brand_New_Check": "Passed"},
                    "FutureField": {"nested": [1, 2, 3]}
                }))
                .history(vec![
                    json!({"ResultCode": "1013", "ResultText": "Unable to Validate ID", "SmileJobID": "0000004241",
                           "PartnerParams": {"user_id": "u-extra", "job_id": "j-old", "job_type": 5}}),
                    json!({"ResultCode": "1012", "ResultText": "ID Number Validated", "SmileJobID": "0000004242",
                           "PartnerParams": {"user_id": "u-extra", "job_id": "j-extra", "job_type": 5}}),
                ])
                .image_links([("selfie_image", "https://images.example/selfie.jpg")]),
        );
    let out = emulator.run(&job_status(
        "u-extra",
        "j-extra",
        &["--history", "--images"],
    ));
    assert_code(&out, 0);
    assert_contains_all(
        &out.stdout,
        &[
            "APPROVED",
            "1012 ID Number Validated (approved)",
            "0000004242",
            "Enhanced KYC",
            "Brand_New_Check",
            "campaign",
            "spring-2026",
            "FutureField",
            "History (2)",
            "1. 1013 Unable to Validate ID (rejected)",
            "j-old",
            "Image links",
            "https://images.example/selfie.jpg",
        ],
    );
}

#[test]
fn json_output_is_the_verified_response_with_unknown_fields() {
    let emulator = TestEmulator::plain();
    emulator.add_job(JobSpec::new("u-json", "j-json").result(json!({
        "ResultCode": "0810",
        "ResultText": "Enroll User",
        "SmileJobID": "0000000777",
        "PartnerParams": {"user_id": "u-json", "job_id": "j-json", "job_type": 1, "shop": "42"},
        "Actions": {"Liveness_Check": "Passed"},
        "BrandNewField": {"kept": true, "list": ["a", "b"]}
    })));
    let out = emulator.run(&job_status("u-json", "j-json", &["--json", "--images"]));
    assert_code(&out, 0);
    let value: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(value["job_complete"], json!(true));
    assert_eq!(value["job_success"], json!(true));
    assert_eq!(value["code"], json!("2302"));
    assert_eq!(value["result"]["ResultCode"], json!("0810"));
    assert_eq!(
        value["result"]["BrandNewField"],
        json!({"kept": true, "list": ["a", "b"]})
    );
    assert_eq!(value["result"]["PartnerParams"]["shop"], json!("42"));
    assert!(value["image_links"].is_object(), "{}", out.stdout);
    // The verified signature is part of the response as received.
    let signer = emulator.handle.signer();
    let (Some(ts), Some(sig)) = (value["timestamp"].as_str(), value["signature"].as_str()) else {
        panic!("timestamp and signature missing: {}", out.stdout);
    };
    assert!(signer.verify(ts, sig).is_ok());
    // Pretty: one key per line.
    assert!(out.stdout.lines().count() > 10, "{}", out.stdout);
}

#[test]
fn tls_emulator_with_a_ca_file() {
    let emulator = TestEmulator::start(Emulator::builder().tls(true));
    let ca = TempFile::new(
        "ca.pem",
        emulator.handle.ca_cert_pem().expect("a CA").as_bytes(),
    );
    let out = emulator.run(&job_status(
        "demo-user",
        "demo-approved",
        &["--ca-cert", ca.as_str()],
    ));
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("APPROVED"), "{}", out.stdout);

    // The same through SMILE_CA_CERT.
    let out = output_of(
        smileid()
            .args(job_status("demo-user", "demo-error", &[]))
            .envs(emulator.env())
            .env("SMILE_CA_CERT", ca.path()),
        None,
    );
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("ERROR"), "{}", out.stdout);

    // Without trusting the CA, the TLS handshake fails: a transport error.
    let out = emulator.run(&job_status(
        "demo-user",
        "demo-approved",
        &["--retries", "0"],
    ));
    assert_code(&out, 4);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
}

// ----- --wait -----

#[test]
fn wait_polls_until_complete() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&job_status(
        "demo-user",
        "demo-pending",
        &["--wait", "--interval", "0.1"],
    ));
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("APPROVED"), "{}", out.stdout);
    let job = emulator
        .handle
        .job("demo-user", "demo-pending")
        .expect("the demo job");
    assert!(job.complete);
    assert_eq!(job.polls, 3, "two pending polls, then complete");
    // No spinner when stderr is not a terminal.
    assert!(!out.stderr.contains('\r'), "{:?}", out.stderr);
}

#[test]
fn wait_timeout_exits_6_and_shows_the_last_status() {
    let emulator = TestEmulator::plain();
    let out = emulator.run(&job_status(
        "demo-user",
        "never-completes",
        &["--wait", "--timeout", "0.5", "--interval", "0.1"],
    ));
    assert_code(&out, 6);
    assert!(out.stdout.starts_with("PENDING"), "{}", out.stdout);
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: the job was still pending at the 0.5s timeout"),
        "{first}"
    );
    assert!(out.stderr.contains("hint: "), "{}", out.stderr);
}

#[test]
fn wait_timeout_with_json_prints_the_last_json() {
    let emulator = TestEmulator::plain();
    emulator.add_job(JobSpec::new("u-slow", "j-slow").complete_after_polls(1000));
    let out = emulator.run(&job_status(
        "u-slow",
        "j-slow",
        &["--json", "--wait", "--timeout", "0.3", "--interval", "0.1"],
    ));
    assert_code(&out, 6);
    let value: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(value["job_complete"], json!(false));
}

// ----- errors from the server or the network -----

#[test]
fn a_wrong_key_gives_2205_exit_3_and_the_hint() {
    let emulator = TestEmulator::plain();
    let out = output_of(
        smileid()
            .args(job_status("demo-user", "demo-approved", &[]))
            .envs(emulator.env())
            .env("SMILE_API_KEY", SECRET_KEY),
        None,
    );
    assert_code(&out, 3);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("error: Smile ID error 2205: You're not authorized to do that (HTTP 401)"),
        "{}",
        out.stderr
    );
    let hint = lines.get(1).copied().unwrap_or_default();
    assert!(hint.starts_with("hint: "), "{hint}");
    for cause in ["environment", "base URL", "clock"] {
        assert!(hint.contains(cause), "{cause} missing from {hint}");
    }
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(!out.all().contains(SECRET_KEY));
}

#[test]
fn api_errors_exit_3() {
    let emulator = TestEmulator::plain();
    emulator
        .set_fault(FaultSpec::http_error(403, "2220", "Production not enabled").for_user("u-403"));
    let out = emulator.run(&job_status("u-403", "j", &[]));
    assert_code(&out, 3);
    assert!(
        out.stderr
            .starts_with("error: Smile ID error 2220: Production not enabled (HTTP 403)"),
        "{}",
        out.stderr
    );

    // An HTML page from a proxy, after the retries.
    emulator.set_fault(FaultSpec::html_502().for_user("u-502"));
    let out = emulator.run(&job_status("u-502", "j", &["--retries", "0"]));
    assert_code(&out, 3);
    assert!(out.stderr.contains("HTTP 502"), "{}", out.stderr);
}

#[test]
fn transport_failures_exit_4() {
    // Nothing listening.
    let url = format!("http://127.0.0.1:{}/v1", closed_port());
    let out = run(
        &job_status("u", "j", &["--base-url", &url, "--retries", "0"]),
        &[("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)],
    );
    assert_code(&out, 4);
    assert!(out.stderr.contains("could not connect"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert!(!out.all().contains(SECRET_KEY));

    // The connection is dropped without an answer, every time.
    let emulator = TestEmulator::plain();
    emulator.set_fault(FaultSpec::drop_connection().for_user("u-drop"));
    let out = emulator.run(&job_status("u-drop", "j", &["--retries", "0"]));
    assert_code(&out, 4);

    // A body cut short.
    emulator.set_fault(FaultSpec::truncated_body().for_user("u-cut"));
    let out = emulator.run(&job_status("u-cut", "j", &["--retries", "0"]));
    assert_code(&out, 4);
}

#[test]
fn a_response_over_the_size_cap_exits_4() {
    let emulator = TestEmulator::plain();
    emulator.add_job(JobSpec::new("u-big", "j-big").result(json!({
        "ResultCode": "0810",
        "ResultText": "Enroll User",
        "Padding": "x".repeat(5 * 1024 * 1024),
    })));
    let out = emulator.run(&job_status("u-big", "j-big", &[]));
    assert_code(&out, 4);
    assert!(out.stderr.contains("too large"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let emulator = TestEmulator::plain();
    emulator.add_job(JobSpec::new("u-esc", "j-esc").result(json!({
            "ResultCode": "0810",
            "ResultText": "Enroll User\u{1b}[2J\u{1b}]0;pwned\u{7}",
            "PartnerParams": {"user_id": "u-esc", "job_id": "j-esc", "job_type": 1, "note": "a\u{1b}[31mred"},
            "Actions": {"Liveness_Check\u{1b}[5m": "Passed"},
        })));
    let out = emulator.run(&job_status("u-esc", "j-esc", &[]));
    assert_code(&out, 0);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(!out.stdout.contains('\u{7}'), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("Enroll User\\u{1b}[2J"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("a\\u{1b}[31mred"), "{}", out.stdout);
}

#[test]
fn retries_get_past_a_transient_failure() {
    let emulator = TestEmulator::plain();
    emulator.set_fault(FaultSpec::drop_connection().count(1));
    let out = emulator.run(&job_status("demo-user", "demo-approved", &[]));
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("APPROVED"), "{}", out.stdout);
}

#[test]
fn untrusted_or_undecodable_responses_exit_5() {
    let emulator = TestEmulator::plain();
    emulator.set_fault(FaultSpec::wrong_signature());
    let out = emulator.run(&job_status("demo-user", "demo-approved", &[]));
    assert_code(&out, 5);
    assert!(out.stderr.contains("signature"), "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "nothing unverified is shown: {}",
        out.stdout
    );
    emulator.handle.clear_faults();

    // Signed, but not the documented shape.
    emulator.add_job(JobSpec::new("u-odd", "j-odd").result(json!({
        "ResultCode": "1012",
        "Actions": "not an object",
    })));
    let out = emulator.run(&job_status("u-odd", "j-odd", &[]));
    assert_code(&out, 5);
    assert!(out.stderr.contains("decode"), "{}", out.stderr);
}

// ----- sign and verify -----

#[test]
fn sign_prints_one_json_line() {
    // The canonical vector.
    let out = run(
        &[
            "sign",
            "--timestamp",
            "2026-08-21T12:00:00.000Z",
            "--partner-id",
            "1234",
            "--api-key",
            "test-api-key",
        ],
        &[],
    );
    assert_code(&out, 0);
    assert_eq!(out.stdout.lines().count(), 1);
    let value: Value = serde_json::from_str(&out.stdout).expect("one JSON line");
    assert_eq!(
        value,
        json!({"signature": "Pu9f+Rp3WnyJ+fI4nQsM8N5BagNzwTi0CdJHUEV1pQ8=", "timestamp": "2026-08-21T12:00:00.000Z"})
    );

    // Now, in the documented format, and verifiable.
    let env = [("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)];
    let out = run(&["sign"], &env);
    assert_code(&out, 0);
    let value: Value = serde_json::from_str(&out.stdout).expect("one JSON line");
    let timestamp = value["timestamp"].as_str().expect("a timestamp");
    let signature = value["signature"].as_str().expect("a signature");
    let shape = timestamp.len() == 24
        && timestamp.ends_with('Z')
        && timestamp.as_bytes().get(10) == Some(&b'T')
        && timestamp.as_bytes().get(19) == Some(&b'.');
    assert!(shape, "not YYYY-MM-DDTHH:MM:SS.mmmZ: {timestamp}");
    assert!(!out.all().contains(SECRET_KEY));

    let out = run(
        &["verify", "--timestamp", timestamp, "--signature", signature],
        &env,
    );
    assert_code(&out, 0);
    assert_eq!(out.stdout.trim(), "valid");
}

#[test]
fn verify_fails_with_exit_1() {
    let env = [
        ("SMILE_PARTNER_ID", "1234"),
        ("SMILE_API_KEY", "test-api-key"),
    ];
    let good = "Pu9f+Rp3WnyJ+fI4nQsM8N5BagNzwTi0CdJHUEV1pQ8=";
    let out = run(
        &[
            "verify",
            "--timestamp",
            "2026-08-21T12:00:00.000Z",
            "--signature",
            good,
        ],
        &env,
    );
    assert_code(&out, 0);
    assert_eq!(out.stdout, "valid\n");

    // Another timestamp: a mismatch.
    let out = run(
        &[
            "verify",
            "--timestamp",
            "2026-08-21T12:00:00.001Z",
            "--signature",
            good,
        ],
        &env,
    );
    assert_code(&out, 1);
    assert!(out.stderr.contains("mismatch"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // Another partner id: a mismatch too.
    let out = run(
        &[
            "verify",
            "--timestamp",
            "2026-08-21T12:00:00.000Z",
            "--signature",
            good,
            "--partner-id",
            "01234",
        ],
        &env,
    );
    assert_code(&out, 1);

    // Not base64 of 32 bytes: malformed.
    let out = run(
        &[
            "verify",
            "--timestamp",
            "2026-08-21T12:00:00.000Z",
            "--signature",
            "abc",
        ],
        &env,
    );
    assert_code(&out, 1);
    assert!(out.stderr.contains("malformed"), "{}", out.stderr);
}

// ----- verify-callback -----

fn callback_body(signer: &Signer, at: SystemTime) -> Vec<u8> {
    let signed = signer.sign_at(at);
    serde_json::to_vec(&json!({
        "ResultCode": "1012",
        "ResultText": "ID Number Validated",
        "ResultType": "ID Verification",
        "SmileJobID": "0000000321",
        "PartnerParams": {"user_id": "cb-user", "job_id": "cb-job", "job_type": 5, "order": "A-17"},
        "Actions": {"Verify_ID_Number": "Verified", "Return_Personal_Info": "Returned"},
        "NewCallbackField": "kept",
        "timestamp": signed.timestamp,
        "signature": signed.signature,
    }))
    .expect("JSON")
}

#[test]
fn verify_callback_accepts_a_fresh_signed_body() {
    let signer = Signer::new("085", SECRET_KEY).expect("a signer");
    let env = [("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)];
    let body = callback_body(&signer, SystemTime::now());
    let file = TempFile::new("callback.json", &body);

    let check = |out: &Output| {
        assert_code(out, 0);
        assert!(
            out.stdout
                .starts_with("APPROVED  callback for job cb-job of user cb-user"),
            "{}",
            out.stdout
        );
        assert_contains_all(
            &out.stdout,
            &[
                "valid",
                "1012 ID Number Validated (approved)",
                "0000000321",
                "Verify_ID_Number",
                "Verified",
                "order",
                "A-17",
            ],
        );
        assert!(!out.all().contains(SECRET_KEY));
    };
    check(&run(&["verify-callback", file.as_str()], &env));
    check(&run_stdin(&["verify-callback"], &env, &body));
    check(&run_stdin(&["verify-callback", "-"], &env, &body));

    let out = run(&["verify-callback", "--json", file.as_str()], &env);
    assert_code(&out, 0);
    let value: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(value["NewCallbackField"], json!("kept"));
    assert_eq!(value["PartnerParams"]["order"], json!("A-17"));
}

#[test]
fn verify_callback_refuses_stale_forged_and_broken_bodies() {
    let signer = Signer::new("085", SECRET_KEY).expect("a signer");
    let env = [("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)];

    // Signed 15 minutes ago: too old by default, fine with a larger window.
    let stale = callback_body(&signer, SystemTime::now() - Duration::from_secs(900));
    let out = run_stdin(&["verify-callback"], &env, &stale);
    assert_code(&out, 1);
    assert!(out.stderr.contains("too old"), "{}", out.stderr);
    assert!(out.stderr.contains("--max-age"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = run_stdin(&["verify-callback", "--max-age", "3600"], &env, &stale);
    assert_code(&out, 0);

    // Dated in the future.
    let ahead = callback_body(&signer, SystemTime::now() + Duration::from_secs(600));
    let out = run_stdin(&["verify-callback"], &env, &ahead);
    assert_code(&out, 1);
    assert!(out.stderr.contains("future"), "{}", out.stderr);
    let out = run_stdin(&["verify-callback", "--max-future", "900"], &env, &ahead);
    assert_code(&out, 0);

    // Signed with another key.
    let other = Signer::new("085", "another-key").expect("a signer");
    let forged = callback_body(&other, SystemTime::now());
    let out = run_stdin(&["verify-callback"], &env, &forged);
    assert_code(&out, 1);
    assert!(out.stderr.contains("signature"), "{}", out.stderr);

    // A timestamp changed after signing.
    let mut value: Value =
        serde_json::from_slice(&callback_body(&signer, SystemTime::now())).expect("JSON");
    value["timestamp"] = json!(smileid_hyper::sign::format_timestamp(
        SystemTime::now() + Duration::from_millis(1)
    ));
    let out = run_stdin(
        &["verify-callback"],
        &env,
        &serde_json::to_vec(&value).expect("JSON"),
    );
    assert_code(&out, 1);

    // Not JSON, no signature, too large.
    assert_code(&run_stdin(&["verify-callback"], &env, b"<html>"), 1);
    assert_code(
        &run_stdin(&["verify-callback"], &env, br#"{"ResultCode":"1012"}"#),
        1,
    );
    let huge = vec![b' '; 2 * 1024 * 1024 + 10];
    let out = run_stdin(&["verify-callback"], &env, &huge);
    assert_code(&out, 1);
    assert!(out.stderr.contains("larger"), "{}", out.stderr);

    // A file that does not exist: a usage error.
    let out = run(&["verify-callback", "/nonexistent/callback.json"], &env);
    assert_code(&out, 2);
    assert!(!out.all().contains(SECRET_KEY));
}

/// Receives one HTTP/1.1 request on `listener`, answers `200` and returns
/// its body.
fn receive_one_callback(listener: &TcpListener) -> Vec<u8> {
    let (mut stream, _) = listener.accept().expect("the emulator connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let (head_len, body_len) = loop {
        let n = stream.read(&mut buf).expect("the request arrives");
        assert!(n > 0, "the connection closed early");
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .expect("a content-length");
            break (end + 4, len);
        }
    };
    while data.len() < head_len + body_len {
        let n = stream.read(&mut buf).expect("the body arrives");
        assert!(n > 0, "the connection closed early");
        data.extend_from_slice(&buf[..n]);
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .expect("the answer is sent");
    data[head_len..head_len + body_len].to_vec()
}

#[test]
fn verify_callback_checks_a_callback_the_emulator_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/callback", listener.local_addr().expect("addr"));
    let emulator = TestEmulator::start(Emulator::builder().partner_id("085").api_key(SECRET_KEY));
    emulator.add_job(
        JobSpec::new("cb-user", "cb-job")
            .job_type(5)
            .outcome(smileid_emulator::PresetOutcome::Rejected)
            .callback_url(url),
    );
    let body = receive_one_callback(&listener);
    let env = [("SMILE_PARTNER_ID", "085"), ("SMILE_API_KEY", SECRET_KEY)];

    let out = run_stdin(&["verify-callback"], &env, &body);
    assert_code(&out, 0);
    assert!(
        out.stdout
            .starts_with("REJECTED  callback for job cb-job of user cb-user"),
        "{}",
        out.stdout
    );
    assert_contains_all(
        &out.stdout,
        &[
            "1013 Unable to Validate ID (rejected)",
            "failed actions",
            "valid",
        ],
    );

    // With another key (or partner id) the same body is refused: exit 1.
    let out = run_stdin(
        &["verify-callback"],
        &[
            ("SMILE_PARTNER_ID", "085"),
            ("SMILE_API_KEY", "another-key"),
        ],
        &body,
    );
    assert_code(&out, 1);
    assert!(
        out.stderr.starts_with("error: callback refused"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let out = run_stdin(
        &["verify-callback"],
        &[("SMILE_PARTNER_ID", "85"), ("SMILE_API_KEY", SECRET_KEY)],
        &body,
    );
    assert_code(&out, 1);
    assert!(!out.all().contains(SECRET_KEY));
}

// ----- the emulator subcommand -----

/// Spawns `smileid emulator args...` and reads its announcement up to the
/// `Press Ctrl-C` line; returns the child and the lines read.
fn spawn_emulator(args: &[&str]) -> (Child, Vec<String>) {
    let mut child = smileid()
        .arg("emulator")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the emulator starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line of output");
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    (child, lines)
}

fn field<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no `{label}` line in {lines:#?}"))
}

/// Sends `signal` (`INT` or `TERM`) and checks that the emulator exits 0.
fn stop(mut child: Child, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let status = child.wait().expect("the emulator exits");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("stopping the emulator"), "{stderr}");
}

#[test]
fn the_emulator_subcommand_serves_until_sigint() {
    let (child, lines) = spawn_emulator(&[]);
    let base_url = field(&lines, "base URL:").to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(field(&lines, "partner id:"), "001");
    assert_eq!(field(&lines, "API key:"), "emulator-api-key");
    let out = run(
        &job_status("demo-user", "demo-approved", &[]),
        &[
            ("SMILE_BASE_URL", &base_url),
            ("SMILE_PARTNER_ID", "001"),
            ("SMILE_API_KEY", "emulator-api-key"),
        ],
    );
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("APPROVED"), "{}", out.stdout);
    stop(child, "INT");
}

#[test]
fn the_emulator_subcommand_with_tls_credentials_and_a_seed_stops_on_sigterm() {
    let ca = TempFile::new("emulator-ca.pem", b"");
    let seed = TempFile::new(
        "seed.json",
        br#"{"jobs": [{"user_id": "seed-user", "job_id": "seed-job", "job_type": 5, "outcome": "provisional"}]}"#,
    );
    let (child, lines) = spawn_emulator(&[
        "--tls",
        "--ca-cert-out",
        ca.as_str(),
        "--partner-id",
        "085",
        "--api-key",
        "my-emulator-key",
        "--seed",
        seed.as_str(),
    ]);
    let base_url = field(&lines, "base URL:").to_owned();
    assert!(base_url.starts_with("https://127.0.0.1:"), "{base_url}");
    assert_eq!(field(&lines, "partner id:"), "085");
    // The emulator's own key, given on its command line, is printed.
    assert_eq!(field(&lines, "API key:"), "my-emulator-key");
    assert_eq!(field(&lines, "CA cert:"), ca.as_str());
    let pem = std::fs::read_to_string(ca.path()).expect("the CA file");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");

    let out = run(
        &job_status(
            "seed-user",
            "seed-job",
            &[
                "--ca-cert",
                ca.as_str(),
                "--base-url",
                &base_url,
                "--partner-id",
                "085",
                "--api-key",
                "my-emulator-key",
            ],
        ),
        &[],
    );
    assert_code(&out, 0);
    assert!(out.stdout.starts_with("PROVISIONAL"), "{}", out.stdout);
    stop(child, "TERM");
}

/// A plain-HTTP request to `base` (`http://127.0.0.1:PORT`), on a
/// connection that is returned unread.
fn send_request(base: &str, method: &str, path: &str, body: &str) -> std::net::TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sent");
    stream
}

/// The JSON body of a plain-HTTP `GET`.
fn get_json(base: &str, path: &str) -> Value {
    let mut stream = send_request(base, "GET", path, "");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answered");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[test]
fn a_second_ctrl_c_stops_the_emulator_at_once() {
    // Every job status answer is held back for a minute.
    let seed = TempFile::new(
        "slow-seed.json",
        br#"{"faults": [{"kind": "latency", "delay_ms": 60000}]}"#,
    );
    let (mut child, lines) = spawn_emulator(&["--seed", seed.as_str()]);
    let base_url = field(&lines, "base URL:").to_owned();
    let origin = base_url.trim_end_matches("/v1").to_owned();
    let _held = send_request(&origin, "POST", "/v1/job_status", "{}");
    // Wait until the request is in flight (its fault has been applied).
    let mut in_flight = false;
    for _ in 0..500 {
        if get_json(&origin, "/admin/faults")["faults"][0]["hits"] == json!(1) {
            in_flight = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(in_flight, "the request never reached the emulator");

    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let interrupt = || {
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    };
    // The first Ctrl-C starts a graceful stop, which would wait for the
    // held request; the second one stops at once.
    interrupt();
    let mut line = String::new();
    stderr.read_line(&mut line).expect("a line on stderr");
    assert!(line.starts_with("stopping the emulator"), "{line}");
    interrupt();
    let status = child.wait().expect("the emulator exits");
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest);
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("stopped at once"), "{rest}");
}

#[test]
fn the_emulator_subcommand_fails_on_a_busy_address_or_a_bad_seed() {
    let busy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("address").to_string();
    let out = run(&["emulator", "--listen", &addr], &[]);
    assert_code(&out, 2);
    assert!(out.stderr.contains(&addr), "{}", out.stderr);

    let seed = TempFile::new("bad-seed.json", b"{not json");
    let out = run(&["emulator", "--seed", seed.as_str()], &[]);
    assert_code(&out, 2);
    assert!(
        out.stderr
            .starts_with("error: could not start the emulator"),
        "{}",
        out.stderr
    );
}

// ----- the API key never appears -----

#[test]
fn the_api_key_is_never_printed() {
    let emulator = TestEmulator::start(Emulator::builder().partner_id("085").api_key(SECRET_KEY));
    emulator.set_fault(FaultSpec::wrong_signature().for_user("u-forged"));
    emulator.set_fault(FaultSpec::http_error(500, "2201", "System error").for_user("u-500"));
    let base = emulator.handle.base_url().to_owned();
    let env = [
        ("SMILE_PARTNER_ID", "085"),
        ("SMILE_API_KEY", SECRET_KEY),
        ("SMILE_BASE_URL", base.as_str()),
    ];
    let signer = Signer::new("085", SECRET_KEY).expect("a signer");
    let callback = callback_body(&signer, SystemTime::now());
    let stale = callback_body(&signer, SystemTime::now() - Duration::from_secs(3600));
    let closed = format!("http://127.0.0.1:{}/v1", closed_port());

    let runs: Vec<Output> = vec![
        run(&job_status("demo-user", "demo-approved", &[]), &env),
        run(
            &job_status(
                "demo-user",
                "demo-approved",
                &["--json", "--history", "--images"],
            ),
            &env,
        ),
        run(&job_status("u-forged", "j", &[]), &env),
        run(&job_status("u-500", "j", &["--retries", "0"]), &env),
        run(
            &job_status(
                "u",
                "j",
                &["--wait", "--timeout", "0.2", "--interval", "0.1"],
            ),
            &env,
        ),
        run(
            &job_status("u", "j", &["--base-url", &closed, "--retries", "0"]),
            &env,
        ),
        run(
            &job_status("u", "j", &["--base-url", "http://example.com/v1"]),
            &env,
        ),
        run(
            &job_status(
                "u",
                "j",
                &[
                    "--api-key",
                    SECRET_KEY,
                    "--partner-id",
                    "085",
                    "--base-url",
                    &base,
                ],
            ),
            &[],
        ),
        run(&job_status("", "j", &[]), &env),
        run(
            &["job-status", "--bogus-flag", "--api-key", SECRET_KEY],
            &[],
        ),
        run(&["job-status", "--help"], &env),
        run(&["--help"], &env),
        run(&["sign"], &env),
        run(&["sign", "--timestamp", "x"], &env),
        run(&["verify", "--timestamp", "x", "--signature", "y"], &env),
        run(
            &[
                "verify",
                "--timestamp",
                "x",
                "--signature",
                "y",
                "--api-key",
                SECRET_KEY,
            ],
            &[("SMILE_PARTNER_ID", "085")],
        ),
        run_stdin(&["verify-callback"], &env, &callback),
        run_stdin(&["verify-callback", "--json"], &env, &callback),
        run_stdin(&["verify-callback"], &env, &stale),
        run_stdin(&["verify-callback"], &env, b"{}"),
    ];
    for (i, out) in runs.iter().enumerate() {
        let all = out.all();
        assert!(
            !all.contains(SECRET_KEY),
            "run {i} printed the API key:\n{all}"
        );
        assert!(
            !all.contains("LEAKCHECK"),
            "run {i} printed part of the API key:\n{all}"
        );
    }
    // The runs did what they should, so the check above means something.
    let codes: Vec<i32> = runs.iter().map(|o| o.code).collect();
    assert_eq!(
        codes,
        [0, 0, 5, 3, 6, 4, 2, 0, 2, 2, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]
    );
}
